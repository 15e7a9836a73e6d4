"""End-to-end behaviour of `kcompat check`: inputs, outputs, exit codes, suppression."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from conftest import CLI, ROOT, Run

PDB = """apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: web
  namespace: shop
spec:
  minAvailable: 1
"""
DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
"""
Write = Callable[[str, str | bytes], Path]
SCHEMA = json.loads((ROOT / "kcompat/report/check-result.schema.json").read_text())


def findings(run: Run) -> list[dict[str, object]]:
    data = run.json()
    jsonschema.validate(data, SCHEMA)
    result: list[dict[str, object]] = data["findings"]
    return result


def test_removed_api_is_an_error_with_position(run_cli: CLI, write: Write) -> None:
    path = write("pdb.yaml", "# leading comment\n" + PDB)
    run = run_cli("check", str(path), "--target-version", "1.25", "-o", "json")
    assert run.code == 1
    (finding,) = findings(run)
    assert finding["rule"] == "removed-api"
    assert finding["severity"] == "error"
    assert (finding["line"], finding["column"], finding["document"]) == (2, 1, 0)
    assert (finding["kind"], finding["name"], finding["namespace"]) == ("PodDisruptionBudget", "web", "shop")
    assert finding["replacement"] == "policy/v1"
    assert finding["message"] == (
        "policy/v1beta1 PodDisruptionBudget was removed in 1.25 (deprecated in 1.21); migrate to policy/v1")


def test_same_api_one_version_earlier_is_only_deprecated(run_cli: CLI, write: Write) -> None:
    path = write("pdb.yaml", PDB)
    run = run_cli("check", str(path), "--target-version", "1.24", "-o", "json")
    assert run.code == 0
    (finding,) = findings(run)
    assert finding["rule"] == "deprecated-api"
    assert finding["severity"] == "warning"
    assert "will be removed in 1.25" in str(finding["message"])
    assert run_cli("check", str(path), "--target-version", "1.24", "--fail-on", "warning").code == 1


def test_before_deprecation_nothing_is_reported(run_cli: CLI, write: Write) -> None:
    path = write("pdb.yaml", PDB)
    run = run_cli("check", str(path), "--target-version", "1.20", "-o", "json")
    assert run.code == 0
    assert findings(run) == []


def test_not_yet_served(run_cli: CLI, write: Write) -> None:
    hpa = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
    path = write("hpa.yaml", hpa)
    run = run_cli("check", str(path), "--target-version", "1.22", "-o", "json")
    (finding,) = findings(run)
    assert finding["rule"] == "not-yet-served"
    assert "first served in 1.23" in str(finding["message"])
    assert run.code == 1
    assert findings(run_cli("check", str(path), "--target-version", "1.23", "-o", "json")) == []


def test_hop_names_where_it_breaks(run_cli: CLI, write: Write) -> None:
    path = write("pdb.yaml", PDB)
    run = run_cli("check", str(path), "-t", "1.29", "-c", "1.22", "-o", "json")
    (finding,) = findings(run)
    assert finding["hop"] == "1.24 -> 1.25"
    already = run_cli("check", str(path), "-t", "1.29", "-c", "1.26", "-o", "json")
    (late,) = findings(already)
    assert late["hop"] is None
    assert "already not served by the current version 1.26" in str(late["message"])


def test_unknown_kind_in_builtin_group_suggests(run_cli: CLI, write: Write) -> None:
    path = write("typo.yaml", DEPLOYMENT.replace("kind: Deployment", "kind: Deploymnet"))
    (finding,) = findings(run_cli("check", str(path), "-o", "json"))
    assert finding["rule"] == "unknown-api"
    assert "did you mean Deployment?" in str(finding["message"])


def test_custom_resources_are_counted_not_judged(run_cli: CLI, write: Write) -> None:
    path = write("cr.yaml", "apiVersion: cert-manager.io/v1alpha2\nkind: Certificate\nmetadata: {name: c}\n")
    run = run_cli("check", str(path), "-o", "json")
    assert run.code == 0
    assert run.json()["summary"]["customResources"] == 1
    # not judged by the lifecycle rules; schema validation says it had no CRD (info)
    assert [(f["rule"], f["severity"]) for f in run.json()["findings"]] == [("no-schema", "info")]


def test_list_items_are_each_checked(run_cli: CLI, write: Write) -> None:
    items = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: extensions/v1beta1\n  kind: Ingress\n" \
            "  metadata: {name: a}\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: b}\n"
    typed = "apiVersion: batch/v1beta1\nkind: CronJobList\nitems:\n- metadata: {name: c}\n"
    path = write("list.yaml", items + "---\n" + typed)
    # --skip-schema: the items are stubs (the API server would also want a selector and a template)
    result = findings(run_cli("check", str(path), "-t", "1.25", "-o", "json", "--skip-schema"))
    assert [(f["kind"], f["name"], f["line"]) for f in result] == [
        ("Ingress", "a", 4), ("CronJob", "c", 14)]


def test_documents_without_kind_are_skipped_and_counted(run_cli: CLI, write: Write) -> None:
    path = write("values.yaml", "replicaCount: 1\n---\napiVersion: v2\nname: chart\n---\n- a\n- b\n")
    run = run_cli("check", str(path), "-o", "json")
    assert run.code == 0
    assert run.json()["summary"]["notObjects"] == 3


def test_wrong_types_are_reported_not_crashing(run_cli: CLI, write: Write) -> None:
    path = write("types.yaml", "apiVersion: 1\nkind: Pod\n---\napiVersion: v1\nkind: [Pod]\n---\n"
                 "apiVersion: v1\nkind: Pod\nmetadata: just-a-string\n")
    result = findings(run_cli("check", str(path), "-o", "json"))
    assert [(f["rule"], f["line"]) for f in result if f["rule"] == "invalid-object"] == [
        ("invalid-object", 1), ("invalid-object", 5), ("invalid-object", 9)]
    # the Pod with a string for metadata still gets the server's verdict on its missing spec
    assert ("required-value", 7) in [(f["rule"], f["line"]) for f in result]


def test_parse_error_does_not_stop_other_files(run_cli: CLI, write: Write) -> None:
    bad = write("a/bad.yaml", "apiVersion: v1\nkind: 'Pod\n")
    good = write("a/good.yaml", PDB)
    run = run_cli("check", str(bad.parent), "-t", "1.25", "-o", "json")
    rules = [(Path(str(f["path"])).name, f["rule"]) for f in findings(run)]
    assert rules == [("bad.yaml", "parse-error"), ("good.yaml", "removed-api")]
    assert good.exists()


def test_binary_and_non_utf8_files_are_reported(run_cli: CLI, write: Write) -> None:
    binary = write("bin.yaml", b"\x00\x01\x02\x03")
    latin = write("latin.yaml", "kind: caf\xe9\n".encode("latin-1"))
    run = run_cli("check", str(binary), str(latin), "-o", "json")
    assert [f["rule"] for f in findings(run)] == ["skipped-file", "skipped-file"]
    assert run.code == 1  # a file that could not be read is never silently clean


def test_missing_path_is_exit_2_but_others_are_checked(run_cli: CLI, write: Write) -> None:
    good = write("pdb.yaml", PDB)
    run = run_cli("check", "/nonexistent/x.yaml", str(good), "-t", "1.25", "-o", "json")
    assert run.code == 2
    assert "kcompat: error: /nonexistent/x.yaml: no such file or directory" in run.err
    assert len(run.err.strip().splitlines()) == 1
    assert [f["rule"] for f in findings(run)] == ["removed-api"]


def test_unknown_target_version_lists_the_bundled_ones(run_cli: CLI, write: Write) -> None:
    run = run_cli("check", str(write("a.yaml", PDB)), "--target-version", "1.99")
    assert run.code == 2
    assert "kcompat knows 1.10 to 1.37" in run.err
    assert run_cli("check", "x.yaml", "--target-version", "banana").code == 2


def test_current_newer_than_target_is_a_usage_error(run_cli: CLI, write: Write) -> None:
    run = run_cli("check", str(write("a.yaml", PDB)), "-t", "1.25", "-c", "1.27")
    assert run.code == 2 and "newer" in run.err


def test_stdin_and_helm_template_output(run_cli: CLI) -> None:
    rendered = "---\n# Source: shop/templates/pdb.yaml\n" + PDB + "---\n# Source: shop/templates/deploy.yaml\n" \
        + DEPLOYMENT
    run = run_cli("check", "-", "-t", "1.25", "-o", "json", stdin_text=rendered)
    (finding,) = findings(run)
    assert finding["path"] == "<stdin>"
    assert finding["template"] == "shop/templates/pdb.yaml"
    assert finding["line"] == 3


def test_suppression_by_comment_and_flag(run_cli: CLI, write: Write) -> None:
    path = write("pdb.yaml", "# kcompat: ignore=removed-api\n" + PDB + "---\n" + PDB)
    run = run_cli("check", str(path), "-t", "1.25", "-o", "json")
    result = findings(run)
    assert [f["suppressed"] for f in result] == [True, False]
    assert run.json()["summary"]["suppressed"] == 1
    assert run.code == 1
    flagged = run_cli("check", str(path), "-t", "1.25", "--ignore", "removed-api,schema")
    assert flagged.code == 0
    assert "(2 suppressed)" in flagged.out


def test_fail_on_none_always_exits_zero(run_cli: CLI, write: Write) -> None:
    assert run_cli("check", str(write("a.yaml", PDB)), "-t", "1.25", "--fail-on", "none").code == 0


def test_text_output_is_grouped_with_jumpable_locations(run_cli: CLI, write: Write,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    path = write("pdb.yaml", PDB)
    run = run_cli("check", str(path), "-t", "1.29", "-c", "1.22")
    lines = run.out.splitlines()
    assert lines[0] == str(path)
    assert lines[1].startswith(f"  {path}:1:1: error removed-api: PodDisruptionBudget shop/web: ")
    assert "breaks at 1.24 -> 1.25" in lines[2]
    assert "\x1b[" not in run.out  # not a terminal: no colour codes
    assert lines[-1].startswith("1 error, 0 warnings, 0 info in 1 file, 1 document, 1 object (1.22 -> 1.29)")


def test_colour_is_used_only_when_asked_or_on_a_terminal(run_cli: CLI, write: Write) -> None:
    run = run_cli("check", str(write("a.yaml", PDB)), "-t", "1.25", "--color", "always")
    assert "\x1b[" in run.out


def test_exclude_and_hidden_folders(run_cli: CLI, write: Write, tmp_path: Path) -> None:
    write("app/pdb.yaml", PDB)
    write("app/.hidden/pdb.yaml", PDB)
    write("app/vendor/pdb.yaml", PDB)
    write("app/notes.txt", PDB)
    run = run_cli("check", str(tmp_path / "app"), "-t", "1.25", "--exclude", "vendor", "-o", "json")
    assert [Path(str(f["path"])).relative_to(tmp_path).as_posix() for f in findings(run)] == ["app/pdb.yaml"]
    assert run.json()["summary"]["files"] == 1


def test_explain_and_versions(run_cli: CLI) -> None:
    run = run_cli("explain", "policy/v1beta1", "PodDisruptionBudget")
    assert run.code == 0
    assert "deprecated:   1.21" in run.out and "removed:      1.25" in run.out
    assert "replacement:  policy/v1" in run.out
    slash = run_cli("explain", "policy/v1beta1/PodDisruptionBudget", "-o", "json").json()
    assert slash["removedIn"] == "1.25" and slash["replacement"] == "policy/v1"
    assert run_cli("explain", "apps/v1", "Deploymnet").code == 2
    versions = run_cli("versions", "-o", "json").json()
    assert versions["versions"][0] == "1.10" and versions["versions"][-1] == "1.37"


@pytest.mark.parametrize(("target", "replacement"), [("1.16", "networking.k8s.io/v1beta1"),
                                                      ("1.19", "networking.k8s.io/v1")])
def test_interim_replacement_before_the_final_one_is_served(run_cli: CLI, write: Write, target: str,
                                                             replacement: str) -> None:
    path = write("ing.yaml", "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: i}\n")
    (finding,) = findings(run_cli("check", str(path), "-t", target, "-o", "json"))
    assert finding["rule"] == "deprecated-api"
    assert finding["replacement"] == replacement


def test_api_without_replacement_says_what_to_do_instead(run_cli: CLI, write: Write) -> None:
    path = write("psp.yaml", "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: p}\n")
    (finding,) = findings(run_cli("check", str(path), "-t", "1.25", "-o", "json"))
    assert finding["replacement"] is None
    assert "Pod Security Admission" in str(finding["message"])


def test_findings_say_whether_kcompat_fix_can_fix_them(run_cli: CLI, write: Write) -> None:
    path = write("two.yaml", PDB + "---\napiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata: {name: p}\n")
    result = findings(run_cli("check", str(path), "-t", "1.25", "-o", "json", "--skip-schema"))
    assert [(f["kind"], f["details"]["fixable"]) for f in result] == [
        ("PodDisruptionBudget", True), ("PodSecurityPolicy", False)]
    text = run_cli("check", str(path), "-t", "1.25", "--skip-schema").out
    assert text.count("fixable with kcompat fix") == 1
