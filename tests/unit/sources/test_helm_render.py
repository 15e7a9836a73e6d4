"""`kcompat check --helm`: rendering for the target, template mapping, chart errors."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers.tools import require_helm_sdk

from conftest import CLI, FIXTURES, Run
from kcompat.catalog.lifecycle import load_catalog
from kcompat.core.versions import KubeVersion
from kcompat.sources.helm_render import HelmRequest, capabilities, render

PDB_SWITCH = FIXTURES / "helm/pdb-switch"
CHARTS = FIXTURES / "corpus/charts"


@pytest.fixture(autouse=True)
def _sdk() -> None:
    require_helm_sdk()


def objects(chart: Path, target: str, **request: Any) -> list[tuple[str, str, str]]:
    rendered = render(HelmRequest(str(chart), **request), load_catalog(), KubeVersion.parse(target))
    found = []
    for document in yaml.safe_load_all(rendered.stream):
        if document:
            found.append((document["kind"], document["apiVersion"], document["metadata"]["name"]))
    return found


def json_findings(run: Run) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = run.json()["findings"]
    return result


def template_line(template: Path, text: str) -> int:
    return template.read_text().splitlines().index(text) + 1


def test_capabilities_are_exactly_what_the_target_serves() -> None:
    at_120 = capabilities(load_catalog(), KubeVersion.parse("1.20"))
    at_125 = capabilities(load_catalog(), KubeVersion.parse("1.25"))
    assert "policy/v1beta1" in at_120 and "policy/v1" not in at_120
    assert "policy/v1/PodDisruptionBudget" in at_125 and "policy/v1beta1" not in at_125
    assert "apps/v1/Deployment" in at_125 and "v1/Service" in at_125


@pytest.mark.parametrize(("target", "pdb", "cronjob"), [
    ("1.20", "policy/v1beta1", "batch/v1beta1"),
    ("1.25", "policy/v1", "batch/v1"),
])
def test_chart_renders_the_targets_branch(target: str, pdb: str, cronjob: str) -> None:
    rendered = {kind: api for kind, api, _name in objects(PDB_SWITCH, target)}
    assert rendered["PodDisruptionBudget"] == pdb
    assert rendered["CronJob"] == cronjob  # from the vendored subchart, via semverCompare


def test_target_125_has_no_removed_pdb(run_cli: CLI) -> None:
    run = run_cli("check", "--helm", str(PDB_SWITCH), "-t", "1.25", "-o", "json")
    assert run.code == 1, run.err
    found = json_findings(run)
    assert [(f["rule"], f["kind"]) for f in found] == [("removed-api", "Ingress")]


def test_findings_name_template_and_line_and_keep_rendered_position(run_cli: CLI) -> None:
    run = run_cli("check", "--helm", str(PDB_SWITCH), "-t", "1.22", "-o", "json")
    (finding,) = json_findings(run)
    template = PDB_SWITCH / "charts/legacy-jobs/templates/cronjob.yaml"
    assert finding["template"] == "charts/legacy-jobs/templates/cronjob.yaml"
    assert finding["path"] == str(template)
    assert finding["line"] == template_line(template, "apiVersion: networking.k8s.io/v1beta1")
    assert finding["details"]["template_line"] == "literal"
    assert finding["details"]["rendered"]["line"] > 0
    assert finding["details"]["rendered"]["path"].startswith("<helm template")


def test_values_and_set_reach_the_chart(run_cli: CLI, tmp_path: Path) -> None:
    values = tmp_path / "v.yaml"
    values.write_text("pdb:\n  enabled: false\n")
    kinds = [kind for kind, _api, _name in objects(PDB_SWITCH, "1.25", values_files=(str(values),))]
    assert "PodDisruptionBudget" not in kinds
    names = {name for _k, _a, name in objects(PDB_SWITCH, "1.25", set_values=("pdb.enabled=true",),
                                               values_files=(str(values),), release_name="shop")}
    assert "shop-pdb-switch" in names


def test_chart_archive_and_template_lines(run_cli: CLI, tmp_path: Path) -> None:
    archive = tmp_path / "pdb-switch-0.1.0.tgz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(PDB_SWITCH, arcname="pdb-switch")
    run = run_cli("check", "--helm", str(archive), "-t", "1.25", "-o", "json")
    (finding,) = json_findings(run)
    assert finding["path"] == f"{archive}!/charts/legacy-jobs/templates/cronjob.yaml"
    assert finding["line"] == 20


@pytest.mark.parametrize(("args", "expected"), [
    (("--set", "image=null"), "templates/deployment.yaml:17"),
    (("--set", "a=b,,="), "--set a=b,,="),
    (("--release-name", "Not_Valid"), "--release-name Not_Valid"),
])
def test_chart_errors_are_usage_errors_with_file_and_line(run_cli: CLI, args: tuple[str, ...],
                                                           expected: str) -> None:
    run = run_cli("check", "--helm", str(PDB_SWITCH), *args)
    assert run.code == 2
    assert expected in run.err
    assert "Traceback" not in run.err


def test_bad_values_file(run_cli: CLI, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: 1\nb: [\n")
    run = run_cli("check", "--helm", str(PDB_SWITCH), "-f", str(bad))
    assert run.code == 2 and f"values file {bad}:3" in run.err
    run = run_cli("check", "--helm", str(PDB_SWITCH), "-f", str(tmp_path / "missing.yaml"))
    assert run.code == 2 and "missing.yaml" in run.err
    run = run_cli("check", "--helm", str(tmp_path / "nochart"))
    assert run.code == 2 and "no such chart" in run.err


def test_template_parse_error(run_cli: CLI, tmp_path: Path) -> None:
    chart = tmp_path / "broken"
    shutil.copytree(PDB_SWITCH, chart)
    (chart / "templates/bad.yaml").write_text("kind: ConfigMap\n{{ if }}\n")
    run = run_cli("check", "--helm", str(chart))
    assert run.code == 2
    assert f"{chart / 'templates/bad.yaml'}:2: chart error" in run.err


def test_without_helm_the_message_says_how_to_get_it(run_cli: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KCOMPAT_HELM_BACKEND", "none")
    run = run_cli("check", "--helm", str(PDB_SWITCH))
    assert run.code == 2
    assert "pip install 'kcompat[helm]'" in run.err and "helm" in run.err


def test_capability_probe_for_a_group_version_is_flagged(run_cli: CLI, tmp_path: Path) -> None:
    chart = tmp_path / "probe"
    shutil.copytree(PDB_SWITCH, chart)
    pdb = chart / "templates/pdb.yaml"
    pdb.write_text(pdb.read_text().replace('"policy/v1/PodDisruptionBudget"', '"policy/v1"'))
    run = run_cli("check", "--helm", str(chart), "-t", "1.20", "-o", "json")
    probes = [f for f in json_findings(run) if f["rule"] == "helm-capabilities-probe"]
    assert [(p["path"], p["line"]) for p in probes] == [(str(pdb), 2)]


@pytest.mark.parametrize("chart", ["kube-hunter", "sealed-secrets"])
def test_corpus_charts_name_expected_templates(run_cli: CLI, chart: str) -> None:
    root = CHARTS / "deprecated" / chart
    if not root.is_dir():
        pytest.skip("corpus charts not copied into fixtures/corpus")
    expected = yaml.safe_load((CHARTS / "expected" / f"{chart}.expected.yaml").read_text())
    for target, wanted in expected["findings_default_render"].items():
        run = run_cli("check", "--helm", str(root), "-t", target, "-o", "json")
        found = [f for f in json_findings(run) if f["rule"] in ("removed-api", "deprecated-api")]
        assert sorted((f["template"], f["apiVersion"], f["rule"] == "removed-api") for f in found) \
            == sorted((w["template"], w["apiVersion"], w["removed"]) for w in wanted), target
        for finding in found:
            line = template_line(root / finding["template"], f"apiVersion: {finding['apiVersion']}")
            assert finding["line"] == line
            assert finding["details"]["template_line"] == "literal"


def test_modern_chart_is_clean_at_current_target(run_cli: CLI) -> None:
    root = CHARTS / "modern/kube-state-metrics"
    if not root.is_dir():
        pytest.skip("corpus charts not copied into fixtures/corpus")
    run = run_cli("check", "--helm", str(root), "-o", "json", "--fail-on", "info")
    assert run.code == 0, run.out
    assert json_findings(run) == []


def test_helm_template_output_on_stdin_with_chart_dir(run_cli: CLI) -> None:
    rendered = render(HelmRequest(str(PDB_SWITCH)), load_catalog(), KubeVersion.parse("1.25"))
    run = run_cli("check", "-", "--chart-dir", str(PDB_SWITCH), "-t", "1.25", "-o", "json",
                  stdin_text=rendered.stream)
    (finding,) = json_findings(run)
    assert finding["path"] == str(PDB_SWITCH / "charts/legacy-jobs/templates/cronjob.yaml")
    assert finding["line"] == 20
    assert finding["details"]["rendered"]["path"] == "<stdin>"


@pytest.mark.skipif(shutil.which("helm") is None, reason="no helm binary on PATH (optional backend)")
def test_helm_binary_backend_matches_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KCOMPAT_HELM_BACKEND", "binary")
    assert subprocess.run(["helm", "version"], capture_output=True, check=False).returncode == 0
    assert ("PodDisruptionBudget", "policy/v1beta1", "release-name-pdb-switch") in objects(PDB_SWITCH, "1.20")
