"""Configuration files that carry apiVersion/kind (kubeadm, kubelet, kube-proxy, Kustomize, kind...).

They are not API objects: the engine counts them as configuration and runs only this check on
them, which reports the lifecycle of their format version (schemas/config-apis.yaml).
"""

from __future__ import annotations

from collections.abc import Iterator

from kcompat.checks.context import CheckContext
from kcompat.core.model import Finding
from kcompat.core.rules import CONFIG_API_DEPRECATED, CONFIG_API_REMOVED, severity_of
from kcompat.sources.resources import Resource


def is_config(resource: Resource, context: CheckContext) -> bool:
    group = resource.api_version.rpartition("/")[0]
    if not group or context.catalog.is_builtin_group(group):
        # no configuration format uses a served group (tests/unit/catalog/test_config_apis.py), so
        # the usual objects never make config-apis.yaml be read
        return False
    from kcompat.catalog.config_apis import load_config_apis

    return load_config_apis().group_of(resource.api_version) is not None


def check_config(resource: Resource, context: CheckContext) -> Iterator[Finding]:
    from kcompat.catalog.config_apis import load_config_apis

    apis = load_config_apis()
    group = apis.group_of(resource.api_version)
    version = apis.versions.get(resource.api_version)
    if group is None or version is None:
        return
    target = context.target
    how = f"; migrate with {version.migrate}" if version.migrate else ""
    instead = f" to {version.replacement}" if version.replacement else ""
    details = {"tool": group.tool, "source": version.source}
    if version.removed is not None and target >= version.removed:
        yield Finding(CONFIG_API_REMOVED, severity_of(CONFIG_API_REMOVED),
                      f"{resource.api_version} {resource.kind} is not read by {group.tool} of {target} "
                      f"(removed in {version.removed}); move{instead}{how}",
                      resource.origin_of(("apiVersion",)), resource.ref(), replacement=version.replacement,
                      details={**details, "removed_in": str(version.removed)})
    elif version.deprecated is not None and target >= version.deprecated:
        yield Finding(CONFIG_API_DEPRECATED, severity_of(CONFIG_API_DEPRECATED),
                      f"{resource.api_version} {resource.kind} is deprecated by {group.tool} since "
                      f"{version.deprecated}; move{instead}{how}",
                      resource.origin_of(("apiVersion",)), resource.ref(), replacement=version.replacement,
                      details={**details, "deprecated_in": str(version.deprecated)})
