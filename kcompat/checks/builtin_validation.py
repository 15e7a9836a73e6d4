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

import ipaddress
import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from kcompat.checks import builtin_formats as f
from kcompat.checks.context import CheckContext
from kcompat.model import Finding, Severity
from kcompat.resources import Resource

RULES: dict[str, Severity] = {
    "invalid-value": Severity.ERROR,
    "required-value": Severity.ERROR,
    "duplicate-value": Severity.ERROR,
    "unsupported-value": Severity.ERROR,
    "not-found": Severity.ERROR,
    "forbidden-value": Severity.ERROR,
    "server-warning": Severity.WARNING,
}
RULE_DESCRIPTIONS: dict[str, tuple[Severity, str, str]] = {
    # rule -> (default severity, short description, full description): the shape of
    # kcompat.report.sarif.RULES, for the rule registry
    "invalid-value": (Severity.ERROR, "Value the API server rejects",
                      "A value of the wrong syntax or out of range for the API server's built-in validation "
                      "(names, labels, ports, quantities, schedules, ...), or a size limit exceeded."),
    "required-value": (Severity.ERROR, "Field the API server requires",
                       "A field the API server's validation requires is missing or empty after defaulting."),
    "duplicate-value": (Severity.ERROR, "Name or port given twice",
                        "A container, port, volume or Service port name, or a port pair, must be unique."),
    "unsupported-value": (Severity.ERROR, "Value outside the allowed set",
                          "A value that is not one of the values the API server supports; the message lists "
                          "them."),
    "not-found": (Severity.ERROR, "Reference to something not declared",
                  "A volumeMount names a volume the pod does not declare (or declares invalidly)."),
    "forbidden-value": (Severity.ERROR, "Field not allowed here",
                        "A field the API server forbids in this combination, such as two probe handlers."),
    "server-warning": (Severity.WARNING, "Accepted with an API server warning",
                       "The API server accepts the object but warns, e.g. the same containerPort/protocol "
                       "twice in a pod."),
}
_ERROR_TYPES = {
    "invalid-value": "FieldValueInvalid", "required-value": "FieldValueRequired",
    "duplicate-value": "FieldValueDuplicate", "unsupported-value": "FieldValueNotSupported",
    "not-found": "FieldValueNotFound", "forbidden-value": "FieldValueForbidden", "too-long": "FieldValueTooLong",
    "server-warning": "Warning",
}

Step = str | int
Path = tuple[Step, ...]


class Key(str):
    """A map key in a server field path: rendered `labels[app]`, located like any key."""

    __slots__ = ()


class Raw(str):
    """A value the server prints with Go's %#v (a struct or a map): shown verbatim, not quoted."""

    __slots__ = ()


def render_path(path: Path) -> str:
    """field.Path.String(): children joined by '.', indexes and keys in brackets."""
    text = ""
    for step in path:
        if isinstance(step, (int, Key)):
            text += f"[{step}]"
        else:
            text += f".{step}" if text else step
    return text


def render_value(value: object) -> str:
    """How field.Error prints a bad value: %q for strings, %v for numbers, %#v for the rest."""
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    return str(value)


def go_map(labels: object) -> Raw:
    """%#v of a map[string]string: map[string]string{"app":"web"}, keys sorted as fmt sorts them."""
    if not isinstance(labels, dict) or not labels:
        return Raw("map[string]string(nil)" if not labels else "map[string]string{}")
    items = ", ".join(f"{json.dumps(str(key))}:{json.dumps(str(value))}" for key, value in sorted(
        labels.items(), key=lambda item: str(item[0])))
    return Raw("map[string]string{" + items + "}")


class _Errors:
    """The field errors of one object, turned into findings only when there are any."""

    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: list[tuple[str, Path, str, Path]] = []

    def add(self, rule: str, path: Path, body: str, at: Path | None = None) -> None:
        self.items.append((rule, path, body, at if at is not None else path))

    def invalid(self, path: Path, value: object, detail: str, at: Path | None = None) -> None:
        self.add("invalid-value", path, f"Invalid value: {render_value(value)}" + (f": {detail}" if detail else ""), at)

    def invalid_each(self, path: Path, value: object, details: list[str], at: Path | None = None) -> None:
        for detail in details:
            self.invalid(path, value, detail, at)

    def required(self, path: Path, detail: str = "", at: Path | None = None) -> None:
        self.add("required-value", path, "Required value" + (f": {detail}" if detail else ""), at)

    def duplicate(self, path: Path, value: object, at: Path | None = None) -> None:
        self.add("duplicate-value", path, f"Duplicate value: {render_value(value)}", at)

    def unsupported(self, path: Path, value: object, supported: Iterable[str], at: Path | None = None) -> None:
        listed = ", ".join(json.dumps(item) for item in supported)
        self.add("unsupported-value", path, f"Unsupported value: {render_value(value)}: supported values: {listed}", at)

    def not_found(self, path: Path, value: object, at: Path | None = None) -> None:
        self.add("not-found", path, f"Not found: {render_value(value)}", at)

    def forbidden(self, path: Path, detail: str, at: Path | None = None) -> None:
        self.add("forbidden-value", path, f"Forbidden: {detail}", at)

    def too_long(self, path: Path, limit: int, at: Path | None = None) -> None:
        self.add("too-long", path, f"Too long: may not be more than {limit} bytes", at)

    def warning(self, path: Path, text: str, at: Path | None = None) -> None:
        self.add("server-warning", path, text, at)

    def findings(self, resource: Resource) -> list[Finding]:
        found = []
        ref = resource.ref()
        for rule, path, body, at in self.items:
            field = render_path(path)
            error_type = _ERROR_TYPES[rule]
            rule = "invalid-value" if rule == "too-long" else rule
            message = f"{field}: {body}" if field else body
            if rule == "server-warning":
                message = f"{field}: {body} (the API server accepts this with a warning)"
            found.append(Finding(rule, RULES[rule], message, resource.origin_of(at), ref,
                                 details={"field": field, "errorType": error_type}))
        return found


# -- small typed accessors: values of the wrong type are the schema check's business ------------


def _dict(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _list(value: Any) -> list[Any] | None:
    return value if isinstance(value, list) else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _absent(value: Any) -> bool:
    """Go's zero value after decoding: missing, null, "" or an empty list/map."""
    return value is None or value == "" or value == [] or value == {}


def _nonnegative(errors: _Errors, owner: dict[str, Any], key: str, base: Path) -> None:
    """apimachinery ValidateNonnegativeField."""
    value = _int(owner.get(key))
    if value is not None and value < 0:
        errors.invalid((*base, key), value, "must be greater than or equal to 0")


# -- ObjectMeta -------------------------------------------------------------------------------


_GOOD_LABELS: set[str] = set()
_GOOD_VALUES: set[str] = set()
"""Label keys and values already found valid: a cache, as the same labels repeat across objects."""


def _labels(errors: _Errors, labels: Any, path: Path, at: Path | None = None) -> None:
    """apimachinery pkg/apis/meta/v1/validation ValidateLabels: IsQualifiedName keys, IsValidLabelValue values.

    The server reports every problem at the map's path (`metadata.labels`); the finding points
    at the offending key.
    """
    labels = _dict(labels)
    if not labels:
        return
    where = at if at is not None else path
    for key, value in labels.items():
        if key in _GOOD_LABELS and value in _GOOD_VALUES:
            continue
        if not isinstance(key, str):
            continue
        key_errors = f.is_qualified_name(key)
        if key_errors:
            errors.invalid_each(path, key, key_errors, (*where, key))
        elif len(_GOOD_LABELS) < 4096:
            _GOOD_LABELS.add(key)
        if isinstance(value, str):
            value_errors = f.is_label_value(value)
            if value_errors:
                errors.invalid_each(path, value, value_errors, (*where, key))
            elif len(_GOOD_VALUES) < 4096:
                _GOOD_VALUES.add(value)


_ANNOTATIONS_LIMIT = 256 * 1024


def _annotations(errors: _Errors, annotations: Any, path: Path, at: Path | None = None) -> None:
    """apimachinery pkg/api/validation/objectmeta.go ValidateAnnotations: lower-cased keys are
    qualified names; keys plus values total at most 256 KiB (TotalAnnotationSizeLimitB)."""
    annotations = _dict(annotations)
    if not annotations:
        return
    where = at if at is not None else path
    total = 0
    for key, value in annotations.items():
        if not isinstance(key, str):
            continue
        key_errors = f.is_qualified_name(key.lower())
        if key_errors:
            errors.invalid_each(path, key, key_errors, (*where, key))
        total += len(key.encode())
        if isinstance(value, str):
            total += len(value.encode())
    if total > _ANNOTATIONS_LIMIT:
        errors.too_long(path, _ANNOTATIONS_LIMIT, where)


def _object_meta(errors: _Errors, obj: dict[str, Any], name_check: f.NameCheck, namespaced: bool) -> None:
    """apimachinery pkg/api/validation/objectmeta.go ValidateObjectMetaAccessor."""
    meta = obj.get("metadata")
    if meta is not None and not isinstance(meta, dict):
        return  # resources.extract reports it (invalid-object)
    meta = meta or {}
    generate = meta.get("generateName")
    if isinstance(generate, str) and generate:
        errors.invalid_each(("metadata", "generateName"), generate, name_check(generate, True))
    name = meta.get("name")
    if name is None or name == "":
        if not (isinstance(generate, str) and generate):
            errors.required(("metadata", "name"), "name or generateName is required")
    elif isinstance(name, str):
        errors.invalid_each(("metadata", "name"), name, name_check(name, False))
    namespace = meta.get("namespace")
    if namespaced and isinstance(namespace, str) and namespace:
        errors.invalid_each(("metadata", "namespace"), namespace, f.is_dns1123_label(namespace))
    _labels(errors, meta.get("labels"), ("metadata", "labels"))
    _annotations(errors, meta.get("annotations"), ("metadata", "annotations"))


# -- pod specs ---------------------------------------------------------------------------------

_PROTOCOLS = frozenset({"TCP", "UDP", "SCTP"})
_PROTOCOL_LIST = ("SCTP", "TCP", "UDP")  # sets.List: sorted
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


def _port_num_or_name(errors: _Errors, value: Any, path: Path) -> None:
    """core/validation ValidatePortNumOrName: an IntOrString port, 1..65535 or an IANA_SVC_NAME."""
    number = _int(value)
    if number is not None:
        errors.invalid_each(path, number, f.is_valid_port_num(number))
    elif isinstance(value, str):
        errors.invalid_each(path, value, f.is_valid_port_name(value))


def _handler(errors: _Errors, handler: dict[str, Any], kinds: tuple[str, ...], path: Path) -> None:
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
        action = _dict(action)
        if action is None:
            continue
        if kind == "exec":
            if _absent(action.get("command")):
                errors.required((*path, "exec", "command"))
        elif kind in ("httpGet", "tcpSocket"):
            if "port" in action:
                _port_num_or_name(errors, action["port"], (*path, kind, "port"))
            else:
                errors.invalid_each((*path, kind, "port"), 0, f.is_valid_port_num(0))
            scheme = _str(action.get("scheme")) if kind == "httpGet" else None
            if scheme and scheme not in ("HTTP", "HTTPS"):
                errors.unsupported((*path, kind, "scheme"), scheme, ("HTTP", "HTTPS"))
        elif kind == "grpc":
            port = _int(action.get("port"))
            if port is not None:
                errors.invalid_each((*path, "grpc", "port"), port, f.is_valid_port_num(port))
    if count == 0:
        errors.required(path, "must specify a handler type")


def _probe(errors: _Errors, probe: Any, path: Path, success_must_be_one: bool) -> None:
    """core/validation validateProbe, validateLivenessProbe/validateStartupProbe (successThreshold 1)."""
    probe = _dict(probe)
    if probe is None:
        return
    _handler(errors, probe, _PROBE_HANDLERS, path)
    for key, value in probe.items():
        if key in _PROBE_COUNTS and isinstance(value, int) and value < 0:
            errors.invalid((*path, key), value, "must be greater than or equal to 0")
    success = _int(probe.get("successThreshold"))
    if success_must_be_one and success is not None and success != 1:
        errors.invalid((*path, "successThreshold"), success, "must be 1")


def _lifecycle(errors: _Errors, lifecycle: Any, path: Path) -> None:
    lifecycle = _dict(lifecycle)
    if lifecycle is None:
        return
    for hook in ("postStart", "preStop"):
        handler = _dict(lifecycle.get(hook))
        if handler is not None:
            _handler(errors, handler, _LIFECYCLE_HANDLERS, (*path, hook))


PortRecord = tuple[Path, str, int, str]
"""Where a container port is, its containerPort/protocol, hostPort and hostIP."""


def _container_ports(errors: _Errors, ports: Any, path: Path, found: list[PortRecord]) -> None:
    """core/validation validateContainerPorts; records each port for the pod-wide checks."""
    if not isinstance(ports, list):
        return
    names: set[str] = set()
    for index, port in enumerate(ports):
        if not isinstance(port, dict):
            continue
        at = (*path, index)
        name = _str(port.get("name"))
        if name:
            problems = f.is_valid_port_name(name)
            if problems:
                errors.invalid_each((*at, "name"), name, problems)
            elif name in names:
                errors.duplicate((*at, "name"), name)
            else:
                names.add(name)
        container_port = port.get("containerPort")
        number = _int(container_port)
        if container_port is None or number == 0:
            errors.required((*at, "containerPort"))
        elif number is not None:
            errors.invalid_each((*at, "containerPort"), number, f.is_valid_port_num(number))
        host_port = _int(port.get("hostPort"))
        if host_port:
            errors.invalid_each((*at, "hostPort"), host_port, f.is_valid_port_num(host_port))
        protocol = _str(port.get("protocol"))
        if protocol and protocol not in _PROTOCOLS:
            errors.unsupported((*at, "protocol"), protocol, _PROTOCOL_LIST)
        if number is not None:
            found.append((at, f"{number}/{protocol or 'TCP'}", host_port or 0, _str(port.get("hostIP")) or ""))


def _env(errors: _Errors, env: Any, path: Path) -> None:
    """core/validation ValidateEnv and validateEnvVarValueFrom (names are left out: their rule
    depends on the RelaxedEnvironmentVariableValidation gate of the target version)."""
    for index, item in enumerate(_list(env) or ()):
        item = _dict(item)
        if item is None:
            continue
        if _absent(item.get("name")):
            errors.required((*path, index, "name"))
        value_from = _dict(item.get("valueFrom"))
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


def _volume_mounts(errors: _Errors, mounts: Any, volumes: set[str], path: Path) -> None:
    """core/validation ValidateVolumeMounts: the name refers to a valid volume; unique mountPath."""
    seen: set[str] = set()
    for index, mount in enumerate(_list(mounts) or ()):
        mount = _dict(mount)
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


def _resources(errors: _Errors, resources: Any, path: Path) -> None:
    """core/validation ValidateContainerResourceRequirements: requests not above limits (equal for
    extended resources and hugepages), quantities not negative."""
    resources = _dict(resources)
    if resources is None:
        return
    limits = _dict(resources.get("limits")) or {}
    requests = _dict(resources.get("requests")) or {}
    for group, values in (("limits", limits), ("requests", requests)):
        for name, raw in values.items():
            if isinstance(raw, str) and not raw.lstrip().startswith("-"):
                continue  # the common case: nothing can be negative
            quantity = f.quantity_of(raw)
            if quantity is not None and quantity.value < 0:
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


def _container_common(errors: _Errors, container: dict[str, Any], volumes: set[str], path: Path,
                      found: list[PortRecord]) -> None:
    """core/validation validateContainerCommon."""
    name = container.get("name")
    if name is None or name == "":
        errors.required((*path, "name"))
    elif isinstance(name, str):
        errors.invalid_each((*path, "name"), name, f.is_dns1123_label(name))
    if _absent(container.get("image")):
        errors.required((*path, "image"))
    policy = _str(container.get("terminationMessagePolicy"))
    if policy and policy not in _MESSAGE_POLICIES:
        errors.unsupported((*path, "terminationMessagePolicy"), policy, _MESSAGE_POLICIES)
    if "ports" in container:
        _container_ports(errors, container["ports"], (*path, "ports"), found)
    if "env" in container:
        _env(errors, container["env"], (*path, "env"))
    if "volumeMounts" in container:
        _volume_mounts(errors, container["volumeMounts"], volumes, (*path, "volumeMounts"))
    pull = _str(container.get("imagePullPolicy"))
    if pull and pull not in _PULL_POLICIES:
        errors.unsupported((*path, "imagePullPolicy"), pull, _PULL_POLICIES)
    if "resources" in container:
        _resources(errors, container["resources"], (*path, "resources"))


def _volumes(errors: _Errors, volumes: Any, path: Path) -> set[str]:
    """core/validation ValidateVolumes: DNS-1123 label names, unique, one volume type each.
    Returns the names of the volumes that validated (only those can be mounted)."""
    valid: set[str] = set()
    for index, volume in enumerate(_list(volumes) or ()):
        volume = _dict(volume)
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


def _tolerations(errors: _Errors, tolerations: Any, path: Path) -> None:
    """core/validation ValidateTolerations."""
    for index, toleration in enumerate(_list(tolerations) or ()):
        toleration = _dict(toleration)
        if toleration is None:
            continue
        at = (*path, index)
        key = _str(toleration.get("key")) or ""
        operator = _str(toleration.get("operator")) or ""
        value = _str(toleration.get("value")) or ""
        effect = _str(toleration.get("effect")) or ""
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


def _pod_spec(errors: _Errors, spec: Any, path: Path, extra_volumes: Iterable[str] = ()) -> None:
    """core/validation ValidatePodSpec (validateContainers, validateInitContainers,
    validateRestartPolicy, validateDNSPolicy, checkHostPortConflicts...) for a Pod or a template."""
    spec = _dict(spec)
    if spec is None:
        errors.required((*path, "containers"))
        return
    volumes = _volumes(errors, spec.get("volumes"), (*path, "volumes"))
    volumes.update(extra_volumes)
    containers = spec.get("containers")
    names: set[str] = set()
    ports: list[PortRecord] = []
    container_list = _list(containers)
    if containers is None or container_list == []:
        errors.required((*path, "containers"))
    for index, container in enumerate(container_list or ()):
        container = _dict(container)
        if container is None:
            continue
        at = (*path, "containers", index)
        _container_common(errors, container, volumes, at, ports)
        name = container.get("name")
        if isinstance(name, str):
            if name in names:
                errors.duplicate((*at, "name"), name)
            names.add(name)
        _lifecycle(errors, container.get("lifecycle"), (*at, "lifecycle"))
        _probe(errors, container.get("livenessProbe"), (*at, "livenessProbe"), True)
        _probe(errors, container.get("readinessProbe"), (*at, "readinessProbe"), False)
        _probe(errors, container.get("startupProbe"), (*at, "startupProbe"), True)
    _host_ports(errors, ports)
    init_ports: list[PortRecord] = []
    init_list = _list(spec.get("initContainers"))
    for index, container in enumerate(init_list or ()):
        container = _dict(container)
        if container is None:
            continue
        at = (*path, "initContainers", index)
        mark = len(init_ports)
        _container_common(errors, container, volumes, at, init_ports)
        restart = _str(container.get("restartPolicy"))
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
            _lifecycle(errors, container.get("lifecycle"), (*at, "lifecycle"))
            _probe(errors, container.get("livenessProbe"), (*at, "livenessProbe"), True)
            _probe(errors, container.get("readinessProbe"), (*at, "readinessProbe"), False)
            _probe(errors, container.get("startupProbe"), (*at, "startupProbe"), True)
        else:
            for key in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if container.get(key) is not None:
                    errors.forbidden((*at, key), "may not be set for init containers without restartPolicy=Always")
    restart_policy = _str(spec.get("restartPolicy"))
    if restart_policy and restart_policy not in _RESTART_POLICIES:
        errors.unsupported((*path, "restartPolicy"), restart_policy, _RESTART_POLICIES)
    dns_policy = _str(spec.get("dnsPolicy"))
    if dns_policy and dns_policy not in _DNS_POLICIES:
        errors.unsupported((*path, "dnsPolicy"), dns_policy, _DNS_POLICIES)
    if "nodeSelector" in spec:
        _labels(errors, spec["nodeSelector"], (*path, "nodeSelector"))
    account = _str(spec.get("serviceAccountName"))
    if account:
        errors.invalid_each((*path, "serviceAccountName"), account, f.is_dns1123_subdomain(account))
    for key in ("hostname", "subdomain"):
        value = _str(spec.get(key))
        if value:
            errors.invalid_each((*path, key), value, f.is_dns1123_label(value))
    deadline = _int(spec.get("activeDeadlineSeconds"))
    if deadline is not None and not 1 <= deadline <= 2147483647:
        errors.invalid((*path, "activeDeadlineSeconds"), deadline, f.range_error(1, 2147483647))
    if "tolerations" in spec:
        _tolerations(errors, spec["tolerations"], (*path, "tolerations"))
    if len(ports) + len(init_ports) > 1:
        _port_warnings(errors, init_ports + ports)


def _host_ports(errors: _Errors, ports: list[PortRecord]) -> None:
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


def _port_warnings(errors: _Errors, ports: list[PortRecord]) -> None:
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


def _template_meta(errors: _Errors, template: dict[str, Any], path: Path) -> None:
    """core/validation ValidatePodTemplateSpec: template labels and annotations, reported by the
    server at `<template>.labels` (no `metadata`)."""
    meta = _dict(template.get("metadata"))
    if meta is None:
        return
    if "labels" in meta:
        _labels(errors, meta["labels"], (*path, "labels"), (*path, "metadata", "labels"))
    if "annotations" in meta:
        _annotations(errors, meta["annotations"], (*path, "annotations"), (*path, "metadata", "annotations"))


def _pod_template(errors: _Errors, template: Any, path: Path, restart: tuple[str, ...],
                  extra_volumes: Iterable[str] = ()) -> None:
    """A template's metadata and pod spec, and the restartPolicy its controller allows
    (apps: Always; batch: OnFailure or Never). The server defaults restartPolicy to Always first."""
    template = _dict(template)
    if template is None:
        errors.required((*path, "spec", "containers"))
        return
    _template_meta(errors, template, path)
    spec = template.get("spec")
    _pod_spec(errors, spec, (*path, "spec"), extra_volumes)
    spec = _dict(spec) or {}
    restart_policy = spec.get("restartPolicy")
    effective = restart_policy if isinstance(restart_policy, str) and restart_policy else "Always"
    if not isinstance(restart_policy, (str, type(None))):
        return
    at = (*path, "spec", "restartPolicy") if restart_policy is not None else (*path, "spec")
    if restart is _RUN_TO_COMPLETION and effective == "Always":
        # batch validateJobSpec: the defaulted Always (or an explicit one) is reported as missing
        errors.required((*path, "spec", "restartPolicy"), 'valid values: "OnFailure", "Never"', at)
    elif effective not in restart:
        errors.unsupported((*path, "spec", "restartPolicy"), effective, restart, at)


# -- label selectors ----------------------------------------------------------------------------

_OPERATORS = frozenset({"In", "NotIn", "Exists", "DoesNotExist"})


def _selector(errors: _Errors, selector: dict[str, Any], path: Path) -> bool:
    """apimachinery ValidateLabelSelector; returns whether the selector converts (can be matched)."""
    before = len(errors.items)
    if "matchLabels" in selector:
        _labels(errors, selector["matchLabels"], (*path, "matchLabels"))
    for index, expression in enumerate(_list(selector.get("matchExpressions")) or ()):
        expression = _dict(expression)
        if expression is None:
            continue
        at = (*path, "matchExpressions", index)
        operator = expression.get("operator")
        values = expression.get("values")
        if operator in ("In", "NotIn"):
            if _absent(values):
                errors.required((*at, "values"), "must be specified when `operator` is 'In' or 'NotIn'")
        elif operator in ("Exists", "DoesNotExist"):
            if not _absent(values):
                errors.forbidden((*at, "values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")
        elif isinstance(operator, str) or operator is None:
            errors.invalid((*at, "operator"), operator or "", "not a valid selector operator")
        key = _str(expression.get("key"))
        if key is not None:
            errors.invalid_each((*at, "key"), key, f.is_qualified_name(key))
    return len(errors.items) == before


def _matches(selector: dict[str, Any], labels: dict[str, Any]) -> bool | None:
    """labels.Selector.Matches for a LabelSelector; None when the selector cannot be evaluated."""
    match_labels = selector.get("matchLabels")
    if match_labels is not None:
        if not isinstance(match_labels, dict):
            return None
        for key, value in match_labels.items():
            if labels.get(key) != value:
                return False
    for expression in _list(selector.get("matchExpressions")) or ():
        expression = _dict(expression)
        if expression is None or not isinstance(expression.get("key"), str):
            return None
        key, operator = expression["key"], expression.get("operator")
        values = [str(value) for value in _list(expression.get("values")) or ()]
        present = key in labels
        if operator == "In" and not (present and str(labels[key]) in values):
            return False
        if operator == "NotIn" and present and str(labels[key]) in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return True


def _selector_and_template(errors: _Errors, spec: dict[str, Any], required: bool, empty_message: str) -> None:
    """The selector of apps/v1 controllers: required, not empty, and matching the template labels
    (apps/validation ValidateDeploymentSpec, ValidateReplicaSetSpec, ValidateDaemonSetSpec,
    ValidateStatefulSetSpec; ValidatePodTemplateSpecForReplicaSet)."""
    selector = spec.get("selector")
    if selector is None:
        if required and empty_message.endswith("daemonset"):
            # ValidateDaemonSetSpec has no Required check: a nil selector selects nothing
            labels = _dict((_dict((_dict(spec.get("template")) or {}).get("metadata")) or {}).get("labels"))
            errors.invalid(("spec", "template", "metadata", "labels"), go_map(labels),
                           "`selector` does not match template `labels`", ("spec",))
        elif required:
            errors.required(("spec", "selector"))
        return
    selector = _dict(selector)
    if selector is None:
        return
    valid = _selector(errors, selector, ("spec", "selector"))
    if _absent(selector.get("matchLabels")) and _absent(selector.get("matchExpressions")):
        errors.invalid(("spec", "selector"), Raw("&v1.LabelSelector{MatchLabels:map[string]string(nil), "
                                                 "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}"),
                       empty_message)
        return
    template = _dict(spec.get("template"))
    if not valid or template is None:
        return
    labels = _dict((_dict(template.get("metadata")) or {}).get("labels"))
    if _matches(selector, labels or {}) is False:
        at = ("spec", "template", "metadata", "labels") if labels is not None else ("spec", "template")
        errors.invalid(("spec", "template", "metadata", "labels"), go_map(labels),
                       "`selector` does not match template `labels`", at)


# -- kinds ----------------------------------------------------------------------------------------

_ALWAYS = ("Always",)
_RUN_TO_COMPLETION = ("OnFailure", "Never")


def _pod(errors: _Errors, resource: Resource) -> None:
    """core/validation ValidatePodCreate -> validatePodMetadataAndSpec, ValidatePodSpec."""
    _pod_spec(errors, resource.obj.get("spec"), ("spec",))


def _replicas(errors: _Errors, spec: dict[str, Any]) -> None:
    _nonnegative(errors, spec, "replicas", ("spec",))


def _controller(empty_message: str, selector_versions: frozenset[str]) -> Callable[[_Errors, Resource], None]:
    def check(errors: _Errors, resource: Resource) -> None:
        spec = _dict(resource.obj.get("spec")) or {}
        _replicas(errors, spec)
        _nonnegative(errors, spec, "minReadySeconds", ("spec",))
        _selector_and_template(errors, spec, resource.api_version in selector_versions, empty_message)
        template = spec.get("template")
        if resource.kind == "StatefulSet":
            _stateful_set_template(errors, spec)
        else:
            _pod_template(errors, template, ("spec", "template"), _ALWAYS)
        deadline_owner = {"Deployment": "ReplicaSet"}.get(resource.kind, resource.kind)
        if (_dict((_dict(template) or {}).get("spec")) or {}).get("activeDeadlineSeconds") is not None:
            errors.forbidden(("spec", "template", "spec", "activeDeadlineSeconds"),
                             f"activeDeadlineSeconds in {deadline_owner} is not Supported")
        if resource.kind == "Deployment":
            _deployment_strategy(errors, spec)
        if resource.kind == "StatefulSet":
            policy = _str(spec.get("podManagementPolicy"))
            if policy and policy not in ("OrderedReady", "Parallel"):
                errors.invalid(("spec", "podManagementPolicy"), policy, "must be 'OrderedReady' or 'Parallel'")
            strategy = _str((_dict(spec.get("updateStrategy")) or {}).get("type"))
            if strategy and strategy not in ("RollingUpdate", "OnDelete"):
                errors.invalid(("spec", "updateStrategy"), Raw("apps.StatefulSetUpdateStrategy{...}"),
                               "must be 'RollingUpdate' or 'OnDelete'", ("spec", "updateStrategy", "type"))
    return check


_AT_POD_CREATION = " (the API server accepts the StatefulSet; its controller's Pod creation fails with this)"


def _stateful_set_template(errors: _Errors, spec: dict[str, Any]) -> None:
    """apps/validation ValidatePodTemplateSpecForStatefulSet checks the template's labels and
    annotations and its restartPolicy, not its pod spec (an upstream TODO): the pod spec's errors
    surface when the controller creates the Pods, which the API server then rejects. They are
    reported here with the Pod's volumes from volumeClaimTemplates, and marked as such."""
    claims: list[str] = []
    for claim in _list(spec.get("volumeClaimTemplates")) or ():
        name = (_dict((_dict(claim) or {}).get("metadata")) or {}).get("name")
        if isinstance(name, str):
            claims.append(name)  # the controller adds these as volumes of each pod
    template = _dict(spec.get("template"))
    if template is None:
        errors.required(("spec", "template", "spec", "containers"))
        return
    _template_meta(errors, template, ("spec", "template"))
    pod_errors = _Errors()
    _pod_spec(pod_errors, template.get("spec"), ("spec", "template", "spec"), claims)
    for rule, path, body, at in pod_errors.items:
        errors.items.append((rule, path, body + _AT_POD_CREATION, at))
    restart = (_dict(template.get("spec")) or {}).get("restartPolicy")
    if isinstance(restart, str) and restart and restart != "Always":
        errors.unsupported(("spec", "template", "spec", "restartPolicy"), restart, _ALWAYS)


def _deployment_strategy(errors: _Errors, spec: dict[str, Any]) -> None:
    """apps/validation ValidateDeploymentStrategy and ValidateDeploymentSpec's deadline rule."""
    strategy = _dict(spec.get("strategy"))
    if strategy is not None:
        kind = _str(strategy.get("type"))
        if kind and kind not in ("Recreate", "RollingUpdate"):
            errors.unsupported(("spec", "strategy"), Raw(f'apps.DeploymentStrategy{{Type:"{kind}", RollingUpdate:'
                                                         f'(*apps.RollingUpdateDeployment)(nil)}}'),
                               ("Recreate", "RollingUpdate"), ("spec", "strategy", "type"))
        if kind == "Recreate" and strategy.get("rollingUpdate") is not None:
            errors.forbidden(("spec", "strategy", "rollingUpdate"),
                             "may not be specified when strategy `type` is 'Recreate'")
        rolling = _dict(strategy.get("rollingUpdate"))
        if (rolling is not None and kind != "Recreate" and _zero_int_or_percent(rolling.get("maxUnavailable"))
                and _zero_int_or_percent(rolling.get("maxSurge"))):
            errors.invalid(("spec", "strategy", "rollingUpdate", "maxUnavailable"),
                           _int_or_string(rolling["maxUnavailable"]), "may not be 0 when `maxSurge` is 0")
    deadline = _int(spec.get("progressDeadlineSeconds"))
    ready = _int(spec.get("minReadySeconds")) or 0
    if deadline is not None and deadline <= ready:
        errors.invalid(("spec", "progressDeadlineSeconds"), deadline, "must be greater than minReadySeconds")


def _int_or_string(value: Any) -> Raw:
    """%#v of an intstr.IntOrString value, as field errors print it."""
    if isinstance(value, str):
        return Raw(f"intstr.IntOrString{{Type:1, IntVal:0, StrVal:{json.dumps(value)}}}")
    return Raw(f'intstr.IntOrString{{Type:0, IntVal:{value}, StrVal:""}}')


def _zero_int_or_percent(value: Any) -> bool:
    return value == 0 or value == "0%" if not isinstance(value, bool) else False


def _replication_controller(errors: _Errors, resource: Resource) -> None:
    """core/validation ValidateReplicationControllerSpec, ValidatePodTemplateSpecForRC. An empty
    selector is defaulted from the template labels."""
    spec = _dict(resource.obj.get("spec")) or {}
    _replicas(errors, spec)
    template = _dict(spec.get("template"))
    selector = _dict(spec.get("selector"))
    labels = _dict((_dict((template or {}).get("metadata")) or {}).get("labels"))
    if not selector and not labels:
        errors.required(("spec", "selector"))
    if selector:
        _labels(errors, selector, ("spec", "selector"))
        if template is not None and _matches({"matchLabels": selector}, labels or {}) is False:
            errors.invalid(("spec", "template", "metadata", "labels"), go_map(labels),
                           "`selector` does not match template `labels`",
                           ("spec", "template", "metadata", "labels") if labels is not None else ("spec", "template"))
    _pod_template(errors, spec.get("template"), ("spec", "template"), _ALWAYS)


def _job_spec(errors: _Errors, spec: dict[str, Any], base: Path) -> None:
    """batch/validation validateJobSpec: counts not negative, restartPolicy OnFailure or Never,
    a given selector matching the template labels (the server merges its generated one)."""
    for key in ("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished"):
        _nonnegative(errors, spec, key, base)
    selector = _dict(spec.get("selector"))
    template = _dict(spec.get("template"))
    if selector is None and spec.get("manualSelector") is True:
        errors.required((*base, "selector"))
    if selector is not None and _selector(errors, selector, (*base, "selector")) and template is not None:
        labels = _dict((_dict(template.get("metadata")) or {}).get("labels"))
        if _matches(selector, labels or {}) is False:
            errors.invalid((*base, "template", "metadata", "labels"), go_map(labels),
                           "`selector` does not match template `labels`")
    _pod_template(errors, spec.get("template"), (*base, "template"), _RUN_TO_COMPLETION)


def _job(errors: _Errors, resource: Resource) -> None:
    _job_spec(errors, _dict(resource.obj.get("spec")) or {}, ("spec",))


def _cron_job(errors: _Errors, resource: Resource) -> None:
    """batch/validation ValidateCronJobCreate, validateCronJobSpec, validateScheduleFormat
    (robfig/cron ParseStandard), validateTimeZone, ValidateJobTemplateSpec."""
    name = (_dict(resource.obj.get("metadata")) or {}).get("name")
    if isinstance(name, str) and len(name) > 52:
        errors.invalid(("metadata", "name"), name, "must be no more than 52 characters")
    spec = _dict(resource.obj.get("spec")) or {}
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
    policy = _str(spec.get("concurrencyPolicy"))
    if policy and policy not in ("Allow", "Forbid", "Replace"):
        errors.unsupported(("spec", "concurrencyPolicy"), policy, ("Allow", "Forbid", "Replace"))
    for key in ("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        _nonnegative(errors, spec, key, ("spec",))
    job_template = _dict(spec.get("jobTemplate"))
    if job_template is None:
        errors.required(("spec", "jobTemplate", "spec", "template", "spec", "containers"))
        return
    job_spec = _dict(job_template.get("spec")) or {}
    base = ("spec", "jobTemplate", "spec")
    if job_spec.get("selector") is not None:
        errors.invalid((*base, "selector"), Raw("&v1.LabelSelector{...}"), "`selector` will be auto-generated")
        job_spec = {key: value for key, value in job_spec.items() if key != "selector"}
    if job_spec.get("manualSelector") is True:
        errors.unsupported((*base, "manualSelector"), True, ("nil", "false"))
    _job_spec(errors, job_spec, base)


_SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")


def _service(errors: _Errors, resource: Resource) -> None:
    """core/validation ValidateService and validateServicePort."""
    spec = _dict(resource.obj.get("spec")) or {}
    service_type = spec.get("type")
    kind = service_type if isinstance(service_type, str) and service_type else "ClusterIP"
    if kind not in _SERVICE_TYPES:
        errors.unsupported(("spec", "type"), kind, _SERVICE_TYPES)
    cluster_ip = spec.get("clusterIP")
    cluster_ips = _list(spec.get("clusterIPs"))
    first_ip = cluster_ip if isinstance(cluster_ip, str) and cluster_ip else (
        cluster_ips[0] if cluster_ips and isinstance(cluster_ips[0], str) else "")
    headless = first_ip == "None"
    ip_at: Path = ("spec", "clusterIP") if cluster_ip is not None else ("spec", "clusterIPs", 0)
    ports = _list(spec.get("ports"))
    if not ports and spec.get("ports") in (None, []) and not headless and kind != "ExternalName":
        errors.required(("spec", "ports"))
    if kind in ("LoadBalancer", "NodePort") and headless:
        errors.invalid(("spec", "clusterIPs", 0), "None", f"may not be set to 'None' for {kind} services", ip_at)
    if kind == "ExternalName":
        if first_ip:
            errors.forbidden(("spec", "clusterIPs"), "may not be set for ExternalName services", ip_at)
        external = _str(spec.get("externalName"))
        cname = (external or "").removesuffix(".")
        if cname:
            errors.invalid_each(("spec", "externalName"), cname, f.is_dns1123_subdomain(cname))
        elif external is not None or spec.get("externalName") is None:
            errors.required(("spec", "externalName"))
    names: set[str] = set()
    pairs: set[tuple[str, int]] = set()
    node_ports: set[tuple[str, int]] = set()
    for index, port in enumerate(ports or ()):
        port = _dict(port)
        if port is None:
            continue
        at = ("spec", "ports", index)
        name = port.get("name")
        if (name is None or name == "") and len(ports or ()) > 1:
            errors.required((*at, "name"))
        elif isinstance(name, str) and name:
            errors.invalid_each((*at, "name"), name, f.is_dns1123_label(name))
            if name in names:
                errors.duplicate((*at, "name"), name)
            names.add(name)
        number = port.get("port")
        value = _int(number)
        if number is None:
            errors.invalid_each((*at, "port"), 0, f.is_valid_port_num(0), at)
        elif value is not None:
            errors.invalid_each((*at, "port"), value, f.is_valid_port_num(value))
        protocol = _str(port.get("protocol")) or "TCP"
        if protocol not in _PROTOCOLS:
            errors.unsupported((*at, "protocol"), protocol, _PROTOCOL_LIST)
        if "targetPort" in port:
            _port_num_or_name(errors, port["targetPort"], (*at, "targetPort"))
        app_protocol = _str(port.get("appProtocol"))
        if app_protocol is not None:
            errors.invalid_each((*at, "appProtocol"), app_protocol, f.is_qualified_name(app_protocol))
        node_port = _int(port.get("nodePort"))
        if node_port and kind == "ClusterIP":
            errors.forbidden((*at, "nodePort"), "may not be used when `type` is 'ClusterIP'")
        if node_port:
            if (protocol, node_port) in node_ports:
                errors.duplicate((*at, "nodePort"), node_port)
            node_ports.add((protocol, node_port))
        if value is not None or number is None:
            pair = (protocol, value or 0)
            if pair in pairs:
                errors.duplicate(at, Raw(f'core.ServicePort{{Name:"", Protocol:"{protocol}", AppProtocol:(*string)'
                                         f'(nil), Port:{value or 0}, TargetPort:intstr.IntOrString{{Type:0, '
                                         f'IntVal:0, StrVal:""}}, NodePort:0}}'))
            pairs.add(pair)
    if "selector" in spec:
        _labels(errors, spec["selector"], ("spec", "selector"))
    affinity = _str(spec.get("sessionAffinity"))
    if affinity and affinity not in ("ClientIP", "None"):
        errors.unsupported(("spec", "sessionAffinity"), affinity, ("ClientIP", "None"))
    external_ips = _list(spec.get("externalIPs"))
    accessible = kind in ("LoadBalancer", "NodePort") or (kind == "ClusterIP" and bool(external_ips))
    traffic = _str(spec.get("externalTrafficPolicy"))
    if traffic:
        if not accessible:
            errors.invalid(("spec", "externalTrafficPolicy"), traffic,
                           "may only be set for externally-accessible services")
        elif traffic not in ("Cluster", "Local"):
            errors.unsupported(("spec", "externalTrafficPolicy"), traffic, ("Cluster", "Local"))
    if _list(spec.get("loadBalancerSourceRanges")) and kind != "LoadBalancer":
        errors.forbidden(("spec", "LoadBalancerSourceRanges"), "may only be used when `type` is 'LoadBalancer'",
                         ("spec", "loadBalancerSourceRanges"))
    if spec.get("allocateLoadBalancerNodePorts") is not None and kind != "LoadBalancer":
        errors.forbidden(("spec", "allocateLoadBalancerNodePorts"), "may only be used when `type` is 'LoadBalancer'")
    internal = _str(spec.get("internalTrafficPolicy"))
    if internal and internal not in ("Cluster", "Local"):
        errors.unsupported(("spec", "internalTrafficPolicy"), internal, ("Cluster", "Local"))


_PATH_TYPES = ("Exact", "ImplementationSpecific", "Prefix")
_BAD_PATH_PARTS = ("//", "/./", "/../", "%2f", "%2F")


def _ingress(errors: _Errors, resource: Resource) -> None:
    """networking/validation ValidateIngressSpec, validateIngressRules, validateHTTPIngressPath,
    validateIngressBackend (networking.k8s.io/v1 only: v1beta1 had no pathType rule)."""
    if resource.api_version != "networking.k8s.io/v1":
        return
    spec = _dict(resource.obj.get("spec")) or {}
    rules = _list(spec.get("rules"))
    default = spec.get("defaultBackend")
    if default is None and not rules:
        errors.invalid(("spec",), Raw("[]networking.IngressRule(nil)"),
                       "either `defaultBackend` or `rules` must be specified")
    if _dict(default) is not None:
        _ingress_backend(errors, default, ("spec", "defaultBackend"))
    class_name = _str(spec.get("ingressClassName"))
    if class_name is not None:
        errors.invalid_each(("spec", "ingressClassName"), class_name, f.is_dns1123_subdomain(class_name))
    for index, tls in enumerate(_list(spec.get("tls")) or ()):
        tls = _dict(tls)
        if tls is None:
            continue
        for number, host in enumerate(_list(tls.get("hosts")) or ()):
            if isinstance(host, str):
                hosts_path = ("spec", "tls", index, "hosts", number)
                if "*" in host:
                    errors.invalid_each(hosts_path, host, f.is_wildcard_dns1123_subdomain(host))
                else:
                    errors.invalid_each(hosts_path, host, f.is_dns1123_subdomain(host))
        secret = _str(tls.get("secretName"))
        if secret:
            errors.invalid_each(("spec", "tls", index, "secretName"), secret, f.is_dns1123_subdomain(secret))
    for index, rule in enumerate(rules or ()):
        rule = _dict(rule)
        if rule is None:
            continue
        at = ("spec", "rules", index)
        host = _str(rule.get("host"))
        if host:
            _ingress_host(errors, host, (*at, "host"))
        http = rule.get("http")
        if http is None:
            continue
        http = _dict(http)
        if http is None:
            continue
        paths = _list(http.get("paths"))
        if http.get("paths") is None or paths == []:
            errors.required((*at, "http", "paths"))
        for number, item in enumerate(paths or ()):
            item = _dict(item)
            if item is not None:
                _ingress_path(errors, item, (*at, "http", "paths", number))


def _ingress_host(errors: _Errors, host: str, path: Path) -> None:
    """validateIngressRules / validateIngressTLS: a DNS name (a wildcard one when it has '*'), not an IP."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        errors.invalid(path, host, "must be a DNS name, not an IP address")
    if "*" in host:
        errors.invalid_each(path, host, f.is_wildcard_dns1123_subdomain(host))
    else:
        errors.invalid_each(path, host, f.is_dns1123_subdomain(host))


def _ingress_path(errors: _Errors, item: dict[str, Any], path: Path) -> None:
    path_type = item.get("pathType")
    text = item.get("path")
    if path_type is None or path_type == "":
        errors.required((*path, "pathType"), "pathType must be specified")
        return  # upstream stops here: the backend is not checked either
    if isinstance(path_type, str):
        if path_type not in _PATH_TYPES:
            errors.unsupported((*path, "pathType"), path_type, _PATH_TYPES)
        elif path_type in ("Exact", "Prefix"):
            value = text if isinstance(text, str) else ""
            if not value.startswith("/"):
                errors.invalid((*path, "path"), value, "must be an absolute path")
            for part in _BAD_PATH_PARTS if value else ():
                if part in value:
                    errors.invalid((*path, "path"), value, f"must not contain '{part}'")
            for end in ("/..", "/."):
                if value.endswith(end):
                    errors.invalid((*path, "path"), value, f"cannot end with '{end}'")
        elif isinstance(text, str) and text and not text.startswith("/"):
            errors.invalid((*path, "path"), text, "must be an absolute path")
    backend = item.get("backend")
    _ingress_backend(errors, {} if backend is None else backend, (*path, "backend"))


def _ingress_backend(errors: _Errors, backend: Any, path: Path) -> None:
    backend = _dict(backend)
    if backend is None:
        return
    service = backend.get("service")
    resource = backend.get("resource")
    if service is not None and resource is not None:
        errors.invalid(path, "", "cannot set both resource and service backends")
        return
    if resource is not None:
        return
    if service is None:
        errors.invalid(path, "", "resource or service backend is required")
        return
    service = _dict(service)
    if service is None:
        return
    name = service.get("name")
    if name is None or name == "":
        errors.required((*path, "service", "name"))
    elif isinstance(name, str):
        errors.invalid_each((*path, "service", "name"), name, f.is_dns1035_label(name))
    port = _dict(service.get("port")) or {}
    port_name = _str(port.get("name")) or ""
    number = _int(port.get("number")) or 0
    if port_name and number:
        errors.invalid(path, "", "cannot set both port name & port number")
    elif port_name:
        errors.invalid_each((*path, "service", "port", "name"), port_name, f.is_valid_port_name(port_name))
    elif number:
        errors.invalid_each((*path, "service", "port", "number"), number, f.is_valid_port_num(number))
    elif port.get("number") is None or port.get("number") == 0:
        errors.required(path, "port name or number is required", (*path, "service", "port"))


def _network_policy(errors: _Errors, resource: Resource) -> None:
    """networking/validation ValidateNetworkPolicySpec, ValidateNetworkPolicyPort,
    ValidateNetworkPolicyPeer."""
    spec = _dict(resource.obj.get("spec")) or {}
    selector = _dict(spec.get("podSelector"))
    if selector is not None:
        _selector(errors, selector, ("spec", "podSelector"))
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        for index, rule in enumerate(_list(spec.get(direction)) or ()):
            rule = _dict(rule)
            if rule is None:
                continue
            at = ("spec", direction, index)
            for number, port in enumerate(_list(rule.get("ports")) or ()):
                port = _dict(port)
                if port is not None:
                    _policy_port(errors, port, (*at, "ports", number))
            for number, peer in enumerate(_list(rule.get(peers_key)) or ()):
                peer = _dict(peer)
                if peer is None:
                    continue
                where = (*at, peers_key, number)
                count = sum(1 for key in ("podSelector", "namespaceSelector", "ipBlock") if peer.get(key) is not None)
                if count == 0:
                    errors.required(where, "must specify a peer")
                elif count > 1 and peer.get("ipBlock") is not None:
                    errors.forbidden(where, "may not specify both ipBlock and another peer")
                for key in ("podSelector", "namespaceSelector"):
                    inner = _dict(peer.get(key))
                    if inner is not None:
                        _selector(errors, inner, (*where, key))
    types = _list(spec.get("policyTypes"))
    if types is not None and len(types) > 2:
        shown = ", ".join(json.dumps(str(item)) for item in types)
        errors.invalid(("spec", "policyTypes"), Raw(f"&[]networking.PolicyType{{{shown}}}"),
                       "may not specify more than two policyTypes")
        return
    for index, policy_type in enumerate(types or ()):
        if isinstance(policy_type, str) and policy_type not in ("Ingress", "Egress"):
            errors.unsupported(("spec", "policyTypes", index), policy_type, ("Ingress", "Egress"))


def _policy_port(errors: _Errors, port: dict[str, Any], path: Path) -> None:
    """networking/validation ValidateNetworkPolicyPort."""
    protocol = _str(port.get("protocol"))
    if protocol and protocol not in _PROTOCOLS:
        errors.unsupported((*path, "protocol"), protocol, ("TCP", "UDP", "SCTP"))
    value = port.get("port")
    end = _int(port.get("endPort"))
    number = _int(value)
    if number is not None:
        errors.invalid_each((*path, "port"), number, f.is_valid_port_num(number))
        if end is not None:
            if end < number:
                errors.invalid((*path, "endPort"), number, "must be greater than or equal to `port`")
            errors.invalid_each((*path, "endPort"), end, f.is_valid_port_num(end))
    elif isinstance(value, str):
        if end is not None:
            errors.invalid((*path, "endPort"), end, "may not be specified when `port` is non-numeric")
        errors.invalid_each((*path, "port"), value, f.is_valid_port_name(value))
    elif value is None and end is not None:
        errors.invalid((*path, "endPort"), end, "may not be specified when `port` is not specified")


def _hpa(errors: _Errors, resource: Resource) -> None:
    """autoscaling/validation validateHorizontalPodAutoscalerSpec (HPAScaleToZero off: minReplicas >= 1)."""
    spec = _dict(resource.obj.get("spec")) or {}
    low = _int(spec.get("minReplicas")) if spec.get("minReplicas") is not None else 1  # defaulted to 1
    high = _int(spec.get("maxReplicas"))
    if low is not None and low < 1:
        errors.invalid(("spec", "minReplicas"), low, "must be greater than or equal to 1")
    if high is not None and high < 1:
        errors.invalid(("spec", "maxReplicas"), high, "must be greater than 0")
    if low is not None and high is not None and high < low:
        errors.invalid(("spec", "maxReplicas"), high, "must be greater than or equal to `minReplicas`")
    target = _dict(spec.get("scaleTargetRef"))
    if target is not None:
        for key in ("kind", "name"):
            if _absent(target.get(key)):
                errors.required(("spec", "scaleTargetRef", key))


_PERCENT = re.compile(r"^[0-9]+%$")


def _int_or_percent(errors: _Errors, value: Any, path: Path) -> None:
    """extensions/validation ValidatePositiveIntOrPercent and IsNotMoreThan100Percent."""
    number = _int(value)
    if number is not None and number < 0:
        errors.invalid(path, number, "must be greater than or equal to 0")
    elif isinstance(value, str):
        if not _PERCENT.match(value):
            errors.invalid(path, _int_or_string(value), f.regex_error(
                "a valid percent string must be a numeric string followed by an ending '%'", "[0-9]+%", "1%", "93%"))
        elif int(value[:-1]) > 100:
            errors.invalid(path, _int_or_string(value), "must not be greater than 100%")


def _pdb(errors: _Errors, resource: Resource) -> None:
    """policy/validation ValidatePodDisruptionBudgetSpec."""
    spec = _dict(resource.obj.get("spec")) or {}
    if spec.get("minAvailable") is not None and spec.get("maxUnavailable") is not None:
        errors.invalid(("spec",), Raw("policy.PodDisruptionBudgetSpec{...}"),
                       "minAvailable and maxUnavailable cannot be both set", ("spec", "maxUnavailable"))
    for key in ("minAvailable", "maxUnavailable"):
        if spec.get(key) is not None:
            _int_or_percent(errors, spec[key], ("spec", key))
    selector = _dict(spec.get("selector"))
    if selector is not None:
        _selector(errors, selector, ("spec", "selector"))


_MAX_DATA = 1024 * 1024


def _decoded_size(value: str) -> int:
    text = value.strip()
    return max(0, len(text) * 3 // 4 - text[-2:].count("="))


def _config_map(errors: _Errors, resource: Resource) -> None:
    """core/validation ValidateConfigMap: IsConfigMapKey keys, no key in both data and binaryData,
    at most 1 MiB (MaxSecretSize) in all."""
    data = _dict(resource.obj.get("data")) or {}
    binary = _dict(resource.obj.get("binaryData")) or {}
    total = 0
    for key, value in data.items():
        if not isinstance(key, str):
            continue
        errors.invalid_each(("data", Key(key)), key, f.is_config_map_key(key))
        if key in binary:
            errors.invalid(("data", Key(key)), key, "duplicate of key present in binaryData")
        if isinstance(value, str):
            total += len(value.encode())
    for key, value in binary.items():
        if not isinstance(key, str):
            continue
        errors.invalid_each(("binaryData", Key(key)), key, f.is_config_map_key(key))
        if isinstance(value, str):
            total += _decoded_size(value)
    if total > _MAX_DATA:
        errors.too_long((), _MAX_DATA, ("data",) if data else ("binaryData",))


_SECRET_KEYS = {
    "kubernetes.io/tls": ("tls.crt", "tls.key"),
    "kubernetes.io/dockerconfigjson": (".dockerconfigjson",),
    "kubernetes.io/dockercfg": (".dockercfg",),
    "kubernetes.io/ssh-auth": ("ssh-privatekey",),
}


def _secret(errors: _Errors, resource: Resource) -> None:
    """core/validation ValidateSecret: IsConfigMapKey keys (stringData is merged into data first),
    the keys each type requires, at most 1 MiB. Values are never echoed."""
    obj = resource.obj
    data = _dict(obj.get("data")) or {}
    string_data = _dict(obj.get("stringData")) or {}
    total = 0
    keys: set[str] = set()
    for source, values in (("data", data), ("stringData", string_data)):
        for key, value in values.items():
            if not isinstance(key, str):
                continue
            if key not in keys:
                errors.invalid_each(("data", Key(key)), key, f.is_config_map_key(key), (source, key))
            keys.add(key)
            if isinstance(value, str):
                total += _decoded_size(value) if source == "data" else len(value.encode())
    secret_type = _str(obj.get("type")) or "Opaque"
    if secret_type == "kubernetes.io/basic-auth" and not {"username", "password"} & keys:
        for key in ("username", "password"):
            errors.required(("data", Key(key)), at=("data",) if "data" in obj else ("type",))
    for required in _SECRET_KEYS.get(secret_type, ()):
        if required not in keys:
            errors.required(("data", Key(required)), at=("data",) if "data" in obj else ("type",))
    if secret_type == "kubernetes.io/service-account-token":
        annotations = _dict((_dict(obj.get("metadata")) or {}).get("annotations")) or {}
        if _absent(annotations.get("kubernetes.io/service-account.name")):
            errors.required(("metadata", "annotations", Key("kubernetes.io/service-account.name")),
                            at=("metadata",))
    if total > _MAX_DATA:
        errors.too_long(("data",), _MAX_DATA)


_ACCESS_MODES = ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")


def _pvc(errors: _Errors, resource: Resource) -> None:
    """core/validation ValidatePersistentVolumeClaimSpec: access modes and a storage request."""
    spec = _dict(resource.obj.get("spec")) or {}
    modes = spec.get("accessModes")
    if modes is None or modes == []:
        errors.required(("spec", "accessModes"), "at least 1 access mode is required")
    for mode in _list(modes) or ():
        if isinstance(mode, str) and mode not in _ACCESS_MODES:
            errors.unsupported(("spec", "accessModes"), mode, _ACCESS_MODES)
    requests = _dict((_dict(spec.get("resources")) or {}).get("requests")) or {}
    if "storage" not in requests:
        errors.required(("spec", "resources", Key("storage")), at=("spec", "resources"))


_RBAC_GROUP = "rbac.authorization.k8s.io"


def _role_binding(errors: _Errors, resource: Resource) -> None:
    """rbac/validation ValidateRoleBinding / ValidateClusterRoleBinding and
    ValidateRoleBindingSubject (after defaulting: User and Group subjects get the RBAC apiGroup)."""
    obj = resource.obj
    ref = _dict(obj.get("roleRef"))
    if ref is not None:
        group = ref.get("apiGroup", "")
        if isinstance(group, str) and group != _RBAC_GROUP:
            errors.unsupported(("roleRef", "apiGroup"), group, (_RBAC_GROUP,), ("roleRef",) if not group else None)
        kind = ref.get("kind", "")
        allowed = ("Role", "ClusterRole") if resource.kind == "RoleBinding" else ("ClusterRole",)
        if isinstance(kind, str) and kind not in allowed:
            errors.unsupported(("roleRef", "kind"), kind, allowed, ("roleRef",) if not kind else None)
        name = ref.get("name")
        if name is None or name == "":
            errors.required(("roleRef", "name"))
        elif isinstance(name, str):
            errors.invalid_each(("roleRef", "name"), name, f.is_path_segment_name(name))
    for index, subject in enumerate(_list(obj.get("subjects")) or ()):
        subject = _dict(subject)
        if subject is not None:
            _subject(errors, subject, ("subjects", index), resource.kind == "RoleBinding")


def _subject(errors: _Errors, subject: dict[str, Any], path: Path, namespaced: bool) -> None:
    name = subject.get("name")
    if name is None or name == "":
        errors.required((*path, "name"))
    kind = subject.get("kind")
    group = subject.get("apiGroup")
    if kind == "ServiceAccount":
        if isinstance(name, str) and name:
            errors.invalid_each((*path, "name"), name, f.is_dns1123_subdomain(name))
        if isinstance(group, str) and group:
            errors.unsupported((*path, "apiGroup"), group, ("",))
        if not namespaced and _absent(subject.get("namespace")):
            errors.required((*path, "namespace"))
    elif kind in ("User", "Group"):
        if isinstance(group, str) and group and group != _RBAC_GROUP:
            errors.unsupported((*path, "apiGroup"), group, (_RBAC_GROUP,))
    elif isinstance(kind, str) or kind is None:
        errors.unsupported((*path, "kind"), kind or "", ("ServiceAccount", "User", "Group"))


def _meta_only(errors: _Errors, resource: Resource) -> None:
    return None


# (group, kind) -> (name rule, namespaced, spec rules). Kinds not listed cost one dict lookup.
Validator = Callable[[_Errors, Resource], None]
_APPS_SELECTOR = frozenset({"apps/v1", "apps/v1beta2"})
_KINDS: dict[tuple[str, str], tuple[f.NameCheck, bool, Validator]] = {
    ("", "Namespace"): (f.name_is_dns_label, False, _meta_only),
    ("", "Pod"): (f.name_is_dns_subdomain, True, _pod),
    ("", "Service"): (f.name_is_dns1035_label, True, _service),
    ("", "ConfigMap"): (f.name_is_dns_subdomain, True, _config_map),
    ("", "Secret"): (f.name_is_dns_subdomain, True, _secret),
    ("", "ServiceAccount"): (f.name_is_dns_subdomain, True, _meta_only),
    ("", "PersistentVolumeClaim"): (f.name_is_dns_subdomain, True, _pvc),
    ("", "ReplicationController"): (f.name_is_dns_subdomain, True, _replication_controller),
    ("apps", "Deployment"): (f.name_is_dns_subdomain, True,
                             _controller("empty selector is invalid for deployment", _APPS_SELECTOR)),
    ("apps", "ReplicaSet"): (f.name_is_dns_subdomain, True,
                             _controller("empty selector is invalid for deployment", _APPS_SELECTOR)),
    ("apps", "DaemonSet"): (f.name_is_dns_subdomain, True,
                            _controller("empty selector is invalid for daemonset", _APPS_SELECTOR)),
    ("apps", "StatefulSet"): (f.name_is_dns_label, True,
                              _controller("empty selector is invalid for statefulset", _APPS_SELECTOR)),
    ("batch", "Job"): (f.name_is_dns_subdomain, True, _job),
    ("batch", "CronJob"): (f.name_is_dns_subdomain, True, _cron_job),
    ("networking.k8s.io", "Ingress"): (f.name_is_dns_subdomain, True, _ingress),
    ("networking.k8s.io", "NetworkPolicy"): (f.name_is_dns_subdomain, True, _network_policy),
    ("autoscaling", "HorizontalPodAutoscaler"): (f.name_is_dns_subdomain, True, _hpa),
    ("policy", "PodDisruptionBudget"): (f.name_is_dns_subdomain, True, _pdb),
    ("rbac.authorization.k8s.io", "Role"): (f.name_is_path_segment, True, _meta_only),
    ("rbac.authorization.k8s.io", "ClusterRole"): (f.name_is_path_segment, False, _meta_only),
    ("rbac.authorization.k8s.io", "RoleBinding"): (f.name_is_path_segment, True, _role_binding),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): (f.name_is_path_segment, False, _role_binding),
}
# Removed API versions of the same kinds: the same rules (they are reported as removed too).
for _kind in ("Deployment", "ReplicaSet", "DaemonSet", "NetworkPolicy", "Ingress"):
    _group = "networking.k8s.io" if _kind in ("NetworkPolicy", "Ingress") else "apps"
    _KINDS[("extensions", _kind)] = _KINDS[(_group, _kind)]


def check_builtin(resource: Resource, context: CheckContext) -> list[Finding]:
    """Findings for the server-side validation of a built-in object; [] for kinds not covered."""
    rule = _KINDS.get((resource.group, resource.kind))
    if rule is None:
        return []
    name_check, namespaced, validate = rule
    errors = _Errors()
    _object_meta(errors, resource.obj, name_check, namespaced)
    validate(errors, resource)
    if not errors.items:
        return []
    return errors.findings(resource)
