"""`kcompat check` output for CI and people: info grouped by rule, several -o FORMAT=FILE in one
run (atomic files, write errors exit 2), --kind/--skip-kind, -o table, empty inputs, hop wording."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import CLI

Write = Callable[[str, str | bytes], Path]

PDB = """apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop}
spec: {minAvailable: 1}
"""
HPA = """apiVersion: autoscaling/v2beta2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 3
"""


def custom_resource(number: int) -> str:
    return (f"apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\n"
            f"metadata: {{name: mon-{number}, namespace: shop}}\nspec: {{endpoints: [{{port: web}}]}}\n")


@pytest.fixture
def repo(tmp_path: Path, write: Write) -> Path:
    """A repository with one removed API, one deprecated API and 40 custom resources without CRDs."""
    write("repo/pdb.yaml", PDB)
    write("repo/hpa.yaml", HPA)
    for number in range(40):
        write(f"repo/monitors/m{number:02}.yaml", custom_resource(number))
    return tmp_path / "repo"


def test_info_is_one_line_per_rule_by_default_and_listed_with_show_info(run_cli: CLI, repo: Path) -> None:
    run = run_cli("check", str(repo), "-t", "1.29", "-c", "1.22")
    lines = run.out.splitlines()
    grouped = [line for line in lines if line.startswith("info no-schema:")]
    assert len(grouped) == 1
    assert "40 findings" in grouped[0] and "and 37 more" in grouped[0]
    assert str(repo / "monitors" / "m00.yaml") + ":1:1 (ServiceMonitor mon-0)" in grouped[0]
    assert not any(" info no-schema: " in line for line in lines)  # no per-finding info line
    assert "--show-info" in run.out
    assert lines[-1].startswith("2 errors, 0 warnings, 40 info in 42 files")  # the summary counts them all
    # every other line is an error/warning, its extras, a file heading, or blank
    for verbose in (run_cli("check", str(repo), "-t", "1.29", "-c", "1.22", "--show-info"),
                    run_cli("check", str(repo), "-t", "1.29", "-c", "1.22", "-v")):
        assert sum(" info no-schema: " in line for line in verbose.out.splitlines()) == 40
        assert verbose.out.splitlines()[-1] == lines[-1]


def test_default_text_of_a_thousand_documents_is_actionable(run_cli: CLI, tmp_path: Path, write: Write) -> None:
    for number in range(1000):
        write(f"big/m{number:04}.yaml", custom_resource(number))
    write("big/pdb.yaml", PDB)
    run = run_cli("check", str(tmp_path / "big"), "-t", "1.29", "-c", "1.22", "-j", "1")
    lines = [line for line in run.out.splitlines() if line.strip()]
    assert len(lines) <= 8, run.out  # the removal, its file, one info line, its hint and the summary
    assert sum("error removed-api" in line for line in lines) == 1
    assert "1000 findings" in run.out


def test_hop_words_say_deprecated_or_breaks(run_cli: CLI, repo: Path) -> None:
    run = run_cli("check", str(repo / "hpa.yaml"), str(repo / "pdb.yaml"), "-t", "1.25", "-c", "1.22")
    assert "deprecated at 1.22 -> 1.23" in run.out  # autoscaling/v2beta2 is deprecated in 1.23
    assert "breaks at 1.24 -> 1.25" in run.out  # policy/v1beta1 is removed in 1.25
    assert "breaks at hop" not in run.out
    junit = run_cli("check", str(repo / "hpa.yaml"), "-t", "1.25", "-c", "1.22", "-o", "junit").out
    assert "deprecated at 1.22 -&gt; 1.23" in junit
    github = run_cli("check", str(repo / "hpa.yaml"), "-t", "1.25", "-c", "1.22", "-o", "github").out
    assert "deprecated at 1.22 -> 1.23" in github
    markdown = run_cli("check", str(repo / "hpa.yaml"), "-t", "1.25", "-c", "1.22", "-o", "markdown").out
    assert "deprecated at 1.22 -> 1.23" in markdown


def test_several_outputs_in_one_run(run_cli: CLI, repo: Path, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run = run_cli("check", str(repo), "-t", "1.29", "-o", "text", "-o", "sarif=kcompat.sarif",
                  "-o", "junit=out/report.xml", "-o", "json=all.json")
    assert run.code == 2, run.err  # out/ does not exist: a write error is exit 2
    assert "cannot write out/report.xml" in run.err
    assert "error removed-api" in run.out  # text still went to stdout
    (tmp_path / "out").mkdir()
    run = run_cli("check", str(repo), "-t", "1.29", "-o", "text", "-o", "sarif=kcompat.sarif",
                  "-o", "junit=out/report.xml", "-o", "json=all.json")
    assert run.code == 1
    assert run.out.splitlines()[-1].startswith("2 errors")
    sarif = json.loads((tmp_path / "kcompat.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    ET.fromstring((tmp_path / "out" / "report.xml").read_text())
    assert len(json.loads((tmp_path / "all.json").read_text())["findings"]) == 42
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".kcompat-tmp")]


def test_output_file_takes_the_format_without_a_file(run_cli: CLI, repo: Path, tmp_path: Path) -> None:
    target = tmp_path / "kcompat.txt"
    run = run_cli("check", str(repo), "-t", "1.29", "--output-file", str(target))
    assert run.out == ""
    text = target.read_text()
    assert "error removed-api" in text and "\x1b[" not in text
    run = run_cli("check", str(repo), "-t", "1.29", "-o", "json", "--output-file", str(target))
    assert json.loads(target.read_text())["summary"]["errors"] == 2


@pytest.mark.parametrize("args, message", [
    (["-o", "text", "-o", "json"], "at most one FORMAT can go to stdout"),
    (["-o", "yaml"], "unknown format 'yaml'"),
    (["-o", "json="], "give a file after ="),
    (["-o", "json=a", "-o", "sarif=a"], "a is given twice"),
    (["-o", "json=a", "--output-file", "b"], "--output-file needs an -o FORMAT without =FILE"),
])
def test_output_usage_errors(run_cli: CLI, repo: Path, args: list[str], message: str) -> None:
    run = run_cli("check", str(repo), *args)
    assert run.code == 2
    assert message in run.err


def test_markdown_names_the_complete_output(run_cli: CLI, tmp_path: Path, write: Write,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    for number in range(700):
        write(f"many/m{number:03}.yaml", custom_resource(number).replace("namespace: shop", "namespace: " + "n" * 60))
    monkeypatch.chdir(tmp_path)
    run = run_cli("check", "many", "-t", "1.29", "-o", "markdown", "-o", "text=kcompat.txt", "-j", "1")
    assert len(run.out) <= 65_000
    assert "more findings** (of 700) in `kcompat.txt`" in run.out
    assert (tmp_path / "kcompat.txt").read_text().count("no-schema") >= 1


def test_kind_and_skip_kind(run_cli: CLI, repo: Path) -> None:
    def rules(*args: str) -> list[tuple[str, str]]:
        data = run_cli("check", str(repo), "-t", "1.29", "-o", "json", *args).json()
        return sorted({(f["kind"], f["rule"]) for f in data["findings"]})

    assert rules("--kind", "PodDisruptionBudget") == [("PodDisruptionBudget", "removed-api")]
    assert rules("--kind", "policy/v1beta1/PodDisruptionBudget,HorizontalPodAutoscaler") == [
        ("HorizontalPodAutoscaler", "removed-api"), ("PodDisruptionBudget", "removed-api")]
    assert rules("--kind", "policy/v1/PodDisruptionBudget") == []  # another version: no match
    assert rules("--skip-kind", "ServiceMonitor", "--skip-kind", "autoscaling/v2beta2/HorizontalPodAutoscaler") == [
        ("PodDisruptionBudget", "removed-api")]


def test_table_output(run_cli: CLI, repo: Path) -> None:
    run = run_cli("check", str(repo / "pdb.yaml"), str(repo / "hpa.yaml"), "-t", "1.29", "-o", "table")
    lines = run.out.splitlines()
    assert lines[0].split() == ["FILE", "KIND/NAME", "APIVERSION", "DEPRECATED", "IN", "REMOVED", "IN",
                                "REPLACEMENT", "RULE"]
    assert lines[2].split() == [f"{repo / 'pdb.yaml'}:1:1", "PodDisruptionBudget", "shop/web", "policy/v1beta1",
                                "1.21", "1.25", "policy/v1", "removed-api"]
    assert lines[1].split()[3:] == ["autoscaling/v2beta2", "1.23", "1.26", "autoscaling/v2", "removed-api"]
    column = lines[0].index("APIVERSION")
    assert all(line[column - 2:column] == "  " for line in lines)  # columns line up
    assert run.code == 1


def test_empty_directory(run_cli: CLI, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    run = run_cli("check", str(tmp_path / "empty"))
    assert run.code == 0
    assert f"no Kubernetes objects found in {tmp_path / 'empty'}" in run.err
    assert run_cli("check", str(tmp_path / "empty"), "--fail-on-empty").code == 1


def test_explain_never_suggests_what_was_typed(run_cli: CLI) -> None:
    run = run_cli("explain", "apps/v1beta9", "Deployment")
    assert run.code == 2
    assert "did you mean apps/v1beta9 Deployment" not in run.err
    assert "Deployment is in apps/v1, " in run.err
    typo = run_cli("explain", "apps/v1", "Deploymnet")
    assert "did you mean apps/v1 Deployment?" in typo.err


VAP = """apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: demo}
spec:
  validations:
  - expression: "true"
"""


@pytest.mark.parametrize("output", ["markdown", "html"])
def test_report_does_not_call_a_not_yet_served_api_replacement_less(run_cli: CLI, write: Write, output: str) -> None:
    path = write("vap.yaml", VAP)
    run = run_cli("report", str(path), "-c", "1.28", "-t", "1.29", "-o", output)
    assert "no replacement API" not in run.out
    assert "upgrade to 1.30 first" in run.out
    assert "use admissionregistration.k8s.io/v1beta1" not in run.out  # off by default at 1.29


def test_dash_is_stdout(run_cli: CLI, repo: Path) -> None:
    assert run_cli("check", str(repo), "-o", "json=-").json()["summary"]["errors"] == 2
    assert run_cli("check", str(repo), "-o", "json", "--output-file", "-").json()["summary"]["errors"] == 2
    run = run_cli("check", str(repo), "-o", "text", "-o", "json=-")
    assert run.code == 2 and "at most one FORMAT can go to stdout" in run.err


def test_readme_shows_the_real_default_output_of_the_demo(run_cli: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import ROOT

    monkeypatch.chdir(ROOT)
    readme = (ROOT / "README.md").read_text()
    marker = "The demo, `kcompat check fixtures/demo -t 1.29 -c 1.21` (exit code 1):\n\n```\n"
    shown = readme.split(marker, 1)[1].split("```\n", 1)[0]
    run = run_cli("check", "fixtures/demo", "-t", "1.29", "-c", "1.21")
    assert run.code == 1
    assert run.out == shown
