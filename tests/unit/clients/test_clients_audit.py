"""kcompat clients --audit-log: real-format audit.k8s.io/v1 events, plain and gzip, malformed and truncated."""

from __future__ import annotations

import gzip
import json
import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import FIXTURES, ROOT, Run

AUDIT = FIXTURES / "clients"
SA = "system:serviceaccount:shop:legacy-controller"


def event(verb: str = "list", *, user: str = SA, agent: str = "legacy/0.3", group: str = "extensions",
          version: str = "v1beta1", resource_: str = "ingresses", stage: str = "ResponseComplete",
          annotations: dict[str, str] | None = None, second: int = 0, level: str = "Metadata") -> str:
    ref: dict[str, Any] = {"resource": resource_, "namespace": "shop", "name": "web", "apiVersion": version}
    if group:
        ref["apiGroup"] = group
    raw: dict[str, Any] = {
        "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": level, "auditID": f"id-{second}",
        "stage": stage, "requestURI": "/apis/x", "verb": verb,
        "user": {"username": user, "groups": ["system:serviceaccounts", "system:authenticated"]},
        "sourceIPs": ["10.1.2.3"], "userAgent": agent, "objectRef": ref,
        "responseStatus": {"metadata": {}, "code": 200},
        "requestReceivedTimestamp": f"2024-05-01T12:00:{second:02d}.000001Z",
        "stageTimestamp": f"2024-05-01T12:00:{second:02d}.000100Z",
    }
    if annotations is not None:
        raw["annotations"] = annotations
    return json.dumps(raw, separators=(",", ":"))


def clients_json(run_cli: Callable[..., Run], *args: str) -> tuple[Run, Any]:
    result = run_cli("clients", *args, "-o", "json")
    return result, result.json()


def test_fixture_log_reports_every_client_and_api(run_cli: Callable[..., Run]) -> None:
    result, data = clients_json(run_cli, "--audit-log", str(AUDIT / "audit.log"), "-t", "1.29")
    assert result.code == 1
    assert data["format_version"] == 1 and data["schema"] == "kcompat.clients/v1"
    by_name = {(c["identity"]["namespace"], c["identity"]["name"]): c for c in data["clients"]}
    legacy = by_name[("shop", "legacy-controller")]
    assert legacy["identity"]["type"] == "service-account"
    assert legacy["identity"]["user_agent"].startswith("legacy-controller/v0.3.1")
    ingress = next(a for a in legacy["apis"] if a["kinds"] == ["Ingress"])
    # RequestReceived and ResponseStarted stages are not counted: one request, one count.
    assert ingress["requests"] == 2
    assert ingress["verbs"] == ["list", "update"]
    assert ingress["status"] == "removed" and ingress["removed_in"] == "1.22"
    assert ingress["replacement"] == "networking.k8s.io/v1"
    assert ingress["first_seen"] == "2024-03-01T10:00:02.123456Z"
    assert ingress["last_seen"] == "2024-03-01T10:00:04.123456Z"
    assert "api-server-annotation" in ingress["evidence"]
    scale = next(a for a in legacy["apis"] if a["kinds"] == ["Scale"])
    assert scale["resources"] == ["deployments/scale"]
    # No annotation, found by the catalog alone.
    hpa = by_name[("kube-system", "hpa-old")]["apis"][0]
    assert hpa["evidence"] == ["catalog"] and hpa["removed_in"] == "1.26"
    # A custom resource version the server marks deprecated.
    crd = by_name[("monitoring", "crd-reader")]["apis"][0]
    assert crd["apiVersion"] == "example.com/v1alpha1" and crd["status"] == "deprecated"
    assert ("", "alice@example.com") not in by_name
    assert by_name[(None, "alice@example.com")]["identity"]["type"] == "user"
    assert ("shop", "web") not in by_name  # current APIs only
    stats = data["inputs"][0]
    assert stats["malformed"] == 2
    assert [e["line"] for e in stats["malformed_examples"]] == [9, 10]


def test_gzip_detected_by_magic_bytes_not_name(run_cli: Callable[..., Run], tmp_path: Path) -> None:
    plain = run_cli("clients", "--audit-log", str(AUDIT / "audit.log"), "-o", "json").json()
    renamed = tmp_path / "audit.txt"
    renamed.write_bytes((AUDIT / "audit.log.gz").read_bytes())
    zipped = run_cli("clients", "--audit-log", str(renamed), "-o", "json").json()
    assert zipped["inputs"][0]["compressed"] is True
    assert zipped["clients"] == plain["clients"]


def test_truncated_gzip_keeps_what_was_read_and_says_so(run_cli: Callable[..., Run]) -> None:
    result = run_cli("clients", "--audit-log", str(AUDIT / "audit-truncated.log.gz"), "-o", "json")
    data = result.json()
    assert data["inputs"][0]["truncated"] is True
    assert data["inputs"][0]["lines"] > 0
    assert data["clients"], "events before the truncation are still reported"
    assert "truncated gzip" in result.err
    assert result.code != 2


def test_request_level_events_and_multi_member_gzip(run_cli: Callable[..., Run], tmp_path: Path) -> None:
    first = event("create", level="Request", annotations={"k8s.io/deprecated": "true",
                                                            "k8s.io/removed-release": "1.22"}, second=1)
    second = event("get", user="bob", agent="curl/8", second=2)
    path = tmp_path / "two-members.gz"
    path.write_bytes(gzip.compress((first + "\n").encode()) + gzip.compress((second + "\n").encode()))
    data = run_cli("clients", "--audit-log", str(path), "-o", "json", "-t", "1.22").json()
    names = sorted(c["identity"]["name"] for c in data["clients"])
    assert names == ["bob", "legacy-controller"]


def test_annotation_alone_flags_an_api_the_catalog_does_not_know(run_cli: Callable[..., Run], write: Any) -> None:
    line = event(group="acme.io", version="v1beta1", resource_="gadgets",
                 annotations={"k8s.io/deprecated": "true", "k8s.io/removed-release": "1.30"})
    path = write("a.log", line + "\n")
    data = run_cli("clients", "--audit-log", str(path), "-o", "json", "-t", "1.29").json()
    usage = data["clients"][0]["apis"][0]
    assert usage["status"] == "deprecated" and usage["removed_in"] == "1.30"
    data = run_cli("clients", "--audit-log", str(path), "-o", "json", "-t", "1.30").json()
    assert data["clients"][0]["apis"][0]["status"] == "removed"


def test_deprecated_at_target_only_when_the_catalog_says_so(run_cli: Callable[..., Run], write: Any) -> None:
    path = write("a.log", event(group="", version="v1", resource_="endpoints") + "\n")
    assert run_cli("clients", "--audit-log", str(path), "-o", "json", "-t", "1.32").json()["clients"] == []
    data = run_cli("clients", "--audit-log", str(path), "-o", "json", "-t", "1.33").json()
    assert data["clients"][0]["apis"][0]["kinds"] == ["Endpoints"]
    assert data["clients"][0]["apis"][0]["status"] == "deprecated"


def test_malformed_lines_never_fatal_with_or_without_prefilter(run_cli: Callable[..., Run], write: Any) -> None:
    good = event()
    lines = [good, "{not json at all}", '["a list"]', '{"kind":"Pod","apiVersion":"v1beta1"}', "garbage", good]
    path = write("a.log", "\n".join(lines) + "\n")
    quick = run_cli("clients", "--audit-log", str(path), "-o", "json").json()["inputs"][0]
    full = run_cli("clients", "--audit-log", str(path), "-o", "json", "--parse-all").json()["inputs"][0]
    assert quick["matched"] == full["matched"] == 2
    assert full["malformed"] == 4
    assert [e["line"] for e in full["malformed_examples"]] == [2, 3, 4, 5]
    # The pre-filter parses only lines that could matter; shapeless lines still count as malformed.
    assert quick["malformed"] >= 2


def test_missing_file_is_exit_2_after_the_others(run_cli: Callable[..., Run], tmp_path: Path) -> None:
    result = run_cli("clients", "--audit-log", str(tmp_path / "nope.log"), "--audit-log", str(AUDIT / "audit.log"))
    assert result.code == 2
    assert "nope.log: no such file" in result.err
    assert "legacy-controller" in result.out


def test_audit_log_takes_one_file_per_flag(run_cli: Callable[..., Run]) -> None:
    """`--audit-log FILE PATH` must not swallow PATH (graph/plan take PATHs after it)."""
    result = run_cli("clients", "--audit-log", str(AUDIT / "audit.log"), str(AUDIT / "audit.log"))
    assert result.code == 2
    assert "unrecognized arguments" in result.err


def test_text_output_names_clients_and_problems(run_cli: Callable[..., Run]) -> None:
    result = run_cli("clients", "--audit-log", str(AUDIT / "audit.log"), "-t", "1.29")
    assert "service account shop/legacy-controller" in result.out
    assert "REMOVED in 1.22; use networking.k8s.io/v1" in result.out
    assert "2 malformed line(s) (line 9" in result.out


def test_usage_errors(run_cli: Callable[..., Run]) -> None:
    assert run_cli("clients").code == 2
    assert run_cli("clients", "--audit-log", "x", "--context", "c").code == 2


GENERATOR = r"""
import json, sys
target = int(sys.argv[1])
base = {"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a","stage":"ResponseComplete",
        "requestURI":"/api/v1/namespaces/shop/pods/web-%d","verb":"get",
        "user":{"username":"system:serviceaccount:shop:web","groups":["system:serviceaccounts"]},
        "sourceIPs":["10.0.0.1"],"userAgent":"web/1.0","objectRef":{"resource":"pods","namespace":"shop",
        "name":"web","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},
        "requestReceivedTimestamp":"2024-05-01T12:00:00.000001Z","stageTimestamp":"2024-05-01T12:00:00.000002Z",
        "annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed"}}
line = (json.dumps(base, separators=(",", ":")) + "\n").encode()
old = dict(base, objectRef={"resource":"ingresses","namespace":"shop","name":"web","apiGroup":"extensions",
           "apiVersion":"v1beta1"}, userAgent="old/%d")
block = line * 999
out = sys.stdout.buffer
written = 0
i = 0
while written < target:
    i += 1
    o = dict(old, userAgent="old/%d" % (i % 50))
    chunk = block + (json.dumps(o, separators=(",", ":")) + "\n").encode()
    out.write(chunk)
    written += len(chunk)
"""

MEASURE = r"""
import resource, subprocess, sys
gen = subprocess.Popen([sys.executable, "-c", sys.argv[1], sys.argv[2]], stdout=subprocess.PIPE)
kc = subprocess.run([sys.executable, "-m", "kcompat", "clients", "--audit-log", "-", "-o", "json"],
                    stdin=gen.stdout, capture_output=True)
gen.wait()
sys.stdout.write(kc.stdout.decode())
print("RSS_KB", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
"""


def _peak_rss_kb(size: int) -> tuple[int, Any]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", MEASURE, GENERATOR, str(size)], capture_output=True,
                          env=env, check=True, cwd=ROOT)
    rss = int(done.stderr.decode().split("RSS_KB")[1].split()[0])
    return rss, json.loads(done.stdout)


@pytest.mark.slow
def test_memory_stays_constant_on_a_stream_of_hundreds_of_megabytes() -> None:
    small_rss, small = _peak_rss_kb(8 * 1024 * 1024)
    big_rss, big = _peak_rss_kb(300 * 1024 * 1024)
    assert big["inputs"][0]["lines"] > 30 * small["inputs"][0]["lines"]
    assert sum(c["apis"][0]["requests"] for c in big["clients"]) == big["inputs"][0]["matched"] > 0
    # one service account with 50 user agents is one client; its agents are listed, at most 8
    assert len(big["clients"]) == 1
    assert len(big["clients"][0]["identity"]["user_agents"]) == 8
    # 37x the input, same peak memory (a few MiB of slack for allocator noise).
    print(f"peak RSS: 8 MiB stream {small_rss} KiB, 300 MiB stream {big_rss} KiB")
    assert big_rss < small_rss + 16 * 1024, (small_rss, big_rss)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 10 * 1024 * 1024


def test_custom_resource_versions_a_crd_upgrade_drops_are_recorded(tmp_path: Path) -> None:
    """`plan --crd-upgrade`: requests to cert-manager.io/v1alpha2 count as calls to a removed API, with the
    CRD's kind; the same resource in a version NEW serves, or another resource of the group, does not."""
    from kcompat.catalog.lifecycle import load_catalog
    from kcompat.clients.audit import AuditReader, CustomVersion
    from kcompat.clients.resources import resource_map
    from kcompat.clients.usage import ClientsReport
    from kcompat.core.versions import KubeVersion

    log = tmp_path / "audit.log"
    log.write_text("".join(event(group="cert-manager.io", version=version, resource_=plural) + "\n"
                           for version, plural in (("v1alpha2", "certificates"), ("v1", "certificates"),
                                                   ("v1alpha2", "issuers"))))
    report = ClientsReport(KubeVersion(1, 24))
    held = CustomVersion("cert-manager.io", "v1alpha2", "certificates", "Certificate", "cert-manager.io/v1")
    reader = AuditReader(report, load_catalog(), resource_map(), custom=[held])
    stats = reader.read(str(log))
    assert stats.matched == 1 and stats.error is None
    (client,) = report.clients.values()
    (usage,) = client.apis.values()
    assert (usage.api_version, usage.kinds, usage.status, usage.replacement) == (
        "cert-manager.io/v1alpha2", {"Certificate"}, "removed", "cert-manager.io/v1")
    assert usage.reasons == {"crd-upgrade"}
