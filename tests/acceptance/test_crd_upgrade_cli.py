"""Operator upgrades end to end: `kcompat plan --crd-upgrade`, `kcompat fix --crd-upgrade`, `kcompat report
--crd-upgrade` on the real cert-manager v1.3.1 -> v1.7 and prometheus-operator v0.38 (apiextensions v1beta1)
-> v0.43 (v1) CRDs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import CLI, FIXTURES

OLD = str(FIXTURES / "corpus/crds/cert-manager-v1.3.1/cert-manager.yaml")
NEW = str(FIXTURES / "realworld/cert-manager-v1.7")
PROM_OLD = str(FIXTURES / "realworld/prometheus-operator-v0.38.0")
PROM_NEW = str(FIXTURES / "schema/prometheus-operator-v0.43.0/bundle.yaml")
PROM_EXAMPLES = str(FIXTURES / "schema/prometheus-operator-v0.43.0/examples")
UPGRADE = ("--crd-upgrade", OLD, NEW)

CERTIFICATES = """\
# Certificates of the shop, written for cert-manager 0.x
apiVersion: cert-manager.io/v1alpha2
kind: Certificate
metadata:
  name: web
  namespace: shop
spec:
  secretName: web-tls   # the Ingress reads it
  keyAlgorithm: ecdsa
  issuerRef: {name: letsencrypt}
---
apiVersion: "cert-manager.io/v1alpha2"
kind: Certificate
metadata:
  name: api
  namespace: shop
spec:
  secretName: api-tls
  dnsNames: [api.example.com]
  issuerRef:
    name: letsencrypt
    kind: ClusterIssuer
---
{"apiVersion": "cert-manager.io/v1alpha3", "kind": "Issuer", "metadata": {"name": "selfsigned", "namespace": "shop"},
 "spec": {"selfSigned": {}}}
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: current, namespace: shop}
spec:
  secretName: current-tls
  issuerRef: {name: letsencrypt}
"""

SYNC = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: cert-sync, namespace: shop}
spec:
  selector: {matchLabels: {app: cert-sync}}
  template:
    metadata: {labels: {app: cert-sync}}
    spec:
      serviceAccountName: cert-sync
      containers: [{name: sync, image: example/cert-sync:0.9}]
"""


def _audit_event(number: int, user: str, agent: str, version: str, resource: str = "certificates") -> str:
    return json.dumps({
        "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata", "auditID": f"id-{number}",
        "stage": "ResponseComplete", "verb": "list", "requestURI": f"/apis/cert-manager.io/{version}/{resource}",
        "user": {"username": user, "groups": ["system:authenticated"]}, "userAgent": agent,
        "objectRef": {"resource": resource, "namespace": "shop", "apiVersion": version, "apiGroup": "cert-manager.io"},
        "responseStatus": {"code": 200}, "requestReceivedTimestamp": f"2024-03-0{number}T10:00:00Z",
        "stageTimestamp": f"2024-03-0{number}T10:00:00Z", "annotations": {}}) + "\n"


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    folder = tmp_path / "shop"
    folder.mkdir()
    (folder / "certificates.yaml").write_text(CERTIFICATES)
    (folder / "sync.yaml").write_text(SYNC)
    return folder


@pytest.fixture
def audit(tmp_path: Path) -> Path:
    path = tmp_path / "audit.log"
    path.write_text(_audit_event(1, "system:serviceaccount:shop:cert-sync", "cert-sync/0.9", "v1alpha2")
                    + _audit_event(2, "system:serviceaccount:shop:cert-sync", "cert-sync/0.9", "v1alpha2")
                    + _audit_event(3, "alice", "kubectl/v1.20.0", "v1")
                    + _audit_event(4, "system:serviceaccount:ops:backup", "velero/v1.5", "v1beta1", "issuers"))
    return path


# --------------------------------------------------------------------------- plan


def test_plan_holds_the_versions_still_used_and_orders_the_operator_upgrade(run_cli: CLI, shop: Path) -> None:
    run = run_cli("plan", str(shop), "-c", "1.22", "-t", "1.24", *UPGRADE, "-o", "json")
    assert run.code == 1, run.err  # the Certificates in v1alpha2 block the operator upgrade
    hop = run.json()["operator"]
    assert (hop["old"], hop["new"], hop["ready"]) == (OLD, NEW, False)
    assert len(hop["crds"]) == 6 and len(hop["held"]) == 18  # v1alpha2, v1alpha3, v1beta1 of six CRDs
    waiting = {(h["apiVersion"], h["kind"]): [r["node"] for r in h["resources"]]
               for h in hop["held"] if h["resources"]}
    assert waiting == {("cert-manager.io/v1alpha2", "Certificate"): ["Certificate/shop/web", "Certificate/shop/api"],
                       ("cert-manager.io/v1alpha3", "Issuer"): ["Issuer/shop/selfsigned"]}
    web = next(r for h in hop["held"] for r in h["resources"] if r["node"] == "Certificate/shop/web")
    assert (web["line"], web["replacement"], web["fieldsToChange"]) == (2, "cert-manager.io/v1", [".spec.keyAlgorithm"])
    assert [s["action"] for s in hop["steps"]] == ["keep-serving", "migrate-resources", "move-clients",
                                                   "migrate-storage", "upgrade-operator"]
    keep = hop["steps"][0]
    assert keep["text"].startswith("keep cert-manager.io/v1alpha2, cert-manager.io/v1alpha3 served")
    assert "until these 3 resource(s) and these 0 client(s) have moved" in keep["text"]
    assert hop["steps"][2]["done"] is True  # no client source given
    # a release manifest says nothing about status.storedVersions: the plan asks to check it
    assert "kubectl get crd" in hop["steps"][3]["text"] and hop["steps"][3]["done"] is False
    assert "Service/cert-manager/cert-manager-webhook" in hop["steps"][4]["text"]
    assert hop["strategy"] == "rolling update"
    blockers = [b for b in run.json()["blockers"] if b["details"]["blocker"] == "crd-version-dropped"]
    assert sorted(b["details"]["node"] for b in blockers) == [
        "Certificate/shop/api", "Certificate/shop/web", "Issuer/shop/selfsigned"]
    # the CRD versions are graph nodes with the custom resources written in them
    crd = next(c for c in run.json()["crds"] if c["crd"] == "CustomResourceDefinition/certificates.cert-manager.io")
    assert crd["custom_resources"] == {"v1alpha2": ["Certificate/shop/api", "Certificate/shop/web"],
                                       "v1": ["Certificate/shop/current"]}


def test_audit_log_clients_of_a_dropped_version_hold_it(run_cli: CLI, shop: Path, audit: Path) -> None:
    run = run_cli("plan", str(shop), "-c", "1.22", "-t", "1.24", *UPGRADE, "--audit-log", str(audit), "-o", "json")
    assert run.code == 1, run.err
    hop = run.json()["operator"]
    clients = {(h["apiVersion"], h["kind"]): [c["node"] for c in h["clients"]] for h in hop["held"] if h["clients"]}
    # the service account is joined to the Deployment that runs as it; the v1 request of alice is not held
    backup = "client:audit-log:service-account:ops/backup@velero/v1.5"
    assert clients == {("cert-manager.io/v1alpha2", "Certificate"): ["Deployment/shop/cert-sync"],
                       ("cert-manager.io/v1beta1", "Issuer"): [backup]}
    sync = next(h for h in hop["held"] if (h["apiVersion"], h["kind"]) == ("cert-manager.io/v1alpha2", "Certificate"))
    assert sync["clients"][0]["requests"] == 2 and sync["clients"][0]["replacement"] == "cert-manager.io/v1"
    assert hop["steps"][2]["action"] == "move-clients" and hop["steps"][2]["done"] is False
    blockers = [b["details"]["node"] for b in run.json()["blockers"]
                if b["details"]["blocker"] == "crd-version-dropped"]
    assert "Deployment/shop/cert-sync" in blockers


def test_plan_text_and_markdown_show_the_operator_hop(run_cli: CLI, shop: Path) -> None:
    text = run_cli("plan", str(shop), "-c", "1.22", "-t", "1.24", *UPGRADE).out
    assert "Operator upgrade (--crd-upgrade)" in text
    assert "1. [keep-serving] keep cert-manager.io/v1alpha2, cert-manager.io/v1alpha3 served" in text
    assert "5. [upgrade-operator] after the steps above, upgrade the operator" in text
    assert f"{shop}/certificates.yaml:2 Certificate/shop/web: cert-manager.io/v1alpha2 -> cert-manager.io/v1; " \
        "also change .spec.keyAlgorithm" in text
    markdown = run_cli("plan", str(shop), "-c", "1.22", "-t", "1.24", *UPGRADE, "-o", "markdown").out
    assert "## Operator upgrade" in markdown and "2. [migrate-resources]" in markdown


def test_after_fix_only_the_field_change_still_holds_the_upgrade(run_cli: CLI, shop: Path) -> None:
    assert run_cli("fix", str(shop), *UPGRADE, "--write").code == 1  # web needs hand work
    hop = run_cli("plan", str(shop), "-c", "1.22", "-t", "1.24", *UPGRADE, "-o", "json").json()["operator"]
    assert [r["node"] for h in hop["held"] for r in h["resources"]] == ["Certificate/shop/web"]


def test_v1beta1_shaped_crds_to_v1_hold_nothing(run_cli: CLI) -> None:
    """prometheus-operator v0.38 (apiextensions v1beta1, spec.validation) -> v0.43 (v1): same versions, same
    schemas for what v0.38 had: nothing is held, the operator can be upgraded with a rolling update."""
    run = run_cli("plan", PROM_EXAMPLES, "-c", "1.19", "-t", "1.20", "--crd-upgrade", PROM_OLD, PROM_NEW, "-o", "json")
    assert run.code == 0, run.err
    hop = run.json()["operator"]
    assert hop["held"] == [] and hop["ready"] is True and hop["findings"] == []
    assert hop["crds"] == ["podmonitors.monitoring.coreos.com", "prometheusrules.monitoring.coreos.com",
                           "servicemonitors.monitoring.coreos.com"]
    assert [s["action"] for s in hop["steps"]] == ["upgrade-operator"]
    assert hop["strategy"] == "rolling update"
    diff = run_cli("diff", PROM_OLD, PROM_NEW, PROM_EXAMPLES, "-o", "json")
    assert diff.code == 0 and diff.json()["safe"] is True and diff.json()["summary"]["customResources"] == 12


def test_downgrading_prometheus_operator_drops_fields_the_examples_use(run_cli: CLI) -> None:
    run = run_cli("diff", PROM_NEW, PROM_OLD, PROM_EXAMPLES, "-o", "json")
    assert run.code == 1
    by_rule = run.json()["summary"]["byRule"]
    assert by_rule.get("crd-removed") == 5  # v0.43 has 8 CRDs, the v0.38 copies 3
    assert by_rule.get("crd-field-removed", 0) > 0


@pytest.mark.parametrize("args", [
    ("plan", "x.yaml", "-c", "1.22", "--crd-upgrade", "missing-old.yaml", NEW),
    ("plan", "x.yaml", "-c", "1.22", "--crd-upgrade", OLD),
    ("fix", "x.yaml", "--crd-upgrade", OLD, "missing-new"),
    ("report", "x.yaml", "-c", "1.22", "--crd-upgrade", "missing-old.yaml", NEW),
])
def test_bad_crd_upgrade_input_is_exit_2_with_a_message(run_cli: CLI, args: tuple[str, ...]) -> None:
    run = run_cli(*args)
    assert run.code == 2 and run.err.strip()


def test_old_without_any_crd_is_a_usage_error(run_cli: CLI, shop: Path) -> None:
    run = run_cli("plan", str(shop), "-c", "1.22", "--crd-upgrade", str(shop / "sync.yaml"), NEW)
    assert run.code == 2 and "no CustomResourceDefinition found in OLD" in run.err


# --------------------------------------------------------------------------- fix


def test_fix_moves_custom_resources_and_keeps_every_other_byte(run_cli: CLI, shop: Path) -> None:
    path = shop / "certificates.yaml"
    run = run_cli("fix", str(shop), *UPGRADE)
    assert run.code == 1  # web uses keyAlgorithm, which v1 moved: hand work, so the upgrade still breaks
    assert path.read_text() == CERTIFICATES  # a diff only, nothing written
    assert run.out.count("\n-apiVersion") == 1 and '+apiVersion: "cert-manager.io/v1"' in run.out
    assert f"{path}:2: needs hand work: Certificate web: cert-manager.io/v1alpha2 -> cert-manager.io/v1 needs field " \
        "changes fix cannot make" in run.err and ".spec.keyAlgorithm" in run.err
    assert run_cli("fix", str(shop), *UPGRADE, "--write").code == 1
    expected = (CERTIFICATES.replace('apiVersion: "cert-manager.io/v1alpha2"', 'apiVersion: "cert-manager.io/v1"')
                .replace('{"apiVersion": "cert-manager.io/v1alpha3"', '{"apiVersion": "cert-manager.io/v1"'))
    assert path.read_text() == expected
    assert (shop / "sync.yaml").read_text() == SYNC
    again = run_cli("fix", str(shop), *UPGRADE)
    assert again.out == "" and "would fix 0 object(s)" in again.err


def test_fix_keeps_crlf_line_endings_and_lists(run_cli: CLI, tmp_path: Path) -> None:
    text = ("apiVersion: v1\r\nkind: List\r\nitems:\r\n- apiVersion: cert-manager.io/v1beta1 # old\r\n"
            "  kind: ClusterIssuer\r\n  metadata: {name: selfsigned}\r\n  spec: {selfSigned: {}}\r\n")
    path = tmp_path / "issuers.yaml"
    path.write_bytes(text.encode())
    assert run_cli("fix", str(path), *UPGRADE, "--write").code == 0
    assert path.read_bytes() == text.replace("cert-manager.io/v1beta1", "cert-manager.io/v1").encode()


def test_fix_check_exits_1_when_a_resource_would_move(run_cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "issuer.yaml"
    path.write_text("apiVersion: cert-manager.io/v1alpha2\nkind: Issuer\nmetadata: {name: a}\n"
                    "spec: {ca: {secretName: ca}}\n")
    assert run_cli("fix", str(path), *UPGRADE, "--check").code == 1
    assert run_cli("fix", str(path), *UPGRADE).code == 0
    assert run_cli("fix", str(path), "--crd-upgrade", NEW, NEW).out == ""  # nothing dropped: nothing to do


def test_fix_with_a_chart_as_new(run_cli: CLI, tmp_path: Path, shop: Path) -> None:
    chart = tmp_path / "cert-manager"
    shutil.copytree(NEW, chart / "crds")
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: cert-manager\nversion: 1.7.0\n")
    run = run_cli("fix", str(shop), "--crd-upgrade", OLD, str(chart))
    assert '+apiVersion: "cert-manager.io/v1"' in run.out


# --------------------------------------------------------------------------- report


def test_report_shows_the_operator_hop(run_cli: CLI, shop: Path) -> None:
    markdown = run_cli("report", str(shop), "-c", "1.22", "-t", "1.24", *UPGRADE, "-o", "markdown")
    assert markdown.code == 0, markdown.err
    assert "### Operator upgrade" in markdown.out and "`keep-serving`" in markdown.out
    assert "`cert-manager.io/v1alpha2` Certificate: `Certificate/shop/web`, `Certificate/shop/api`" in markdown.out
    html = run_cli("report", str(shop), "-c", "1.22", "-t", "1.24", *UPGRADE)
    assert "<h3>Operator upgrade</h3>" in html.out and "upgrade-operator" in html.out
