"""Rules removed-api, deprecated-api, not-yet-served and unknown-api.

Each compares a resource's group/version/kind with the catalog's lifecycle for the target
version and, when a current version is known, names the upgrade hop where it breaks.
"""

from __future__ import annotations

from collections.abc import Iterator

from kcompat.catalog.lifecycle import CLIENT_SIDE_KINDS, ApiLifecycle, minor_text
from kcompat.checks.context import CheckContext
from kcompat.core.model import Finding
from kcompat.core.rules import DEPRECATED_API, NOT_YET_SERVED, OFF_BY_DEFAULT_API, REMOVED_API, UNKNOWN_API, severity_of
from kcompat.core.versions import Hop, KubeVersion
from kcompat.sources.resources import Resource

RULES = {rule: severity_of(rule)
         for rule in (REMOVED_API, DEPRECATED_API, NOT_YET_SERVED, UNKNOWN_API, OFF_BY_DEFAULT_API)}


def is_custom(resource: Resource, context: CheckContext) -> bool:
    return not context.catalog.is_builtin_group(resource.group)


def check_api(resource: Resource, context: CheckContext) -> Iterator[Finding]:
    if (resource.api_version, resource.kind) in CLIENT_SIDE_KINDS or is_custom(resource, context):
        return
    api = context.catalog.lookup(resource.api_version, resource.kind)
    if api is None:
        yield _unknown(resource, context)
        return
    target = context.target
    if api.served_in(target):
        if api.off_by_default:
            yield _off_by_default(resource, api, context)
        if api.deprecated_at(target):
            yield _deprecated(resource, api, context)
        return
    if target.minor < min(api.served, default=api.introduced):
        yield _not_yet_served(resource, api, context)
    else:
        yield _removed(resource, api, context)


def _finding(rule: str, resource: Resource, message: str, context: CheckContext,
             replacement: str | None = None, hop: Hop | None = None,
             **details: object) -> Finding:
    return Finding(rule, RULES[rule], message, resource.origin_of(("apiVersion",)),
                   resource.ref(), replacement, hop, dict(details))


def _migrate_to(api: ApiLifecycle, replacement: str | None) -> str:
    if replacement is None:
        advice = next((step for step in api.migration if step.lower().startswith("no replacement")), None)
        if advice:
            return advice[0].lower() + advice[1:]
        return f"no replacement API exists; see `kcompat explain {api.api_version} {api.kind}`"
    kind = api.replacement_kind
    return f"migrate to {replacement}" + (f" {kind}" if kind and kind != api.kind else "")


def _removed(resource: Resource, api: ApiLifecycle, context: CheckContext) -> Finding:
    removed = api.removed_in
    replacement = context.catalog.replacement_at(api, context.target)
    deprecated = f" (deprecated in {minor_text(api.deprecated_in)})" if api.deprecated_in else ""
    message = (f"{api.api_version} {api.kind} was removed in {minor_text(removed)}{deprecated}; "
               f"{_migrate_to(api, replacement)}")
    if context.target.minor in api.schema_served:
        message += (f". It is still in the {context.target} OpenAPI spec, but default clusters "
                    "stopped serving it")
    hop = None
    current = context.current
    if current is not None and removed is not None:
        if removed > current.minor:
            hop = Hop.into(removed)
        else:
            message += f"; already not served by the current version {current}"
    return _finding("removed-api", resource, message, context, replacement, hop,
                    deprecated_in=minor_text(api.deprecated_in) if api.deprecated_in else None,
                    removed_in=minor_text(removed), fixable=fixable(api.api_version, api.kind, context.target))


def fixable(api_version: str, kind: str, target: KubeVersion) -> bool:
    """Whether `kcompat fix` migrates the API (catalog.fix_routes, read only for such a finding)."""
    from kcompat.catalog import fix_routes

    return fix_routes.fixable(api_version, kind, target)


def _deprecated(resource: Resource, api: ApiLifecycle, context: CheckContext) -> Finding:
    replacement = context.catalog.replacement_at(api, context.target)
    if api.removed_in is not None:
        removal = f"will be removed in {minor_text(api.removed_in)}"
    else:
        removal = "no removal is scheduled yet"
    message = (f"{api.api_version} {api.kind} is deprecated since {minor_text(api.deprecated_in)} "
               f"and {removal}; {_migrate_to(api, replacement)}")
    hop = None
    current = context.current
    if current is not None and api.deprecated_in is not None and api.deprecated_in > current.minor:
        hop = Hop.into(api.deprecated_in)
    return _finding("deprecated-api", resource, message, context, replacement, hop,
                    deprecated_in=minor_text(api.deprecated_in),
                    removed_in=minor_text(api.removed_in) if api.removed_in else None,
                    fixable=fixable(api.api_version, api.kind, context.target))


def _not_yet_served(resource: Resource, api: ApiLifecycle, context: CheckContext) -> Finding:
    first = min(api.served, default=api.introduced)
    served = [other for other in context.catalog.versions_of_kind(api.group, api.kind)
              if other.served_in(context.target)]
    by_default = [other for other in served if not other.off_by_default]
    if by_default:
        alternative = f"; at {context.target} use {by_default[-1].api_version}"
    else:
        enabled = (f" ({', '.join(other.api_version for other in served)} only when enabled with "
                   "--runtime-config)" if served else "")
        alternative = (f"; no version of {api.kind} is served by default at {context.target}{enabled}: "
                       f"upgrade to {minor_text(first)} first")
    message = (f"{api.api_version} {api.kind} is first served in {minor_text(first)}; "
               f"a {context.target} cluster rejects it{alternative}")
    return _finding("not-yet-served", resource, message, context,
                    by_default[-1].api_version if by_default else None, None, introduced=minor_text(first))


def _unknown(resource: Resource, context: CheckContext) -> Finding:
    catalog = context.catalog
    suggestion = catalog.suggest_kind(resource.api_version, resource.kind)
    known = sorted(catalog.kinds_of(resource.api_version))
    if suggestion and suggestion != resource.kind:
        hint = f"; did you mean {suggestion}?"
    elif known:
        hint = ""
    else:
        served = sorted({api.api_version for api in catalog.apis.values()
                         if api.group == resource.group})
        hint = f"; the {resource.group or 'core'} group has {', '.join(served)}" if served else ""
    first, last = min(catalog.minors), max(catalog.minors)
    message = (f"{resource.api_version} {resource.kind} is not a built-in API in any Kubernetes "
               f"1.{first}-1.{last}{hint}")
    return _finding("unknown-api", resource, message, context, None, None)


def _off_by_default(resource: Resource, api: ApiLifecycle, context: CheckContext) -> Finding:
    enabled = [other for other in context.catalog.versions_of_kind(api.group, api.kind)
               if other.served_in(context.target) and not other.off_by_default]
    alternative = f"; {enabled[-1].api_version} is served by default" if enabled else ""
    article = "an" if api.stability[:1] in "aeiou" else "a"
    message = (f"{api.api_version} {api.kind} is {article} {api.stability} API that default {context.target} clusters "
               f"do not serve; it must be enabled with --runtime-config{alternative}")
    return _finding("off-by-default-api", resource, message, context,
                    enabled[-1].api_version if enabled else None, None)
