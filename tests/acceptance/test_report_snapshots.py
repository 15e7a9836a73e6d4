"""Snapshot tests of `kcompat report` on the demo and two real corpora (HTML and Markdown).

The reports are byte-for-byte stable (sorted everywhere, no timestamps); the kcompat version is
normalised, and the HTML's stylesheet is replaced by its sha256 (a style change is one line to review,
not a copy of the stylesheet in every snapshot). Regenerate after an intended change with
`KCOMPAT_UPDATE_SNAPSHOTS=1 pytest tests/acceptance/test_report_snapshots.py` and review the diff.
"""

from __future__ import annotations

import hashlib
import os
import re

import pytest

from conftest import CLI, ROOT
from kcompat import __version__

SNAPSHOTS = ROOT / "tests" / "snapshots"

CASES = {
    "demo": ("fixtures/demo", "1.21", "1.29"),
    "bookinfo": ("fixtures/corpus/graphs/bookinfo", "1.16", "1.29"),
    "cert-manager": ("fixtures/corpus/crds/cert-manager-v1.3.1/cert-manager.yaml", "1.14", "1.29"),
}
SUFFIX = {"html": "html", "markdown": "md"}


_STYLE = re.compile(r"<style>(.*?)</style>", re.S)


def normalise(text: str) -> str:
    text = text.replace(f"kcompat {__version__}", "kcompat VERSION")
    return _STYLE.sub(lambda m: f"<style>/* sha256 {hashlib.sha256(m.group(1).encode()).hexdigest()} */</style>",
                      text)


@pytest.mark.parametrize("output", sorted(SUFFIX))
@pytest.mark.parametrize("name", sorted(CASES))
def test_report_snapshot(run_cli: CLI, monkeypatch: pytest.MonkeyPatch, name: str, output: str) -> None:
    monkeypatch.chdir(ROOT)  # paths in the report are as given: keep them relative
    path, current, target = CASES[name]
    run = run_cli("report", path, "--current-version", current, "--target-version", target, "-o", output)
    assert run.code == 0, run.err
    actual = normalise(run.out)
    snapshot = SNAPSHOTS / f"report-{name}.{SUFFIX[output]}"
    if os.environ.get("KCOMPAT_UPDATE_SNAPSHOTS") == "1":
        snapshot.write_text(actual, encoding="utf-8")
    assert snapshot.exists(), f"missing {snapshot}; run with KCOMPAT_UPDATE_SNAPSHOTS=1"
    expected = snapshot.read_text(encoding="utf-8")
    assert actual == expected, f"{snapshot.name} differs; if intended, regenerate with KCOMPAT_UPDATE_SNAPSHOTS=1"


def test_report_is_deterministic(run_cli: CLI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    first = run_cli("report", "fixtures/demo", "-c", "1.21", "-t", "1.29").out
    assert run_cli("report", "fixtures/demo", "-c", "1.21", "-t", "1.29").out == first
