"""Clients as graph nodes: one ClientUsage per client and API, service accounts joined to workloads."""

from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES
from kcompat.catalog.lifecycle import load_catalog
from kcompat.clients.audit import AuditReader
from kcompat.clients.resources import resource_map
from kcompat.clients.usage import ClientsReport
from kcompat.core.versions import KubeVersion
from kcompat.graph.client_usage import client_nodes, join_workloads
from kcompat.sources.load import load_input
from kcompat.sources.resources import extract

MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata: {name: legacy, namespace: shop}
spec:
  template:
    spec:
      serviceAccountName: legacy-controller
      containers: [{name: c, image: x}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: kube-system}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: hpa-old
          containers: [{name: c, image: x}]
"""


def test_client_nodes_carry_evidence_and_join_workloads(tmp_path: Path) -> None:
    report = ClientsReport(KubeVersion(1, 29))
    AuditReader(report, load_catalog(), resource_map()).read(str(FIXTURES / "clients" / "audit.log"))
    usages = client_nodes(report)
    path = tmp_path / "app.yaml"
    path.write_text(MANIFEST)
    loaded = load_input(str(path))
    resources = extract(loaded.documents).resources
    joined = {(u.name, u.api_version, u.kinds): u for u in join_workloads(usages, resources)}
    ingress = joined[("legacy-controller", "extensions/v1beta1", ("Ingress",))]
    assert ingress.workloads == ("Deployment/shop/legacy",)
    assert ingress.api_node == "api:extensions/v1beta1" and ingress.removed_in == "1.22"
    assert ingress.node_id.startswith("client:audit-log:service-account:shop/legacy-controller@")
    assert "used extensions/v1beta1 2 time(s)" in ingress.evidence
    assert joined[("hpa-old", "autoscaling/v2beta2", ("HorizontalPodAutoscaler",))].workloads == (
        "CronJob/kube-system/nightly",)
    assert joined[("alice@example.com", "policy/v1beta1", ("PodDisruptionBudget",))].service_account is None
