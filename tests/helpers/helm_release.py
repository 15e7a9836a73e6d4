"""Helm 3 release records in Helm's storage format, for tests.

Helm's storage drivers encode a release as base64(gzip(JSON)) (helm/pkg/storage/driver/util.go
encodeRelease). The Secret driver puts that string in `data.release`, so the Secret's data is
base64 once more; the ConfigMap driver puts it in `data.release` as is.
"""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any


def helm_encode(release: dict[str, Any]) -> str:
    return base64.b64encode(gzip.compress(json.dumps(release).encode())).decode()


def release(name: str, revision: int, status: str, manifest: str, namespace: str = "shop",
            chart: str = "web", chart_version: str = "1.2.3", hooks: list[dict[str, Any]] | None = None
            ) -> dict[str, Any]:
    return {"name": name, "namespace": namespace, "version": revision, "info": {"status": status},
            "chart": {"metadata": {"name": chart, "version": chart_version}}, "manifest": manifest,
            "hooks": hooks or []}


def _metadata(name: str, revision: int, status: str, namespace: str) -> dict[str, Any]:
    return {"name": f"sh.helm.release.v1.{name}.v{revision}", "namespace": namespace,
            "labels": {"owner": "helm", "name": name, "status": status, "version": str(revision)}}


def secret(record: dict[str, Any]) -> dict[str, Any]:
    encoded = base64.b64encode(helm_encode(record).encode()).decode()
    return {"apiVersion": "v1", "kind": "Secret", "type": "helm.sh/release.v1",
            "metadata": _metadata(record["name"], record["version"], record["info"]["status"],
                                  record["namespace"]),
            "data": {"release": encoded}}


def config_map(record: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": _metadata(record["name"], record["version"], record["info"]["status"],
                                  record["namespace"]),
            "data": {"release": helm_encode(record)}}


def export(*items: dict[str, Any]) -> dict[str, Any]:
    """What `kubectl get secrets -A -o yaml` prints."""
    return {"apiVersion": "v1", "kind": "List", "items": list(items), "metadata": {"resourceVersion": ""}}
