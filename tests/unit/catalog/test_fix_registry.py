"""The static fix table agrees with the catalog, and fixable() stays import-light."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kcompat.catalog.fix_routes import ROUTES, fixable, route
from kcompat.catalog.lifecycle import load_catalog
from kcompat.core.versions import KubeVersion
from kcompat.fix.migrations import MIGRATIONS


@pytest.mark.parametrize(("old", "kind"), sorted(ROUTES))
def test_routes_match_the_catalog(old: str, kind: str) -> None:
    catalog = load_catalog()
    api = catalog.lookup(old, kind)
    assert api is not None and api.replacement is not None
    assert {r.api_version for r in ROUTES[(old, kind)]} <= {api.replacement, *api.interim_replacements}
    for candidate in ROUTES[(old, kind)]:
        replacement = catalog.lookup(candidate.api_version, kind)
        assert replacement is not None and replacement.served, candidate
        assert candidate.migration in MIGRATIONS
    # preferred first, in the catalog's order: the final replacement before interim ones
    chain = [v for v in (api.replacement, *api.interim_replacements) if v]
    listed = [r.api_version for r in ROUTES[(old, kind)]]
    assert listed == [v for v in chain if v in listed]


def test_fixable_examples() -> None:
    v129 = KubeVersion.parse("1.29")
    assert fixable("extensions/v1beta1", "Ingress", v129)
    assert fixable("policy/v1beta1", "PodDisruptionBudget", v129)
    assert not fixable("policy/v1beta1", "PodSecurityPolicy", v129)
    assert not fixable("apps/v1", "Deployment", v129)
    # the interim replacement is used when the final one is not served yet
    found = route("extensions/v1beta1", "Ingress", KubeVersion.parse("1.18"))
    assert found is not None and found.api_version == "networking.k8s.io/v1beta1"
    assert not fixable("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", 25)


def test_registry_does_not_import_ruamel() -> None:
    code = "import sys, kcompat.catalog.fix_routes; assert 'ruamel' not in ' '.join(sys.modules), 'ruamel imported'"
    subprocess.run([sys.executable, "-c", code], check=True)
