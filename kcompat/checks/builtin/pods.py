"""Pod specs and pod templates: core/validation ValidatePodSpec and its helpers."""

from __future__ import annotations

from collections.abc import Iterable

from kcompat.checks.builtin import formats as f
from kcompat.checks.builtin.errors import (
    FieldErrors,
    Key,
    Path,
    absent,
    as_dict,
    as_int,
    as_list,
    as_str,
    render_path,
)
from kcompat.checks.builtin.meta import (
    validate_annotations,
    validate_labels,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

PROTOCOLS = frozenset({"TCP", "UDP", "SCTP"})
PROTOCOL_LIST = ("SCTP", "TCP", "UDP")  # sets.List: sorted
_PULL_POLICIES = ("Always", "IfNotPresent", "Never")
_RESTART_POLICIES = ("Always", "OnFailure", "Never")
_DNS_POLICIES = ("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
_MESSAGE_POLICIES = ("File", "FallbackToLogsOnError")
_PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")
_LIFECYCLE_HANDLERS = ("exec", "httpGet", "tcpSocket", "sleep")
_VOLUME_SOURCES = (
    "emptyDir", "hostPath", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore", "secret", "nfs", "iscsi",
    "glusterfs", "flocker", "persistentVolumeClaim", "rbd", "cinder", "cephfs", "quobyte", "downwardAPI", "fc",
    "flexVolume", "configMap", "azureFile", "vsphereVolume", "photonPersistentDisk", "portworxVolume",
    "azureDisk", "storageos", "projected", "scaleIO", "csi", "ephemeral", "image")
_TOLERATION_EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
_PROBE_COUNTS = frozenset({"initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold",
                           "failureThreshold"})
_ENV_SOURCES = ("fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef")


def port_num_or_name(errors: FieldErrors, value: Any, path: Path) -> None:
    """core/validation ValidatePortNumOrName: an IntOrString port, 1..65535 or an IANA_SVC_NAME."""
    number = as_int(value)
    if number is not None:
        errors.invalid_each(path, number, f.is_valid_port_num(number))
    elif isinstance(value, str):
        errors.invalid_each(path, value, f.is_valid_port_name(value))


def _handler(errors: FieldErrors, handler: dict[str, Any], kinds: tuple[str, ...], path: Path) -> None:
    """core/validation validateHandler: exactly one handler type, then that handler's own fields."""
    count = 0
    for kind in kinds:
        action = handler.get(kind)
        if action is None:
            continue
        if count:
            errors.forbidden((*path, kind), "may not specify more than 1 handler type")
            continue
        count += 1
        action = as_dict(action)
        if action is None:
            continue
        if kind == "exec":
            if absent(action.get("command")):
                errors.required((*path, "exec", "command"))
        elif kind in ("httpGet", "tcpSocket"):
            if "port" in action:
                port_num_or_name(errors, action["port"], (*path, kind, "port"))
            else:
                errors.invalid_each((*path, kind, "port"), 0, f.is_valid_port_num(0))
            scheme = as_str(action.get("scheme")) if kind == "httpGet" else None
            if scheme and scheme not in ("HTTP", "HTTPS"):
                errors.unsupported((*path, kind, "scheme"), scheme, ("HTTP", "HTTPS"))
        elif kind == "grpc":
            port = as_int(action.get("port"))
            if port is not None:
                errors.invalid_each((*path, "grpc", "port"), port, f.is_valid_port_num(port))
    if count == 0:
        errors.required(path, "must specify a handler type")


def _probe(errors: FieldErrors, probe: Any, path: Path, success_must_be_one: bool) -> None:
    """core/validation validateProbe, validateLivenessProbe/validateStartupProbe (successThreshold 1)."""
    probe = as_dict(probe)
    if probe is None:
        return
    _handler(errors, probe, _PROBE_HANDLERS, path)
    for key, value in probe.items():
        if key in _PROBE_COUNTS and isinstance(value, int) and value < 0:
            errors.invalid((*path, key), value, "must be greater than or equal to 0")
    success = as_int(probe.get("successThreshold"))
    if success_must_be_one and success is not None and success != 1:
        errors.invalid((*path, "successThreshold"), success, "must be 1")


def _lifecycle(errors: FieldErrors, lifecycle: Any, path: Path) -> None:
    lifecycle = as_dict(lifecycle)
    if lifecycle is None:
        return
    for hook in ("postStart", "preStop"):
        handler = as_dict(lifecycle.get(hook))
        if handler is not None:
            _handler(errors, handler, _LIFECYCLE_HANDLERS, (*path, hook))


PortRecord = tuple[Path, str, int, str]
"""Where a container port is, its containerPort/protocol, hostPort and hostIP."""


def _handlers(errors: FieldErrors, container: dict[str, Any], path: Path) -> None:
    """A container's lifecycle hooks and probes (validateContainers; sidecar init containers)."""
    if "lifecycle" in container:
        _lifecycle(errors, container["lifecycle"], (*path, "lifecycle"))
    for key, success_must_be_one in _PROBES:
        if key in container:
            _probe(errors, container[key], (*path, key), success_must_be_one)


_PROBES = (("livenessProbe", True), ("readinessProbe", False), ("startupProbe", True))


def _container_ports(errors: FieldErrors, ports: Any, path: Path, found: list[PortRecord]) -> None:
    """core/validation validateContainerPorts; records each port for the pod-wide checks."""
    if not isinstance(ports, list):
        return
    names: set[str] = set()
    for index, port in enumerate(ports):
        if not isinstance(port, dict):
            continue
        at = (*path, index)
        name = as_str(port.get("name"))
        if name:
            problems = f.is_valid_port_name(name)
            if problems:
                errors.invalid_each((*at, "name"), name, problems)
            elif name in names:
                errors.duplicate((*at, "name"), name)
            else:
                names.add(name)
        container_port = port.get("containerPort")
        number = as_int(container_port)
        if container_port is None or number == 0:
            errors.required((*at, "containerPort"))
        elif number is not None:
            errors.invalid_each((*at, "containerPort"), number, f.is_valid_port_num(number))
        host_port = as_int(port.get("hostPort"))
        if host_port:
            errors.invalid_each((*at, "hostPort"), host_port, f.is_valid_port_num(host_port))
        protocol = check_protocol(errors, (*at, "protocol"), port.get("protocol"))
        if number is not None:
            found.append((at, f"{number}/{protocol or 'TCP'}", host_port or 0, as_str(port.get("hostIP")) or ""))


def check_protocol(errors: FieldErrors, path: Path, value: object,
                   supported: tuple[str, ...] = PROTOCOL_LIST) -> str | None:
    """A port's protocol: one of TCP, UDP, SCTP (case-sensitive). A number or boolean is not a
    protocol either: the server answers `protocol: 22` with `Unsupported value: 22` (next to the
    schema's type error). Returns the protocol when it is a string."""
    if isinstance(value, bool | int | float):
        errors.unsupported(path, value, supported)
        return None
    protocol = as_str(value)
    if protocol and protocol not in PROTOCOLS:
        errors.unsupported(path, protocol, supported)
    return protocol


_RELAXED_ENV_NAMES = 32
"""RelaxedEnvironmentVariableValidation: alpha in 1.30, on by default from 1.32 (beta), GA in 1.34."""


def _env(errors: FieldErrors, env: Any, path: Path) -> None:
    """core/validation ValidateEnv and validateEnvVarValueFrom. Names follow IsEnvVarName before
    1.32 and IsRelaxedEnvVarName from 1.32 (and when the target is not known)."""
    relaxed = errors.minor is None or errors.minor >= _RELAXED_ENV_NAMES
    for index, item in enumerate(as_list(env) or ()):
        item = as_dict(item)
        if item is None:
            continue
        name = item.get("name")
        if absent(name):
            errors.required((*path, index, "name"))
        elif isinstance(name, str):
            problems = f.is_relaxed_env_var_name(name) if relaxed else f.is_env_var_name(name)
            if problems:
                errors.invalid_each((*path, index, "name"), name, problems)
        value_from = as_dict(item.get("valueFrom"))
        if value_from is None:
            continue
        at = (*path, index, "valueFrom")
        sources = sum(1 for key in _ENV_SOURCES if value_from.get(key) is not None)
        if sources == 0:
            errors.invalid(at, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or "
                           "`secretKeyRef`")
        elif isinstance(item.get("value"), str) and item["value"]:
            errors.invalid(at, "", "may not be specified when `value` is not empty")
        elif sources > 1:
            errors.invalid(at, "", "may not have more than one field specified at a time")


def _volume_mounts(errors: FieldErrors, mounts: Any, volumes: set[str], path: Path) -> None:
    """core/validation ValidateVolumeMounts: the name refers to a valid volume; unique mountPath."""
    seen: set[str] = set()
    for index, mount in enumerate(as_list(mounts) or ()):
        mount = as_dict(mount)
        if mount is None:
            continue
        name = mount.get("name")
        if name is None or name == "":
            errors.required((*path, index, "name"))
        if isinstance(name, str) and name not in volumes:
            errors.not_found((*path, index, "name"), name)
        mount_path = mount.get("mountPath")
        if mount_path is None or mount_path == "":
            errors.required((*path, index, "mountPath"))
        elif isinstance(mount_path, str):
            if mount_path in seen:
                errors.invalid((*path, index, "mountPath"), mount_path, "must be unique")
            seen.add(mount_path)


def _overcommit_allowed(name: str) -> bool:
    """helper.IsOvercommitAllowed: native resources except hugepages may request less than the limit."""
    native = "/" not in name or "kubernetes.io/" in name
    return native and not name.startswith("hugepages-")


def _resources(errors: FieldErrors, resources: Any, path: Path) -> None:
    """core/validation ValidateContainerResourceRequirements: requests not above limits (equal for
    extended resources and hugepages), quantities not negative."""
    resources = as_dict(resources)
    if resources is None:
        return
    limits = as_dict(resources.get("limits")) or {}
    requests = as_dict(resources.get("requests")) or {}
    for group, values in (("limits", limits), ("requests", requests)):
        for name, raw in values.items():
            if isinstance(raw, str) and not raw.lstrip().startswith("-"):
                continue  # the common case: nothing can be negative
            quantity = f.quantity_of(raw)
            if quantity is not None and quantity.negative:
                errors.invalid((*path, group, Key(name)), quantity.text(), "must be greater than or equal to 0")
    for name, raw in requests.items():
        if name not in limits or raw == limits[name]:
            continue
        limit_raw = limits[name]
        if not isinstance(raw, (str, int, float)) or not isinstance(limit_raw, (str, int, float)):
            continue
        order = f.compare_quantities(raw, limit_raw)
        if not order:
            continue
        request, limit = f.quantity_of(raw), f.quantity_of(limit_raw)
        if request is None or limit is None:
            continue
        if not _overcommit_allowed(str(name)):
            errors.invalid((*path, "requests"), request.text(), f"must be equal to {name} limit of {limit.text()}",
                           (*path, "requests", name))
        elif order > 0:
            errors.invalid((*path, "requests"), request.text(),
                           f"must be less than or equal to {name} limit of {limit.text()}", (*path, "requests", name))


_GOOD_NAMES: set[str] = set()
"""Container names already found valid (the same few names recur across objects)."""


def _container_common(errors: FieldErrors, container: dict[str, Any], volumes: set[str], path: Path,
                      found: list[PortRecord]) -> None:
    """core/validation validateContainerCommon."""
    name = container.get("name")
    if name is None or name == "":
        errors.required((*path, "name"))
    elif isinstance(name, str) and name not in _GOOD_NAMES:
        problems = f.is_dns1123_label(name)
        if problems:
            errors.invalid_each((*path, "name"), name, problems)
        elif len(_GOOD_NAMES) < 4096:
            _GOOD_NAMES.add(name)
    if absent(container.get("image")):
        errors.required((*path, "image"))
    policy = as_str(container.get("terminationMessagePolicy"))
    if policy and policy not in _MESSAGE_POLICIES:
        errors.unsupported((*path, "terminationMessagePolicy"), policy, _MESSAGE_POLICIES)
    if "ports" in container:
        _container_ports(errors, container["ports"], (*path, "ports"), found)
    if "env" in container:
        _env(errors, container["env"], (*path, "env"))
    if "volumeMounts" in container:
        _volume_mounts(errors, container["volumeMounts"], volumes, (*path, "volumeMounts"))
    pull = as_str(container.get("imagePullPolicy"))
    if pull and pull not in _PULL_POLICIES:
        errors.unsupported((*path, "imagePullPolicy"), pull, _PULL_POLICIES)
    if "resources" in container:
        _resources(errors, container["resources"], (*path, "resources"))


def _volumes(errors: FieldErrors, volumes: Any, path: Path) -> set[str]:
    """core/validation ValidateVolumes: DNS-1123 label names, unique, one volume type each.
    Returns the names of the volumes that validated (only those can be mounted)."""
    valid: set[str] = set()
    for index, volume in enumerate(as_list(volumes) or ()):
        volume = as_dict(volume)
        if volume is None:
            continue
        before = len(errors.items)
        sources = 0
        if len(volume) > 2:
            for source in _VOLUME_SOURCES:  # upstream order decides which one is reported
                if volume.get(source) is not None:
                    if sources:
                        errors.forbidden((*path, index, source), "may not specify more than 1 volume type")
                    sources += 1
        name = volume.get("name")
        if name is None or name == "":
            errors.required((*path, index, "name"))
        elif isinstance(name, str):
            errors.invalid_each((*path, index, "name"), name, f.is_dns1123_label(name))
            if name in valid:
                errors.duplicate((*path, index, "name"), name)
            if len(errors.items) == before:
                valid.add(name)
    return valid


def _tolerations(errors: FieldErrors, tolerations: Any, path: Path) -> None:
    """core/validation ValidateTolerations."""
    for index, toleration in enumerate(as_list(tolerations) or ()):
        toleration = as_dict(toleration)
        if toleration is None:
            continue
        at = (*path, index)
        key = as_str(toleration.get("key")) or ""
        operator = as_str(toleration.get("operator")) or ""
        value = as_str(toleration.get("value")) or ""
        effect = as_str(toleration.get("effect")) or ""
        if key:
            errors.invalid_each((*at, "key"), key, f.is_qualified_name(key))
        if not key and operator != "Exists":
            errors.invalid((*at, "operator"), operator,
                           'operator must be Exists when `key` is empty, which means "match all values and all keys"')
        if toleration.get("tolerationSeconds") is not None and effect != "NoExecute":
            errors.invalid((*at, "effect"), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set")
        if operator in ("Equal", ""):
            problems = f.is_label_value(value)
            if problems:
                errors.invalid((*at, "operator"), value, ";".join(problems))
        elif operator == "Exists":
            if value:
                errors.invalid((*at, "operator"), value, "value must be empty when `operator` is 'Exists'")
        else:
            errors.unsupported((*at, "operator"), operator, ("Equal", "Exists"))
        if effect and effect not in _TOLERATION_EFFECTS:
            errors.unsupported((*at, "effect"), effect, _TOLERATION_EFFECTS)


def validate_pod_spec(errors: FieldErrors, spec: Any, path: Path, extra_volumes: Iterable[str] = ()) -> None:
    """core/validation ValidatePodSpec (validateContainers, validateInitContainers,
    validateRestartPolicy, validateDNSPolicy, checkHostPortConflicts...) for a Pod or a template."""
    spec = as_dict(spec)
    if spec is None:
        errors.required((*path, "containers"))
        return
    volumes = _volumes(errors, spec.get("volumes"), (*path, "volumes"))
    volumes.update(extra_volumes)
    containers = spec.get("containers")
    names: set[str] = set()
    ports: list[PortRecord] = []
    container_list = as_list(containers)
    if containers is None or container_list == []:
        errors.required((*path, "containers"))
    for index, container in enumerate(container_list or ()):
        container = as_dict(container)
        if container is None:
            continue
        at = (*path, "containers", index)
        _container_common(errors, container, volumes, at, ports)
        name = container.get("name")
        if isinstance(name, str):
            if name in names:
                errors.duplicate((*at, "name"), name)
            names.add(name)
        _handlers(errors, container, at)
    _host_ports(errors, ports)
    init_ports: list[PortRecord] = []
    init_list = as_list(spec.get("initContainers"))
    for index, container in enumerate(init_list or ()):
        container = as_dict(container)
        if container is None:
            continue
        at = (*path, "initContainers", index)
        mark = len(init_ports)
        _container_common(errors, container, volumes, at, init_ports)
        restart = as_str(container.get("restartPolicy"))
        if restart and restart != "Always":
            errors.unsupported((*at, "restartPolicy"), restart, ("Always",))
        name = container.get("name")
        if isinstance(name, str):
            if name in names:
                errors.duplicate((*at, "name"), name)
            elif name:
                names.add(name)
        _host_ports(errors, init_ports[mark:])
        if restart == "Always":
            _handlers(errors, container, at)
        else:
            for key in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if container.get(key) is not None:
                    errors.forbidden((*at, key), "may not be set for init containers without restartPolicy=Always")
    restart_policy = as_str(spec.get("restartPolicy"))
    if restart_policy and restart_policy not in _RESTART_POLICIES:
        errors.unsupported((*path, "restartPolicy"), restart_policy, _RESTART_POLICIES)
    dns_policy = as_str(spec.get("dnsPolicy"))
    if dns_policy and dns_policy not in _DNS_POLICIES:
        errors.unsupported((*path, "dnsPolicy"), dns_policy, _DNS_POLICIES)
    if "nodeSelector" in spec:
        validate_labels(errors, spec["nodeSelector"], (*path, "nodeSelector"))
    account = as_str(spec.get("serviceAccountName"))
    if account:
        errors.invalid_each((*path, "serviceAccountName"), account, f.is_dns1123_subdomain(account))
    for key in ("hostname", "subdomain"):
        value = as_str(spec.get(key))
        if value:
            errors.invalid_each((*path, key), value, f.is_dns1123_label(value))
    deadline = as_int(spec.get("activeDeadlineSeconds"))
    if deadline is not None and not 1 <= deadline <= 2147483647:
        errors.invalid((*path, "activeDeadlineSeconds"), deadline, f.range_error(1, 2147483647))
    if "tolerations" in spec:
        _tolerations(errors, spec["tolerations"], (*path, "tolerations"))
    if len(ports) + len(init_ports) > 1:
        _port_warnings(errors, init_ports + ports)


def _host_ports(errors: FieldErrors, ports: list[PortRecord]) -> None:
    """core/validation AccumulateUniqueHostPorts: a protocol/hostIP/hostPort used once per pod
    (per init container for init containers, which run one by one)."""
    seen: set[str] = set()
    for at, key, host_port, host_ip in ports:
        if not host_port:
            continue
        unique = f"{key.partition('/')[2]}/{host_ip}/{host_port}"
        if unique in seen:
            errors.duplicate((*at, "hostPort"), unique)
        seen.add(unique)


def _port_warnings(errors: FieldErrors, ports: list[PortRecord]) -> None:
    """pkg/api/pod/warnings.go: the same containerPort/protocol twice in a pod is accepted with
    a warning ("duplicate port definition with ..."); init containers are visited first."""
    seen: dict[str, list[PortRecord]] = {}
    for record in ports:
        here, key, host_port, host_ip = record
        for other, _, other_port, other_ip in seen.get(key, ()):
            if (host_port, host_ip) == (other_port, other_ip):
                errors.warning(here, f"duplicate port definition with {render_path(other)}")
            elif host_port == 0 or other_port == 0:
                errors.warning(here, f"overlapping port definition with {render_path(other)}")
        seen.setdefault(key, []).append(record)


def validate_template_meta(errors: FieldErrors, template: dict[str, Any], path: Path) -> None:
    """core/validation ValidatePodTemplateSpec: template labels and annotations, reported by the
    server at `<template>.labels` (no `metadata`)."""
    meta = as_dict(template.get("metadata"))
    if meta is None:
        return
    if "labels" in meta:
        validate_labels(errors, meta["labels"], (*path, "labels"), (*path, "metadata", "labels"))
    if "annotations" in meta:
        validate_annotations(errors, meta["annotations"], (*path, "annotations"), (*path, "metadata", "annotations"))


def validate_pod_template(errors: FieldErrors, template: Any, path: Path, restart: tuple[str, ...],
                  extra_volumes: Iterable[str] = ()) -> None:
    """A template's metadata and pod spec, and the restartPolicy its controller allows
    (apps: Always; batch: OnFailure or Never). The server defaults restartPolicy to Always first."""
    template = as_dict(template)
    if template is None:
        errors.required((*path, "spec", "containers"))
        return
    validate_template_meta(errors, template, path)
    spec = template.get("spec")
    validate_pod_spec(errors, spec, (*path, "spec"), extra_volumes)
    spec = as_dict(spec) or {}
    restart_policy = spec.get("restartPolicy")
    effective = restart_policy if isinstance(restart_policy, str) and restart_policy else "Always"
    if not isinstance(restart_policy, (str, type(None))):
        return
    at = (*path, "spec", "restartPolicy") if restart_policy is not None else (*path, "spec")
    if restart is RUN_TO_COMPLETION and effective == "Always":
        # batch validateJobSpec: the defaulted Always (or an explicit one) is reported as missing
        errors.required((*path, "spec", "restartPolicy"), 'valid values: "OnFailure", "Never"', at)
    elif effective not in restart:
        errors.unsupported((*path, "spec", "restartPolicy"), effective, restart, at)


ALWAYS = ("Always",)
RUN_TO_COMPLETION = ("OnFailure", "Never")
