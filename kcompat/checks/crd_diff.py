"""Is a CRD upgrade safe? Compare the CustomResourceDefinitions of OLD and NEW (docs/crd-upgrades.md).

Pure: takes CRDs already read (kcompat.sources.resources.Resource, for positions) and returns findings.
Both API shapes are read: apiextensions.k8s.io/v1 (a schema per version) and v1beta1 (also a
single `spec.version`, one top-level `spec.validation` for every version, and unknown fields
kept unless `spec.preserveUnknownFields: false`).

Every finding names the CRD, the version, the field path, `old -> new` and where the change is:
in NEW, or in OLD for something removed. Safe changes (optional fields added, enum values
added, bounds relaxed, descriptions, printer columns, a version added, required dropped) give
no finding. `version_notes` compares the versions of one CRD with each other, to tell what
converting a resource from one served version to another changes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from kcompat.core.model import Finding, ObjectRef, Origin, Severity
from kcompat.core.rules import CRD_VERSION_UNSERVED
from kcompat.core.rules import RULES as REGISTRY
from kcompat.sources.resources import Resource

CRD_GROUP = "apiextensions.k8s.io"

RULES: dict[str, tuple[Severity, str]] = {
    rule.id: (rule.severity, rule.summary) for rule in REGISTRY.values() if rule.command == "diff"}
RULES[CRD_VERSION_UNSERVED] = (REGISTRY[CRD_VERSION_UNSERVED].severity, REGISTRY[CRD_VERSION_UNSERVED].summary)
"""The rules of `kcompat diff`, declared in the rule registry (kcompat/core/rules.py)."""

ITEM, VALUE = "[*]", "{*}"
"""Steps of a field path for every item of a list and every value of a map."""

FieldSteps = tuple[str, ...]
DocPath = tuple[str | int, ...]

_LOWER = ("minimum", "minLength", "minItems", "minProperties")
_UPPER = ("maximum", "maxLength", "maxItems", "maxProperties")
_ANY = frozenset({"object", "array", "string", "integer", "number", "boolean"})


@dataclass(frozen=True)
class CrdVersionDef:
    name: str
    served: bool
    storage: bool
    schema: dict[str, Any] | None
    schema_at: DocPath
    """Where the version's openAPIV3Schema sits in the CRD object."""
    at: DocPath
    """Where the version's entry sits (spec.versions[i], or spec.version)."""
    preserve_unknown: bool
    """v1beta1 `spec.preserveUnknownFields` (true by default there): unknown fields kept everywhere."""

    def fingerprint(self) -> str:
        return json.dumps([self.schema, self.preserve_unknown], sort_keys=True, default=str)


@dataclass(frozen=True)
class CrdDef:
    """One CRD, normalised from either API shape."""

    name: str
    group: str
    kind: str
    scope: str
    api_version: str
    versions: tuple[CrdVersionDef, ...]
    conversion: str
    """"Webhook" or "None"."""
    stored_versions: tuple[str, ...] | None
    """status.storedVersions when the input has it (a `kubectl get crd -o yaml` export)."""
    resource: Resource

    def version(self, name: str) -> CrdVersionDef | None:
        return next((v for v in self.versions if v.name == name), None)

    def served(self) -> list[str]:
        return [v.name for v in self.versions if v.served]

    def storage(self) -> str | None:
        return next((v.name for v in self.versions if v.storage), None)

    def origin(self, path: DocPath = ()) -> Origin:
        return self.resource.origin_of(path)

    def ref(self) -> ObjectRef:
        return ObjectRef(self.api_version, "CustomResourceDefinition", self.name)


def is_crd_resource(resource: Resource) -> bool:
    return resource.kind == "CustomResourceDefinition" and resource.group == CRD_GROUP


def read_crd(resource: Resource) -> CrdDef | None:
    """Normalise a CRD object; None when it lacks a group, kind or any version (`check` reports those)."""
    obj = resource.obj
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return None
    names = _mapping(spec.get("names"))
    group, kind, plural = spec.get("group"), names.get("kind"), names.get("plural")
    if not isinstance(group, str) or not isinstance(kind, str):
        return None
    metadata = _mapping(obj.get("metadata"))
    name = metadata.get("name")
    if not isinstance(name, str) or not name:
        name = f"{plural if isinstance(plural, str) else kind.lower() + 's'}.{group}"
    v1 = resource.api_version == f"{CRD_GROUP}/v1"
    preserve = spec.get("preserveUnknownFields")
    preserve_unknown = preserve is True if preserve is not None else not v1
    versions = tuple(_versions(spec, v1, preserve_unknown))
    if not versions:
        return None
    conversion = spec.get("conversion")
    strategy = conversion.get("strategy") if isinstance(conversion, dict) else None
    status = obj.get("status")
    stored = status.get("storedVersions") if isinstance(status, dict) else None
    stored_versions = tuple(v for v in stored if isinstance(v, str)) if isinstance(stored, list) else None
    scope = spec.get("scope")
    return CrdDef(name, group, kind, scope if isinstance(scope, str) else "Namespaced", resource.api_version,
                  versions, "Webhook" if strategy == "Webhook" else "None", stored_versions, resource)


def _versions(spec: dict[str, Any], v1: bool, preserve_unknown: bool) -> Iterator[CrdVersionDef]:
    validation = spec.get("validation")
    top = validation.get("openAPIV3Schema") if isinstance(validation, dict) and not v1 else None
    top_at: DocPath = ("spec", "validation", "openAPIV3Schema")
    raw = spec.get("versions")
    single = spec.get("version")
    if not isinstance(raw, list) or not raw:
        if isinstance(single, str) and not v1:
            yield CrdVersionDef(single, True, True, top if isinstance(top, dict) else None, top_at,
                                ("spec", "version"), preserve_unknown)
        return
    seen: set[str] = set()
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or entry["name"] in seen:
            continue
        seen.add(entry["name"])
        holder = entry.get("schema")
        schema: Any = holder.get("openAPIV3Schema") if isinstance(holder, dict) else None
        at: DocPath = ("spec", "versions", index, "schema", "openAPIV3Schema")
        if schema is None and top is not None:
            schema, at = top, top_at
        served = entry.get("served") is True if "served" in entry or v1 else True
        storage = entry.get("storage") is True if "storage" in entry or v1 else True
        yield CrdVersionDef(entry["name"], served, storage, schema if isinstance(schema, dict) else None, at,
                            ("spec", "versions", index), preserve_unknown)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def crds_by_name(resources: Iterable[Resource]) -> dict[str, CrdDef]:
    """The CRDs among resources by metadata.name (a later definition of the same name wins)."""
    found: dict[str, CrdDef] = {}
    for resource in resources:
        if is_crd_resource(resource):
            crd = read_crd(resource)
            if crd is not None:
                found[crd.name] = crd
    return found


# --------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class Change:
    """One difference between two schemas of a CRD (before it is turned into a Finding)."""

    rule: str
    severity: Severity
    steps: FieldSteps
    old: Any
    new: Any
    what: str
    where_new: bool
    """True: the change is located in NEW's schema (at), else in OLD's (a removal)."""
    at: DocPath
    """Position inside the schema (relative to the version's openAPIV3Schema)."""
    hint: str = ""
    node: dict[str, Any] | None = None
    """NEW's schema node at the path (None for a removal): what objects are checked against."""


def field_path(steps: FieldSteps) -> str:
    """`.spec.rules[*].host`, `.spec.labels{*}`; "." for the root."""
    text = "".join(step if step in (ITEM, VALUE) else f".{step}" for step in steps)
    return text or "."


def _show(value: Any) -> str:
    if value is ABSENT:
        return "(none)"
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


class _Absent:
    def __repr__(self) -> str:
        return "(none)"


ABSENT: Any = _Absent()


def json_types(node: dict[str, Any]) -> frozenset[str]:
    """The JSON types a schema node lets through (nullable adds "null")."""
    if node.get("x-kubernetes-int-or-string") is True:
        kinds = {"integer", "string"}
    elif isinstance(node.get("type"), str):
        kinds = {node["type"]} | ({"integer"} if node["type"] == "number" else set())
    else:
        kinds = set(_ANY)
    if node.get("nullable") is True:
        kinds.add("null")
    return frozenset(kinds)


def _type_label(node: dict[str, Any]) -> str:
    if node.get("x-kubernetes-int-or-string") is True:
        label = "int-or-string"
    elif isinstance(node.get("type"), str):
        label = str(node["type"])
    else:
        label = "any"
    return label + (" (nullable)" if node.get("nullable") is True else "")


def _keeps_unknown(node: dict[str, Any]) -> bool:
    return node.get("x-kubernetes-preserve-unknown-fields") is True


def _bound(node: dict[str, Any], key: str) -> tuple[float, bool] | None:
    value = node.get(key)
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    exclusive = {"minimum": "exclusiveMinimum", "maximum": "exclusiveMaximum"}.get(key)
    return float(value), bool(exclusive and node.get(exclusive) is True)


Emit = Callable[[Change], None]


def compare_schemas(old: dict[str, Any] | None, new: dict[str, Any] | None,
                    old_preserve: bool = False, new_preserve: bool = False) -> list[Change]:
    """Breaking or notable differences from old to new, for objects valid against old."""
    changes: list[Change] = []
    if old is None or new is None:
        if old is not None and new is None:
            changes.append(Change("crd-validation-changed", Severity.WARNING, (), "schema", ABSENT,
                                  "the schema was removed: nothing is validated or pruned any more", False, ()))
        elif old is None and new is not None and not _keeps_unknown(new):
            changes.append(Change("crd-unknown-fields-pruned", Severity.ERROR, (), "no schema", "schema",
                                  "a schema was added where there was none: fields it does not declare are "
                                  "pruned and the rest validated", True, (), node=new))
        return changes
    if old_preserve and not new_preserve and not _keeps_unknown(new):
        changes.append(Change("crd-unknown-fields-pruned", Severity.ERROR, (), "preserveUnknownFields: true",
                              "pruning", "unknown fields were kept (v1beta1 spec.preserveUnknownFields) and are "
                              "now pruned wherever the schema does not declare them", True, (), node=new))
    _compare(old, new, (), (), (), changes.append)
    return changes


def _compare(old: dict[str, Any], new: dict[str, Any], steps: FieldSteps, old_at: DocPath, new_at: DocPath,
             emit: Emit) -> None:
    if old == new:  # most of an upgraded schema is unchanged: compared at C speed, nothing to report
        return

    def change(rule: str, old_value: Any, new_value: Any, what: str, key: str | DocPath | None = None,
               in_new: bool = True, severity: Severity | None = None, hint: str = "") -> None:
        base = new_at if in_new else old_at
        at = base if key is None else (*base, key) if isinstance(key, str) else (*base, *key)
        emit(Change(rule, severity or RULES[rule][0], steps, old_value, new_value, what, in_new, at, hint, new))

    old_kinds, new_kinds = json_types(old), json_types(new)
    if old_kinds != new_kinds:
        widened = old_kinds <= new_kinds
        change("crd-field-type-changed", _type_label(old), _type_label(new),
               "the type is widened: stored objects stay valid, typed clients may not" if widened
               else "the type changed: objects of the old type are rejected",
               "type" if "type" in new else None, severity=Severity.WARNING if widened else None)
        if not widened and not (old_kinds & new_kinds & {"object", "array"}):
            return
    _compare_values(old, new, change)
    _compare_structure(old, new, steps, old_at, new_at, emit, change)


def _compare_values(old: dict[str, Any], new: dict[str, Any], change: Callable[..., None]) -> None:
    old_enum, new_enum = old.get("enum"), new.get("enum")
    if isinstance(new_enum, list):
        if not isinstance(old_enum, list):
            change("crd-enum-narrowed", ABSENT, new_enum, "an enum was added: other values are rejected", "enum")
        else:
            gone = [v for v in old_enum if v not in new_enum]
            if gone:
                change("crd-enum-narrowed", old_enum, new_enum, f"enum values removed: {_show(gone)}", "enum")
    for key in (*_LOWER, *_UPPER):
        was, now = _bound(old, key), _bound(new, key)
        if now is None:
            continue
        lower = key in _LOWER
        tighter = was is None or (now[0] > was[0] if lower else now[0] < was[0]) or (now[0] == was[0] and now[1]
                                                                                       and not was[1])
        if tighter:
            label = "added" if was is None else "tightened"
            change("crd-bounds-tightened", old.get(key, ABSENT), new[key], f"{key} {label}", key)
    multiple_old, multiple_new = old.get("multipleOf"), new.get("multipleOf")
    if isinstance(multiple_new, int | float) and multiple_new and (
            not isinstance(multiple_old, int | float) or multiple_old % multiple_new != 0):
        change("crd-bounds-tightened", old.get("multipleOf", ABSENT), multiple_new, "multipleOf added or changed",
               "multipleOf")
    if new.get("uniqueItems") is True and old.get("uniqueItems") is not True:
        change("crd-bounds-tightened", old.get("uniqueItems", ABSENT), True, "uniqueItems added", "uniqueItems")
    if "default" in old or "default" in new:
        was, now = old.get("default", ABSENT), new.get("default", ABSENT)
        if was != now:
            verb = "added" if was is ABSENT else "removed" if now is ABSENT else "changed"
            change("crd-default-changed", was, now, f"default {verb}: objects without the field read back "
                   "differently (defaults are applied when objects are read from etcd and when written)",
                   "default", in_new=now is not ABSENT)
    pattern_old, pattern_new = old.get("pattern"), new.get("pattern")
    if isinstance(pattern_new, str) and pattern_new != pattern_old:
        change("crd-pattern-changed", pattern_old if pattern_old is not None else ABSENT, pattern_new,
               "pattern added" if pattern_old is None else "pattern changed", "pattern")
    for key in ("format", "allOf", "anyOf", "oneOf", "not"):
        if key in new and new[key] != old.get(key, ABSENT):
            change("crd-validation-changed", old.get(key, ABSENT), new[key],
                   f"{key} {'added' if key not in old else 'changed'}", key)
    old_rules = {str(r.get("rule")) for r in _list(old.get("x-kubernetes-validations")) if isinstance(r, dict)}
    for index, rule in enumerate(_list(new.get("x-kubernetes-validations"))):
        if isinstance(rule, dict) and str(rule.get("rule")) not in old_rules:
            change("crd-cel-rule-added", ABSENT, rule.get("rule"), "a new CEL validation rule: existing objects "
                   "that fail it are rejected on their next update", ("x-kubernetes-validations", index, "rule"),
                   hint=str(rule.get("message") or ""))


def _compare_structure(old: dict[str, Any], new: dict[str, Any], steps: FieldSteps, old_at: DocPath,
                       new_at: DocPath, emit: Emit, change: Callable[..., None]) -> None:
    old_open = _keeps_unknown(old) or bool(old.get("additionalProperties"))
    new_open = _keeps_unknown(new) or bool(new.get("additionalProperties"))
    if _keeps_unknown(old) and not _keeps_unknown(new):
        change("crd-unknown-fields-pruned", True, new.get("x-kubernetes-preserve-unknown-fields", ABSENT),
               "x-kubernetes-preserve-unknown-fields removed: fields the schema does not declare are pruned")
    elif old_open and not new_open and "object" in json_types(new) and isinstance(new.get("properties"), dict):
        change("crd-unknown-fields-pruned", "map", "fixed properties",
               "a free-form map became an object with fixed properties: other keys are pruned")
    for key, default in (("x-kubernetes-list-type", "atomic"), ("x-kubernetes-map-type", "granular")):
        applies = "array" if key == "x-kubernetes-list-type" else "object"
        if applies in json_types(new) and old.get(key, default) != new.get(key, default):
            change("crd-list-type-changed", old.get(key, ABSENT), new.get(key, ABSENT),
                   f"{key} changed: server-side apply merges this field differently", key)
    keys_old, keys_new = old.get("x-kubernetes-list-map-keys"), new.get("x-kubernetes-list-map-keys")
    if keys_new is not None and keys_old is not None and keys_old != keys_new:
        change("crd-list-type-changed", keys_old, keys_new, "x-kubernetes-list-map-keys changed",
               "x-kubernetes-list-map-keys")
    old_required = {r for r in _list(old.get("required")) if isinstance(r, str)}
    old_props, new_props = _mapping(old.get("properties")), _mapping(new.get("properties"))
    for index, name in enumerate(_list(new.get("required"))):
        if isinstance(name, str) and name not in old_required:
            what = "an existing optional field became required" if name in old_props else "a new required field"
            emit(Change("crd-field-required-added", Severity.ERROR, (*steps, name), "optional", "required", what,
                        True, (*new_at, "required", index), node=new))
    extra = new.get("additionalProperties")
    for name, sub in old_props.items():
        if not isinstance(sub, dict):
            continue
        step = (*steps, name)
        now = new_props.get(name)
        if isinstance(now, dict):
            _compare(sub, now, step, (*old_at, "properties", name), (*new_at, "properties", name), emit)
        elif isinstance(extra, dict):
            _compare(sub, extra, step, (*old_at, "properties", name), (*new_at, "additionalProperties"), emit)
        elif extra is True or _keeps_unknown(new):
            emit(Change("crd-field-removed", Severity.WARNING, step, _type_label(sub), ABSENT,
                        "the field is no longer in the schema; it is kept (unknown fields are preserved here) "
                        "but no longer validated", False, (*old_at, "properties", name)))
        else:
            emit(Change("crd-field-removed", Severity.ERROR, step, _type_label(sub), ABSENT,
                        "the field was removed: the API server prunes it from stored and new objects",
                        False, (*old_at, "properties", name)))
    if isinstance(old.get("items"), dict) and isinstance(new.get("items"), dict):
        _compare(old["items"], new["items"], (*steps, ITEM), (*old_at, "items"), (*new_at, "items"), emit)
    if isinstance(old.get("additionalProperties"), dict) and isinstance(extra, dict):
        _compare(old["additionalProperties"], extra, (*steps, VALUE), (*old_at, "additionalProperties"),
                 (*new_at, "additionalProperties"), emit)


def _about_crd(rule: str, severity: Severity, message: str, origin: Origin, crd: CrdDef,
             details: dict[str, Any], replacement: str | None = None) -> Finding:
    details = {"crd": crd.name, **details, "fixable": False}
    return Finding(rule, severity, message, origin, crd.ref(), replacement, None, details)


def _change_finding(change: Change, old: CrdDef, new: CrdDef, old_version: CrdVersionDef,
                    new_version: CrdVersionDef, rule: str | None = None, severity: Severity | None = None,
                    label: str = "") -> Finding:
    crd = new if change.where_new else old
    version = new_version if change.where_new else old_version
    path = field_path(change.steps)
    arrow = f"{_show(change.old)} -> {_show(change.new)}"
    hint = f" ({change.hint})" if change.hint else ""
    what = change.what
    if rule == "crd-version-conversion" and change.rule == "crd-field-removed":
        what = f"not in {new_version.name}: converting an object drops it unless a conversion webhook moves it"
    message = f"CRD {new.name} {label or version.name} {path}: {what}{hint}; {arrow}"
    details = {"version": label or version.name, "path": path, "old": _jsonable(change.old),
               "new": _jsonable(change.new), "in": "new" if change.where_new else "old"}
    if rule is not None:
        details["change"] = change.rule
    return _about_crd(rule or change.rule, severity or change.severity, message,
                    crd.origin((*version.schema_at, *change.at)), crd, details)


def _jsonable(value: Any) -> Any:
    return None if value is ABSENT else value


def diff_crds(old: dict[str, CrdDef], new: dict[str, CrdDef]) -> list[Finding]:
    """Findings for upgrading every CRD of old to new (CRDs only in new are safe additions)."""
    findings: list[Finding] = []
    for name, before in old.items():
        after = new.get(name)
        if after is None:
            findings.append(_about_crd("crd-removed", RULES["crd-removed"][0],
                                     f"CRD {name} ({before.group} {before.kind}) is not in NEW: deleting a CRD "
                                     "deletes every custom resource of it; keep it, or migrate its objects "
                                     "before removing it", before.origin(("metadata", "name")), before,
                                     {"served": before.served()}))
            continue
        findings.extend(diff_crd(before, after))
    findings.sort(key=Finding.sort_key)
    return findings


def diff_crd(old: CrdDef, new: CrdDef) -> list[Finding]:
    findings: list[Finding] = []

    def add(rule: str, message: str, path: DocPath, crd: CrdDef, **details: Any) -> None:
        findings.append(_about_crd(rule, RULES[rule][0], f"CRD {new.name}: {message}", crd.origin(path), crd,
                                 details))

    if old.scope != new.scope:
        add("crd-scope-changed", f"scope {old.scope} -> {new.scope}: existing objects cannot be read in the new "
            "scope; the CRD must be deleted and recreated (deleting every object)", ("spec", "scope"), new,
            old=old.scope, new=new.scope)
    if old.kind != new.kind:
        add("crd-kind-changed", f"kind {old.kind} -> {new.kind}: every manifest and client naming the old kind "
            "breaks", ("spec", "names", "kind"), new, old=old.kind, new=new.kind)
    stored = {old.storage()} | set(old.stored_versions or ())
    new_storage = new.storage()
    for before in old.versions:
        after = new.version(before.name)
        if after is None:
            if before.name in stored:
                why = ("status.storedVersions lists it" if old.stored_versions and before.name in old.stored_versions
                       else "it is OLD's storage version")
                add("crd-storage-version-removed",
                    f"version {before.name} is removed but objects may be stored in it ({why}); the API server "
                    "refuses a CRD that drops a version still in status.storedVersions. First migrate: rewrite "
                    f"every object in {new_storage or 'the new storage version'} (kube-storage-version-migrator, "
                    "or `kubectl get` + `kubectl replace` of each object) while both versions are served, then "
                    f"patch status.storedVersions to [{new_storage}]", before.at, old, version=before.name,
                    newStorage=new_storage)
            if before.served:
                add("crd-version-removed", f"served version {before.name} is removed; manifests and clients using "
                    f"{old.group}/{before.name} break (NEW serves {', '.join(new.served()) or 'nothing'}). If the "
                    f"cluster ever stored objects as {before.name} (check `kubectl get crd {new.name} -o "
                    "jsonpath='{.status.storedVersions}'`), migrate them before applying NEW", before.at, old,
                    version=before.name, served=new.served())
            continue
        if before.served and not after.served:
            add("crd-version-no-longer-served", f"version {before.name} is no longer served (served: false); "
                f"manifests and clients using {new.group}/{before.name} break", (*after.at, "served"), new,
                version=before.name, served=new.served())
        if before.served and after.served:
            for change in compare_schemas(before.schema, after.schema, before.preserve_unknown,
                                          after.preserve_unknown):
                findings.append(_change_finding(change, old, new, before, after))
    old_storage = old.storage()
    now_storing = new.version(new_storage or "")
    if old_storage and now_storing is not None and old_storage != now_storing.name \
            and new.version(old_storage) is not None:
        add("crd-storage-version-changed", f"storage version {old_storage} -> {now_storing.name}: stored objects "
            f"stay {old_storage} until written again and status.storedVersions keeps {old_storage}; to drop "
            f"{old_storage} later, rewrite every object first", (*now_storing.at, "storage"), new,
            old=old_storage, new=now_storing.name)
    findings.extend(_conversion(old, new))
    return findings


def _conversion(old: CrdDef, new: CrdDef) -> list[Finding]:
    served = [v for v in new.versions if v.served]
    where = ("spec", "conversion") if isinstance(new.resource.obj.get("spec", {}).get("conversion"), dict) \
        else ("spec",)
    out: list[Finding] = []
    if old.conversion == "Webhook" and new.conversion != "Webhook" and len(served) > 1:
        out.append(_about_crd("crd-conversion-removed", RULES["crd-conversion-removed"][0],
                            f"CRD {new.name}: the conversion webhook is removed while {len(served)} versions stay "
                            f"served ({', '.join(v.name for v in served)}): the API server then only rewrites "
                            "apiVersion, so fields that differ between versions are lost or rejected",
                            new.origin(where), new, {"old": "Webhook", "new": new.conversion}))
    differs = len(served) > 1 and len({v.fingerprint() for v in served}) > 1
    old_served = [v for v in old.versions if v.served]
    was_missing = old.conversion != "Webhook" and len(old_served) > 1 and \
        len({v.fingerprint() for v in old_served}) > 1
    if new.conversion != "Webhook" and differs and not was_missing and not out:
        out.append(_about_crd("crd-conversion-missing", RULES["crd-conversion-missing"][0],
                            f"CRD {new.name}: versions {', '.join(v.name for v in served)} are served with "
                            "different schemas but conversion is None: reading an object in another version only "
                            "changes apiVersion; add a conversion webhook or keep the schemas identical",
                            new.origin(where), new, {"served": [v.name for v in served]}))
    return out


def version_notes(crd: CrdDef) -> list[Finding]:
    """Info findings: for each served version other than the storage version, what converting an object
    from it to the storage version changes (removed fields, type changes, new required fields, ...)."""
    storage = crd.version(crd.storage() or "")
    if storage is None:
        return []
    out: list[Finding] = []
    for version in crd.versions:
        if version is storage or not version.served or version.fingerprint() == storage.fingerprint():
            continue
        label = f"{version.name} -> {storage.name}"
        for change in compare_schemas(version.schema, storage.schema, version.preserve_unknown,
                                      storage.preserve_unknown):
            out.append(_change_finding(change, crd, crd, version, storage, "crd-version-conversion",
                                       Severity.INFO, label))
    return out
