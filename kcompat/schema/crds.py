"""CustomResourceDefinitions as schema sources: parsing both API shapes, and validators per version.

apiextensions.k8s.io/v1 gives each version its own `schema.openAPIV3Schema`. The removed
v1beta1 shape also allows one top-level `spec.validation.openAPIV3Schema` for every version,
a single `spec.version` instead of `spec.versions`, and keeps unknown fields by default
(`spec.preserveUnknownFields: true`).

A CRD is parsed into plain, picklable values (so worker processes receive the registry once);
each process compiles a version's schema the first time a custom resource needs it.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from kcompat.core.model import Origin
from kcompat.schema.defaults import DefaultsNode, compile_defaults, default_object, has_defaults
from kcompat.schema.validator import ANY_TYPES, Compiler, Entry, Path, Problem, SchemaError, run

CRD_GROUP = "apiextensions.k8s.io"
CRD_KIND = "CustomResourceDefinition"
_TYPES = ("object", "array", "string", "integer", "number", "boolean")


def is_crd(api_version: str, kind: str) -> bool:
    return kind == CRD_KIND and api_version.rpartition("/")[0] == CRD_GROUP


@dataclass(frozen=True)
class CrdVersion:
    name: str
    served: bool
    storage: bool
    deprecated: bool
    deprecation_warning: str | None
    schema: dict[str, Any] | None
    """The openAPIV3Schema, or None when the CRD gives none (anything is accepted)."""
    schema_path: Path
    """Where the schema sits inside the CRD object (for positions of schema problems)."""
    preserve_unknown: bool
    fingerprint: str
    """Identifies schema + pruning mode, so compiled validators can be cached safely."""
    schema_error: str | None = None
    """Why the schema cannot be used (it is then not applied)."""
    status_subresource: bool = False
    """With a status subresource the API server ignores `status` in what is applied."""


@dataclass(frozen=True)
class Crd:
    name: str
    group: str
    kind: str
    api_version: str
    """The CRD object's own apiVersion (apiextensions.k8s.io/v1 or v1beta1)."""
    versions: tuple[CrdVersion, ...]
    origin: Origin

    def version(self, name: str) -> CrdVersion | None:
        return next((v for v in self.versions if v.name == name), None)

    def served(self) -> list[str]:
        return [v.name for v in self.versions if v.served]


@dataclass(frozen=True)
class CrdProblem:
    path: Path
    """Inside the CRD object."""
    message: str


@dataclass(frozen=True, eq=False)
class CrdRegistry:
    """CRDs by (group, kind), in the order they were found (--crd paths, then the inputs).

    When several CRDs define the same kind (a repository holding several releases of an
    operator), a custom resource is checked against the last one that serves its version;
    only when none does is it reported, against the last one that defines the kind.
    """

    by_kind: dict[tuple[str, str], tuple[Crd, ...]] = field(default_factory=dict)

    def lookup(self, group: str, kind: str) -> Crd | None:
        found = self.by_kind.get((group, kind))
        return found[-1] if found else None

    def for_version(self, group: str, kind: str, version: str) -> Crd | None:
        found = self.by_kind.get((group, kind), ())
        for crd in reversed(found):
            defined = crd.version(version)
            if defined is not None and defined.served:
                return crd
        return found[-1] if found else None

    def __len__(self) -> int:
        return len(self.by_kind)

    @classmethod
    def of(cls, crds: Iterable[Crd]) -> CrdRegistry:
        by_kind: dict[tuple[str, str], tuple[Crd, ...]] = {}
        for crd in crds:
            by_kind[(crd.group, crd.kind)] = (*by_kind.get((crd.group, crd.kind), ()), crd)
        return cls(by_kind)

    def all(self) -> list[Crd]:
        return [crd for crds in self.by_kind.values() for crd in crds]


# --------------------------------------------------------------------------- parsing


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


_KEPT: dict[tuple[int, str, Origin], tuple[dict[str, Any], tuple[Crd | None, list[CrdProblem]]]] = {}
"""parse_crd results kept for the one later call with the same object (see parse_crd's keep)."""


def parse_crd(obj: dict[str, Any], api_version: str, origin: Origin,
              keep: bool = False) -> tuple[Crd | None, list[CrdProblem]]:
    """Read a CRD object; problems say why (part of) it is invalid. Never raises.

    A run reads each CRD twice: when CRDs are gathered before any resource is checked, and when the
    CRD object itself is checked (crd-invalid). keep=True (the first reading) keeps the result, with
    the object, for the next call with the very same object, which takes it back instead of parsing
    again (a third of the CRD work on a corpus of large CRDs). Callers only read the result."""
    key = (id(obj), api_version, origin)
    kept = _KEPT.pop(key, None)
    if kept is not None and kept[0] is obj:
        return kept[1]
    result = _parse_crd(obj, api_version, origin)
    if keep:
        _KEPT[key] = (obj, result)
    return result


def _parse_crd(obj: dict[str, Any], api_version: str, origin: Origin) -> tuple[Crd | None, list[CrdProblem]]:
    problems: list[CrdProblem] = []
    v1 = api_version == f"{CRD_GROUP}/v1"
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return None, [CrdProblem(("spec",), "spec must be a mapping with group, names and versions")]
    group = _text(spec.get("group"))
    if group is None:
        problems.append(CrdProblem(("spec", "group"), "spec.group must be a non-empty string"))
    names = spec.get("names")
    kind = _text(names.get("kind")) if isinstance(names, dict) else None
    if kind is None:
        where = ("spec", "names", "kind") if isinstance(names, dict) else ("spec", "names")
        problems.append(CrdProblem(where, "spec.names.kind must be a non-empty string"))
    if isinstance(names, dict) and _text(names.get("plural")) is None:
        problems.append(CrdProblem(("spec", "names"), "spec.names.plural must be a non-empty string"))
    scope = spec.get("scope")
    if (v1 or scope is not None) and scope not in ("Namespaced", "Cluster"):
        problems.append(CrdProblem(("spec", "scope"), "spec.scope must be Namespaced or Cluster"))
    preserve = spec.get("preserveUnknownFields")
    preserve_unknown = preserve is True if preserve is not None else not v1
    if v1 and preserve is True:
        problems.append(CrdProblem(("spec", "preserveUnknownFields"),
                                   "spec.preserveUnknownFields must be false in apiextensions.k8s.io/v1; "
                                   "use x-kubernetes-preserve-unknown-fields in the schema"))
    versions = _versions(spec, v1, preserve_unknown, problems)
    metadata = obj.get("metadata")
    name = _text(metadata.get("name")) if isinstance(metadata, dict) else None
    if group is not None and kind is not None and isinstance(names, dict):
        plural = _text(names.get("plural"))
        if name is not None and plural is not None and name != f"{plural}.{group}":
            problems.append(CrdProblem(("metadata", "name"),
                                       f'metadata.name must be "{plural}.{group}" (spec.names.plural.spec.group)'))
    if group is None or kind is None or not versions:
        return None, problems
    crd = Crd(name or f"{kind.lower()}.{group}", group, kind, api_version, tuple(versions), origin)
    return crd, problems


def _versions(spec: dict[str, Any], v1: bool, preserve_unknown: bool,
              problems: list[CrdProblem]) -> list[CrdVersion]:
    raw_versions = spec.get("versions")
    single = spec.get("version")
    top_validation = spec.get("validation")
    top_schema: Any = None
    if isinstance(top_validation, dict):
        top_schema = top_validation.get("openAPIV3Schema")
        if v1:
            problems.append(CrdProblem(("spec", "validation"), "spec.validation is the v1beta1 shape; "
                                       "apiextensions.k8s.io/v1 takes spec.versions[*].schema"))
    if raw_versions is None and isinstance(single, str) and not v1:
        raw_versions = [{"name": single, "served": True, "storage": True}]
    if not isinstance(raw_versions, list) or not raw_versions:
        problems.append(CrdProblem(("spec", "versions"), "spec.versions must be a non-empty list"))
        return []
    if not v1 and isinstance(single, str) and isinstance(raw_versions[0], dict) \
            and raw_versions[0].get("name") != single:
        problems.append(CrdProblem(("spec", "version"), "spec.version must be the first of spec.versions"))
    versions: list[CrdVersion] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_versions):
        where: Path = ("spec", "versions", index)
        if not isinstance(raw, dict) or _text(raw.get("name")) is None:
            problems.append(CrdProblem(where, "each version must be a mapping with a name"))
            continue
        name = raw["name"]
        if name in seen:
            problems.append(CrdProblem((*where, "name"), f"version {name} is listed twice"))
            continue
        seen.add(name)
        for flag in ("served", "storage"):
            if not isinstance(raw.get(flag), bool) and (v1 or flag in raw):
                problems.append(CrdProblem((*where, flag), f"{flag} must be true or false"))
        schema_holder = raw.get("schema")
        schema: Any = None
        schema_path: Path = ()
        if isinstance(schema_holder, dict) and "openAPIV3Schema" in schema_holder:
            schema, schema_path = schema_holder["openAPIV3Schema"], (*where, "schema", "openAPIV3Schema")
        elif top_schema is not None:
            schema, schema_path = top_schema, ("spec", "validation", "openAPIV3Schema")
        elif v1:
            problems.append(CrdProblem(where, f"version {name} has no schema.openAPIV3Schema "
                                       "(required in apiextensions.k8s.io/v1)"))
        warning = raw.get("deprecationWarning")
        version = _version_with_schema(name, raw, schema, schema_path, preserve_unknown, v1,
                                       warning if isinstance(warning, str) else None, problems)
        subresources = raw.get("subresources", spec.get("subresources"))
        if isinstance(subresources, dict) and "status" in subresources:
            version = dataclasses.replace(version, status_subresource=True)
        versions.append(version)
    storage = [v.name for v in versions if v.storage]
    if versions and len(storage) != 1:
        problems.append(CrdProblem(("spec", "versions"), "exactly one version must have storage: true "
                                   f"(found {len(storage)}{': ' + ', '.join(storage) if storage else ''})"))
    return versions


def _fingerprint(dumped: str, preserve_unknown: bool) -> str:
    """dumped: json.dumps(schema, sort_keys=True, default=str)."""
    import hashlib

    digest = hashlib.sha256()
    digest.update(b"preserve" if preserve_unknown else b"prune")
    digest.update(dumped.encode())
    return digest.hexdigest()


def _version_with_schema(name: str, raw: dict[str, Any], schema: Any, schema_path: Path,
                         preserve_unknown: bool, v1: bool, warning: str | None,
                         problems: list[CrdProblem]) -> CrdVersion:
    error: str | None = None
    dumped = json.dumps(schema, sort_keys=True, default=str)
    fingerprint = _fingerprint(dumped, preserve_unknown)
    if schema is not None:
        if not isinstance(schema, dict):
            error = "openAPIV3Schema must be a mapping"
            problems.append(CrdProblem(schema_path, error))
            schema = None
        else:
            for path, message in _schema_problems(schema, v1):
                problems.append(CrdProblem((*schema_path, *path), message))
                error = error or message
            try:
                _base_entry(schema, preserve_unknown, fingerprint)
            except SchemaError as failure:
                error = failure.message
                where = (*schema_path, *failure.path)
                if not any(problem.path == where for problem in problems):  # not said twice
                    problems.append(CrdProblem(where, failure.message))
            if "x-kubernetes-validations" in dumped:  # a key, so in the text whatever the order
                problems.extend(_rule_problems(schema, schema_path, fingerprint))
    return CrdVersion(
        name=name, served=raw.get("served") is True if "served" in raw or v1 else True,
        storage=raw.get("storage") is True if "storage" in raw or v1 else True,
        deprecated=raw.get("deprecated") is True, deprecation_warning=warning,
        schema=schema if error is None else None, schema_path=schema_path,
        preserve_unknown=preserve_unknown, fingerprint=fingerprint, schema_error=error)


def _schema_problems(schema: dict[str, Any], v1: bool) -> Iterator[tuple[Path, str]]:
    """Structural-schema rules the API server enforces for v1 CRDs (the ones worth a finding).

    Where a node lies is kept as a link to its parent's (parent link, key...) and written out as a
    path only for a problem: copying the path for each of the tens of thousands of nodes of a large
    CRD cost more than the checks."""
    if not v1:
        return
    if schema.get("type") != "object":
        yield ("type",), "the root of openAPIV3Schema must have type: object"
    stack: list[tuple[Any, _Link]] = [(schema, None)]
    while stack:
        node, link = stack.pop()
        if not isinstance(node, dict):
            continue
        if "$ref" in node:
            yield (*_path(link), "$ref"), "$ref is not allowed in a CRD schema"
        typed = node.get("type")
        special = node.get("x-kubernetes-int-or-string") is True or \
            node.get("x-kubernetes-preserve-unknown-fields") is True
        if link is not None and typed is None and not special:
            yield _path(link), "type is required in a structural schema (or x-kubernetes-int-or-string / " \
                "x-kubernetes-preserve-unknown-fields)"
        if typed is not None and typed not in _TYPES:
            # The API server's field.NotSupported detail, its supported values sorted.
            yield (*_path(link), "type"), f"Unsupported value: {json.dumps(typed)}: supported values: " + \
                ", ".join(f'"{name}"' for name in sorted(_TYPES))
        if "properties" in node and isinstance(node.get("additionalProperties"), dict):
            yield (*_path(link), "additionalProperties"), "properties and additionalProperties are mutually exclusive"
        properties = node.get("properties")
        if isinstance(properties, dict):
            stack.extend((sub, (link, "properties", name)) for name, sub in properties.items())
        if isinstance(node.get("items"), dict):
            stack.append((node["items"], (link, "items")))
        if isinstance(node.get("additionalProperties"), dict):
            stack.append((node["additionalProperties"], (link, "additionalProperties")))


_Link = tuple[Any, ...] | None
"""None for the root, else (the parent's link, the keys leading from the parent to the node)."""


def _path(link: _Link) -> Path:
    parts: list[tuple[Any, ...]] = []
    while link is not None:
        parts.append(link[1:])
        link = link[0]
    return tuple(key for keys in reversed(parts) for key in keys)


def _rule_problems(schema: dict[str, Any], schema_path: Path, fingerprint: str) -> list[CrdProblem]:
    """x-kubernetes-validations rules that do not compile: the server rejects the CRD. They do not
    make the schema unusable: the other rules and the schema still apply."""
    from kcompat.schema.cel import compile_rules

    return [CrdProblem((*schema_path, *problem.path), problem.message)
            for problem in compile_rules(schema, fingerprint).problems]


# --------------------------------------------------------------------------- validators


_BASE: dict[str, Entry | SchemaError] = {}


def _base_entry(schema: dict[str, Any], preserve_unknown: bool, fingerprint: str) -> Entry:
    """compile_crd_schema without metadata, once per process per schema (raises SchemaError)."""
    found = _BASE.get(fingerprint)
    if found is None:
        try:
            found = compile_crd_schema(schema, preserve_unknown)
        except SchemaError as error:
            found = error
        except RecursionError:
            found = SchemaError((), "the schema nests too deeply")
        _BASE[fingerprint] = found
    if isinstance(found, SchemaError):
        raise found
    return found


def compile_crd_schema(schema: dict[str, Any], preserve_unknown: bool) -> Entry:
    """The entry validating a whole custom resource: the schema plus the implicit apiVersion,
    kind and metadata (metadata itself is checked against ObjectMeta by crd_validator)."""
    root = dict(schema)
    root.setdefault("type", "object")
    string: dict[str, Any] = {"type": "string"}
    props = dict(root.get("properties") or {}) if isinstance(root.get("properties"), dict) else {}
    props.setdefault("apiVersion", string)
    props.setdefault("kind", string)
    props["metadata"] = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
    root["properties"] = props
    compiler = Compiler(crd=True, preserve_all=preserve_unknown)
    return compiler.entry(root, ())


def _with_metadata(base: Entry, object_meta: Entry | None) -> Entry:
    types, inner, mismatch = base
    if object_meta is None or inner is None:
        return base

    def check_with_metadata(value: Any) -> list[Problem] | None:
        found = inner(value)
        meta_problems = run(object_meta, value.get("metadata"))
        if meta_problems:
            for problem in meta_problems:
                problem.rpath.append("metadata")
            found = meta_problems if found is None else found + meta_problems
        return found

    return types, check_with_metadata, mismatch


_COMPILED: dict[tuple[str, int], Entry] = {}


def crd_validator(version: CrdVersion, minor: int, object_meta: Entry | None) -> Entry:
    """The compiled validator of one CRD version, built once per process."""
    key = (version.fingerprint, minor)
    entry = _COMPILED.get(key)
    if entry is None:
        if version.schema is None:
            entry = (ANY_TYPES, None, _accept)
        else:
            base = _base_entry(version.schema, version.preserve_unknown, version.fingerprint)
            entry = _with_metadata(base, object_meta)
        _COMPILED[key] = entry
    return entry


def _accept(value: Any) -> list[Problem] | None:
    return None


_DEFAULTS: dict[str, DefaultsNode | None] = {}


def _defaults_of(version: CrdVersion) -> DefaultsNode | None:
    """The compiled defaulting of a version's schema, None when it declares no default (then
    nothing changes what validation sees). v1beta1 CRDs that keep unknown fields
    (preserveUnknownFields: true) are not defaulted by the API server."""
    key = version.fingerprint
    if key in _DEFAULTS:
        return _DEFAULTS[key]
    node = None
    if version.schema is not None and not version.preserve_unknown and has_defaults(version.schema):
        node = compile_defaults(version.schema)
    _DEFAULTS[key] = node
    return node


def defaulted_object(version: CrdVersion, obj: Any) -> Any:
    """The custom resource as the API server validates it on create: nulls of non-nullable
    fields without a default pruned, structural defaults applied (kcompat.schema.defaults).
    obj itself when the schema has no defaults; obj is never modified. CEL rules are meant to
    run on this object too."""
    node = _defaults_of(version)
    return obj if node is None else default_object(node, obj)
