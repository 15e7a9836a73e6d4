"""Configuration file formats that look like API objects (schemas/config-apis.yaml).

kubeadm, kubelet, kube-proxy, the API server's configuration files, Kustomize, kind, k3d and
Skaffold files carry apiVersion/kind but are read by a tool, never served by an API server.
"""

from __future__ import annotations

import os
from functools import cache

import yaml

from kcompat.catalog.store import schemas_dir
from kcompat.core.records import Record
from kcompat.core.versions import KubeVersion

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final


class ConfigVersion(Record):
    __slots__ = ("api_version", "deprecated", "migrate", "removed", "replacement", "source")

    def __init__(self, api_version: str, deprecated: KubeVersion | None, removed: KubeVersion | None,
                 replacement: str | None, migrate: str | None, source: str) -> None:
        self.api_version: Final[str] = api_version
        self.deprecated: Final[KubeVersion | None] = deprecated
        self.removed: Final[KubeVersion | None] = removed
        self.replacement: Final[str | None] = replacement
        self.migrate: Final[str | None] = migrate
        self.source: Final[str] = source


class ConfigGroup(Record):
    __slots__ = ("group", "kinds", "source", "tool")

    def __init__(self, group: str, kinds: tuple[str, ...], tool: str, source: str) -> None:
        self.group: Final[str] = group
        self.kinds: Final[tuple[str, ...]] = kinds
        self.tool: Final[str] = tool
        self.source: Final[str] = source


class ConfigApis(Record):
    __slots__ = ("groups", "versions")

    def __init__(self, groups: dict[str, ConfigGroup], versions: dict[str, ConfigVersion]) -> None:
        self.groups: Final[dict[str, ConfigGroup]] = groups
        self.versions: Final[dict[str, ConfigVersion]] = versions

    def group_of(self, api_version: str) -> ConfigGroup | None:
        """The configuration format of an apiVersion ("kubeadm.k8s.io/v1beta3", "skaffold/v4beta6")."""
        group = api_version.rpartition("/")[0]
        return self.groups.get(group) if group else None


def _version(text: Any) -> KubeVersion | None:
    return KubeVersion.parse(str(text)) if text is not None else None


def parse(data: dict[str, Any]) -> ConfigApis:
    groups = {entry["group"]: ConfigGroup(entry["group"], tuple(entry.get("kinds") or ()), entry["tool"],
                                          entry["source"]) for entry in data.get("groups") or ()}
    versions = {entry["apiVersion"]: ConfigVersion(entry["apiVersion"], _version(entry.get("deprecated")),
                                                   _version(entry.get("removed")), entry.get("replacement"),
                                                   entry.get("migrate"), entry["source"])
                for entry in data.get("versions") or ()}
    return ConfigApis(groups, versions)


@cache
def load_config_apis() -> ConfigApis:
    with open(os.path.join(schemas_dir(), "config-apis.yaml"), encoding="utf-8") as handle:
        # libyaml's loader: this file is read on every run that meets a non-core group
        return parse(yaml.load(handle, Loader=yaml.CSafeLoader))
