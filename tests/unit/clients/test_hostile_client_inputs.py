"""Audit logs, metrics and --clients-json built to crash or hang kcompat: each ends quickly with a
finding, a warning or a usage error (exit 2), never a traceback."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from kcompat.catalog.lifecycle import load_catalog
from kcompat.clients.audit import AuditReader
from kcompat.clients.resources import resource_map
from kcompat.clients.usage import ClientsReport
from kcompat.core.versions import KubeVersion, VersionError
from kcompat.graph.clients import report_from_json

DEMO = str(FIXTURES / "demo")
DEEP = '{"a":' * 1000 + "1" + "}" * 1000
MEASURE = ("import resource, subprocess, sys\n"
           "done = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=60)\n"
           "sys.stdout.write(done.stdout)\n"
           "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
           "sys.stderr.write(done.stderr + '\\nMAXRSS_KB=%d' % rss)\n"
           "sys.exit(done.returncode)\n")


def kcompat(*args: str, timeout: float = 30) -> tuple[int, str, str, int]:
    done = subprocess.run([sys.executable, "-c", MEASURE, sys.executable, "-m", "kcompat", *args],
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    err, _, rss = done.stderr.rpartition("\nMAXRSS_KB=")
    assert "Traceback" not in err and "Traceback" not in done.stdout, err
    assert done.returncode in (0, 1, 2), (done.returncode, err)
    return done.returncode, done.stdout, err, int(rss)


def event(**extra: object) -> dict[str, object]:
    base: dict[str, object] = {
        "kind": "Event", "apiVersion": "audit.k8s.io/v1", "stage": "ResponseComplete", "verb": "list",
        "user": {"username": "system:serviceaccount:ops:old-tool"},
        "objectRef": {"apiGroup": "extensions", "apiVersion": "v1beta1", "resource": "ingresses"},
        "annotations": {"k8s.io/deprecated": "true"}}
    base.update(extra)
    return base


def test_an_audit_line_nested_1000_deep_is_a_malformed_line(tmp_path: Path) -> None:
    log = tmp_path / "audit.log"
    line = json.dumps(event()).rstrip("}") + ', "requestObject": ' + DEEP + "}"
    log.write_text(line + "\n" + json.dumps(event()) + "\n")
    for args in (["clients", "--audit-log", str(log), "-o", "json"],
                 ["graph", DEMO, "--audit-log", str(log)],
                 ["plan", DEMO, "-c", "1.20", "-t", "1.29", "--audit-log", str(log)]):
        code, out, err, _rss = kcompat(*args)
        assert code in (0, 1), err
        if args[0] == "clients":
            (stats,) = json.loads(out)["inputs"]
            assert stats["malformed"] == 1 and stats["matched"] == 1, stats
        else:
            assert "1 malformed line(s) skipped" in err


def test_audit_prefilter_sees_objects_whose_name_contains_a_brace() -> None:
    catalog = load_catalog()
    report = ClientsReport(KubeVersion.parse("1.29"))
    reader = AuditReader(report, catalog, resource_map())
    ref = {"name": "we}ird", "apiGroup": "extensions", "apiVersion": "v1beta1", "resource": "ingresses"}
    line = event(objectRef=ref, annotations={})
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as handle:
        handle.write(json.dumps(line) + "\n")
    try:
        stats = reader.read(handle.name)
    finally:
        os.unlink(handle.name)
    assert stats.matched == 1 and stats.skipped == 0


@pytest.mark.parametrize("where", ["annotation", "metric"])
def test_a_5000_digit_removed_release(tmp_path: Path, where: str) -> None:
    huge = "1." + "9" * 5000
    if where == "annotation":
        path = tmp_path / "audit.log"
        path.write_text(json.dumps(event(annotations={"k8s.io/deprecated": "true",
                                                      "k8s.io/removed-release": huge})) + "\n")
        code, out, err, _rss = kcompat("clients", "--audit-log", str(path), "-o", "json")
    else:
        path = tmp_path / "metrics.txt"
        path.write_text('apiserver_requested_deprecated_apis{group="extensions",version="v1beta1",'
                        f'resource="ingresses",removed_release="{huge}"}} 1\n')
        code, out, err, _rss = kcompat("clients", "--metrics", str(path), "-o", "json")
    assert code in (0, 1), err
    assert huge not in out  # never echoed whole


def test_a_5000_digit_target_version_is_a_usage_error() -> None:
    code, _out, err, _rss = kcompat("check", "-t", "1." + "9" * 5000, DEMO)
    assert code == 2 and "is not a Kubernetes version" in err and len(err) < 400
    with pytest.raises(VersionError):
        KubeVersion.parse("1" * 5000 + ".1")
    assert KubeVersion.parse("v1.29.3-eks-1234") == KubeVersion(1, 29)


def test_a_metrics_gzip_of_one_2_gib_line_is_bounded(tmp_path: Path) -> None:
    member = gzip.compress(b"a" * (64 << 20), compresslevel=1)
    path = tmp_path / "metrics.gz"
    with path.open("wb") as handle:
        for _ in range(32):  # 32 gzip members of 64 MiB: one 2 GiB line
            handle.write(member)
        handle.write(gzip.compress(b'\napiserver_requested_deprecated_apis{group="extensions",version="v1beta1",'
                                   b'resource="ingresses",removed_release="1.22"} 1\n'))
    started = time.monotonic()
    code, out, err, rss_kb = kcompat("clients", "--metrics", str(path), "-o", "json", timeout=120)
    assert code in (0, 1), err
    (stats,) = json.loads(out)["inputs"]
    assert stats["malformed"] == 1 and stats["matched"] == 1, stats
    assert rss_kb < 256 * 1024, rss_kb
    assert time.monotonic() - started < 60


def test_corrupt_metrics_gzip_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "metrics.gz"
    good = gzip.compress(b"x 1\n" * 1000)
    path.write_bytes(good[:30] + b"\xff" * 40 + good[70:])
    code, _out, err, _rss = kcompat("clients", "--metrics", str(path))
    assert code in (0, 1, 2), err


WRONG_TYPES = [
    {"clients": [{"identity": {"type": "user", "name": "a", "namespace": [1]}, "apis": []}]},
    {"clients": [{"identity": {"type": 7, "name": {"x": 1}}, "apis": 5}]},
    {"clients": [{"identity": {"name": "a"}, "apis": [{"apiVersion": "extensions/v1beta1", "requests": 1e400,
                                                       "removed_in": [1], "kinds": ["Ingress"]}]}]},
    {"clients": [{"identity": {"name": "a"}, "apis": [{"apiVersion": "extensions/v1beta1", "requests": "many",
                                                       "removed_in": "1." + "9" * 5000}]}]},
    {"clients": [], "target_version": ["1.29"]},
]


@pytest.mark.parametrize("data", WRONG_TYPES)
def test_clients_json_with_wrong_types(data: dict[str, object]) -> None:
    text = json.dumps(data).replace("Infinity", "1e400")
    report = report_from_json(json.loads(text), KubeVersion.parse("1.29"))
    for client in report.clients.values():
        for usage in client.apis.values():
            assert isinstance(usage.count, int) and usage.count >= 0
            assert usage.removed_release is None or isinstance(usage.removed_release, str)


@pytest.mark.parametrize("command", ["graph", "plan"])
def test_clients_json_hostile_files(tmp_path: Path, command: str) -> None:
    extra = ["-c", "1.20", "-t", "1.29"] if command == "plan" else []
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(WRONG_TYPES[2]).replace("Infinity", "1e400"))
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    deep_object = tmp_path / "deep-object.json"
    deep_object.write_text('{"clients": [], "x": ' + DEEP + "}")
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    assert kcompat(command, DEMO, *extra, "--clients-json", str(wrong))[0] in (0, 1)
    for path, message in ((deep, "nests deeper"), (deep_object, "nests deeper"),
                          (Path("/dev/zero"), "not a regular file"), (fifo, "fifo.json")):
        code, _out, err, rss_kb = kcompat(command, DEMO, *extra, "--clients-json", str(path))
        assert code == 2 and message in err, (path, err)
        assert rss_kb < 512 * 1024


def test_clients_json_from_a_fifo_with_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "clients.fifo"
    os.mkfifo(fifo)

    def writer() -> None:
        with open(fifo, "w") as handle:
            handle.write(json.dumps({"clients": []}))

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    code, _out, err, _rss = kcompat("graph", DEMO, "--clients-json", str(fifo))
    thread.join(5)
    assert code in (0, 1), err


