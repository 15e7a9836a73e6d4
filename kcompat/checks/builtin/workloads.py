"""Pods and the controllers that template them: apps, batch and ReplicationController."""

from __future__ import annotations

from collections.abc import Callable

from kcompat.checks.builtin import formats as f
from kcompat.checks.builtin.errors import (
    FieldErrors,
    Path,
    Raw,
    as_dict,
    as_int,
    as_list,
    as_str,
    go_map,
    go_selector,
    int_or_string,
    nonnegative,
)
from kcompat.checks.builtin.meta import (
    selector_and_template,
    selector_matches,
    validate_labels,
    validate_selector,
)
from kcompat.checks.builtin.pods import (
    ALWAYS,
    RUN_TO_COMPLETION,
    validate_pod_spec,
    validate_pod_template,
    validate_template_meta,
)
from kcompat.sources.resources import Resource

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def check_pod(errors: FieldErrors, resource: Resource) -> None:
    """core/validation ValidatePodCreate -> validatePodMetadataAndSpec, ValidatePodSpec."""
    validate_pod_spec(errors, resource.obj.get("spec"), ("spec",))


def _replicas(errors: FieldErrors, spec: dict[str, Any]) -> None:
    nonnegative(errors, spec, "replicas", ("spec",))


def check_controller(empty_message: str, selector_versions: frozenset[str]) -> Callable[[FieldErrors, Resource], None]:
    def check(errors: FieldErrors, resource: Resource) -> None:
        spec = as_dict(resource.obj.get("spec")) or {}
        _replicas(errors, spec)
        nonnegative(errors, spec, "minReadySeconds", ("spec",))
        selector_and_template(errors, spec, resource.api_version in selector_versions, empty_message)
        template = spec.get("template")
        if resource.kind == "StatefulSet":
            _stateful_set_template(errors, spec)
        else:
            validate_pod_template(errors, template, ("spec", "template"), ALWAYS)
        deadline_owner = {"Deployment": "ReplicaSet"}.get(resource.kind, resource.kind)
        if (as_dict((as_dict(template) or {}).get("spec")) or {}).get("activeDeadlineSeconds") is not None:
            errors.forbidden(("spec", "template", "spec", "activeDeadlineSeconds"),
                             f"activeDeadlineSeconds in {deadline_owner} is not Supported")
        if resource.kind == "Deployment":
            _deployment_strategy(errors, spec)
        if resource.kind == "StatefulSet":
            policy = as_str(spec.get("podManagementPolicy"))
            if policy and policy not in ("OrderedReady", "Parallel"):
                errors.invalid(("spec", "podManagementPolicy"), policy, "must be 'OrderedReady' or 'Parallel'")
            strategy = as_str((as_dict(spec.get("updateStrategy")) or {}).get("type"))
            if strategy and strategy not in ("RollingUpdate", "OnDelete"):
                errors.invalid(("spec", "updateStrategy"), Raw("apps.StatefulSetUpdateStrategy{...}"),
                               "must be 'RollingUpdate' or 'OnDelete'", ("spec", "updateStrategy", "type"))
    return check


_AT_POD_CREATION = " (the API server accepts the StatefulSet; its controller's Pod creation fails with this)"


def _stateful_set_template(errors: FieldErrors, spec: dict[str, Any]) -> None:
    """apps/validation ValidatePodTemplateSpecForStatefulSet checks the template's labels and
    annotations and its restartPolicy, not its pod spec (upstream leaves that for later): the pod spec's errors
    surface when the controller creates the Pods, which the API server then rejects. They are
    reported here with the Pod's volumes from volumeClaimTemplates, and marked as such."""
    claims: list[str] = []
    for claim in as_list(spec.get("volumeClaimTemplates")) or ():
        name = (as_dict((as_dict(claim) or {}).get("metadata")) or {}).get("name")
        if isinstance(name, str):
            claims.append(name)  # the controller adds these as volumes of each pod
    template = as_dict(spec.get("template"))
    if template is None:
        errors.required(("spec", "template", "spec", "containers"))
        return
    validate_template_meta(errors, template, ("spec", "template"))
    pod_errors = FieldErrors()
    validate_pod_spec(pod_errors, template.get("spec"), ("spec", "template", "spec"), claims)
    for rule, path, body, at in pod_errors.items:
        errors.items.append((rule, path, body + _AT_POD_CREATION, at))
    restart = (as_dict(template.get("spec")) or {}).get("restartPolicy")
    if isinstance(restart, str) and restart and restart != "Always":
        errors.unsupported(("spec", "template", "spec", "restartPolicy"), restart, ALWAYS)


def _deployment_strategy(errors: FieldErrors, spec: dict[str, Any]) -> None:
    """apps/validation ValidateDeploymentStrategy and ValidateDeploymentSpec's deadline rule."""
    strategy = as_dict(spec.get("strategy"))
    if strategy is not None:
        kind = as_str(strategy.get("type"))
        if kind and kind not in ("Recreate", "RollingUpdate"):
            errors.unsupported(("spec", "strategy"), Raw(f'apps.DeploymentStrategy{{Type:"{kind}", RollingUpdate:'
                                                         f'(*apps.RollingUpdateDeployment)(nil)}}'),
                               ("Recreate", "RollingUpdate"), ("spec", "strategy", "type"))
        if kind == "Recreate" and strategy.get("rollingUpdate") is not None:
            errors.forbidden(("spec", "strategy", "rollingUpdate"),
                             "may not be specified when strategy `type` is 'Recreate'")
        rolling = as_dict(strategy.get("rollingUpdate"))
        if (rolling is not None and kind != "Recreate" and _zero_int_or_percent(rolling.get("maxUnavailable"))
                and _zero_int_or_percent(rolling.get("maxSurge"))):
            errors.invalid(("spec", "strategy", "rollingUpdate", "maxUnavailable"),
                           int_or_string(rolling["maxUnavailable"]), "may not be 0 when `maxSurge` is 0")
    deadline = as_int(spec.get("progressDeadlineSeconds"))
    ready = as_int(spec.get("minReadySeconds")) or 0
    if deadline is not None and deadline <= ready:
        errors.invalid(("spec", "progressDeadlineSeconds"), deadline, "must be greater than minReadySeconds")


def _zero_int_or_percent(value: Any) -> bool:
    return value == 0 or value == "0%" if not isinstance(value, bool) else False


def check_replication_controller(errors: FieldErrors, resource: Resource) -> None:
    """core/validation ValidateReplicationControllerSpec, ValidatePodTemplateSpecForRC. An empty
    selector is defaulted from the template labels."""
    spec = as_dict(resource.obj.get("spec")) or {}
    _replicas(errors, spec)
    template = as_dict(spec.get("template"))
    selector = as_dict(spec.get("selector"))
    labels = as_dict((as_dict((template or {}).get("metadata")) or {}).get("labels"))
    if not selector and not labels:
        errors.required(("spec", "selector"))
    if selector:
        validate_labels(errors, selector, ("spec", "selector"))
        if template is not None and selector_matches({"matchLabels": selector}, labels or {}) is False:
            errors.invalid(("spec", "template", "metadata", "labels"), go_map(labels),
                           "`selector` does not match template `labels`",
                           ("spec", "template", "metadata", "labels") if labels is not None else ("spec", "template"))
    validate_pod_template(errors, spec.get("template"), ("spec", "template"), ALWAYS)


def _job_spec(errors: FieldErrors, spec: dict[str, Any], base: Path) -> None:
    """batch/validation validateJobSpec: counts not negative, restartPolicy OnFailure or Never,
    a given selector matching the template labels (the server merges its generated one)."""
    for key in ("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished"):
        nonnegative(errors, spec, key, base)
    selector = as_dict(spec.get("selector"))
    template = as_dict(spec.get("template"))
    if selector is None and spec.get("manualSelector") is True:
        errors.required((*base, "selector"))
    if selector is not None and validate_selector(errors, selector, (*base, "selector")) and template is not None:
        labels = as_dict((as_dict(template.get("metadata")) or {}).get("labels"))
        if selector_matches(selector, labels or {}) is False:
            errors.invalid((*base, "template", "metadata", "labels"), go_map(labels),
                           "`selector` does not match template `labels`")
    validate_pod_template(errors, spec.get("template"), (*base, "template"), RUN_TO_COMPLETION)


def check_job(errors: FieldErrors, resource: Resource) -> None:
    """batch/validation ValidateJob. The server adds the labels `job-name` and
    `batch.kubernetes.io/job-name` (the Job's name) to the template before validating it
    (job strategy generateSelector), so a name longer than 63 characters fails as a label value."""
    name = (as_dict(resource.obj.get("metadata")) or {}).get("name")
    if isinstance(name, str):
        for problem in f.is_label_value(name):  # once per label; the server shows the message once
            errors.invalid(("spec", "template", "labels"), name, problem, ("metadata", "name"))
    _job_spec(errors, as_dict(resource.obj.get("spec")) or {}, ("spec",))


def check_cron_job(errors: FieldErrors, resource: Resource) -> None:
    """batch/validation ValidateCronJobCreate, validateCronJobSpec, validateScheduleFormat
    (robfig/cron ParseStandard), validateTimeZone, ValidateJobTemplateSpec."""
    name = (as_dict(resource.obj.get("metadata")) or {}).get("name")
    if isinstance(name, str) and len(name) > 52:
        errors.invalid(("metadata", "name"), name, "must be no more than 52 characters")
    spec = as_dict(resource.obj.get("spec")) or {}
    schedule = spec.get("schedule")
    if schedule is None or schedule == "":
        errors.required(("spec", "schedule"))
    elif isinstance(schedule, str):
        problem = f.cron_schedule_error(schedule)
        if problem:
            errors.invalid(("spec", "schedule"), schedule, problem)
        if "TZ" in schedule:
            errors.invalid(("spec", "schedule"), schedule,
                           "cannot use TZ or CRON_TZ in schedule, use timeZone field instead")
    zone = spec.get("timeZone")
    if isinstance(zone, str):
        if not zone:
            errors.invalid(("spec", "timeZone"), zone, "timeZone must be nil or non-empty string")
        else:
            problem = f.time_zone_error(zone)
            if zone.lower() == "local":
                errors.invalid(("spec", "timeZone"), zone,
                               "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones")
            elif problem:
                errors.invalid(("spec", "timeZone"), zone, problem)
    policy = as_str(spec.get("concurrencyPolicy"))
    if policy and policy not in ("Allow", "Forbid", "Replace"):
        errors.unsupported(("spec", "concurrencyPolicy"), policy, ("Allow", "Forbid", "Replace"))
    for key in ("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        nonnegative(errors, spec, key, ("spec",))
    job_template = as_dict(spec.get("jobTemplate"))
    if job_template is None:
        errors.required(("spec", "jobTemplate", "spec", "template", "spec", "containers"))
        return
    job_spec = as_dict(job_template.get("spec")) or {}
    base = ("spec", "jobTemplate", "spec")
    if job_spec.get("selector") is not None:
        errors.invalid((*base, "selector"), go_selector(job_spec["selector"]), "`selector` will be auto-generated")
        job_spec = {key: value for key, value in job_spec.items() if key != "selector"}
    if job_spec.get("manualSelector") is True:
        errors.unsupported((*base, "manualSelector"), True, ("nil", "false"))
    _job_spec(errors, job_spec, base)
