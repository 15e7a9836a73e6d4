"""Startup cost of `kcompat check` on one small file, against a bare `python -c pass`.

Run from the repository root:  python benchmarks/startup.py [--runs 20] [--strict]

Measures, as child processes of this interpreter, interleaved run by run:
  (a) python -c pass
  (b) kcompat check one-file.yaml   (a Deployment + Service), with bytecode cached
  (c) the same with PYTHONDONTWRITEBYTECODE=1 when kcompat runs from a source checkout with no
      cached bytecode (every kcompat module is compiled on every run; installs are compiled by pip)
and prints median and p90 of each, the ratio (b)/(a) and whether it is under 10x. Then it checks
that the check path imports none of kubernetes, networkx, jsonschema (and reports rich), prints
the `-X importtime` top contributors and an in-process phase breakdown.

kcompat is started with this environment's `kcompat` console script, or `python -m kcompat`
when there is none (with PYTHONPATH=<repo> when kcompat is not installed at all).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    REPO_ROOT,
    Runner,
    kcompat_runner,
    markdown_table,
    median,
    percentile,
    print_machine,
)

ONE_FILE = REPO_ROOT / "fixtures" / "perf" / "one-file.yaml"

HEAVY = ("kubernetes", "networkx", "jsonschema")
REPORTED = (*HEAVY, "rich")


def _timed(argv: list[str], env: dict[str, str], cwd: str) -> tuple[float, int, str]:
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          check=False)
    elapsed = time.perf_counter() - start
    return elapsed, proc.returncode, proc.stderr.decode(errors="replace")


def _checkout_without_bytecode() -> bool:
    """True when kcompat is imported from this checkout and its modules have no cached bytecode."""
    import importlib.util

    spec = importlib.util.find_spec("kcompat")
    origin = Path(spec.origin).resolve() if spec and spec.origin else REPO_ROOT / "kcompat" / "__init__.py"
    if REPO_ROOT not in origin.parents:
        return False
    return not (origin.parent / "__pycache__").is_dir()


def measure(runs: int, warmup: int, sample: Path, runner: Runner, cwd: str,
            pycache: str) -> dict[str, list[float]]:
    cached_env = {k: v for k, v in runner.env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached_env["PYTHONPYCACHEPREFIX"] = pycache  # bytecode cache outside the source tree
    cases: dict[str, tuple[list[str], dict[str, str]]] = {
        "python -c pass": ([sys.executable, "-c", "pass"], cached_env),
        "kcompat check one-file.yaml": ([*runner.argv, "check", str(sample)], cached_env),
    }
    if _checkout_without_bytecode():
        no_cache = {k: v for k, v in runner.env.items() if k != "PYTHONPYCACHEPREFIX"}
        no_cache["PYTHONDONTWRITEBYTECODE"] = "1"
        cases["kcompat check one-file.yaml, no bytecode cache"] = (
            [*runner.argv, "check", str(sample)], no_cache)
    times: dict[str, list[float]] = {name: [] for name in cases}
    for index in range(warmup + runs):
        for name, (argv, env) in cases.items():
            elapsed, code, stderr = _timed(argv, env, cwd)
            if code not in (0, 1) or "Traceback" in stderr:
                raise SystemExit(f"{name} failed (exit {code}):\n{stderr}")
            if index >= warmup:
                times[name].append(elapsed)
    return times


def heavy_modules(runner: Runner, sample: Path, cwd: str) -> list[str]:
    code = ("import sys, io, contextlib\n"
            "from kcompat.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    main(['check', {str(sample)!r}])\n"
            f"print(sorted(m for m in {REPORTED!r} if m in sys.modules))\n")
    proc = subprocess.run([sys.executable, "-c", code], env=runner.env, cwd=cwd, capture_output=True,
                          text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"module check failed:\n{proc.stderr}")
    loaded: list[str] = json.loads(proc.stdout.strip().splitlines()[-1].replace("'", '"'))
    return loaded


def import_times(runner: Runner, sample: Path, cwd: str, pycache: str,
                 repeats: int = 5) -> tuple[dict[str, tuple[float, float, int]], float]:
    """Median (self us, cumulative us, depth) per module over repeats, and the site cost."""
    env = {k: v for k, v in runner.env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPROFILEIMPORTTIME="1", PYTHONPYCACHEPREFIX=pycache)
    selfs: dict[str, list[float]] = defaultdict(list)
    cumul: dict[str, list[float]] = defaultdict(list)
    depth: dict[str, int] = {}
    site: list[float] = []
    for _ in range(repeats):
        proc = subprocess.run([*runner.argv, "check", str(sample)], env=env, cwd=cwd,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
        after_site = False  # imports listed up to `site` are the interpreter's own start-up
        for line in proc.stderr.splitlines():
            if not line.startswith("import time:") or "imported package" in line:
                continue
            self_us, cumulative_us, name = line[len("import time:"):].split("|", 2)
            module = name.rstrip()
            stripped = module.lstrip()
            if not after_site:
                if stripped == "site" and module == " site":
                    site.append(float(cumulative_us))
                    after_site = True
                continue
            depth[stripped] = (len(module) - len(stripped) - 1) // 2  # 2 spaces per nesting level
            selfs[stripped].append(float(self_us))
            cumul[stripped].append(float(cumulative_us))
    result = {m: (median(selfs[m]), median(cumul[m]), depth[m]) for m in selfs}
    return result, median(site) if site else 0.0


PHASES = """\
import io, contextlib, json, sys, time
t0 = time.perf_counter()
from kcompat.cli import main
t1 = time.perf_counter()
import kcompat.engine.pipeline, kcompat.checks.api_lifecycle, kcompat.report.text  # the check path
t2 = time.perf_counter()
from kcompat.catalog.lifecycle import load_catalog
load_catalog()
t3 = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    main(["check", sys.argv[1]])
t4 = time.perf_counter()
print(json.dumps({"import kcompat.cli": t1 - t0, "import check-path modules": t2 - t1,
                  "load_catalog() (catalog.json)": t3 - t2, "main(check) itself": t4 - t3}))
"""


def phases(runner: Runner, sample: Path, cwd: str, pycache: str, repeats: int = 7) -> dict[str, float]:
    env = {k: v for k, v in runner.env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = pycache
    collected: dict[str, list[float]] = defaultdict(list)
    for _ in range(repeats):
        proc = subprocess.run([sys.executable, "-c", PHASES, str(sample)], env=env, cwd=cwd,
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print(f"(phase breakdown unavailable: {proc.stderr.strip().splitlines()[-1:]})")
            return {}
        for name, value in json.loads(proc.stdout.strip().splitlines()[-1]).items():
            collected[name].append(value)
    return {name: median(values) for name, values in collected.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="kcompat startup benchmark")
    parser.add_argument("--runs", type=int, default=20, help="measured runs of each command (default 20)")
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a check below fails")
    args = parser.parse_args(argv)

    runner = kcompat_runner()
    print("## kcompat startup\n")
    print_machine()
    print(f"\nkcompat started as: {runner.how}\n")
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="kcompat-startup-") as tmp:
        sample = Path(tmp) / "one-file.yaml"
        sample.write_text(ONE_FILE.read_text(encoding="utf-8"), encoding="utf-8")
        pycache = str(Path(tmp) / "pycache")
        times = measure(args.runs, args.warmup, sample, runner, tmp, pycache)

        base = median(times["python -c pass"])
        rows = []
        for name, values in times.items():
            ratio = median(values) / base
            rows.append([name, f"{median(values) * 1000:.1f}", f"{percentile(values, 90) * 1000:.1f}",
                         f"{min(values) * 1000:.1f}", f"{ratio:.2f}x",
                         f"+{(median(values) - base) * 1000:.1f}"])
        print(f"### Wall time, {args.runs} interleaved runs each (after {args.warmup} warm-up runs)\n")
        print(markdown_table(["command", "median ms", "p90 ms", "min ms", "vs python -c pass",
                              "overhead ms"], rows))
        ratio = median(times["kcompat check one-file.yaml"]) / base
        verdict = "PASS" if ratio < 10 else "FAIL"
        if verdict == "FAIL":
            failures.append("startup ratio")
        print(f"\nASSERT kcompat check one-file.yaml < 10x python -c pass: {verdict} ({ratio:.2f}x)")

        loaded = heavy_modules(runner, sample, tmp)
        heavy = [m for m in loaded if m in HEAVY]
        verdict = "PASS" if not heavy else "FAIL"
        if heavy:
            failures.append("heavy imports")
        print(f"\nASSERT check path imports none of {', '.join(HEAVY)}: {verdict} "
              f"(of {', '.join(REPORTED)} loaded: {loaded or 'none'})")

        modules, site = import_times(runner, sample, tmp, pycache)
        print("\n### `-X importtime` of `kcompat check one-file.yaml` (median of 5 runs, bytecode cached)\n")
        print(f"site (interpreter start-up, incl. .pth files): {site / 1000:.1f} ms cumulative\n")
        top_level = sorted(((m, v) for m, v in modules.items() if v[2] == 0),
                           key=lambda item: -item[1][1])[:12]
        print(markdown_table(["top-level import", "cumulative ms", "self ms"],
                             [[m, f"{c / 1000:.2f}", f"{s / 1000:.2f}"] for m, (s, c, _) in top_level]))
        print()
        by_self = sorted(modules.items(), key=lambda item: -item[1][0])[:15]
        print(markdown_table(["module (by self time)", "self ms", "cumulative ms"],
                             [[m, f"{s / 1000:.2f}", f"{c / 1000:.2f}"] for m, (s, c, _) in by_self]))
        kcompat_self = sum(s for m, (s, _, _) in modules.items() if m.startswith("kcompat"))
        yaml_self = sum(s for m, (s, _, _) in modules.items() if m == "yaml" or m.startswith(("yaml.", "_yaml")))
        total = sum(c for _, c, d in modules.values() if d == 0)
        print(f"\nimports after interpreter start-up: {total / 1000:.1f} ms in {len(modules)} modules; "
              f"self time of kcompat.* modules {kcompat_self / 1000:.1f} ms, of yaml/_yaml {yaml_self / 1000:.1f} ms")

        breakdown = phases(runner, sample, tmp, pycache)
        if breakdown:
            print("\n### In-process phases (median of 7 runs)\n")
            print(markdown_table(["phase", "ms"], [[k, f"{v * 1000:.1f}"] for k, v in breakdown.items()]))
    if failures and args.strict:
        print(f"\nfailed: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
