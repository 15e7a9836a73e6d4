"""kcompat.fix.crd_migrate: custom resources moved off the versions a CRD upgrade drops, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES
from kcompat.checks.crd_diff import CrdDef, crds_by_name
from kcompat.fix.crd_migrate import CrdUpgrade, migrate_text
from kcompat.sources.load import load_text
from kcompat.sources.resources import extract

OLD = FIXTURES / "corpus/crds/cert-manager-v1.3.1/cert-manager.yaml"
NEW = FIXTURES / "realworld/cert-manager-v1.7/crd-issuers.yaml"


@pytest.fixture(scope="module")
def upgrade() -> CrdUpgrade:
    def crds(path: Path) -> dict[str, CrdDef]:
        return crds_by_name(extract(load_text(path.read_text(), str(path)).documents).resources)

    return CrdUpgrade(crds(OLD), crds(NEW), "old", "new")


@pytest.mark.parametrize(("before", "after"), [
    ("apiVersion: cert-manager.io/v1alpha2  # pinned\nkind: Issuer\nmetadata: {name: a}\nspec: {selfSigned: {}}\n",
     "apiVersion: cert-manager.io/v1  # pinned\nkind: Issuer\nmetadata: {name: a}\nspec: {selfSigned: {}}\n"),
    ("kind: Issuer\nmetadata: {name: a}\n'apiVersion': 'cert-manager.io/v1beta1'\nspec:\n  selfSigned: {}\n",
     "kind: Issuer\nmetadata: {name: a}\n'apiVersion': 'cert-manager.io/v1'\nspec:\n  selfSigned: {}\n"),
    ("{kind: Issuer, apiVersion: cert-manager.io/v1alpha3, metadata: {name: a}, spec: {selfSigned: {}}}\n",
     "{kind: Issuer, apiVersion: cert-manager.io/v1, metadata: {name: a}, spec: {selfSigned: {}}}\n"),
])
def test_only_the_api_version_value_changes(upgrade: CrdUpgrade, before: str, after: str) -> None:
    fixed = migrate_text(before, "x.yaml", upgrade)
    assert fixed.text == after and [c.new for c in fixed.changes] == ["cert-manager.io/v1"]
    assert not fixed.problems


def test_a_value_on_the_next_line_is_left_for_a_human(upgrade: CrdUpgrade) -> None:
    text = "apiVersion:\n  cert-manager.io/v1alpha2\nkind: Issuer\nmetadata: {name: a}\nspec: {selfSigned: {}}\n"
    fixed = migrate_text(text, "x.yaml", upgrade)
    assert fixed.text == text and not fixed.changes
    (problem,) = fixed.problems
    assert problem.blocking and "not on the line of its key" in problem.message


def test_kinds_of_other_crds_and_served_versions_are_untouched(upgrade: CrdUpgrade) -> None:
    text = ("apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata: {name: a}\n---\n"
            "apiVersion: cert-manager.io/v1alpha2\nkind: Certificate\nmetadata: {name: c}\n")
    fixed = migrate_text(text, "x.yaml", upgrade)  # NEW here has only the Issuer CRD: Certificate is dropped
    assert fixed.text == text and not fixed.changes
    assert [p.message.split(":")[0] for p in fixed.problems] == ["Certificate c"]
    assert "drops the CRD certificates.cert-manager.io" in fixed.problems[0].message
