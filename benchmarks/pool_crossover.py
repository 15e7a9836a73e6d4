"""Where `kcompat check` with 2 workers starts beating `--jobs 1`: the crossover behind POOL_MIN_BYTES.

Run from the repository root:  python benchmarks/pool_crossover.py [--rounds 3]

Checks generated corpora (benchmarks/corpus.py) of growing size and Gateway API HTTPRoutes with
their CRDs (CEL rules), each with `--jobs 1` and with `--jobs 2` and the pool forced (the child runs
the CLI with POOL_MIN_BYTES = 0), so the comparison shows what the pool would cost below the
threshold. Rounds are interleaved; medians of wall and CPU (user+sys of the
child and its workers). Only meaningful on an otherwise idle machine: with the cores busy, 2 workers
can never win.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import child_env, markdown_table
from corpus import generate
from peers import measure, write_cel_corpus

CHILD = """
import sys
import kcompat.engine.jobs as jobs
jobs.POOL_MIN_BYTES = 0
from kcompat.cli import main
sys.exit(main(sys.argv[1:]))
"""


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    env, _ = child_env()
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as work:
        cases: list[tuple[str, Path]] = []
        for docs in (150, 400, 800, 1600, 3200, 6400):
            generate(Path(work) / f"g{docs}", n_docs=docs, seed=1)
            cases.append((f"generated {docs} docs", Path(work) / f"g{docs}"))
        for routes in (100, 400, 1600):
            cases.append((f"{routes} HTTPRoutes + CRDs", write_cel_corpus(Path(work) / f"c{routes}", routes, True)))
        results: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for round_ in range(args.rounds):
            print(f"round {round_ + 1}", file=sys.stderr)
            for name, folder in cases:
                for jobs in ("1", "2"):
                    sample = measure([sys.executable, "-c", CHILD, "check", str(folder), "-o", "json", "-t", "1.37",
                                      "--jobs", jobs], env)
                    results.setdefault((name, jobs), []).append((sample.wall, sample.cpu))
        rows = []
        for name, folder in cases:
            one, two = results[(name, "1")], results[(name, "2")]
            wall1, wall2 = statistics.median(w for w, _ in one), statistics.median(w for w, _ in two)
            cpu1, cpu2 = statistics.median(c for _, c in one), statistics.median(c for _, c in two)
            rows.append([name, f"{size_of(folder) / 1024:.0f}", f"{wall1:.2f}", f"{wall2:.2f}",
                         f"{wall1 / wall2:.2f}x", f"{cpu1:.2f}", f"{cpu2:.2f}"])
        print(f"load average: {os.getloadavg()}\n")
        print(markdown_table(["input", "KiB", "--jobs 1 wall s", "pool of 2 wall s", "speed-up", "--jobs 1 CPU s",
                              "pool of 2 CPU s"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
