"""Built-in validation the API server applies that OpenAPI schemas do not carry.

`check_builtin(resource, context)` reports, for the built-in kinds people write by hand, the
errors a `kubectl apply` would get back from the server's validation functions: names and label
syntax, container and port rules, selectors that do not match their template, Service port
rules, Ingress paths, CronJob schedules... Each finding carries `details.field` (the server's
field path), `details.errorType` (the upstream field.ErrorType) and a message worded as the
server words it, at the line of the offending field.

Rule ids (all errors unless noted), mapped from upstream field.ErrorType:

==================  =================================  =============================================
rule                upstream                           meaning
==================  =================================  =============================================
invalid-value       field.Invalid, field.TooLong       a value of the wrong syntax or out of range
required-value      field.Required                     a field the server requires is missing/empty
duplicate-value     field.Duplicate                    a name or port given twice where unique
unsupported-value   field.NotSupported                 a value outside an enum
not-found           field.NotFound                     a reference to a name not declared (volumes)
forbidden-value     field.Forbidden                    a field not allowed in this combination
server-warning      pkg/api/pod/warnings.go (WARNING)  accepted, but the server answers with a warning
==================  =================================  =============================================

Where each rule is enforced upstream is in the docstring of the function that checks it and in
docs/builtin-validation.md. The server applies defaults before validating (protocol TCP,
restartPolicy Always, Service type ClusterIP...), so an absent field is checked as its default.
Values of the wrong type are left alone: the schema check reports those.
"""

from __future__ import annotations

from collections.abc import Callable

from kcompat.checks.builtin import config, networking, rbac, scaling, workloads
from kcompat.checks.builtin import formats as f
from kcompat.checks.builtin.errors import RULES, FieldErrors
from kcompat.checks.builtin.meta import validate_object_meta
from kcompat.checks.context import CheckContext
from kcompat.core.model import Finding
from kcompat.core.rules import REQUIRED_VALUE
from kcompat.sources.resources import Resource

__all__ = ["RULES", "check_builtin", "check_server_validation"]


def _meta_only(errors: FieldErrors, resource: Resource) -> None:
    return None


Validator = Callable[[FieldErrors, Resource], None]
_APPS_SELECTOR = frozenset({"apps/v1", "apps/v1beta2"})
_KINDS: dict[tuple[str, str], tuple[f.NameCheck, bool, Validator]] = {
    ("", "Namespace"): (f.name_is_dns_label, False, _meta_only),
    ("", "Pod"): (f.name_is_dns_subdomain, True, workloads.check_pod),
    ("", "Service"): (f.name_is_dns1035_label, True, networking.check_service),
    ("", "ConfigMap"): (f.name_is_dns_subdomain, True, config.check_config_map),
    ("", "Secret"): (f.name_is_dns_subdomain, True, config.check_secret),
    ("", "ServiceAccount"): (f.name_is_dns_subdomain, True, _meta_only),
    ("", "PersistentVolumeClaim"): (f.name_is_dns_subdomain, True, config.check_pvc),
    ("", "ReplicationController"): (f.name_is_dns_subdomain, True, workloads.check_replication_controller),
    ("apps", "Deployment"): (f.name_is_dns_subdomain, True,
                             workloads.check_controller("empty selector is invalid for deployment", _APPS_SELECTOR)),
    ("apps", "ReplicaSet"): (f.name_is_dns_subdomain, True,
                             workloads.check_controller("empty selector is invalid for deployment", _APPS_SELECTOR)),
    ("apps", "DaemonSet"): (f.name_is_dns_subdomain, True,
                            workloads.check_controller("empty selector is invalid for daemonset", _APPS_SELECTOR)),
    ("apps", "StatefulSet"): (f.name_is_dns_label, True,
                              workloads.check_controller("empty selector is invalid for statefulset", _APPS_SELECTOR)),
    ("batch", "Job"): (f.name_is_dns_subdomain, True, workloads.check_job),
    ("batch", "CronJob"): (f.name_is_dns_subdomain, True, workloads.check_cron_job),
    ("networking.k8s.io", "Ingress"): (f.name_is_dns_subdomain, True, networking.check_ingress),
    ("networking.k8s.io", "NetworkPolicy"): (f.name_is_dns_subdomain, True, networking.check_network_policy),
    ("autoscaling", "HorizontalPodAutoscaler"): (f.name_is_dns_subdomain, True, scaling.check_hpa),
    ("policy", "PodDisruptionBudget"): (f.name_is_dns_subdomain, True, scaling.check_pdb),
    ("rbac.authorization.k8s.io", "Role"): (f.name_is_path_segment, True, _meta_only),
    ("rbac.authorization.k8s.io", "ClusterRole"): (f.name_is_path_segment, False, _meta_only),
    ("rbac.authorization.k8s.io", "RoleBinding"): (f.name_is_path_segment, True, rbac.check_role_binding),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): (f.name_is_path_segment, False, rbac.check_role_binding),
}
# Removed API versions of the same kinds: the same rules (they are reported as removed too).
for _kind in ("Deployment", "ReplicaSet", "DaemonSet", "NetworkPolicy", "Ingress"):
    _group = "networking.k8s.io" if _kind in ("NetworkPolicy", "Ingress") else "apps"
    _KINDS[("extensions", _kind)] = _KINDS[(_group, _kind)]


def check_server_validation(resource: Resource, context: CheckContext) -> list[Finding]:
    """check_builtin as a check of the run: part of validation (off with --skip-schema), and not for an API
    the target does not serve (removed-api/not-yet-served already reject it, as for schemas)."""
    if context.schema is None:
        return []
    api = context.catalog.lookup(resource.api_version, resource.kind)
    if api is None or not api.served_in(context.target):
        return []
    return check_builtin(resource, context)


def check_builtin(resource: Resource, context: CheckContext) -> list[Finding]:
    """Findings for the server-side validation of a built-in object; [] for kinds not covered."""
    rule = _KINDS.get((resource.group, resource.kind))
    if rule is None:
        return []
    name_check, namespaced, validate = rule
    errors = FieldErrors(context.target.minor if context is not None and context.target is not None else None)
    validate_object_meta(errors, resource.obj, name_check, namespaced)
    validate(errors, resource)
    if not errors.items:
        return []
    if resource.partial:
        # a patch sets only the fields it changes: a missing value is not an error there
        return [f for f in errors.findings(resource) if f.rule != REQUIRED_VALUE]
    if resource.filled:
        return [f for f in errors.findings(resource) if not _filled_by_kustomize(f, resource)]
    return errors.findings(resource)


def _filled_by_kustomize(finding: Finding, resource: Resource) -> bool:
    """A missing value a kustomization's transformers set, or a selector they will make match."""
    field = str(finding.details.get("field", ""))
    if finding.rule == REQUIRED_VALUE and resource.fills(field):
        return True
    return "`selector` does not match template `labels`" in finding.message and resource.fills("spec.selector")
