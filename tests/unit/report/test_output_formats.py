"""`kcompat check -o sarif|junit|github|markdown|csv` and action.yml: exact shapes and parse-back."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from conftest import CLI, ROOT, Run
from kcompat.report.formats import CHECK_FORMATS

SARIF_SCHEMA = json.loads((ROOT / "fixtures/sarif/sarif-schema-2.1.0.json").read_text())

APP = """apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: web
  namespace: shop
spec:
  minAvailable: 1
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data: {mode: "a,b"}
"""
OPS = """apiVersion: flowcontrol.apiserver.k8s.io/v1beta3
kind: FlowSchema
metadata: {name: batch}
spec:
  priorityLevelConfiguration: {name: batch}
---
# kcompat: ignore=removed-api
apiVersion: batch/v1beta1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{name: job, image: busybox}]
---
apiVersion: apps/v1
kind: Deploymnet
metadata: {name: typo}
"""
PDB_MESSAGE = "policy/v1beta1 PodDisruptionBudget was removed in 1.25 (deprecated in 1.21); migrate to policy/v1"
FLOW_MESSAGE = ("flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema is deprecated since 1.29 and will be removed "
                "in 1.32; migrate to flowcontrol.apiserver.k8s.io/v1")


@pytest.fixture
def check(run_cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """Run `kcompat check deploy -t 1.29 --ignore unknown-api -o FORMAT` in a small tree.

    deploy/app.yaml: a removed PDB and a clean ConfigMap; "deploy/ops,1.yaml" (a comma in the
    name, for escaping): a deprecated FlowSchema, a CronJob ignored by comment and a typo'd
    kind ignored by --ignore.
    """
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy/app.yaml").write_text(APP)
    (tmp_path / "deploy/ops,1.yaml").write_text(OPS)
    monkeypatch.chdir(tmp_path)

    def run(output: str, *extra: str) -> Run:
        result = run_cli("check", "deploy", "-t", "1.29", "--ignore", "unknown-api", "-o", output, *extra)
        assert result.code == 1, result.err
        return result

    return run


def test_formats_are_registered_and_imported_lazily() -> None:
    for name in ("sarif", "junit", "github", "markdown", "csv"):
        assert name in CHECK_FORMATS
    code = ("import sys, kcompat.cli, kcompat.commands.check, kcompat.report.formats; "
            "print(sorted(m for m in sys.modules if m.startswith('kcompat.report.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    for module in ("sarif", "junit", "github", "markdown_check", "csv_report"):
        assert f"kcompat.report.{module}'" not in out


# --- SARIF ---------------------------------------------------------------------------------------

def sarif(run: Run) -> dict[str, Any]:
    data: dict[str, Any] = run.json()
    validator = jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=jsonschema.FormatChecker())
    validator.validate(data)
    return data


def test_sarif_is_valid_and_meets_github_requirements(check: Callable[..., Run]) -> None:
    log = sarif(check("sarif"))
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["informationUri"]) == ("kcompat", "https://github.com/kcompat/kcompat")
    assert driver["version"]
    rules = {rule["id"]: rule for rule in driver["rules"]}
    for rule in rules.values():
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
    assert rules["deprecated-api"]["defaultConfiguration"]["level"] == "warning"
    assert len(run["results"]) == 4
    for result in run["results"]:
        assert result["ruleId"] in rules
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not physical["artifactLocation"]["uri"].startswith(("/", "file:"))
        assert physical["region"]["startLine"] >= 1
        assert len(result["partialFingerprints"]["kcompatIdentity/v1"]) == 64


def test_sarif_result_shape(check: Callable[..., Run]) -> None:
    results = sarif(check("sarif"))["runs"][0]["results"]
    first = results[0]
    fingerprint = first.pop("partialFingerprints")
    assert first == {
        "ruleId": "removed-api",
        "ruleIndex": first["ruleIndex"],
        "level": "error",
        "message": {"text": f"PodDisruptionBudget shop/web: {PDB_MESSAGE}"},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "deploy/app.yaml", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 1, "startColumn": 1}}}],
        "properties": {"document": 0, "apiVersion": "policy/v1beta1", "kind": "PodDisruptionBudget",
                       "name": "web", "namespace": "shop", "replacement": "policy/v1",
                       "details": {"deprecated_in": "1.21", "fixable": True, "removed_in": "1.25"}},
    }
    assert list(fingerprint) == ["kcompatIdentity/v1"]
    assert results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "deploy/ops%2C1.yaml"
    assert (results[1]["level"], "suppressions" in results[1]) == ("warning", False)
    assert results[2]["ruleId"] == "removed-api"
    assert results[2]["suppressions"] == [{"kind": "inSource", "status": "accepted", "justification":
                                           "# kcompat: ignore comment in the document (removed-api)"}]
    assert results[3]["ruleId"] == "unknown-api"
    assert results[3]["suppressions"] == [{"kind": "external", "status": "accepted",
                                           "justification": "--ignore unknown-api"}]


def test_sarif_fingerprints_survive_moved_lines(check: Callable[..., Run], tmp_path: Path) -> None:
    before = [r["partialFingerprints"] for r in sarif(check("sarif"))["runs"][0]["results"]]
    (tmp_path / "deploy/app.yaml").write_text("# a new comment\n\n" + APP)
    after_run = sarif(check("sarif"))["runs"][0]["results"]
    assert after_run[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
    assert [r["partialFingerprints"] for r in after_run] == before
    assert len({json.dumps(f) for f in before}) == len(before)


def test_sarif_absolute_paths_inside_the_tree_become_relative(run_cli: CLI, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a b.yaml").write_text(APP)
    monkeypatch.chdir(tmp_path)
    log = sarif(run_cli("check", str(tmp_path / "a b.yaml"), "-t", "1.29", "-o", "sarif"))
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "a%20b.yaml", "uriBaseId": "%SRCROOT%"}


def test_sarif_without_positions_and_input_errors(run_cli: CLI, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bin.yaml").write_bytes(b"\x00\x01\x02binary")
    monkeypatch.chdir(tmp_path)
    run = run_cli("check", "bin.yaml", "missing.yaml", "-t", "1.29", "-o", "sarif")
    assert run.code == 2
    (sarif_run,) = sarif(run)["runs"]
    (result,) = sarif_run["results"]
    assert result["ruleId"] == "skipped-file"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1
    (invocation,) = sarif_run["invocations"]
    assert invocation["executionSuccessful"] is False
    assert invocation["toolExecutionNotifications"][0]["message"]["text"].startswith("missing.yaml: ")


def test_sarif_clean_run_declares_rules_and_no_results(run_cli: CLI, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ok.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    monkeypatch.chdir(tmp_path)
    run = run_cli("check", "ok.yaml", "-o", "sarif")
    assert run.code == 0
    (sarif_run,) = sarif(run)["runs"]
    assert sarif_run["results"] == []
    assert "removed-api" in {rule["id"] for rule in sarif_run["tool"]["driver"]["rules"]}


# --- GitHub workflow commands --------------------------------------------------------------------

GITHUB = f"""\
::error file=deploy/app.yaml,line=1,col=1,title=kcompat removed-api::PodDisruptionBudget shop/web: {PDB_MESSAGE}%0Areplacement: policy/v1
::warning file=deploy/ops%2C1.yaml,line=1,col=1,title=kcompat deprecated-api::FlowSchema batch: {FLOW_MESSAGE}%0Areplacement: flowcontrol.apiserver.k8s.io/v1
1 error, 1 warning, 0 info (2 suppressed) in 2 files, 5 documents, 5 objects (target 1.29)
"""  # noqa: E501


def test_github_golden(check: Callable[..., Run]) -> None:
    assert check("github").out == GITHUB


def test_github_escaping() -> None:
    from kcompat.report.github import escape_data, escape_property

    assert escape_data("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext: a,b"
    assert escape_property("C:\\a,b%\n") == "C%3A\\a%2Cb%25%0A"


def test_github_info_is_a_notice(run_cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kcompat.core.model import Finding, Origin, Severity
    from kcompat.report.github import annotation

    finding = Finding("no-schema", Severity.INFO, "no CRD", Origin("x.yaml", 0, 3, None))
    assert annotation(finding) == "::notice file=x.yaml,line=3,title=kcompat no-schema::no CRD"


# --- Markdown ------------------------------------------------------------------------------------

MARKDOWN = f"""\
## kcompat: target 1.29

| errors | warnings | info | suppressed | files | documents | objects |
|---:|---:|---:|---:|---:|---:|---:|
| 1 | 1 | 0 | 2 | 2 | 5 | 5 |

| rule | findings |
|---|---:|
| `deprecated-api` | 1 |
| `removed-api` | 1 |

| file | errors | warnings | info |
|---|---:|---:|---:|
| `deploy/app.yaml` | 1 | 0 | 0 |
| `deploy/ops,1.yaml` | 0 | 1 | 0 |

### `deploy/app.yaml`: errors

| line | severity | rule | object | message | notes |
|---:|---|---|---|---|---|
| 1:1 | 🔴 error | `removed-api` | PodDisruptionBudget shop/web | {PDB_MESSAGE} | use `policy/v1` |

### `deploy/ops,1.yaml`: warnings

| line | severity | rule | object | message | notes |
|---:|---|---|---|---|---|
| 1:1 | 🟡 warning | `deprecated-api` | FlowSchema batch | {FLOW_MESSAGE} | use `flowcontrol.apiserver.k8s.io/v1` |
"""


def test_markdown_golden(check: Callable[..., Run]) -> None:
    assert check("markdown").out == MARKDOWN


def test_markdown_cells_cannot_break_the_table() -> None:
    from kcompat.report.markdown_check import cell, code

    assert cell("a|b\nc <x>") == "a\\|b<br>c \\<x\\>"
    assert code("a|b") == "`a\\|b`"
    assert code("`x`") == "`` `x` ``"


# --- CSV -----------------------------------------------------------------------------------------

CSV = (
    "path,line,column,document,severity,rule,apiVersion,kind,namespace,name,message,replacement,hop,"
    "template,suppressed\r\n"
    f"deploy/app.yaml,1,1,0,error,removed-api,policy/v1beta1,PodDisruptionBudget,shop,web,{PDB_MESSAGE},"
    "policy/v1,,,false\r\n"
    '"deploy/ops,1.yaml",1,1,0,warning,deprecated-api,flowcontrol.apiserver.k8s.io/v1beta3,FlowSchema,,batch,'
    f"{FLOW_MESSAGE},flowcontrol.apiserver.k8s.io/v1,,,false\r\n"
    '"deploy/ops,1.yaml",8,1,1,error,removed-api,batch/v1beta1,CronJob,,nightly,'
    "batch/v1beta1 CronJob was removed in 1.25 (deprecated in 1.21); migrate to batch/v1,batch/v1,,,true\r\n"
    '"deploy/ops,1.yaml",20,1,2,error,unknown-api,apps/v1,Deploymnet,,typo,'
    "apps/v1 Deploymnet is not a built-in API in any Kubernetes 1.10-1.37; did you mean Deployment?,,,,true\r\n"
)


def test_csv_golden_and_parse_back(check: Callable[..., Run]) -> None:
    out = check("csv").out
    assert out == CSV
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [(r["path"], r["line"], r["rule"], r["suppressed"]) for r in rows] == [
        ("deploy/app.yaml", "1", "removed-api", "false"),
        ("deploy/ops,1.yaml", "1", "deprecated-api", "false"),
        ("deploy/ops,1.yaml", "8", "removed-api", "true"),
        ("deploy/ops,1.yaml", "20", "unknown-api", "true"),
    ]


def test_csv_quotes_quotes_and_newlines() -> None:
    from kcompat.checks.context import CheckContext
    from kcompat.core.model import Finding, Origin, Severity
    from kcompat.core.result import CheckResult
    from kcompat.core.versions import KubeVersion
    from kcompat.report.csv_report import write_csv

    message = 'bad "value"\nsecond line'
    result = CheckResult(CheckContext(None, KubeVersion.parse("1.29")),  # type: ignore[arg-type]
                         findings=[Finding("parse-error", Severity.ERROR, message, Origin("a.yaml", 0, 2, 3))])
    stream = io.StringIO()
    write_csv(result, stream)
    assert stream.getvalue().splitlines(keepends=True)[1] == 'a.yaml,2,3,0,error,parse-error,,,,,"bad ""value""\n'
    (row,) = csv.DictReader(io.StringIO(stream.getvalue(), newline=""))
    assert row["message"] == message


# --- JUnit ---------------------------------------------------------------------------------------

def junit(run: Run) -> ET.Element:
    return ET.fromstring(run.out)


def test_junit_shape_and_counts(check: Callable[..., Run]) -> None:
    run = check("junit")
    assert run.out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="kcompat" tests="5" '
                              'failures="2" errors="0" skipped="2">\n')
    root = junit(run)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["deploy/app.yaml", "deploy/ops,1.yaml"]
    cases = [(c.get("classname"), c.get("name"), c.get("line"),
              "failure" if c.find("failure") is not None else "skipped" if c.find("skipped") is not None
              else "pass") for c in root.iter("testcase")]
    assert cases == [
        ("deploy/app.yaml", "document 1 (PodDisruptionBudget shop/web): removed-api", "1", "failure"),
        ("deploy/app.yaml", "document 2 (ConfigMap shop/settings)", None, "pass"),
        ("deploy/ops,1.yaml", "document 1 (FlowSchema batch): deprecated-api", "1", "failure"),
        ("deploy/ops,1.yaml", "document 2 (CronJob nightly): removed-api", "8", "skipped"),
        ("deploy/ops,1.yaml", "document 3 (Deploymnet typo): unknown-api", "20", "skipped"),
    ]
    for suite in [root, *suites]:  # counts add up at every level
        cases_in = list(suite.iter("testcase"))
        assert int(suite.get("tests", "-1")) == len(cases_in)
        assert int(suite.get("failures", "-1")) == sum(c.find("failure") is not None for c in cases_in)
        assert int(suite.get("skipped", "-1")) == sum(c.find("skipped") is not None for c in cases_in)
        assert suite.get("errors") == "0"
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("type") == "error:removed-api"
    assert failure.get("message") == f"deploy/app.yaml:1:1: {PDB_MESSAGE}"
    assert failure.text == (f"deploy/app.yaml:1:1: error removed-api: {PDB_MESSAGE}\n"
                            'object: policy/v1beta1 PodDisruptionBudget "web"\nreplacement: policy/v1')


def test_junit_input_errors_and_binary_input_stay_valid_xml(run_cli: CLI, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "bad.yaml").write_text("a: [\x01\n")
    monkeypatch.chdir(tmp_path)
    run = run_cli("check", "bad.yaml", "missing.yaml", "-o", "junit")
    assert run.code == 2
    root = junit(run)
    assert (root.get("tests"), root.get("errors")) == ("2", "1")
    error = root.find("testsuite[@name='inputs']/testcase/error")
    assert error is not None and error.get("message", "").startswith("missing.yaml: ")


# --- action.yml ----------------------------------------------------------------------------------

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())


def test_action_inputs_are_wired_into_the_run_step() -> None:
    assert ACTION["runs"]["using"] == "composite"
    inputs = ACTION["inputs"]
    assert {"paths", "target-version", "current-version", "output", "fail-on", "sarif-file"} <= set(inputs)
    assert inputs["output"]["default"] == "github"
    install, run = ACTION["runs"]["steps"]
    assert install["env"]["KCOMPAT_ACTION_PATH"] == "${{ github.action_path }}"
    assert '-m pip install' in install["run"] and '"$KCOMPAT_ACTION_PATH"' in install["run"]
    for name in inputs:
        variable = "KCOMPAT_" + name.upper().replace("-", "_")
        assert run["env"][variable] == f"${{{{ inputs.{name} }}}}"  # inputs reach the script as env only
        assert f"${variable}" in run["run"] or f"${{{variable}" in run["run"], name
    assert "${{" not in run["run"] and "${{" not in install["run"]  # no expression injection


@pytest.mark.skipif(os.name != "posix", reason="runs the step's bash script")
def test_action_run_script(tmp_path: Path) -> None:
    """The run step's script, with a `kcompat` shim for this checkout: SARIF, summary, exit code."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "kcompat"
    shim.write_text(f'#!/bin/sh\nPYTHONPATH="{ROOT}" exec "{sys.executable}" -m kcompat "$@"\n')
    shim.chmod(0o755)
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy/app.yaml").write_text(APP)
    (tmp_path / "deploy/ok.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    summary = tmp_path / "summary.md"
    _install, step = ACTION["runs"]["steps"]
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "GITHUB_STEP_SUMMARY": str(summary),
           "KCOMPAT_PATHS": "deploy/app.yaml\ndeploy/ok.yaml", "KCOMPAT_TARGET_VERSION": "1.29",
           "KCOMPAT_CURRENT_VERSION": "1.21", "KCOMPAT_OUTPUT": "github", "KCOMPAT_FAIL_ON": "error",
           "KCOMPAT_SARIF_FILE": "out.sarif", "KCOMPAT_STEP_SUMMARY": "true"}
    done = subprocess.run(["bash", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("::error file=deploy/app.yaml,line=1,col=1,title=kcompat removed-api::")
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(json.loads((tmp_path / "out.sarif").read_text()))
    assert summary.read_text().startswith("## kcompat: 1.21 → 1.29\n")
    env["KCOMPAT_FAIL_ON"] = "none"
    assert subprocess.run(["bash", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True).returncode == 0
