"""Build-time merge of generated served sets with the curated lifecycle facts.

Used by scripts/build_knowledge.py and by the tests that cross-check the curated file; never
imported on the `kcompat check` path (the runtime reads the merged schemas/catalog.json).
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

CATALOG_FORMAT = 1


def catalog_text(catalog: dict[str, Any]) -> str:
    """catalog.json as written: valid JSON laid out so that kcompat.catalog.lifecycle.Catalog.from_text
    parses only the APIs a run looks up: the other keys on the first line, then `"apis": {`, then
    one line per API (sorted keys, compact), then `}}`."""
    head = {key: value for key, value in catalog.items() if key != "apis"}
    first = json.dumps(head, sort_keys=True, separators=(", ", ": "))[:-1] + ","
    apis = [f"{json.dumps(key)}: {json.dumps(record, sort_keys=True, separators=(',', ':'))}"
            for key, record in sorted(catalog["apis"].items())]
    return "\n".join([first, '"apis": {', ",\n".join(apis), "}}"]) + "\n"

# Kinds registered in every group/version for the API machinery; they are not resources
# a manifest declares, so they get no lifecycle entry.
META_KINDS = frozenset(
    {"DeleteOptions", "WatchEvent", "Status", "APIGroup", "APIGroupList", "APIResourceList",
     "APIVersions", "ListOptions", "GetOptions", "CreateOptions", "PatchOptions",
     "UpdateOptions", "ExportOptions", "Table", "PartialObjectMetadata",
     "PartialObjectMetadataList"}
)


def api_key(group: str, version: str, kind: str) -> str:
    return f"{group}/{version}/{kind}" if group else f"{version}/{kind}"


def to_ranges(minors: list[int]) -> list[list[int]]:
    ranges: list[list[int]] = []
    for minor in sorted(minors):
        if ranges and ranges[-1][1] == minor - 1:
            ranges[-1][1] = minor
        else:
            ranges.append([minor, minor])
    return ranges


def from_ranges(ranges: list[list[int]]) -> list[int]:
    return [minor for first, last in ranges for minor in range(first, last + 1)]


def served_ranges(served: dict[int, set[tuple[str, str, str]]]) -> dict[str, list[list[int]]]:
    minors_of: dict[str, list[int]] = defaultdict(list)
    for minor, gvks in served.items():
        for group, version, kind in gvks:
            minors_of[api_key(group, version, kind)].append(minor)
    return {key: to_ranges(minors) for key, minors in sorted(minors_of.items())}


def stability(version: str) -> str:
    if "alpha" in version:
        return "alpha"
    if "beta" in version:
        return "beta"
    return "ga"


def parse_minor(text: str | int | float) -> int:
    """Curated files write releases as "1.25"; return the minor number."""
    major, _, minor = str(text).partition(".")
    if major != "1" or not minor.isdigit():
        raise ValueError(f"not a Kubernetes 1.x release: {text!r}")
    return int(minor)


def load_curated(schemas_dir: Path) -> list[dict[str, Any]]:
    with (schemas_dir / "lifecycle-curated.yaml").open() as handle:
        document = yaml.safe_load(handle)
    entries: list[dict[str, Any]] = document["apis"]
    return entries


def curated_by_key(entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Expand each curated entry (one group/version, several kinds) to one per kind."""
    result: dict[str, dict[str, Any]] = {}
    for entry in entries:
        group, _, version = entry["api"].rpartition("/")
        for kind in entry["kinds"]:
            key = api_key(group, version, kind)
            if key in result:
                raise ValueError(f"curated entry for {key} appears twice")
            result[key] = entry
    return result


def load_lifecycle_tags(schemas_dir: Path) -> dict[str, dict[str, Any]]:
    """Upstream's prerelease-lifecycle facts (scripts/extract_lifecycle_tags.py), by api_key."""
    path = schemas_dir / "lifecycle-tags.json"
    if not path.is_file():
        return {}
    apis: dict[str, dict[str, Any]] = json.loads(path.read_text())["apis"]
    return apis


def load_tag_exceptions(schemas_dir: Path) -> dict[str, dict[str, str]]:
    """api_key -> {fact: reason} for upstream lifecycle facts the catalog must not use."""
    path = schemas_dir / "lifecycle-tag-exceptions.yaml"
    if not path.is_file():
        return {}
    with path.open() as handle:
        document = yaml.safe_load(handle)
    result: dict[str, dict[str, str]] = {}
    for entry in document["exceptions"]:
        group, _, version = entry["api"].rpartition("/")
        for kind in entry["kinds"]:
            facts = result.setdefault(api_key(group, version, kind), {})
            for fact in entry["facts"]:
                if fact in facts:
                    raise ValueError(f"tag exception for {entry['api']} {kind} {fact} appears twice")
                facts[fact] = entry["reason"]
    return result


def _upstream_source(tag: dict[str, Any], fact: str) -> str:
    """"tag" when upstream wrote the fact, "upstream-default" when its generator derived it."""
    return "tag" if tag["source"][fact]["from"] == "tag" else "upstream-default"


def _split_key(key: str) -> tuple[str, str]:
    """api_key -> (apiVersion, kind)."""
    api_version, _, kind = key.rpartition("/")
    return api_version, kind


def final_tag_replacement(key: str, tags: dict[str, dict[str, Any]],
                          exceptions: dict[str, dict[str, str]]) -> str | None:
    """Follow upstream's replacement tags (v1beta1 -> v1beta3 -> v1) to the last one; None if untagged."""
    seen = {key}
    target: str | None = None
    current = key
    while True:
        tag = tags.get(current)
        if tag is None or not tag.get("replacement") or "replacement" in exceptions.get(current, {}):
            return target
        target = tag["replacement"]
        if target in seen:
            return target
        seen.add(target)
        current = target


def build_catalog(schemas_dir: Path) -> dict[str, Any]:
    served_doc = json.loads((schemas_dir / "served-apis.json").read_text())
    minors: list[int] = served_doc["minors"]
    newest = max(minors)
    curated = curated_by_key(load_curated(schemas_dir))
    tags = load_lifecycle_tags(schemas_dir)
    exceptions = load_tag_exceptions(schemas_dir)
    served_minors = {key: from_ranges(ranges) for key, ranges in served_doc["apis"].items()}

    def tag_minor(key: str, fact: str) -> int | None:
        tag = tags.get(key)
        if tag is None or tag.get(fact) is None or fact in exceptions.get(key, {}):
            return None
        return parse_minor(tag[fact])

    apis: dict[str, Any] = {}
    for key, ranges in served_doc["apis"].items():
        group_version, _, kind = key.rpartition("/")
        group, _, version = group_version.rpartition("/")
        if kind in META_KINDS or kind.endswith("List"):
            continue
        schema_minors = served_minors[key]
        schema_removed = max(schema_minors) + 1 if max(schema_minors) < newest else None
        entry = curated.get(key, {})
        tag = tags.get(key)
        source: dict[str, str] = {}

        # removed: upstream's tag where it falls inside the bundled minors, else the curated
        # release, else the first minor whose spec lacks the kind. A tagged removal after the
        # newest bundled minor is upstream's plan for a still-served API, kept apart.
        removed: int | None = None
        planned_removal: int | None = None
        tagged_removed = tag_minor(key, "removed")
        if tagged_removed is not None and tagged_removed <= newest:
            removed, source["removed"] = tagged_removed, _upstream_source(tags[key], "removed")
        elif entry.get("removed_in"):
            removed, source["removed"] = parse_minor(entry["removed_in"]), "curated"
        elif schema_removed is not None:
            removed, source["removed"] = schema_removed, "schemas"
        if tagged_removed is not None and tagged_removed > newest and schema_removed is None:
            planned_removal, source["planned_removal"] = tagged_removed, _upstream_source(tags[key], "removed")

        # deprecated: upstream's tag (or its generator's default), else curated, else for a
        # prerelease version nobody describes, the generator's rule: introduced + 3 minors.
        deprecated: int | None = None
        tagged_deprecated = tag_minor(key, "deprecated")
        if tagged_deprecated is not None:
            deprecated, source["deprecated"] = tagged_deprecated, _upstream_source(tags[key], "deprecated")
        elif "deprecated_in" in entry:
            deprecated = parse_minor(entry["deprecated_in"]) if entry["deprecated_in"] else None
            source["deprecated"] = "curated"
        elif tag is None and stability(version) != "ga":
            deprecated, source["deprecated"] = min(schema_minors) + 3, "default"

        # replacement: the end of upstream's replacement chain when that API is served by the
        # newest minor and not deprecated there; else the curated replacement.
        replacement, replacement_kind = entry.get("replacement"), entry.get("replacement_kind")
        if "replacement" in entry:
            source["replacement"] = "curated"
        target = final_tag_replacement(key, tags, exceptions)
        target_kind = _split_key(target)[1] if target is not None else ""
        if (target is not None and target in served_minors and max(served_minors[target]) == newest
                and target_kind not in META_KINDS and not target_kind.endswith("List")):
            target_deprecated = tag_minor(target, "deprecated")
            if target_deprecated is None or target_deprecated > newest:
                replacement = _split_key(target)[0]
                replacement_kind = target_kind if target_kind != kind else None
                direct = tags[key]["replacement"]
                source["replacement"] = "tag" if direct == target else "tag-chain"

        default_minors = [m for m in schema_minors if removed is None or m < removed]
        record: dict[str, Any] = {
            "group": group,
            "version": version,
            "kind": kind,
            "stability": stability(version),
            "served": to_ranges(default_minors),
            "schema_served": ranges,
            "introduced": min(schema_minors),
            "deprecated_in": deprecated,
            "removed_in": removed,
            "schema_removed_in": schema_removed,
            "replacement": replacement,
            "replacement_kind": replacement_kind,
            "interim_replacements": entry.get("interim_replacements", []),
            "migration": entry.get("migration", []),
            "notes": entry.get("notes", []),
            "off_by_default": bool(entry.get("off_by_default", stability(version) == "alpha")),
            "source": source,
        }
        if planned_removal is not None:
            record["planned_removal_in"] = planned_removal
        if entry.get("why_removed_differs"):
            record["why_removed_differs"] = entry["why_removed_differs"]
        apis[key] = record
    return {
        "format": CATALOG_FORMAT,
        "comment": "Generated by scripts/build_knowledge.py from served-apis.json, lifecycle-tags.json, "
        "lifecycle-tag-exceptions.yaml and lifecycle-curated.yaml. Do not edit.",
        "minors": minors,
        "apis": apis,
    }
