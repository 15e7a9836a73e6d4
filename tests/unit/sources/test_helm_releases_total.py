"""`--helm-releases`: the export as a whole is bounded, not only each record."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from helpers.helm_release import export, release, secret

from conftest import ROOT
from kcompat.core.model import Finding
from kcompat.sources import helm_releases
from kcompat.sources.helm_releases import load_releases

OLD = "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\n"


def test_records_beyond_the_total_are_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(helm_releases, "MAX_RELEASE_BYTES", 64 * 1024)
    monkeypatch.setattr(helm_releases, "MAX_TOTAL_RELEASE_BYTES", 200 * 1024)
    padding = "# " + "x" * 60_000 + "\n"
    items = [secret(release(f"r{i:02}", 1, "deployed", padding + OLD)) for i in range(10)]
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export(*items)))
    releases = load_releases(str(path))
    assert [r.name for r in releases.records] == ["r00", "r01", "r02"]
    (stop,) = [f for f in releases.findings if isinstance(f, Finding) and "in total" in f.message]
    assert stop.rule == "parse-error" and stop.obj is not None and stop.obj.name == "sh.helm.release.v1.r03.v1"


def test_one_record_under_its_own_limit_still_reads(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export(secret(release("one", 1, "deployed", OLD)))))
    releases = load_releases(str(path))
    assert [r.name for r in releases.records] == ["one"] and releases.findings == []


def _bomb_export(count: int, manifest_bytes: int) -> dict[str, object]:
    """`count` records, each a release JSON of manifest_bytes that gzips to ~60 KB; the shared
    big part is compressed once and the compressor state copied for each record's own tail."""
    head = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    common = head.compress(b'{"manifest": "' + b"#" * manifest_bytes)
    items = []
    for i in range(count):
        tail = head.copy()
        name = f"bomb{i:03}"
        body = (b'", "name": "' + name.encode() + b'", "namespace": "x", "version": 1, '
                b'"info": {"status": "deployed"}}')
        gz = common + tail.compress(body) + tail.flush()
        record = secret(release(name, 1, "deployed", ""))
        record["data"] = {"release": base64.b64encode(base64.b64encode(gz)).decode()}
        items.append(record)
    return export(*items)


def test_a_small_export_cannot_expand_to_gigabytes(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(_bomb_export(40, 60 * 1024 * 1024)))
    assert path.stat().st_size < 8 * 1024 * 1024  # ~4 MB on disk, 2.4 GB decompressed
    measure = ("import resource, subprocess, sys\n"
               "done = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=120)\n"
               "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
               "sys.stdout.write(done.stdout)\n")
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", measure, sys.executable, "-m", "kcompat", "check",
                           "--helm-releases", str(path), "-o", "json"],
                          capture_output=True, text=True, timeout=150, cwd=ROOT)
    elapsed = time.monotonic() - started
    first, _, out = done.stdout.partition("\n")
    code, rss_kb = (int(x) for x in first.split())
    assert code == 1 and "Traceback" not in done.stderr, done.stderr
    messages = [f["message"] for f in json.loads(out)["findings"]]
    assert any("in total" in m for m in messages), messages
    assert rss_kb < 1024 * 1024, rss_kb
    assert elapsed < 60, elapsed
