"""kcompat clients --cluster against a local HTTP server that answers in the Kubernetes API wire format.

There is no Kubernetes API server here: the real kubernetes Python client talks to http.server on
127.0.0.1 (ephemeral port), which replays recorded-format responses and records every request.
"""

from __future__ import annotations

import base64
import gzip
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import FIXTURES, Run

pytest.importorskip("kubernetes")

TOKEN = "kc-fake-token-7f3a9e2b41d6c8e0aa55"
METRICS = (FIXTURES / "clients" / "metrics.txt").read_text()


def helm_secret(name: str, namespace: str, revision: int, status: str, manifest: str) -> dict[str, Any]:
    release = {"name": name, "namespace": namespace, "version": revision, "info": {"status": status},
               "chart": {"metadata": {"name": name, "version": "1.0.0"}}, "manifest": manifest}
    helm = base64.b64encode(gzip.compress(json.dumps(release).encode())).decode()
    return {"metadata": {"name": f"sh.helm.release.v1.{name}.v{revision}", "namespace": namespace,
                         "labels": {"owner": "helm", "name": name, "version": str(revision), "status": status}},
            "type": "helm.sh/release.v1", "data": {"release": base64.b64encode(helm.encode()).decode()}}


OLD_MANIFEST = """---
# Source: shop/templates/ingress.yaml
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: shop
---
# Source: shop/templates/pdb.yaml
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
"""

INGRESS = {
    "metadata": {"name": "web", "namespace": "shop", "annotations": {
        "kubectl.kubernetes.io/last-applied-configuration": json.dumps(
            {"apiVersion": "networking.k8s.io/v1beta1", "kind": "Ingress", "metadata": {"name": "web"}})},
        "managedFields": [
            {"manager": "legacy-controller", "operation": "Update", "apiVersion": "extensions/v1beta1",
             "time": "2024-05-01T12:00:00Z", "fieldsType": "FieldsV1", "fieldsV1": {}},
            {"manager": "kubectl-client-side-apply", "operation": "Update", "apiVersion": "networking.k8s.io/v1",
             "time": "2024-05-01T12:00:00Z", "fieldsType": "FieldsV1", "fieldsV1": {}}]},
    "spec": {}}

ROUTES: dict[str, Any] = {
    "/version": {"major": "1", "minor": "24", "gitVersion": "v1.24.17", "gitCommit": "22a9682",
                 "gitTreeState": "clean", "buildDate": "2023-08-23T23:37:25Z", "goVersion": "go1.20.7",
                 "compiler": "gc", "platform": "linux/amd64"},
    "/api": {"kind": "APIVersions", "versions": ["v1"],
             "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "10.0.0.1:6443"}]},
    "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
        {"name": name, "versions": [{"groupVersion": f"{name}/{v}", "version": v} for v in versions],
         "preferredVersion": {"groupVersion": f"{name}/{versions[0]}", "version": versions[0]}}
        for name, versions in [("apps", ["v1"]), ("networking.k8s.io", ["v1"]), ("policy", ["v1", "v1beta1"]),
                               ("batch", ["v1"]), ("autoscaling", ["v2", "v1", "v2beta2"])]]},
    "/api/v1/secrets": {"kind": "SecretList", "apiVersion": "v1", "metadata": {"resourceVersion": "100"},
                        "items": [helm_secret("shop", "shop", 1, "superseded", "apiVersion: v1\nkind: Service\n"),
                                  helm_secret("shop", "shop", 2, "deployed", OLD_MANIFEST)]},
    "/apis/networking.k8s.io/v1/ingresses": {"kind": "IngressList", "apiVersion": "networking.k8s.io/v1",
                                             "metadata": {"resourceVersion": "100"}, "items": [INGRESS]},
}


class Recorder:
    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, list[str]], str]] = []


@pytest.fixture
def apiserver() -> Iterator[tuple[str, Recorder]]:
    recorder = Recorder()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _any(self) -> None:
            url = urlsplit(self.path)
            recorder.requests.append((self.command, url.path, parse_qs(url.query),
                                      self.headers.get("Authorization", "")))
            if self.command != "GET":
                self._send(405, {"kind": "Status", "status": "Failure", "code": 405})
            elif url.path == "/metrics":
                self._send(200, METRICS, "text/plain; version=0.0.4")
            elif url.path in ROUTES:
                self._send(200, ROUTES[url.path])
            elif url.path.startswith(("/api/v1/", "/apis/")):
                self._send(200, {"kind": "List", "apiVersion": "v1", "metadata": {"resourceVersion": "1"},
                                 "items": []})
            else:
                self._send(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "code": 404})

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

        def _send(self, code: int, body: Any, content_type: str = "application/json") -> None:
            data = (body if isinstance(body, str) else json.dumps(body)).encode()
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", recorder
    finally:
        server.shutdown()
        server.server_close()


def kubeconfig(tmp_path: Path, server: str) -> Path:
    path = tmp_path / "kubeconfig"
    path.write_text(json.dumps({
        "apiVersion": "v1", "kind": "Config", "current-context": "fake",
        "clusters": [{"name": "fake", "cluster": {"server": server}}],
        "users": [{"name": "fake", "user": {"token": TOKEN}}],
        "contexts": [{"name": "fake", "context": {"cluster": "fake", "user": "fake"}}]}))
    return path


def test_cluster_mode_reads_every_source_with_get_only(
        apiserver: tuple[str, Recorder], tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    url, recorder = apiserver
    config = kubeconfig(tmp_path, url)
    result = run_cli("clients", "--cluster", "--kubeconfig", str(config), "-t", "1.29", "-o", "json")
    data = result.json()
    assert result.code == 1, result.err
    assert {method for method, *_ in recorder.requests} == {"GET"}
    assert all(auth == f"Bearer {TOKEN}" for *_, auth in recorder.requests)
    paths = [path for _, path, _, _ in recorder.requests]
    assert {"/version", "/api", "/apis", "/metrics", "/api/v1/secrets"} <= set(paths)
    secrets_query = next(q for _, p, q, _ in recorder.requests if p == "/api/v1/secrets")
    assert secrets_query["labelSelector"] == ["owner=helm"]
    assert data["server_version"] == "v1.24.17"
    assert data["current_version"] == "1.24"
    assert "policy/v1beta1" in data["served_deprecated"]["apiVersions"]
    clients = {(c["source"], c["identity"]["name"]): c for c in data["clients"]}
    helm = clients[("helm-release", "shop")]
    assert helm["identity"]["namespace"] == "shop"
    assert sorted(a["apiVersion"] for a in helm["apis"]) == ["extensions/v1beta1", "policy/v1beta1"]
    assert "revision 2" in helm["apis"][0]["objects"][0]
    applied = clients[("last-applied", "kubectl apply (client-side)")]["apis"][0]
    assert applied["apiVersion"] == "networking.k8s.io/v1beta1" and applied["objects"] == ["Ingress shop/web"]
    managed = clients[("managed-fields", "legacy-controller")]["apis"][0]
    assert managed["apiVersion"] == "extensions/v1beta1"
    assert ("managed-fields", "kubectl-client-side-apply") not in clients
    assert {m["resource"] for m in data["metrics"]["apis"]} >= {"ingresses", "poddisruptionbudgets"}
    assert all(c["reliability"] for c in data["clients"])
    assert TOKEN not in result.out and TOKEN not in result.err
    text = run_cli("clients", "--cluster", "--kubeconfig", str(config), "-t", "1.29")
    assert "converts objects to any served version" in text.out
    assert TOKEN not in text.out and TOKEN not in text.err


def test_token_never_appears_on_connection_errors(tmp_path: Path) -> None:
    """In a child process, so every byte written to stdout/stderr (logging included) is checked."""
    import os
    import socket
    import subprocess
    import sys

    from conftest import ROOT

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = kubeconfig(tmp_path, f"http://127.0.0.1:{port}")
    for output in ("json", "text"):
        done = subprocess.run([sys.executable, "-m", "kcompat", "clients", "--cluster", "--kubeconfig", str(config),
                               "-o", output], capture_output=True, text=True, timeout=120, check=False,
                              env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=ROOT)
        assert done.returncode == 2
        assert "cannot reach the API server" in done.stderr
        assert "Traceback" not in done.stderr
        assert TOKEN not in done.stdout and TOKEN not in done.stderr


def test_token_never_appears_when_the_kubeconfig_is_bad(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    config = tmp_path / "kubeconfig"
    config.write_text(json.dumps({"apiVersion": "v1", "kind": "Config", "current-context": "missing",
                                  "users": [{"name": "u", "user": {"token": TOKEN}}]}))
    result = run_cli("clients", "--cluster", "--kubeconfig", str(config), "--context", "nope")
    assert result.code == 2
    assert TOKEN not in result.out + result.err


def test_forbidden_sources_are_reported_not_fatal(apiserver: tuple[str, Recorder], tmp_path: Path,
                                                  run_cli: Callable[..., Run],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    url, _ = apiserver
    monkeypatch.delitem(ROUTES, "/api/v1/secrets")
    monkeypatch.setitem(ROUTES, "/api/v1/secrets", {"kind": "SecretList", "apiVersion": "v1",
                                                    "metadata": {}, "items": []})
    result = run_cli("clients", "--cluster", "--kubeconfig", str(kubeconfig(tmp_path, url)), "-o", "json",
                     "-c", "1.28", "-t", "1.29")
    data = result.json()
    assert data["current_version"] == "1.28"
    assert not any(c["source"] == "helm-release" for c in data["clients"])
