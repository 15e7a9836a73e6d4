"""`--helm` with chart dependencies, as `helm template` treats them (action.CheckDependencies).

Real charts from fixtures/corpus/charts are arranged in tmp_path: a parent chart with vendored
subcharts (folder or .tgz, by name or alias), and variants with a declared dependency deleted.
"""

from __future__ import annotations

import shutil
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from helpers.tools import require_helm_sdk

from conftest import FIXTURES, Run
from kcompat.sources.helm_child import missing_dependencies

CLI = Callable[..., Run]
CHARTS = FIXTURES / "corpus/charts"
ARGOCD = FIXTURES / "realworld/argocd-example-apps"


@pytest.fixture(autouse=True)
def _sdk() -> None:
    require_helm_sdk()


def parent_chart(tmp_path: Path, dependencies: list[dict[str, object]], *, chart_yaml: bool = True) -> Path:
    """kube-state-metrics (apiVersion v2) with `dependencies`, or a v1 chart with requirements.yaml."""
    parent = tmp_path / "parent"
    shutil.copytree(CHARTS / "modern/kube-state-metrics", parent)
    metadata = yaml.safe_load((parent / "Chart.yaml").read_text())
    if chart_yaml:
        metadata["dependencies"] = dependencies
    else:
        metadata["apiVersion"] = "v1"
        (parent / "requirements.yaml").write_text(yaml.safe_dump({"dependencies": dependencies}))
    (parent / "Chart.yaml").write_text(yaml.safe_dump(metadata))
    (parent / "charts").mkdir()
    return parent


def vendor_folder(parent: Path, folder: str) -> None:
    shutil.copytree(CHARTS / "deprecated/kube-hunter", parent / "charts" / folder)


def vendor_archive(parent: Path) -> None:
    with tarfile.open(parent / "charts/kube-hunter-1.0.5.tgz", "w:gz") as archive:
        archive.add(CHARTS / "deprecated/kube-hunter", arcname="kube-hunter")


KUBE_HUNTER = {"name": "kube-hunter", "version": "1.0.5", "repository": "https://charts.helm.sh/stable"}


def test_vendored_folder_is_rendered_and_mapped_to_its_template(run_cli: CLI, tmp_path: Path) -> None:
    parent = parent_chart(tmp_path, [KUBE_HUNTER])
    vendor_folder(parent, "kube-hunter")
    run = run_cli("check", "--helm", str(parent), "--target", "1.25", "-o", "json")
    assert run.code == 1, run.err
    removed = [f for f in run.json()["findings"] if f["rule"] == "removed-api"]
    assert [f["path"] for f in removed] == [str(parent / "charts/kube-hunter/templates/cronjob.yaml")]


def test_vendored_archive_under_an_alias_is_rendered(run_cli: CLI, tmp_path: Path) -> None:
    parent = parent_chart(tmp_path, [{**KUBE_HUNTER, "alias": "hunter"}])
    vendor_archive(parent)
    run = run_cli("check", "--helm", str(parent), "--target", "1.25", "-o", "json")
    assert run.code == 1, run.err
    removed = [f for f in run.json()["findings"] if f["rule"] == "removed-api"]
    assert len(removed) == 1 and removed[0]["name"] == "release-name-hunter"
    assert removed[0]["line"] == 1  # the template text is found inside the archive, by alias


def test_folder_named_otherwise_is_matched_by_chart_name(run_cli: CLI, tmp_path: Path) -> None:
    parent = parent_chart(tmp_path, [{"name": "kube-hunter", "alias": "hunter"}])  # no version
    vendor_folder(parent, "kh")
    run = run_cli("check", "--helm", str(parent), "--target", "1.25", "-o", "json")
    assert run.code == 1, run.err
    paths = {f["path"] for f in run.json()["findings"] if f["rule"] == "removed-api"}
    assert paths == {str(parent / "charts/kh/templates/cronjob.yaml")}


@pytest.mark.parametrize("chart_yaml", [True, False], ids=["Chart.yaml", "requirements.yaml"])
def test_missing_dependency_is_a_usage_error_naming_it(run_cli: CLI, tmp_path: Path, chart_yaml: bool) -> None:
    parent = parent_chart(tmp_path, [KUBE_HUNTER, {"name": "redis", "version": "17.3.2"}], chart_yaml=chart_yaml)
    vendor_folder(parent, "kube-hunter")
    run = run_cli("check", "--helm", str(parent), "--target", "1.25")
    assert run.code == 2
    assert "missing in charts/ directory: redis" in run.err
    assert "helm dependency build" in run.err
    assert run.out == ""  # never a partial render reported as checked


def test_missing_dependency_disabled_by_condition_is_refused_as_helm_does(run_cli: CLI, tmp_path: Path) -> None:
    parent = parent_chart(tmp_path, [{**KUBE_HUNTER, "condition": "hunter.enabled", "tags": ["security"]}])
    values = tmp_path / "off.yaml"
    values.write_text("hunter:\n  enabled: false\ntags:\n  security: false\n")
    run = run_cli("check", "--helm", str(parent), "--values", str(values))
    assert run.code == 2 and "missing in charts/ directory: kube-hunter" in run.err


def test_alias_does_not_satisfy_a_missing_chart(run_cli: CLI, tmp_path: Path) -> None:
    """Helm matches a vendored chart by the dependency's name; a folder named like the alias holding
    another chart does not count."""
    parent = parent_chart(tmp_path, [{"name": "redis", "alias": "kube-hunter"}])
    vendor_folder(parent, "kube-hunter")
    run = run_cli("check", "--helm", str(parent))
    assert run.code == 2 and "missing in charts/ directory: redis" in run.err


def test_real_chart_with_unvendored_dependency(run_cli: CLI) -> None:
    run = run_cli("check", "--helm", str(ARGOCD / "helm-dependency"))
    assert run.code == 2
    assert "found in Chart.yaml, but missing in charts/ directory: wordpress" in run.err


def test_missing_dependencies_matches_helm() -> None:
    declared = {"dependencies": [{"name": "a", "alias": "x"}, {"name": "b"}, {"name": "b", "alias": "y"},
                                 {"name": "c"}]}
    assert missing_dependencies(declared, [{"name": "a"}, {"name": "x"}]) == ["b", "c"]
    assert missing_dependencies({"name": "no-deps"}, []) == []
