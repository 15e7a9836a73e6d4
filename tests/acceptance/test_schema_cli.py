"""`kcompat check` with schema validation, `kcompat schemas` and `kcompat explain --field`."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import CLI, FIXTURES, Run

Write = Callable[[str, str], Path]
SCHEMA = FIXTURES / "schema"
SCHEMA_RULES = {"schema", "unknown-field", "removed-field", "duplicate-key", "schema-unavailable",
                "no-schema", "crd-version-unserved", "crd-version-deprecated", "crd-invalid"}


def findings(run: Run, rules: set[str] | None = None) -> list[dict[str, Any]]:
    wanted = rules or SCHEMA_RULES
    return [f for f in run.json()["findings"] if f["rule"] in wanted]


def brief(run: Run) -> list[tuple[str, int, int, str]]:
    return [(f["rule"], f["line"], f["column"], f["details"].get("field", "")) for f in findings(run)]


def test_broken_manifests_report_field_expectation_and_position(run_cli: CLI) -> None:
    run = run_cli("check", str(SCHEMA / "builtin" / "broken.yaml"), "-t", "1.31", "-o", "json")
    assert run.code == 1
    assert brief(run) == [
        ("unknown-field", 14, 7, "spec.template.spec.contianers"),
        ("schema", 19, 11, "spec.template.spec.containers[0].ports[0].containerPort"),
        ("schema", 22, 13, "spec.template.spec.containers[0].resources.limits.cpu"),
        ("schema", 25, 11, "spec.template.spec.containers[0].env[0].value"),
        ("schema", 33, 5, "spec.ports[0].port"),  # missing: at its parent (the list item)
        ("schema", 40, 1, "spec.selector"),  # missing: at its parent (spec)
        ("schema", 51, 3, "metadata.creationTimestamp"),
        ("schema", 57, 7, "spec.containers[0].ports[0].containerPort"),
        ("schema", 64, 3, "data.password"),
    ]
    by_field = {f["details"]["field"]: f for f in findings(run)}
    port = by_field["spec.template.spec.containers[0].ports[0].containerPort"]
    assert port["severity"] == "error"
    assert port["details"]["expected"] == "integer (int32)"
    assert port["details"]["got"] == 'string "80"'
    assert port["details"]["schemaVersion"] == "1.31"
    typo = by_field["spec.template.spec.contianers"]
    assert typo["severity"] == "warning" and typo["details"]["suggestion"] == "containers"
    assert "did you mean containers?" in typo["message"]
    assert "required" in by_field["spec.selector"]["message"]
    assert "date-time" in by_field["metadata.creationTimestamp"]["details"]["expected"]
    assert "quantity" in by_field["spec.template.spec.containers[0].resources.limits.cpu"]["details"]["expected"]


def test_valid_manifests_pass_in_every_version_that_serves_them(run_cli: CLI) -> None:
    for version in ("1.16", "1.22", "1.25", "1.31", "1.37"):
        run = run_cli("check", str(SCHEMA / "builtin" / "valid.yaml"), "-t", version, "-o", "json")
        assert findings(run) == [], version
        assert run.code == 0


def test_strict_makes_unknown_fields_and_duplicates_errors(run_cli: CLI, write: Write) -> None:
    path = write("d.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
                 "data: {a: b}\ndata: {c: d}\nbogus: 1\n")
    lenient = run_cli("check", str(path), "-t", "1.31", "-o", "json")
    assert [(f["rule"], f["severity"], f["line"]) for f in findings(lenient)] == [
        ("duplicate-key", "warning", 5), ("unknown-field", "warning", 6)]
    assert lenient.code == 0
    strict = run_cli("check", str(path), "-t", "1.31", "--strict", "-o", "json")
    assert [(f["rule"], f["severity"]) for f in findings(strict)] == [
        ("duplicate-key", "error"), ("unknown-field", "error")]
    assert strict.code == 1


def test_duplicate_key_in_a_real_manifest(run_cli: CLI) -> None:
    path = FIXTURES / "corpus/bench/kubernetes-examples-2018/staging/storage/minio/minio-distributed-statefulset.yaml"
    run = run_cli("check", str(path), "-t", "1.31", "-o", "json")
    assert [(f["rule"], f["line"], f["column"], f["details"]["field"]) for f in findings(run)] == [
        ("duplicate-key", 13, 3, "spec.selector")]


def test_removed_field_names_the_last_version(run_cli: CLI, write: Write) -> None:
    path = write("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  clusterName: c\n"
                 "spec: {containers: [{name: c, image: i}]}\n")
    old = run_cli("check", str(path), "-t", "1.24", "-o", "json")
    assert findings(old) == []
    new = run_cli("check", str(path), "-t", "1.31", "-o", "json")
    [finding] = findings(new)
    assert finding["rule"] == "removed-field"
    assert (finding["line"], finding["column"]) == (5, 3)
    assert finding["message"].startswith(
        "metadata.clusterName is not in the 1.31 schema of v1 Pod; it was last in 1.24")
    assert finding["details"]["lastIn"] == "1.24"


def test_field_added_later_is_unknown_with_its_first_version(run_cli: CLI, write: Write) -> None:
    path = write("pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
                 "spec: {containers: [{name: c, image: i, resizePolicy: []}]}\n")
    [finding] = findings(run_cli("check", str(path), "-t", "1.25", "-o", "json"))
    assert finding["rule"] == "unknown-field" and finding["details"]["firstIn"] == "1.27"


def test_skip_schema_and_schema_version(run_cli: CLI) -> None:
    broken = str(SCHEMA / "builtin" / "broken.yaml")
    assert findings(run_cli("check", broken, "-t", "1.31", "--skip-schema", "-o", "json")) == []
    run = run_cli("check", broken, "-t", "1.31", "--schema-version", "1.20", "-o", "json")
    assert {f["details"]["schemaVersion"] for f in findings(run)} == {"1.20"}
    assert run.json()["targetVersion"] == "1.31"
    bad = run_cli("check", broken, "--schema-version", "1.5")
    assert bad.code == 2 and "--schema-version" in bad.err
    worse = run_cli("check", broken, "--schema-version", "soon")
    assert worse.code == 2 and "--schema-version" in worse.err


def test_helm_rendered_output_keeps_the_template(run_cli: CLI) -> None:
    run = run_cli("check", str(SCHEMA / "helm" / "rendered.yaml"), "-t", "1.31", "-o", "json")
    [finding] = findings(run)
    assert finding["template"] == "web/templates/deployment.yaml"
    assert (finding["line"], finding["details"]["field"]) == (18, "spec.replicas")


def test_removed_apis_are_not_schema_checked_twice(run_cli: CLI, write: Write) -> None:
    path = write("old.yaml", "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: d}\n"
                 "spec: {template: {}, bogus: 1}\n")
    run = run_cli("check", str(path), "-t", "1.31", "-o", "json")
    assert [f["rule"] for f in run.json()["findings"]] == ["removed-api"]
    old = run_cli("check", str(path), "-t", "1.15", "-o", "json")
    assert [f["rule"] for f in findings(old)] == ["unknown-field"]


def test_jobs_give_identical_results(run_cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kcompat.engine.jobs

    monkeypatch.setattr(kcompat.engine.jobs, "POOL_MIN_BYTES", 0)  # use the pool even for small inputs
    tree = tmp_path / "tree"
    shutil.copytree(SCHEMA, tree)
    outputs = [run_cli("check", str(tree), "-t", "1.31", "-o", "json", "--jobs", jobs).out
               for jobs in ("1", "2", "3")]
    assert outputs[0] == outputs[1] == outputs[2]
    assert json.loads(outputs[0])["summary"]["files"] > 10


def test_jobs_option_is_validated(run_cli: CLI) -> None:
    assert run_cli("check", str(SCHEMA / "builtin"), "--jobs", "0").code == 2


def test_damaged_store_gives_a_finding_not_a_traceback(run_cli: CLI, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from kcompat.catalog import schema_store as store
    from kcompat.schema import builtin

    damaged = tmp_path / "store"
    shutil.copytree(store.default_store().folder, damaged)
    (damaged / "pool.jsonl").write_text("{not json\n" * 10)
    monkeypatch.setattr(store, "default_store", lambda: store.SchemaStore(damaged))
    monkeypatch.setattr(builtin, "default_store", lambda: store.SchemaStore(damaged))
    builtin.version_schemas.cache_clear()
    try:
        run = run_cli("check", str(SCHEMA / "builtin" / "valid.yaml"), "-t", "1.31", "-o", "json")
    finally:
        builtin.version_schemas.cache_clear()
    assert "Traceback" not in run.err
    unavailable = findings(run, {"schema-unavailable"})
    assert unavailable and all(f["line"] for f in unavailable)
    assert "damaged" in unavailable[0]["message"]


def test_schemas_command(run_cli: CLI) -> None:
    run = run_cli("schemas")
    assert run.code == 0
    lines = run.out.splitlines()
    assert lines[0].startswith("1.10") and "kinds" in lines[0]
    assert any(line.startswith("1.37") and "(default)" in line for line in lines)
    data = run_cli("schemas", "-o", "json").json()
    assert [v["version"] for v in data["versions"]] == [f"1.{m}" for m in range(10, 38)]
    assert all(v["kinds"] > 50 for v in data["versions"])


def test_explain_field(run_cli: CLI) -> None:
    run = run_cli("explain", "apps/v1", "Deployment", "--field",
                  "spec.template.spec.containers[0].ports", "-t", "1.31")
    assert run.code == 0
    assert "array of object (ContainerPort)" in run.out
    assert "containerPort  integer (int32)  (required)" in run.out
    data = run_cli("explain", "apps/v1/Deployment", "--field", "spec.selector", "-o", "json").json()
    assert data["required"] is True and data["definition"].endswith("LabelSelector")
    assert data["description"]
    enum = run_cli("explain", "apps/v1", "Deployment", "--field", "spec.strategy.type", "-t", "1.23",
                   "-o", "json").json()
    assert enum["enum"] == ["Recreate", "RollingUpdate"]
    gone = run_cli("explain", "v1", "Pod", "--field", "metadata.clusterName", "-t", "1.30")
    assert gone.code == 2 and "it was last in 1.24" in gone.err
    assert run_cli("explain", "v1", "Pod", "--field", "spec.nope").code == 2
