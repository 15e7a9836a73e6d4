"""Credentials never reach graph evidence, nor the graph, plan and report outputs built from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CLI
from kcompat.graph.addresses import redact, secret_name

MANIFEST = """apiVersion: v1
kind: Service
metadata: {name: grafana, namespace: monitoring}
spec:
  selector: {app: grafana}
  ports: [{port: 3000}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: exporter-config, namespace: monitoring}
data:
  GRAFANA_API_TOKEN: glsa_0123456789abcdef
  GRAFANA_HOST: grafana
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: exporter, namespace: monitoring}
spec:
  selector: {matchLabels: {app: exporter}}
  template:
    metadata: {labels: {app: exporter}}
    spec:
      containers:
      - name: exporter
        image: example/exporter:1
        args: ["--grafana=http://admin:s3cr3t-pw@grafana:3000/api", "--db-password", "pa55word"]
        env:
        - {name: GF_URL, value: "http://admin:admin@grafana.monitoring.svc:3000"}
        - {name: DB_PASSWORD, value: "hunter2 with spaces"}
        - {name: SLACK_TOKEN, value: "xoxb-123"}
        - {name: AWS_SECRET_ACCESS_KEY, value: "wJalrXUtnFEMI"}
        - {name: API_KEY, value: "k-987"}
        - {name: UNRESOLVED_URL, value: "http://bob:b0bpass@missing:80"}
        envFrom: [{configMapRef: {name: exporter-config}}]
"""
SECRETS = ("s3cr3t-pw", "admin:admin", "hunter2", "xoxb-123", "wJalrXUtnFEMI", "k-987", "b0bpass",
           "pa55word", "glsa_0123456789abcdef")


@pytest.mark.parametrize("name, secret", [
    ("DB_PASSWORD", True), ("SLACK_TOKEN", True), ("client_secret", True), ("API_KEY", True),
    ("apiKey", True), ("AWS_SECRET_ACCESS_KEY", True), ("ssh-key", True), ("KEYCLOAK_URL", False),
    ("MONKEY_HOST", False), ("DATABASE_HOST", False), (None, False),
])
def test_secret_names(name: str | None, secret: bool) -> None:
    assert secret_name(name) is secret


def test_redact_keeps_what_is_not_a_credential() -> None:
    assert redact("env GF_URL=http://admin:admin@grafana:3000/api") == "env GF_URL=http://[redacted]@grafana:3000/api"
    assert redact("admin:admin@grafana") == "[redacted]@grafana"
    assert redact("--api-key=abc --port=80") == "--api-key=[redacted] --port=80"
    assert redact("mail me at ops@example.com; url http://grafana:3000") == (
        "mail me at ops@example.com; url http://grafana:3000")


def test_graph_plan_and_report_outputs_carry_no_credential(run_cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "app.yaml"
    path.write_text(MANIFEST)
    outputs = {
        "graph json": run_cli("graph", str(path), "-o", "json"),
        "graph text": run_cli("graph", str(path)),
        "plan": run_cli("plan", str(path), "-c", "1.27", "-t", "1.29", "-o", "json"),
        "report": run_cli("report", str(path), "-c", "1.27", "-t", "1.29", "-o", "markdown"),
        "report html": run_cli("report", str(path), "-c", "1.27", "-t", "1.29", "-o", "html"),
    }
    graph = outputs["graph json"].json()
    calls = [e for e in graph["edges"] if e.get("type") == "calls"]
    assert calls, "the exporter still calls grafana: redaction must not hide the dependency"
    texts = [ev["text"] for e in calls for ev in e["evidence"]]
    assert "env GF_URL=http://[redacted]@grafana.monitoring.svc:3000" in texts
    assert "args: --grafana=http://[redacted]@grafana:3000/api" in texts
    for name, run in outputs.items():
        assert run.code in (0, 1), (name, run.err)
        leaked = [secret for secret in SECRETS if secret in run.out]
        assert not leaked, (name, leaked)
