"""Field changes per migration, applied in place to one Kubernetes object.

Each migration takes the object (a plain dict, or ruamel.yaml's CommentedMap when rewriting a
file), the old and the new apiVersion, and returns notes for the user. It raises ManualWork when
the object cannot be migrated without a human decision. The same function runs on plain data
(to compute the expected result and validate) and on the round-trip tree (to write the file), so
both must go through the helpers below, which keep key positions and comments when they can.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

Obj = Any  # dict[str, Any] or CommentedMap
Migration = Callable[[Obj, str, str], list[str]]


class ManualWork(Exception):
    """The object needs a human decision; it is left unchanged and the reason is reported."""


# ---------------------------------------------------------------- helpers


def _is_rt(container: Any) -> bool:
    return isinstance(container, CommentedMap | CommentedSeq)


def new_map(like: Any, pairs: list[tuple[str, Any]]) -> Any:
    result: Any = CommentedMap() if _is_rt(like) else {}
    for key, value in pairs:
        result[key] = value
    return result


def new_seq(like: Any, items: list[Any]) -> Any:
    if _is_rt(like):
        seq = CommentedSeq()
        seq.extend(items)
        return seq
    return list(items)


def clone(value: Any, like: Any) -> Any:
    """A copy without comments or anchors, in the container family of like."""
    if isinstance(value, dict):
        return new_map(like, [(key, clone(item, like)) for key, item in value.items()])
    if isinstance(value, list):
        return new_seq(like, [clone(item, like) for item in value])
    return value


def _index(mapping: Any, key: str) -> int:
    return list(mapping.keys()).index(key) if key in mapping else len(mapping)


def put(mapping: Any, key: str, value: Any, at: int | None = None) -> None:
    """Set key at position at (append when None), keeping the position of an existing key."""
    if key in mapping or at is None or not isinstance(mapping, CommentedMap):
        mapping[key] = value
        return
    mapping.insert(min(at, len(mapping)), key, value)


def rename(mapping: Any, old: str, new: str, value: Any = None, *, replace_value: bool = False) -> None:
    """Rename a key in place (same position, same comment), optionally giving it a new value."""
    position = _index(mapping, old)
    current = mapping.pop(old)
    comment = None
    if isinstance(mapping, CommentedMap):
        comment = mapping.ca.items.pop(old, None)
    put(mapping, new, value if replace_value else current, position)
    if comment is not None:
        mapping.ca.items[new] = comment


def delete(mapping: Any, key: str) -> Any:
    if isinstance(mapping, CommentedMap):
        mapping.ca.items.pop(key, None)
    return mapping.pop(key)


def _mapping(value: Any) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def _sequence(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _name(obj: Obj) -> str:
    metadata = _mapping(obj.get("metadata")) or {}
    return str(metadata.get("name", "<unnamed>"))


# ---------------------------------------------------------------- generic


def generic(obj: Obj, old: str, new: str) -> list[str]:
    return []


# ---------------------------------------------------------------- Ingress

_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_CLASS_ANNOTATION = "kubernetes.io/ingress.class"


def _ingress_backend(backend: Any, where: str) -> None:
    if not isinstance(backend, dict) or ("serviceName" not in backend and "servicePort" not in backend):
        return
    name, port = backend.get("serviceName"), backend.get("servicePort")
    if not isinstance(name, str) or not name:
        raise ManualWork(f"{where}.serviceName is missing or not a string")
    if isinstance(port, bool) or port is None:
        raise ManualWork(f"{where}.servicePort is missing or not a port")
    if isinstance(port, int):
        port_map = new_map(backend, [("number", port)])
    elif isinstance(port, str) and port.isdigit():
        port_map = new_map(backend, [("number", int(port))])
    elif isinstance(port, str):
        port_map = new_map(backend, [("name", port)])
    else:
        raise ManualWork(f"{where}.servicePort is neither a number nor a name")
    service = new_map(backend, [("name", name), ("port", port_map)])
    position = min(_index(backend, "serviceName"), _index(backend, "servicePort"))
    delete(backend, "serviceName") if "serviceName" in backend else None
    delete(backend, "servicePort") if "servicePort" in backend else None
    put(backend, "service", service, position)


def ingress(obj: Obj, old: str, new: str) -> list[str]:
    notes: list[str] = []
    spec = _mapping(obj.get("spec"))
    if spec is None:
        return notes
    if "backend" in spec:
        _ingress_backend(spec["backend"], "spec.backend")
        rename(spec, "backend", "defaultBackend")
    added_path_type = 0
    for r, rule in enumerate(_sequence(spec.get("rules"))):
        http = _mapping(rule.get("http")) if isinstance(rule, dict) else None
        for p, path in enumerate(_sequence(http.get("paths")) if http else []):
            if not isinstance(path, dict):
                continue
            if "backend" in path:
                _ingress_backend(path["backend"], f"spec.rules[{r}].http.paths[{p}].backend")
            if "pathType" not in path:
                put(path, "pathType", "ImplementationSpecific", _index(path, "path") + 1)
                added_path_type += 1
    if added_path_type:
        notes.append(f"pathType: ImplementationSpecific added to {added_path_type} path(s), the old behaviour; "
                     "consider Prefix or Exact")
    metadata = _mapping(obj.get("metadata"))
    annotations = _mapping(metadata.get("annotations")) if metadata else None
    if annotations is not None and _CLASS_ANNOTATION in annotations:
        value = annotations[_CLASS_ANNOTATION]
        if "ingressClassName" in spec:
            notes.append(f"both spec.ingressClassName and the {_CLASS_ANNOTATION} annotation are set; "
                         "networking.k8s.io/v1 rejects that: remove the annotation")
        elif isinstance(value, str) and _DNS_SUBDOMAIN.fullmatch(value) and len(value) <= 253:
            delete(annotations, _CLASS_ANNOTATION)
            if not annotations and metadata is not None:
                delete(metadata, "annotations")
            put(spec, "ingressClassName", value, 0)
            notes.append(f"annotation {_CLASS_ANNOTATION}: {value} became spec.ingressClassName; an IngressClass "
                         f"named {value!r} must exist (most controllers install one)")
        else:
            notes.append(f"annotation {_CLASS_ANNOTATION} kept: {value!r} is not a valid IngressClass name")
    return notes


# ---------------------------------------------------------------- workloads (apps/v1)


def workload(obj: Obj, old: str, new: str) -> list[str]:
    notes: list[str] = []
    kind = obj.get("kind")
    spec = _mapping(obj.get("spec"))
    if spec is None:
        return notes
    if spec.get("selector") is None:
        template = _mapping(spec.get("template")) or {}
        labels = _mapping((_mapping(template.get("metadata")) or {}).get("labels"))
        if not labels:
            raise ManualWork("spec.selector is required in apps/v1 and the pod template has no labels to copy")
        selector = new_map(spec, [("matchLabels", clone(labels, spec))])
        if "selector" in spec:
            spec["selector"] = selector
        else:
            put(spec, "selector", selector, _index(spec, "template"))
        notes.append("spec.selector set to the pod template labels (what the old API defaulted it to); "
                     "it is immutable once created")
    for dropped in ("rollbackTo", "templateGeneration"):
        if dropped in spec:
            delete(spec, dropped)
            notes.append(f"spec.{dropped} removed (not in apps/v1)")
    if kind == "DaemonSet" and old == "extensions/v1beta1" and "updateStrategy" not in spec:
        notes.append("spec.updateStrategy now defaults to RollingUpdate (extensions/v1beta1 defaulted to OnDelete); "
                     "set updateStrategy.type: OnDelete to keep the old behaviour")
    if kind == "StatefulSet" and old == "apps/v1beta1" and "updateStrategy" not in spec:
        notes.append("spec.updateStrategy now defaults to RollingUpdate (apps/v1beta1 defaulted to OnDelete); "
                     "set updateStrategy.type: OnDelete to keep the old behaviour")
    if kind == "Deployment" and old in ("extensions/v1beta1", "apps/v1beta1"):
        if "revisionHistoryLimit" not in spec:
            notes.append("spec.revisionHistoryLimit now defaults to 10")
        if old == "extensions/v1beta1" and "progressDeadlineSeconds" not in spec:
            notes.append("spec.progressDeadlineSeconds now defaults to 600")
    return notes


# ---------------------------------------------------------------- CustomResourceDefinition


def structural_problem(schema: Any, where: str = "openAPIV3Schema", root: bool = True) -> str | None:
    """Why a schema is not structural (missing types), or None. Logical junctors are not checked."""
    if not isinstance(schema, dict):
        return f"{where} is not a mapping"
    exempt = (schema.get("x-kubernetes-int-or-string") is True
              or schema.get("x-kubernetes-preserve-unknown-fields") is True)
    if not schema.get("type") and not exempt:
        return f"{where} has no type"
    if root and schema.get("type") not in (None, "object"):
        return f"{where} must be of type object"
    for key, child in (_mapping(schema.get("properties")) or {}).items():
        problem = structural_problem(child, f"{where}.properties.{key}", False)
        if problem:
            return problem
    for key in ("items", "additionalProperties"):
        child = schema.get(key)
        if isinstance(child, dict):
            problem = structural_problem(child, f"{where}.{key}", False)
            if problem:
                return problem
        elif isinstance(child, list):
            return f"{where}.{key} must be a single schema in apiextensions.k8s.io/v1"
    return None


def crd(obj: Obj, old: str, new: str) -> list[str]:
    notes: list[str] = []
    spec = _mapping(obj.get("spec"))
    if spec is None:
        raise ManualWork("spec is missing")
    validation = _mapping(spec.get("validation"))
    schema = _mapping(validation.get("openAPIV3Schema")) if validation else None
    versions = spec.get("versions")
    if not versions:
        version = spec.get("version")
        if not isinstance(version, str) or not version:
            raise ManualWork("neither spec.version nor spec.versions is set")
        entry = new_map(spec, [("name", version), ("served", True), ("storage", True)])
        rename(spec, "version", "versions", new_seq(spec, [entry]), replace_value=True)
        versions = spec["versions"]
    elif "version" in spec:
        delete(spec, "version")
    if not isinstance(versions, list) or not all(isinstance(v, dict) for v in versions):
        raise ManualWork("spec.versions is not a list of mappings")
    schemas = [_mapping(v.get("schema")) for v in versions]
    if schema is not None:
        if "type" not in schema:
            put(schema, "type", "object", 0)
            notes.append("type: object added at the schema root (required)")
        problem = structural_problem(schema)
        if problem:
            raise ManualWork(f"the schema is not structural ({problem}); apiextensions.k8s.io/v1 requires it")
    for version_schema in schemas:
        inner = _mapping(version_schema.get("openAPIV3Schema")) if version_schema else None
        if inner is not None:
            problem = structural_problem(inner)
            if problem:
                raise ManualWork(f"a version schema is not structural ({problem})")
    preserve = spec.get("preserveUnknownFields", True) is not False
    permissive = False
    subresources = delete(spec, "subresources") if "subresources" in spec else None
    columns = delete(spec, "additionalPrinterColumns") if "additionalPrinterColumns" in spec else None
    if validation is not None:
        delete(spec, "validation")
    for version in versions:
        if "schema" not in version:
            if schema is not None:
                body = clone(schema, spec)
            else:
                body = new_map(spec, [("type", "object"), ("x-kubernetes-preserve-unknown-fields", True)])
                permissive = True
            version["schema"] = new_map(spec, [("openAPIV3Schema", body)])
        if subresources is not None and "subresources" not in version:
            version["subresources"] = clone(subresources, spec)
        if columns is not None and "additionalPrinterColumns" not in version:
            version["additionalPrinterColumns"] = clone(columns, spec)
        for column in _sequence(version.get("additionalPrinterColumns")):
            if isinstance(column, dict) and "JSONPath" in column:
                rename(column, "JSONPath", "jsonPath")
    if permissive:
        notes.append("no schema was given: each version gets a schema of type object with "
                     "x-kubernetes-preserve-unknown-fields: true; consider writing a real one")
    if "preserveUnknownFields" in spec:
        delete(spec, "preserveUnknownFields")
    if preserve and not permissive:
        put(spec, "preserveUnknownFields", False)
        notes.append("unknown fields are now pruned (apiextensions.k8s.io/v1beta1 kept them by default); mark "
                     "schema nodes that hold arbitrary data with x-kubernetes-preserve-unknown-fields: true")
    if "scope" not in spec:
        put(spec, "scope", "Namespaced", _index(spec, "versions"))
        notes.append("spec.scope: Namespaced made explicit (it was the v1beta1 default)")
    conversion = _mapping(spec.get("conversion"))
    if conversion is not None and conversion.get("strategy") == "Webhook" and "webhook" not in conversion:
        client = delete(conversion, "webhookClientConfig") if "webhookClientConfig" in conversion else None
        review = (delete(conversion, "conversionReviewVersions") if "conversionReviewVersions" in conversion
                  else new_seq(spec, ["v1beta1"]))
        if client is None:
            raise ManualWork("spec.conversion.strategy is Webhook but webhookClientConfig is missing")
        conversion["webhook"] = new_map(spec, [("clientConfig", client), ("conversionReviewVersions", review)])
    elif conversion is not None:
        for stale in ("webhookClientConfig", "conversionReviewVersions"):
            if stale in conversion:
                delete(conversion, stale)
    return notes


# ---------------------------------------------------------------- HorizontalPodAutoscaler

_SOURCE_KEYS = {"Resource": "resource", "Pods": "pods", "Object": "object", "External": "external",
                "ContainerResource": "containerResource"}


def _hpa_source(source: Any, kind: str, where: str) -> bool:
    if not isinstance(source, dict):
        return False
    old_keys = ("targetAverageUtilization", "targetAverageValue", "targetValue", "metricName", "metricSelector")
    if not any(key in source for key in old_keys) and not (kind == "Object" and "averageValue" in source):
        return False
    position = min((_index(source, key) for key in (*old_keys, "averageValue", "selector") if key in source),
                   default=len(source))
    if kind == "Object" and "target" in source:
        rename(source, "target", "describedObject")
    if kind == "Object" and "averageValue" in source:
        target = [("type", "AverageValue"), ("averageValue", delete(source, "averageValue"))]
        if "targetValue" in source:
            delete(source, "targetValue")
    elif "targetAverageUtilization" in source:
        target = [("type", "Utilization"), ("averageUtilization", delete(source, "targetAverageUtilization"))]
    elif "targetAverageValue" in source:
        target = [("type", "AverageValue"), ("averageValue", delete(source, "targetAverageValue"))]
    elif "targetValue" in source:
        target = [("type", "Value"), ("value", delete(source, "targetValue"))]
    else:
        raise ManualWork(f"{where} has no target value")
    for leftover in ("targetAverageUtilization", "targetAverageValue", "targetValue"):
        if leftover in source:
            raise ManualWork(f"{where} sets more than one target")
    if "metricName" in source:
        metric = [("name", delete(source, "metricName"))]
        selector_key = "metricSelector" if kind == "External" else "selector"
        if selector_key in source:
            metric.append(("selector", delete(source, selector_key)))
        put(source, "metric", new_map(source, metric), position)
        position += 1
    put(source, "target", new_map(source, target), position)
    return True


def hpa(obj: Obj, old: str, new: str) -> list[str]:
    spec = _mapping(obj.get("spec"))
    if spec is None:
        return []
    changed = 0
    for i, metric in enumerate(_sequence(spec.get("metrics"))):
        if not isinstance(metric, dict):
            continue
        kind = metric.get("type")
        key = _SOURCE_KEYS.get(kind) if isinstance(kind, str) else None
        if key is not None and _hpa_source(metric.get(key), str(kind), f"spec.metrics[{i}].{key}"):
            changed += 1
    return [f"{changed} metric target(s) moved into target/metric blocks"] if changed else []


# ---------------------------------------------------------------- admission webhooks

_OLD_WEBHOOK_DEFAULTS = (("failurePolicy", "Ignore"), ("matchPolicy", "Exact"), ("timeoutSeconds", 30))


def webhook(obj: Obj, old: str, new: str) -> list[str]:
    notes: list[str] = []
    hooks = _sequence(obj.get("webhooks"))
    names = [hook.get("name") for hook in hooks if isinstance(hook, dict)]
    duplicates = sorted({str(n) for n in names if names.count(n) > 1})
    if duplicates:
        raise ManualWork(f"webhook names must be unique in admissionregistration.k8s.io/v1: {', '.join(duplicates)}")
    for i, hook in enumerate(hooks):
        if isinstance(hook, dict) and hook.get("sideEffects") in ("Unknown", "Some"):
            raise ManualWork(f"webhooks[{i}].sideEffects: {hook['sideEffects']} is not allowed in "
                             "admissionregistration.k8s.io/v1 (only None or NoneOnDryRun); decide whether the "
                             "webhook really has side effects")
    for hook in hooks:
        if not isinstance(hook, dict):
            continue
        added = []
        if "sideEffects" not in hook:
            hook["sideEffects"] = "None"
            notes.append(f"webhook {hook.get('name')}: sideEffects: None set (now required; the old default "
                         "Unknown is not allowed): verify the webhook has no side effects")
        if "admissionReviewVersions" not in hook:
            hook["admissionReviewVersions"] = new_seq(hook, ["v1beta1"])
            added.append("admissionReviewVersions: [v1beta1]")
        for key, value in _OLD_WEBHOOK_DEFAULTS:
            if key not in hook:
                hook[key] = value
                added.append(f"{key}: {value}")
        if added:
            notes.append(f"webhook {hook.get('name')}: old defaults made explicit ({', '.join(added)})")
    return notes


# ---------------------------------------------------------------- flowcontrol


def flowcontrol(obj: Obj, old: str, new: str) -> list[str]:
    notes: list[str] = []
    if obj.get("kind") != "PriorityLevelConfiguration":
        return notes
    spec = _mapping(obj.get("spec"))
    limited = _mapping(spec.get("limited")) if spec else None
    if limited is None:
        return notes
    if "assuredConcurrencyShares" in limited:
        rename(limited, "assuredConcurrencyShares", "nominalConcurrencyShares")
        notes.append("spec.limited.assuredConcurrencyShares renamed nominalConcurrencyShares")
    if new.endswith("/v1") and limited.get("nominalConcurrencyShares") == 0:
        limited["nominalConcurrencyShares"] = 30
        notes.append("spec.limited.nominalConcurrencyShares: 0 meant the default 30 before v1 and means 0 in v1; "
                     "set to 30")
    return notes


# ---------------------------------------------------------------- others


def pdb(obj: Obj, old: str, new: str) -> list[str]:
    spec = _mapping(obj.get("spec")) or {}
    selector = spec.get("selector")
    if isinstance(selector, dict) and not selector.get("matchLabels") and not selector.get("matchExpressions"):
        return ["spec.selector is empty: in policy/v1 it selects EVERY pod in the namespace (in policy/v1beta1 it "
                "selected none); set a real selector or delete this PodDisruptionBudget"]
    return []


def event(obj: Obj, old: str, new: str) -> list[str]:
    if obj.get("type") not in (None, "Normal", "Warning"):
        raise ManualWork("type must be Normal or Warning in events.k8s.io/v1")
    return []


def endpointslice(obj: Obj, old: str, new: str) -> list[str]:
    notes: list[str] = []
    for i, endpoint in enumerate(_sequence(obj.get("endpoints"))):
        topology = _mapping(endpoint.get("topology")) if isinstance(endpoint, dict) else None
        if topology is None:
            continue
        position = _index(endpoint, "topology")
        host = topology.get("kubernetes.io/hostname")
        zone = topology.get("topology.kubernetes.io/zone")
        delete(endpoint, "topology")
        if zone is not None and "zone" not in endpoint:
            put(endpoint, "zone", zone, position)
        if host is not None and "nodeName" not in endpoint:
            put(endpoint, "nodeName", host, position)
        others = sorted(set(topology) - {"kubernetes.io/hostname", "topology.kubernetes.io/zone"})
        if others:
            notes.append(f"endpoints[{i}].topology keys dropped (not writable in v1): {', '.join(others)}")
    return notes


def runtimeclass(obj: Obj, old: str, new: str) -> list[str]:
    spec = _mapping(obj.get("spec"))
    if spec is None or "spec" not in obj:
        return []
    if "runtimeHandler" not in spec:
        raise ManualWork("spec.runtimeHandler is missing")
    position = _index(obj, "spec")
    delete(obj, "spec")
    for offset, (old_key, new_key) in enumerate(
            [(k, n) for k, n in (("runtimeHandler", "handler"), ("overhead", "overhead"),
                                 ("scheduling", "scheduling")) if k in spec]):
        put(obj, new_key, spec[old_key], position + offset)
    return []


MIGRATIONS: dict[str, Migration] = {
    "generic": generic,
    "ingress": ingress,
    "workload": workload,
    "crd": crd,
    "hpa": hpa,
    "webhook": webhook,
    "flowcontrol": flowcontrol,
    "pdb": pdb,
    "event": event,
    "endpointslice": endpointslice,
    "runtimeclass": runtimeclass,
}
