"""Issue 10.6: --jobs gives the single-worker result in the same order; a worker crash is reported."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import kcompat.engine.jobs as jobs
from conftest import FIXTURES, Run
from kcompat.engine.pipeline import DEFAULT_CHECKS

BENCH = FIXTURES / "corpus" / "bench"


def _findings(run: Run) -> tuple[int, list[Any], Any]:
    data = run.json()
    return run.code, data["findings"], data["summary"]


@pytest.fixture
def always_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "POOL_MIN_BYTES", 0)


def test_jobs_match_one_worker_on_the_fixtures(always_pool: None, run_cli: Callable[..., Run]) -> None:
    one = _findings(run_cli("check", "-o", "json", "-c", "1.16", "-j", "1", str(FIXTURES)))
    two = _findings(run_cli("check", "-o", "json", "-c", "1.16", "-j", "2", str(FIXTURES)))
    assert one == two
    assert len(one[1]) > 100


@pytest.mark.slow
def test_jobs_match_one_worker_on_the_bench_corpus(run_cli: Callable[..., Run]) -> None:
    one = run_cli("check", "-o", "json", "-j", "1", str(BENCH))
    two = run_cli("check", "-o", "json", "-j", "2", str(BENCH))
    assert (one.code, one.out) == (two.code, two.out)


def _tree(tmp_path: Path) -> Path:
    for index in range(6):
        (tmp_path / f"f{index}.yaml").write_text(
            f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{index}}}\ndata: {{a: b}}\n")
    return tmp_path


def _failing_on(name: str, how: Callable[[], None]) -> Callable[..., Iterator[Any]]:
    def check(resource: Any, context: Any) -> Iterator[Any]:
        if resource.name == name:
            how()
        return iter(())

    return check


def _raise() -> None:
    raise RuntimeError("secret-looking text that must not be echoed")


def _die() -> None:
    os._exit(9)  # a worker killed outright (OOM killer, a crash in C)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_check_that_raises_is_reported_for_its_file(workers: int, tmp_path: Path, always_pool: None,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      run_cli: Callable[..., Run]) -> None:
    import kcompat.engine.run as engine

    # `kcompat check` runs the engine with its default checks: add one that raises on one object
    monkeypatch.setattr(engine.run, "__defaults__", ((*DEFAULT_CHECKS, _failing_on("c3", _raise)),))
    result = run_cli("check", "-o", "json", "-j", str(workers), str(_tree(tmp_path)))
    assert result.code == 1
    data = result.json()
    [finding] = [f for f in data["findings"] if f["rule"] == "internal-error"]
    assert finding["path"].endswith("f3.yaml") and "RuntimeError" in finding["message"]
    assert "secret-looking" not in result.out + result.err
    assert data["summary"]["files"] == 6 and data["summary"]["objects"] == 6
    assert "Traceback" not in result.err


def test_a_worker_that_dies_is_reported_not_lost(tmp_path: Path, always_pool: None,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 run_cli: Callable[..., Run]) -> None:
    import kcompat.engine.run as engine

    monkeypatch.setattr(engine.run, "__defaults__", ((*DEFAULT_CHECKS, _failing_on("c2", _die)),))
    result = run_cli("check", "-o", "json", "-j", "2", str(_tree(tmp_path)))
    assert result.code == 1
    data = result.json()
    crashed = [f for f in data["findings"] if f["rule"] == "internal-error"]
    assert [f["path"].rsplit("/", 1)[1] for f in crashed] == ["f2.yaml"]
    assert "worker process checking this file died" in crashed[0]["message"]
    assert data["summary"]["files"] == 6
