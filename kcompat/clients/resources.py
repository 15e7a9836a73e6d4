"""Resource (the plural in a URL or an audit objectRef) to kind, derived from the catalog's kinds.

The catalog knows kinds, not resource names. Kubernetes names a resource by lower-casing its kind
and pluralising it with a few English rules; `plural_of` applies those rules and `_EXCEPTIONS`
lists the kinds the rules get wrong. tests/test_clients_resources.py pins the result against the
names real API servers serve.
"""

from __future__ import annotations

from functools import cache

from kcompat.catalog.lifecycle import ApiLifecycle, Catalog

# Kinds whose resource name the plural rules do not produce.
_EXCEPTIONS = {
    "Endpoints": "endpoints",
    "EphemeralContainers": "ephemeralcontainers",
}

# Kinds served only as a subresource of another resource: (subresource name) -> kind.
SUBRESOURCE_KINDS = {
    "scale": "Scale",
    "eviction": "Eviction",
    "rollback": "DeploymentRollback",
    "binding": "Binding",
    "token": "TokenRequest",
    "ephemeralcontainers": "EphemeralContainers",
}
_SUBRESOURCE_ONLY = frozenset(SUBRESOURCE_KINDS.values()) - {"Binding"}


def plural_of(kind: str) -> str:
    """The resource name Kubernetes serves a kind under: Ingress -> ingresses, NetworkPolicy -> networkpolicies."""
    if kind in _EXCEPTIONS:
        return _EXCEPTIONS[kind]
    lower = kind.lower()
    if lower.endswith("y") and len(lower) > 1 and lower[-2] not in "aeiou":
        return lower[:-1] + "ies"
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return lower + "es"
    return lower + "s"


class ResourceMap:
    """(group, resource[, subresource]) -> kind, for every built-in kind the catalog knows."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._kinds: dict[tuple[str, str], str] = {}
        for api in catalog.apis.values():
            if api.kind in _SUBRESOURCE_ONLY:
                continue
            self._kinds.setdefault((api.group, plural_of(api.kind)), api.kind)

    def kind(self, group: str, resource: str) -> str | None:
        return self._kinds.get((group, resource.lower()))

    def lookup(self, group: str, version: str, resource: str, subresource: str = "") -> ApiLifecycle | None:
        """The lifecycle of the API a request to group/version/resource[/subresource] used."""
        api_version = f"{group}/{version}" if group else version
        if subresource:
            sub_kind = SUBRESOURCE_KINDS.get(subresource)
            if sub_kind is not None:
                found = self.catalog.lookup(api_version, sub_kind)
                if found is not None:
                    return found
        kind = self.kind(group, resource)
        return self.catalog.lookup(api_version, kind) if kind is not None else None

    def resources(self) -> dict[tuple[str, str], str]:
        return dict(self._kinds)


@cache
def resource_map() -> ResourceMap:
    from kcompat.catalog.lifecycle import load_catalog

    return ResourceMap(load_catalog())
