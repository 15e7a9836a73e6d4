"""Build schemas/store/: the versioned OpenAPI schemas of every bundled Kubernetes minor.

Reads the same pinned upstream artifacts as build_knowledge.py (scripts/upstream.py, recorded
with sha256 in schemas/sources.json) and writes a compact, content-addressed store:

    store/pool.jsonl      one normalised definition per line (what validation needs), each
                          distinct definition once across all versions
    store/docs.jsonl      the descriptions of a definition and of its properties (for
                          `kcompat explain --field`), each distinct text block once
    store/v1.NN.json      per minor: definition name -> [offset, length] in pool.jsonl and
                          docs.jsonl, and "group/version/Kind" -> definition name
    store/manifest.json   minors, kinds per minor, sizes and sha256 of the pools

Normalisation (documented in docs/schema-validation.md):
- refs become plain definition names (`#/definitions/X` and `/api/_definitions.json#/$defs/X`
  both give `X`);
- `type: [T, "null"]` becomes `type: T` (null is accepted for every optional field, as the
  API server does, so the per-version null markers carry no information);
- `additionalProperties: false` of the strict flavour (the only flavour for 1.10) is dropped:
  unknown fields are detected for every object with properties, and reported as warnings;
- IntOrString becomes `x-kubernetes-int-or-string: true` and Quantity `format: quantity`
  (upstream spells Quantity as string-or-integer up to 1.24 and string-or-number after);
- a `required` marker that a later minor drops is dropped in older minors too (upstream
  corrected markers the API server never enforced; see optional_later);
- `x-kubernetes-list-type: set` and `map` (with its `x-kubernetes-list-map-keys`, in upstream's
  order) stay: duplicates are reported (duplicate-value); `atomic`, the default, is dropped;
- descriptions, patch strategies, unions and GVK lists leave the pool.

Rebuilding from the same artifacts gives identical bytes (tests/test_schema_store.py).

Usage: python scripts/build_schema_store.py [--out DIR] [--cache DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import upstream

from kcompat.catalog.build import META_KINDS

STORE_FORMAT = 1
INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
KEEP_FORMATS = frozenset({"int32", "int64", "byte", "date-time", "double", "float"})
# Keys of an upstream schema that validation uses; everything else is dropped from the pool.
_TYPE_NAMES = frozenset({"string", "integer", "number", "boolean", "object", "array"})


def ref_name(ref: str) -> str:
    return ref.rpartition("/")[2]


def normalise(schema: Any) -> dict[str, Any]:
    """The validation-relevant part of one upstream schema, in kcompat's store dialect."""
    if not isinstance(schema, dict):
        raise ValueError(f"schema is not an object: {schema!r}")
    if "$ref" in schema:
        return {"$ref": ref_name(schema["$ref"])}
    if "oneOf" in schema:
        kinds = {_single_type(branch.get("type")) for branch in schema["oneOf"]}
        if kinds == {"string", "integer"}:
            return {"x-kubernetes-int-or-string": True}
        if kinds == {"string", "number"}:
            return {"format": "quantity"}
        raise ValueError(f"unexpected oneOf {schema['oneOf']!r}")
    out: dict[str, Any] = {}
    kind = _single_type(schema.get("type"))
    if kind is None and "properties" in schema:
        kind = "object"
    if kind is not None:
        out["type"] = kind
    if "properties" in schema:
        out["properties"] = {name: normalise(sub) for name, sub in sorted(schema["properties"].items())}
    if isinstance(schema.get("additionalProperties"), dict):
        out["additionalProperties"] = normalise(schema["additionalProperties"])
    if "items" in schema:
        out["items"] = normalise(schema["items"])
    if schema.get("required"):
        out["required"] = sorted(set(schema["required"]))
    if "enum" in schema:
        out["enum"] = [value for value in schema["enum"] if value is not None]
    if schema.get("format") in KEEP_FORMATS:
        out["format"] = schema["format"]
    for marker in ("x-kubernetes-preserve-unknown-fields", "x-kubernetes-embedded-resource",
                   "x-kubernetes-int-or-string"):
        if schema.get(marker):
            out[marker] = True
    list_type = schema.get("x-kubernetes-list-type")
    if list_type == "set":
        out["x-kubernetes-list-type"] = "set"
    elif list_type == "map" and schema.get("x-kubernetes-list-map-keys"):
        out["x-kubernetes-list-type"] = "map"
        out["x-kubernetes-list-map-keys"] = list(schema["x-kubernetes-list-map-keys"])
    return out


def _single_type(value: Any) -> str | None:
    if isinstance(value, list):
        kinds = [item for item in value if item != "null"]
        if len(kinds) != 1:
            raise ValueError(f"unexpected type list {value!r}")
        value = kinds[0]
    if value is not None and value not in _TYPE_NAMES:
        raise ValueError(f"unexpected type {value!r}")
    return value if isinstance(value, str) else None


def normalise_definition(name: str, schema: dict[str, Any], relaxed: frozenset[str] = frozenset()) -> dict[str, Any]:
    """relaxed: fields whose `required` marker a later version dropped (see optional_later)."""
    if name == INT_OR_STRING:
        return {"x-kubernetes-int-or-string": True}
    if name == QUANTITY:
        return {"format": "quantity"}
    out = normalise(schema)
    if relaxed and "required" in out:
        out["required"] = [field for field in out["required"] if field not in relaxed]
        if not out["required"]:
            del out["required"]
    return out


def optional_later(definitions: dict[int, dict[str, Any]]) -> dict[tuple[int, str], frozenset[str]]:
    """(minor, definition) -> required fields that a later minor marks optional.

    Upstream's `required` comes from Go struct tags, and several markers were corrected later
    because the API server never enforced them (StatefulSetSpec.serviceName until 1.33,
    NetworkPolicySpec.podSelector until 1.34, Role.rules until 1.14, ...). A cluster of the
    older version accepted those objects too, so the correction is applied backwards.
    """
    optional_in: dict[tuple[str, str], int] = {}
    for minor in sorted(definitions):
        for name, schema in definitions[minor].items():
            required = set(schema.get("required", ()))
            for field in schema.get("properties", {}):
                if field not in required:
                    optional_in[(name, field)] = minor  # keeps the newest such minor
    relaxed: dict[tuple[int, str], frozenset[str]] = {}
    for minor, defs in definitions.items():
        for name, schema in defs.items():
            fields = frozenset(field for field in schema.get("required", ())
                               if optional_in.get((name, field), -1) > minor)
            if fields:
                relaxed[(minor, name)] = fields
    return relaxed


def documentation(schema: dict[str, Any]) -> dict[str, Any] | None:
    """Descriptions of a definition and of its direct properties (what `explain` shows)."""
    doc: dict[str, Any] = {}
    if schema.get("description"):
        doc["d"] = schema["description"]
    props = {name: sub["description"] for name, sub in sorted(schema.get("properties", {}).items())
             if isinstance(sub, dict) and sub.get("description")}
    if props:
        doc["p"] = props
    return doc or None


def gvk_key(gvk: dict[str, str]) -> str:
    group, version, kind = gvk.get("group", ""), gvk["version"], gvk["kind"]
    return f"{group}/{version}/{kind}" if group else f"{version}/{kind}"


def _is_resource_kind(kind: str) -> bool:
    return kind not in META_KINDS and not kind.endswith("List")


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


class Pool:
    """Content-addressed lines: each distinct text is written once, in first-seen order."""

    def __init__(self) -> None:
        self.lines: list[bytes] = []
        self._offsets: dict[bytes, tuple[int, int]] = {}
        self._size = 0

    def add(self, text: str) -> tuple[int, int]:
        line = text.encode("ascii")
        found = self._offsets.get(line)
        if found is None:
            found = (self._size, len(line))
            self._offsets[line] = found
            self.lines.append(line)
            self._size += len(line) + 1
        return found

    def data(self) -> bytes:
        return b"".join(line + b"\n" for line in self.lines)


def build(definitions: dict[int, dict[str, Any]], artifacts: list[upstream.Artifact]) -> dict[str, bytes]:
    """Return the store's files (name -> bytes); deterministic for the same input."""
    pool, docs = Pool(), Pool()
    files: dict[str, bytes] = {}
    kinds_per_minor: dict[str, int] = {}
    relaxed = optional_later(definitions)
    for minor in sorted(definitions):
        defs = definitions[minor]
        index: dict[str, list[int]] = {}
        kinds: dict[str, str] = {}
        normalised = {name: normalise_definition(name, defs[name], relaxed.get((minor, name), frozenset()))
                      for name in sorted(defs)}
        for name, schema in normalised.items():
            # Aliases (`io.k8s.kubernetes.pkg...` -> `io.k8s.api...` in old minors) must resolve.
            _check_refs(name, schema, normalised, minor)
        for name in sorted(defs):
            schema = defs[name]
            offset, length = pool.add(dumps(normalised[name]))
            entry = [offset, length]
            doc = documentation(schema)
            if doc is not None:
                entry.extend(docs.add(dumps(doc)))
            index[name] = entry
            for gvk in schema.get("x-kubernetes-group-version-kind", []):
                key = gvk_key(gvk)
                if key in kinds and kinds[key] != name:
                    raise ValueError(f"1.{minor}: {key} is both {kinds[key]} and {name}")
                kinds[key] = name
        files[f"v1.{minor}.json"] = (dumps({"format": STORE_FORMAT, "minor": minor,
                                            "definitions": index, "kinds": dict(sorted(kinds.items()))})
                                     + "\n").encode()
        kinds_per_minor[str(minor)] = sum(1 for key in kinds if _is_resource_kind(key.rpartition("/")[2]))
    files["pool.jsonl"] = pool.data()
    files["docs.jsonl"] = docs.data()
    manifest = {
        "format": STORE_FORMAT,
        "comment": "Generated by scripts/build_schema_store.py from the artifacts in "
                   "schemas/sources.json. Do not edit.",
        "minors": sorted(definitions),
        "resource_kinds": kinds_per_minor,
        "sources": [{"package": a.package, "version": a.version, "sha256": a.sha256} for a in artifacts],
        "files": {name: {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
                  for name, data in sorted(files.items()) if name.endswith(".jsonl")},
    }
    files["manifest.json"] = (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()
    return files


def _check_refs(name: str, schema: Any, index: dict[str, Any], minor: int) -> None:
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref not in index:
            raise ValueError(f"1.{minor}: {name} refers to missing definition {ref}")
        for value in schema.values():
            _check_refs(name, value, index, minor)
    elif isinstance(schema, list):
        for value in schema:
            _check_refs(name, value, index, minor)


def write(files: dict[str, bytes], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("v1.*.json"):
        if stale.name not in files:
            stale.unlink()
    for name, data in files.items():
        (out / name).write_bytes(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=upstream.SCHEMAS_DIR / "store")
    parser.add_argument("--cache", type=Path, default=upstream.DEFAULT_CACHE)
    args = parser.parse_args(argv)
    artifacts = upstream.pinned_artifacts()
    files = build(upstream.definitions_by_minor(artifacts, args.cache), artifacts)
    write(files, args.out)
    total = sum(len(data) for data in files.values())
    print(f"wrote {len(files)} files, {total / 1e6:.2f} MB, to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
