"""Issue 10.3: hostile inputs are refused in bounded time and under a documented memory ceiling.

Each case runs `kcompat check` in a fresh process; a second process around it reads the peak
resident size from resource.getrusage(RUSAGE_CHILDREN).ru_maxrss.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT

PEAK_RSS_MIB = 256
"""Documented ceiling (RELIABILITY.md) for one `kcompat check` of a refused hostile file."""
PEAK_RSS_MIB_ACCEPTED = {"30-MiB-file": 1280}
"""A file just under the size limit that is accepted (100,000 objects, each with a finding, kept
for the sorted report) costs more: about 30x its size."""

MEASURE = """
import json, resource, subprocess, sys
done = subprocess.run([sys.executable, "-m", "kcompat", "check", "-o", "json", "--fail-on", "error",
                       "-j", "1", sys.argv[1]], capture_output=True, text=True, timeout=300)
print(json.dumps({"code": done.returncode, "err": done.stderr[-2000:], "out": done.stdout[:200000],
                  "rss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def billion_laughs() -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n" + "".join(f"  {ln}\n" for ln in lines)


def deep_flow() -> str:
    return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: " + "[" * 200_000 + "]" * 200_000 + "\n"


def deep_block() -> str:
    return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n" + "".join(
        " " * (i + 1) + f"k{i}:\n" for i in range(600)) + " " * 601 + "x: 1\n"


def big_file() -> str:
    doc = ("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: i}\n"
           "spec: {backend: {serviceName: s, servicePort: 80}}\n")
    return ("---\n" + doc) * (30 * 1024 * 1024 // (len(doc) + 4))


def tiny_documents() -> str:
    return "---\na: 1\n" * 100_000 + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: last}\n"


def huge_scalar() -> str:
    return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  k: " + "a" * (20 * 1024 * 1024) + "\n"


CASES = {
    "billion-laughs": (billion_laughs, "expands to more than"),
    "deep-flow-nesting": (deep_flow, "nests deeper than"),
    "deep-block-nesting": (deep_block, "nests deeper than"),
    "30-MiB-file": (big_file, None),
    "100k-tiny-documents": (tiny_documents, None),
    "20-MiB-scalar": (huge_scalar, "longer than"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_input_stays_under_the_memory_ceiling(case: str, tmp_path: Path) -> None:
    make, refusal = CASES[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(make())
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True,
                          timeout=400, cwd=ROOT)
    elapsed = time.monotonic() - start
    result = json.loads(done.stdout)
    rss_mib = result["rss_kib"] / 1024
    print(f"{case}: exit {result['code']}, peak RSS {rss_mib:.0f} MiB, {elapsed:.1f} s")
    assert "Traceback" not in result["err"]
    assert result["code"] == 1, result["err"]
    if refusal:
        assert refusal in result["out"]
    assert rss_mib < PEAK_RSS_MIB_ACCEPTED.get(case, PEAK_RSS_MIB), f"{case}: {rss_mib:.0f} MiB"
    assert elapsed < 120
