"""Every removal from 1.16 to 1.37, checked one minor before it and at it."""

from __future__ import annotations

import pytest

from kcompat.catalog.lifecycle import ApiLifecycle, load_catalog
from kcompat.checks.api_lifecycle import check_api
from kcompat.checks.context import CheckContext
from kcompat.core.versions import KubeVersion
from kcompat.sources.documents import Document
from kcompat.sources.resources import extract
from kcompat.sources.yaml_stream import parse_stream

CATALOG = load_catalog()
REMOVALS = sorted(
    (api for api in CATALOG.apis.values() if api.removed_in is not None and api.removed_in >= 16),
    key=lambda api: (api.removed_in or 0, api.api_version, api.kind),
)


def rules_at(api: ApiLifecycle, minor: int, current: int | None = None) -> list[str]:
    text = f"apiVersion: {api.api_version}\nkind: {api.kind}\nmetadata:\n  name: x\n"
    documents = [d for d in parse_stream(text, "x.yaml") if isinstance(d, Document)]
    context = CheckContext(CATALOG, KubeVersion.of_minor(minor),
                           KubeVersion.of_minor(current) if current else None)
    (resource,) = extract(documents).resources
    return [finding.rule for finding in check_api(resource, context) if finding.rule != "off-by-default-api"]


def test_removal_releases_are_all_covered() -> None:
    releases = {api.removed_in for api in REMOVALS}
    assert {16, 22, 25, 26, 27, 29, 32} <= releases
    assert all(16 <= (release or 0) <= 37 for release in releases)


# APIs that a default cluster served right before their removal (not the off-by-default ones
# whose spec presence was all they ever had)
SERVED_BEFORE_REMOVAL = [api for api in REMOVALS if (api.removed_in or 0) - 1 in api.served]


@pytest.mark.parametrize("api", SERVED_BEFORE_REMOVAL, ids=lambda a: f"{a.api_version}/{a.kind}@1.{a.removed_in}")
def test_one_minor_before_removal_is_served(api: ApiLifecycle) -> None:
    assert api.removed_in is not None
    before = api.removed_in - 1
    expected = ["deprecated-api"] if api.deprecated_in is not None and api.deprecated_in <= before else []
    assert rules_at(api, before) == expected


@pytest.mark.parametrize("api", REMOVALS, ids=lambda a: f"{a.api_version}/{a.kind}@1.{a.removed_in}")
def test_removed_at_and_after_removal(api: ApiLifecycle) -> None:
    assert api.removed_in is not None
    assert rules_at(api, api.removed_in) == ["removed-api"]
    assert rules_at(api, 37) == ["removed-api"]


INTRODUCED_AFTER_OLDEST = [api for api in REMOVALS if min(api.served, default=api.introduced) > 10]


@pytest.mark.parametrize("api", INTRODUCED_AFTER_OLDEST, ids=lambda a: f"{a.api_version}/{a.kind}")
def test_not_yet_served_before_introduction(api: ApiLifecycle) -> None:
    first = min(api.served, default=api.introduced)
    assert rules_at(api, first - 1) == ["not-yet-served"]
    assert rules_at(api, first) in ([], ["deprecated-api"])


def test_alpha_api_served_only_when_enabled_is_a_warning() -> None:
    api = CATALOG.lookup("resource.k8s.io/v1alpha3", "ResourceClaim")
    assert api is not None and api.off_by_default
    text = "apiVersion: resource.k8s.io/v1alpha3\nkind: ResourceClaim\nmetadata: {name: c}\n"
    documents = [d for d in parse_stream(text, "x.yaml") if isinstance(d, Document)]
    (resource,) = extract(documents).resources
    (finding,) = check_api(resource, CheckContext(CATALOG, KubeVersion.of_minor(31)))
    assert finding.rule == "off-by-default-api"
    assert "--runtime-config" in finding.message
    assert [f.rule for f in check_api(resource, CheckContext(CATALOG, KubeVersion.of_minor(34)))] == ["removed-api"]


def test_ga_api_has_no_off_by_default_warning() -> None:
    assert not any(api.off_by_default for api in CATALOG.apis.values() if api.stability == "ga"
                   and api.kind not in ("EphemeralContainers",))
