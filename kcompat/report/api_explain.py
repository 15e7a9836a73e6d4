"""`kcompat explain` and `kcompat versions`: what the catalog knows, in words."""

from __future__ import annotations

from typing import Any

from kcompat.catalog.build import to_ranges
from kcompat.catalog.lifecycle import ApiLifecycle, Catalog, minor_text

# how `explain` names the origin of each lifecycle fact (catalog.json "source")
SOURCE_WORDS = {
    "tag": "from upstream's lifecycle tag",
    "upstream-default": "from upstream's generated default",
    "tag-chain": "from upstream's replacement tags, followed to the last one",
    "curated": "curated",
    "schemas": "from the OpenAPI specs",
    "default": "kcompat's default (introduced + 3)",
}


class UnknownApi(LookupError):
    """The catalog has no such built-in group/version/kind."""


def parse_api_arguments(words: list[str]) -> tuple[str, str]:
    """Accept `policy/v1beta1 PodDisruptionBudget` or `policy/v1beta1/PodDisruptionBudget`."""
    if len(words) == 2:
        return words[0], words[1]
    if len(words) == 1 and words[0].count("/") >= 1:
        api_version, _, kind = words[0].rpartition("/")
        if api_version and kind:
            return api_version, kind
    raise ValueError("give an API as GROUP/VERSION KIND, e.g. policy/v1beta1 PodDisruptionBudget")


def find_api(catalog: Catalog, api_version: str, kind: str) -> ApiLifecycle:
    api = catalog.lookup(api_version, kind)
    if api is not None:
        return api
    for candidate in catalog.apis.values():  # users often type kinds in lower case
        if candidate.api_version == api_version and candidate.kind.lower() == kind.lower():
            return candidate
    suggestion = catalog.suggest_kind(api_version, kind)
    group = api_version.rpartition("/")[0]
    if suggestion and catalog.lookup(api_version, suggestion) is not None and suggestion != kind:
        hint = f"; did you mean {api_version} {suggestion}?"
    else:
        # the kind exists, the version does not (apps/v1beta9 Deployment): name the versions that have it
        versions = [api.api_version for api in catalog.versions_of_kind(group, suggestion or kind)]
        if not versions:
            versions = [api.api_version for api in catalog.apis.values()
                        if api.group == group and api.kind.lower() == kind.lower()]
        hint = (f"; {suggestion or kind} is in {', '.join(sorted(set(versions), key=versions.index))}"
                if versions else "")
    raise UnknownApi(f"{api_version} {kind} is not a built-in Kubernetes API{hint}")


def _ranges_text(minors: frozenset[int]) -> str:
    if not minors:
        return "never by default"
    return ", ".join(f"1.{a}" if a == b else f"1.{a}-1.{b}" for a, b in to_ranges(sorted(minors)))


def describe(api: ApiLifecycle, catalog: Catalog) -> list[str]:
    lines = [f"{api.api_version} {api.kind} ({api.stability})"]
    first = min(catalog.minors)
    introduced = minor_text(api.introduced)
    if api.introduced == first:
        introduced = f"{introduced} or earlier (the oldest bundled version)"
    lines.append(f"  introduced:   {introduced}")
    lines.append(f"  served:       {_ranges_text(api.served)}")
    if api.schema_served != api.served:
        lines.append(f"  in OpenAPI:   {_ranges_text(api.schema_served)}")
    lines.append(f"  deprecated:   {minor_text(api.deprecated_in) if api.deprecated_in else 'no'}")
    removed = minor_text(api.removed_in) if api.removed_in else "no"
    if api.planned_removal_in:
        removed += f" (upstream plans removal in {minor_text(api.planned_removal_in)})"
    lines.append(f"  removed:      {removed}")
    replacement = api.replacement or "none"
    if api.replacement and api.replacement_kind:
        replacement += f" {api.replacement_kind}"
    if api.interim_replacements:
        replacement += f" (before that is served: {', '.join(api.interim_replacements)})"
    lines.append(f"  replacement:  {replacement}")
    if api.source:
        lines.append("  source:       " + ", ".join(f"{fact.replace('_', ' ')} {SOURCE_WORDS.get(origin, origin)}"
                                                     for fact, origin in api.source))
    if api.off_by_default:
        lines.append("  note:         alpha API, not enabled in default clusters")
    if api.why_removed_differs:
        lines.append(f"  note:         {api.why_removed_differs}")
    if api.migration:
        lines.append("  migration:")
        lines.extend(f"    - {step}" for step in api.migration)
    for note in api.notes:
        lines.append(f"  note:         {note}")
    others = [o for o in catalog.versions_of_kind(api.group, api.kind) if o is not api]
    if others:
        lines.append("  other versions of this kind: " + ", ".join(
            f"{o.api_version} ({_ranges_text(o.served)})" for o in others))
    return lines


def to_json(api: ApiLifecycle) -> dict[str, Any]:
    return {
        "apiVersion": api.api_version, "kind": api.kind, "stability": api.stability,
        "served": [f"1.{m}" for m in sorted(api.served)],
        "schemaServed": [f"1.{m}" for m in sorted(api.schema_served)],
        "introduced": minor_text(api.introduced),
        "deprecatedIn": minor_text(api.deprecated_in) if api.deprecated_in else None,
        "removedIn": minor_text(api.removed_in) if api.removed_in else None,
        "replacement": api.replacement, "replacementKind": api.replacement_kind,
        "interimReplacements": list(api.interim_replacements),
        "migration": list(api.migration), "notes": list(api.notes),
        "offByDefault": api.off_by_default,
        "plannedRemovalIn": minor_text(api.planned_removal_in) if api.planned_removal_in else None,
        "source": dict(api.source),
    }
