"""Issue 10.2: the atheris targets (fuzz/targets.py) as hypothesis properties (fast) and as bounded
coverage-guided runs (slow; RELIABILITY.md records the figures)."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT

sys.path.insert(0, str(ROOT))
from fuzz.seeds import seeds
from fuzz.targets import TARGETS

SEEDS = seeds()
CRASHES = ROOT / "fuzz" / "crashes"
FUZZ_SECONDS = int(os.environ.get("KCOMPAT_FUZZ_SECONDS", "12"))


def _mutated(target: str) -> st.SearchStrategy[bytes]:
    seed = st.sampled_from(SEEDS[target] or [b""])
    return st.one_of(
        st.binary(max_size=2000),
        st.builds(lambda s, cut: s[:cut], seed, st.integers(0, 5000)),
        st.builds(lambda s, at, junk: s[:at] + junk + s[at:], seed, st.integers(0, 5000),
                  st.sampled_from([b"&a ", b"*a", b"[", b"{", b"---\n", b": ", b"\t", b"'", b"\xff", b"\x00",
                                   b"!!python/object:os.system ", b"<<: *a\n", b"\r\n", b"# Source: x\n"])),
    )


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_target_holds_for_generated_inputs(name: str) -> None:
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(_mutated(name))
    def prop(data: bytes) -> None:
        TARGETS[name](data)

    prop()


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_seeds_pass(name: str) -> None:
    for data in SEEDS[name][:40]:
        TARGETS[name](data)


def test_saved_crashes_stay_fixed() -> None:
    for path in sorted(CRASHES.iterdir()):
        TARGETS[path.name.split("-")[0]](path.read_bytes())


def _atheris() -> bool:
    try:
        import atheris  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.slow
@pytest.mark.skipif(not _atheris(), reason="atheris is not installed (pip install -e '.[test]')")
@pytest.mark.parametrize("name", sorted(TARGETS))
def test_atheris_target_runs_clean(name: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for index, data in enumerate(SEEDS[name]):
        (corpus / f"seed{index}").write_bytes(data)
    done = subprocess.run([sys.executable, str(ROOT / "fuzz" / "run.py"), name, str(corpus),
                           f"-max_total_time={FUZZ_SECONDS}", "-rss_limit_mb=2048", "-timeout=20",
                           "-print_final_stats=1", f"-artifact_prefix={tmp_path}/"],
                          capture_output=True, text=True, timeout=FUZZ_SECONDS + 120, cwd=tmp_path)
    crashes = list(tmp_path.glob("crash-*")) + list(tmp_path.glob("timeout-*")) + list(tmp_path.glob("oom-*"))
    # a crash stays in the test's temporary folder (never written into the checkout); its bytes are in
    # the failure message so it can be saved under fuzz/crashes/ by hand, where test_saved_crashes_stay_fixed
    # replays it
    found = {crash.name: base64.b64encode(crash.read_bytes()[:4096]).decode() for crash in crashes}
    assert done.returncode == 0 and not crashes, f"{found} (base64)\n{done.stderr[-3000:]}"
    runs = re.search(r"stat::number_of_executed_units: (\d+)", done.stderr)
    assert runs and int(runs.group(1)) > 0
    print(f"{name}: {runs.group(1)} executions in {FUZZ_SECONDS} s")
