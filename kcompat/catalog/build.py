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


def build_catalog(schemas_dir: Path) -> dict[str, Any]:
    served_doc = json.loads((schemas_dir / "served-apis.json").read_text())
    minors: list[int] = served_doc["minors"]
    newest = max(minors)
    curated = curated_by_key(load_curated(schemas_dir))
    apis: dict[str, Any] = {}
    for key, ranges in served_doc["apis"].items():
        group_version, _, kind = key.rpartition("/")
        group, _, version = group_version.rpartition("/")
        if kind in META_KINDS or kind.endswith("List"):
            continue
        schema_minors = from_ranges(ranges)
        schema_removed = max(schema_minors) + 1 if max(schema_minors) < newest else None
        entry = curated.get(key, {})
        removed = parse_minor(entry["removed_in"]) if entry.get("removed_in") else schema_removed
        default_minors = [m for m in schema_minors if removed is None or m < removed]
        record: dict[str, Any] = {
            "group": group,
            "version": version,
            "kind": kind,
            "stability": stability(version),
            "served": to_ranges(default_minors),
            "schema_served": ranges,
            "introduced": min(schema_minors),
            "deprecated_in": parse_minor(entry["deprecated_in"]) if entry.get("deprecated_in") else None,
            "removed_in": removed,
            "schema_removed_in": schema_removed,
            "replacement": entry.get("replacement"),
            "replacement_kind": entry.get("replacement_kind"),
            "interim_replacements": entry.get("interim_replacements", []),
            "migration": entry.get("migration", []),
            "notes": entry.get("notes", []),
            "off_by_default": bool(entry.get("off_by_default", stability(version) == "alpha")),
        }
        if entry.get("why_removed_differs"):
            record["why_removed_differs"] = entry["why_removed_differs"]
        apis[key] = record
    return {
        "format": CATALOG_FORMAT,
        "comment": "Generated by scripts/build_knowledge.py from served-apis.json and "
        "lifecycle-curated.yaml. Do not edit.",
        "minors": minors,
        "apis": apis,
    }
