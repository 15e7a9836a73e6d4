"""`kcompat check --helm-releases`: Helm 3 release records from a cluster export."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers.helm_release import config_map, export, helm_encode, release, secret

from conftest import CLI, Run
from kcompat.sources import helm_releases
from kcompat.sources.helm_releases import DecodeError, decode_release

OLD = ("---\n# Source: web/templates/pdb.yaml\n"
       "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\n")
NEW = OLD.replace("policy/v1beta1", "policy/v1")


def json_findings(run: Run) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = run.json()["findings"]
    return result


def write_export(tmp_path: Path, *items: dict[str, Any], as_json: bool = False) -> Path:
    path = tmp_path / ("export.json" if as_json else "export.yaml")
    data = export(*items)
    path.write_text(json.dumps(data, indent=2) if as_json else yaml.safe_dump(data))
    return path


def test_round_trip_secret_and_config_map() -> None:
    record = release("web", 3, "deployed", OLD)
    assert decode_release(secret(record)["data"]["release"], secret=True) == record
    assert decode_release(config_map(record)["data"]["release"], secret=False) == record


@pytest.mark.parametrize("as_json", [False, True])
def test_latest_deployed_revision_is_checked(run_cli: CLI, tmp_path: Path, as_json: bool) -> None:
    path = write_export(tmp_path, secret(release("web", 1, "superseded", NEW)),
                        secret(release("web", 2, "deployed", OLD)),
                        secret(release("web", 3, "failed", NEW)),
                        config_map(release("api", 7, "deployed", OLD, namespace="ops", chart="api",
                                           chart_version="0.9.0")),
                        as_json=as_json)
    run = run_cli("check", "--helm-releases", str(path), "-t", "1.25", "-o", "json")
    assert run.code == 1, run.err
    found = json_findings(run)
    summary = sorted((f["details"]["namespace"], f["details"]["release"], f["details"]["revision"],
                      f["details"]["chart_version"], f["rule"], f["template"]) for f in found)
    assert summary == [("ops", "api", 7, "0.9.0", "removed-api", "web/templates/pdb.yaml"),
                       ("shop", "web", 2, "1.2.3", "removed-api", "web/templates/pdb.yaml")]
    assert all(f["path"].startswith("release ") for f in found)


def test_hooks_are_checked(run_cli: CLI, tmp_path: Path) -> None:
    hook = {"path": "web/templates/job.yaml", "manifest": "apiVersion: batch/v1beta1\nkind: CronJob\n"
            "metadata:\n  name: hook\n"}
    path = write_export(tmp_path, secret(release("web", 1, "deployed", NEW, hooks=[hook])))
    run = run_cli("check", "--helm-releases", str(path), "-t", "1.25", "-o", "json")
    assert [(f["kind"], f["template"]) for f in json_findings(run)] == [("CronJob", "web/templates/job.yaml")]


def _bad(value: str) -> dict[str, Any]:
    item = secret(release("bad", 1, "deployed", OLD))
    item["data"]["release"] = value
    return item


@pytest.mark.parametrize(("value", "message"), [
    ("!!!", "not valid base64"),
    (base64.b64encode(b"%%%").decode(), "not valid base64"),
    (base64.b64encode(base64.b64encode(b"\x1f\x8b\x08garbage")).decode(), "not valid gzip"),
    (base64.b64encode(base64.b64encode(gzip.compress(b"{nope"))).decode(), "not valid JSON"),
    (base64.b64encode(base64.b64encode(gzip.compress(b"[1]"))).decode(), "not an object"),
    (base64.b64encode(base64.b64encode(gzip.compress(b"{}")[:-6])).decode(), "truncated"),
])
def test_bad_records_are_findings_with_position(run_cli: CLI, tmp_path: Path, value: str, message: str) -> None:
    path = write_export(tmp_path, _bad(value), secret(release("web", 1, "deployed", OLD)))
    run = run_cli("check", "--helm-releases", str(path), "-t", "1.25", "-o", "json")
    assert "Traceback" not in run.err
    found = json_findings(run)
    errors = [f for f in found if f["rule"] == "parse-error"]
    assert len(errors) == 1 and message in errors[0]["message"]
    assert errors[0]["path"] == str(path) and errors[0]["line"] is not None
    assert errors[0]["name"] == "sh.helm.release.v1.bad.v1"
    assert any(f["rule"] == "removed-api" for f in found)  # the good record is still checked


def test_decompression_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(helm_releases, "MAX_RELEASE_BYTES", 1024)
    bomb = base64.b64encode(helm_encode({"manifest": "x" * 100_000}).encode()).decode()
    with pytest.raises(DecodeError, match="more than"):
        decode_release(bomb, secret=True)


def test_unreadable_export(run_cli: CLI, tmp_path: Path) -> None:
    run = run_cli("check", "--helm-releases", str(tmp_path / "nope.yaml"))
    assert run.code == 2 and "nope.yaml" in run.err
