"""schemas/config-apis.yaml: configuration file formats and the lifecycle of their versions."""

from __future__ import annotations

import re

import pytest

from kcompat.catalog.config_apis import load_config_apis
from kcompat.catalog.lifecycle import load_catalog
from kcompat.core.versions import KubeVersion

APIS = load_config_apis()


def test_every_entry_names_an_upstream_source() -> None:
    for group in APIS.groups.values():
        assert re.match(r"https://", group.source), group.group
    for version in APIS.versions.values():
        assert re.search(r"https://\S+", version.source), version.api_version


@pytest.mark.parametrize("api_version", sorted(APIS.versions))
def test_versions_belong_to_a_group_and_move_forward(api_version: str) -> None:
    version = APIS.versions[api_version]
    assert APIS.group_of(api_version) is not None
    assert version.deprecated is not None, "a listed version is at least deprecated"
    if version.removed is not None:
        assert version.deprecated < version.removed
    assert version.replacement is not None
    assert APIS.group_of(version.replacement) == APIS.group_of(api_version)
    replacement = APIS.versions.get(version.replacement)
    if replacement is not None:  # the way out is not deprecated before the version it replaces
        assert replacement.deprecated is not None and version.deprecated < replacement.deprecated
        assert replacement.removed is None or version.removed is None or version.removed <= replacement.removed


def test_no_configuration_group_is_served_by_kubernetes() -> None:
    """A group listed here must never be an API group the catalog knows (that would hide real objects)."""
    served_groups = {api.api_version.rpartition("/")[0] for api in load_catalog().apis.values()}
    assert not served_groups & set(APIS.groups)


def test_kubeadm_facts() -> None:
    v1beta3 = APIS.versions["kubeadm.k8s.io/v1beta3"]
    assert v1beta3.deprecated == KubeVersion(1, 31) and v1beta3.replacement == "kubeadm.k8s.io/v1beta4"
    assert "kubelet.config.k8s.io/v1beta1" not in APIS.versions  # the current KubeletConfiguration
    assert APIS.group_of("skaffold/v4beta6") is APIS.groups["skaffold"]
    assert APIS.group_of("v1") is None and APIS.group_of("apps/v1") is None
