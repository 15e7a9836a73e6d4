"""rollout-risk findings (`kcompat check --rollout`) on providers that clients depend on."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

from conftest import CLI, FIXTURES


def test_each_risk_with_position_and_severity(run_cli: CLI) -> None:
    run = run_cli("check", "--rollout", str(FIXTURES / "rollout" / "risky.yaml"), "-o", "json")
    assert run.code == 1, run.err
    found = [(f["line"], f["severity"], f["details"]["risk"], f["name"]) for f in run.json()["findings"]]
    assert found == [
        (8, "error", "recreate", "recreate"),
        (27, "error", "max-unavailable", "allgone"),
        (32, "warning", "no-readiness-probe", "allgone"),
        (40, "warning", "selector-pins-version", "allgone"),
        (44, "warning", "no-pdb", "db"),
        (49, "warning", "on-delete", "db"),
        (64, "warning", "single-replica", "cache"),
        (68, "warning", "partition", "cache"),
    ]
    first = run.json()["findings"][0]
    assert first["rule"] == "rollout-risk" and first["details"]["clients"] == ["Deployment/app/client"]
    assert first["details"]["evidence"][0]["line"] == 8


def test_clean_manifests_have_no_rollout_risk(run_cli: CLI) -> None:
    run = run_cli("check", "--rollout", str(FIXTURES / "rollout" / "clean.yaml"))
    assert run.code == 0 and "0 errors, 0 warnings" in run.out


def test_providers_without_clients_are_not_judged(run_cli: CLI, write: Callable[[str, str], object]) -> None:
    path = write("alone.yaml", """
apiVersion: apps/v1
kind: Deployment
metadata: {name: alone, namespace: ns}
spec:
  strategy: {type: Recreate}
  selector: {matchLabels: {app: alone}}
  template:
    metadata: {labels: {app: alone}}
    spec: {containers: [{name: c, image: x}]}
""")
    assert run_cli("check", "--rollout", str(path)).code == 0


def test_ignore_and_demo(run_cli: CLI) -> None:
    risky = str(FIXTURES / "rollout" / "risky.yaml")
    assert run_cli("check", "--rollout", risky, "--ignore", "rollout-risk").code == 0
    demo = run_cli("check", "--rollout", str(FIXTURES / "demo"), "-o", "json").json()
    assert {(f["name"], f["details"]["risk"]) for f in demo["findings"]} == {
        ("orders", "no-readiness-probe"), ("payments", "no-readiness-probe"), ("postgres", "single-replica"),
        ("redis", "single-replica"), ("redis", "no-readiness-probe")}


def test_check_without_rollout_never_imports_networkx() -> None:
    clean = str(FIXTURES / "rollout" / "clean.yaml")
    code = (f"import sys; from kcompat.cli import main; main(['check', {clean!r}, '-t', '1.29']); "
            "print('networkx' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False).stdout
    assert out.strip().endswith("False")
