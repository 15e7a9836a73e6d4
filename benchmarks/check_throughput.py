"""Throughput of `kcompat check` against the fastest plain PyYAML load of the same files.

Run from the repository root:  python benchmarks/check_throughput.py [options]

For each corpus (the generated 10,000-document corpus, or --corpus DIR; plus the real corpus
/work/shared/corpus/bench when present) and each of --repeats rounds, in this order:
  floor       read every file kcompat would check and consume
              yaml.load_all(text, Loader=yaml.CSafeLoader), in a fresh child process of this
              interpreter (timed in this process, the floor would run in a heap grown by the runs
              before it)
  CLI ...     `kcompat check DIR -o json --target-version 1.29` as a child process (the default:
              schema validation on, --jobs = CPUs), then with --jobs 1, then with --jobs 1
              --skip-schema (the API-lifecycle core); wall and CPU time (user+sys of the child
              and its workers, os.wait4), peak RSS of the largest process (GNU /usr/bin/time %M;
              see cli_pass for why not ru_maxrss), exit code, stderr free of tracebacks
  in-process  kcompat.engine.pipeline in this process, one worker: with schema validation (what the
              CLI does) and without
Medians of the rounds are reported. docs/s always divides the floor's document count
(non-empty YAML documents) by the time, so every ratio compares times on identical input;
'vs floor' is floor time / kcompat time (the target is >= 0.5x). CPU-time ratios are less
disturbed by other processes on a shared machine than wall-time ratios.
For the real corpus every document is accounted for against its SUMMARY.yaml and index.json.

Options: --corpus DIR, --docs N, --repeats N, --target 1.29, --bench DIR, --no-bench,
         --default-only (only the CLI default and the floor), --profile (cProfile the in-process check)
"""

from __future__ import annotations

import argparse
import cProfile
import dataclasses
import functools
import io
import json
import os
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import yaml
from _common import ensure_importable, kcompat_runner, markdown_table, median, print_machine
from corpus import generate

ensure_importable()

DEFAULT_BENCH = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "bench"
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FLOOR = "floor: read + yaml.load_all(CSafeLoader)"


@dataclass
class Run:
    wall: float
    cpu: float
    max_rss_kib: int | None = None
    exit_code: int | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    input_errors: list[Any] = field(default_factory=list)
    stderr: str = ""


@dataclass
class CorpusResult:
    name: str
    root: Path
    files: int
    bytes: int
    documents: int = 0
    floor_errors: int = 0
    runs: dict[str, list[Run]] = field(default_factory=dict)


# --------------------------------------------------------------------------- the measured passes


def checked_files(root: Path) -> list[str]:
    """The files `kcompat check root` reads, in its order (its own discovery rules)."""
    from kcompat.sources.discover import discover

    return [item for item in discover([str(root)]) if isinstance(item, str)]


FLOOR_CHILD = """
import sys, yaml
documents = errors = 0
for path in open(sys.argv[1]).read().splitlines():
    with open(path, "rb") as handle:
        text = handle.read().decode("utf-8", errors="replace")
    try:
        for document in yaml.load_all(text, Loader=yaml.CSafeLoader):
            if document is not None:
                documents += 1
    except yaml.YAMLError:
        errors += 1
print(documents, errors)
"""


def floor_pass(files: list[str]) -> tuple[Run, int, int]:
    """The plainest fast load, in a fresh child of this interpreter (start-up and `import yaml`
    included, and never a heap grown by earlier runs): Run, non-empty documents, files PyYAML rejects."""
    with tempfile.NamedTemporaryFile("w", suffix=".files") as listing:
        listing.write("\n".join(files))
        listing.flush()
        wall = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-c", FLOOR_CHILD, listing.name], stdout=subprocess.PIPE)
        out = child.stdout.read() if child.stdout is not None else b""
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - wall
        child.returncode = os.waitstatus_to_exitcode(status)
    documents, errors = (int(x) for x in out.split())
    return Run(wall, usage.ru_utime + usage.ru_stime), documents, errors


GNU_TIME = "/usr/bin/time"


def cli_pass(root: Path, target: str, extra: list[str]) -> Run:
    """One CLI run. Peak RSS comes from GNU time when present: the ru_maxrss that os.wait4 or
    RUSAGE_CHILDREN report for a child of this process is at least this process's own peak RSS
    (Linux carries the spawning process's high-water mark across vfork+exec)."""
    runner = kcompat_runner()
    argv = [*runner.argv, "check", str(root), "-o", "json", "--target-version", target, *extra]
    gnu_time = os.access(GNU_TIME, os.X_OK)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(suffix=".rss") as rss_file:
        command = [GNU_TIME, "-f", "%M", "-o", rss_file.name, *argv] if gnu_time else argv
        wall = time.perf_counter()
        child = subprocess.Popen(command, env=runner.env, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)  # CPU of the child and the workers it reaped
        wall = time.perf_counter() - wall
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode(errors="replace")
        rss: int | None = None
        if gnu_time:
            lines = Path(rss_file.name).read_text(encoding="utf-8").split()
            rss = int(lines[-1]) if lines and lines[-1].isdigit() else None
    try:
        report = json.loads(stdout)
    except json.JSONDecodeError:
        raise SystemExit(f"{' '.join(argv)}: no JSON (exit {child.returncode}):\n{stderr[-3000:]}") from None
    return Run(wall, usage.ru_utime + usage.ru_stime, rss, child.returncode,
               report.get("summary", {}), report.get("inputErrors", []), stderr)


def _context(root: Path, target: str, schema: bool) -> Any:
    """A CheckContext built as `kcompat check` builds it (schema on) or as with --skip-schema."""
    from kcompat.catalog.lifecycle import load_catalog
    from kcompat.checks.context import CheckContext
    from kcompat.core.versions import KubeVersion

    version = KubeVersion.parse(target)
    if not schema:
        return CheckContext(load_catalog(), version)
    from kcompat.engine.request import SchemaRequest
    from kcompat.engine.schema_options import schema_settings

    settings, _ = schema_settings(SchemaRequest(), version, [str(root)], [])
    return dataclasses.replace(CheckContext(load_catalog(), version), schema=settings)


def _check(root: Path, context: Any) -> Any:
    from kcompat.engine.jobs import run_paths
    from kcompat.engine.pipeline import DEFAULT_CHECKS

    return run_paths([str(root)], [], context, frozenset(), DEFAULT_CHECKS, 1)


def in_process_pass(root: Path, target: str, schema: bool) -> Run:
    wall, cpu = time.perf_counter(), time.process_time()
    result = _check(root, _context(root, target, schema))
    run = Run(time.perf_counter() - wall, time.process_time() - cpu)
    run.summary = {"files": result.files, "documents": result.documents, "objects": result.objects,
                   "findings": len(result.findings)}
    run.input_errors = list(result.input_errors)
    return run


def cli_variants(default_only: bool) -> dict[str, list[str]]:
    variants = {"kcompat CLI (default)": []}
    if default_only:
        return variants
    runner = kcompat_runner()
    help_text = subprocess.run([*runner.argv, "check", "--help"], env=runner.env, capture_output=True,
                               text=True, check=False).stdout
    if "--jobs" in help_text:
        variants["kcompat CLI --jobs 1"] = ["--jobs", "1"]
    if "--skip-schema" in help_text:
        extra = ["--jobs", "1"] if "--jobs" in help_text else []
        variants[f"kcompat CLI {' '.join([*extra, '--skip-schema'])}"] = [*extra, "--skip-schema"]
    return variants


def in_process_variants(default_only: bool) -> dict[str, bool]:
    if default_only:
        return {}
    variants = {"in-process pipeline, --skip-schema": False}
    try:
        import kcompat.engine.schema_options  # noqa: F401
    except ImportError:
        return variants
    return {"in-process pipeline (schema on, 1 worker)": True, **variants}


def measure(name: str, root: Path, repeats: int, target: str, default_only: bool) -> CorpusResult:
    files = checked_files(root)
    result = CorpusResult(name, root, len(files), sum(os.path.getsize(p) for p in files))
    floor_pass(files)  # warm the page cache and PyYAML; not counted
    passes: dict[str, Callable[[], Run]] = {}
    for label, extra in cli_variants(default_only).items():
        passes[label] = functools.partial(cli_pass, root, target, extra)
    for label, schema in in_process_variants(default_only).items():
        passes[label] = functools.partial(in_process_pass, root, target, schema)
    result.runs = {FLOOR: [], **{label: [] for label in passes}}
    for round_ in range(repeats):
        run, result.documents, result.floor_errors = floor_pass(files)
        result.runs[FLOOR].append(run)
        line = [f"floor {run.wall:.2f}s"]
        for label, measure_once in passes.items():
            run = measure_once()
            if run.exit_code not in (None, 0, 1) or "Traceback" in run.stderr:
                raise SystemExit(f"{label} failed on {root} (exit {run.exit_code}):\n{run.stderr[-3000:]}")
            result.runs[label].append(run)
            line.append(f"{label} {run.wall:.2f}s")
        print(f"  {name} round {round_ + 1}: " + ", ".join(line), file=sys.stderr)
    return result


# --------------------------------------------------------------------------- reporting


def results_table(results: list[CorpusResult]) -> str:
    rows = []
    for r in results:
        floor_wall = median([x.wall for x in r.runs[FLOOR]])
        floor_cpu = median([x.cpu for x in r.runs[FLOOR]])
        for label, runs in r.runs.items():
            wall, cpu = median([x.wall for x in runs]), median([x.cpu for x in runs])
            rss = [x.max_rss_kib for x in runs if x.max_rss_kib is not None]
            rows.append([
                f"{r.name} ({r.files:,} files, {r.documents:,} docs, {r.bytes / 1e6:.1f} MB)", label,
                f"{wall:.2f}", f"{r.documents / wall:,.0f}",
                "-" if label == FLOOR else f"**{floor_wall / wall:.2f}x**",
                f"{cpu:.2f}", "-" if label == FLOOR else f"{floor_cpu / cpu:.2f}x",
                f"{median([float(v) for v in rss]) / 1024:.0f}" if rss else "-",
            ])
    return markdown_table(["corpus", "what", "wall s", "docs/s", "vs floor (wall)", "CPU s",
                           "vs floor (CPU)", "peak RSS MiB"], rows)


def raw_table(results: list[CorpusResult]) -> str:
    rows = []
    for r in results:
        for label, runs in r.runs.items():
            rows.append([r.name, label, ", ".join(f"{x.wall:.2f}" for x in runs),
                         ", ".join(f"{x.cpu:.2f}" for x in runs),
                         ", ".join(str(x.exit_code) for x in runs if x.exit_code is not None) or "-"])
    return markdown_table(["corpus", "what", "wall s per round", "CPU s per round", "exit codes"], rows)


def assertions(results: list[CorpusResult], expected_docs: int | None) -> list[str]:
    lines = []
    for r in results:
        floor_wall = median([x.wall for x in r.runs[FLOOR]])
        for label, runs in r.runs.items():
            if label == FLOOR:
                continue
            ratio = floor_wall / median([x.wall for x in runs])
            summary = runs[-1].summary
            lines.append(f"ASSERT {r.name}, {label}: throughput >= 0.5x floor: "
                         f"{'PASS' if ratio >= 0.5 else 'FAIL'} ({ratio:.2f}x); documents "
                         f"{summary.get('documents')}, objects {summary.get('objects')}")
        if r.floor_errors:
            lines.append(f"note: {r.floor_errors} files of {r.name} do not load with PyYAML")
        if expected_docs is not None and r is results[0]:
            counts = {label: runs[-1].summary.get("documents") for label, runs in r.runs.items()
                      if label != FLOOR}
            ok = r.documents == expected_docs and all(c == expected_docs for c in counts.values())
            lines.append(f"ASSERT generated corpus: every one of {expected_docs:,} documents counted: "
                         f"{'PASS' if ok else 'FAIL'} (floor {r.documents:,}, kcompat {counts})")
    return lines


def account_bench(root: Path, result: CorpusResult) -> list[str]:
    """Compare kcompat's counts on the real corpus with SUMMARY.yaml and index.json."""
    from kcompat.sources.load import load_input
    from kcompat.sources.resources import extract

    summary_file, index_file = root / "SUMMARY.yaml", root / "index.json"
    if not (summary_file.is_file() and index_file.is_file()):
        return [f"(no SUMMARY.yaml/index.json in {root}; accounting skipped)"]
    expected_total = yaml.safe_load(summary_file.read_text(encoding="utf-8"))["total_documents"]
    index = {e["file"]: e["documents"] for e in json.loads(index_file.read_text(encoding="utf-8"))}
    cli = result.runs["kcompat CLI (default)"][-1]
    s = cli.summary
    lines = [
        f"SUMMARY.yaml: total_files {len(index):,}, total_documents {expected_total:,} "
        "(objects with string apiVersion/kind; items of a List counted one by one)",
        f"kcompat CLI summary: files {s.get('files'):,}, documents {s.get('documents'):,}, "
        f"objects {s.get('objects'):,}, notObjects {s.get('notObjects')}, customResources "
        f"{s.get('customResources')}, inputErrors {len(cli.input_errors)}, exit {cli.exit_code}, "
        f"traceback in stderr: {'YES' if 'Traceback' in cli.stderr else 'no'}",
        f"findings by rule: {s.get('byRule')}",
    ]
    per_file: dict[str, tuple[int, int, list[str]]] = {}
    for path in checked_files(root):
        loaded = load_input(path)
        extraction = extract(loaded.documents)
        rules = [f.rule for f in (*loaded.findings, *extraction.findings)]
        per_file[os.path.relpath(path, root)] = (len(loaded.documents), len(extraction.resources), rules)
    not_checked = sorted(set(index) - set(per_file))
    extra = sorted(set(per_file) - set(index))
    mismatched = sorted(f for f in set(index) & set(per_file) if per_file[f][1] != index[f])
    objects_checked = sum(per_file[f][1] for f in per_file if f in index)
    lines.append(f"per file (kcompat's own loader, file by file): {len(per_file):,} files read; "
                 f"{objects_checked:,} objects in the indexed files, index.json says "
                 f"{sum(index[f] for f in index if f in per_file):,} for those files")
    for f in not_checked:
        lines.append(f"- in index.json but not checked: {f} ({index[f]} object(s)): kcompat skips "
                     "hidden files and folders when it walks a directory")
    for f in extra:
        docs, objects, _ = per_file[f]
        lines.append(f"- checked but not in index.json: {f} ({docs} document(s), {objects} objects): "
                     "the corpus's own metadata, counted by kcompat as a document without apiVersion/kind")
    for f in mismatched[:20]:
        lines.append(f"- object count differs: {f}: index {index[f]}, kcompat {per_file[f][1]} "
                     f"(findings while loading: {per_file[f][2]})")
    for f, (_, _, rules) in sorted(per_file.items()):
        if rules:
            lines.append(f"- findings while loading {f}: {rules}")
    skipped = sum(index[f] for f in not_checked)
    accounted = objects_checked + skipped
    verdict = "PASS" if accounted == expected_total and not mismatched else "FAIL"
    lines.append(f"ASSERT every document of SUMMARY.yaml accounted for: {verdict} ({objects_checked:,} "
                 f"objects checked + {skipped} in skipped hidden paths = {accounted:,} of {expected_total:,})")
    documents, objects, not_objects = s.get("documents") or 0, s.get("objects") or 0, s.get("notObjects") or 0
    lines.append(f"kcompat counts YAML documents, SUMMARY.yaml counts objects: kcompat documents {documents:,} "
                 f"vs objects {objects:,} + documents without apiVersion/kind {not_objects} = "
                 f"{objects + not_objects:,} (a difference would be List documents holding several objects)")
    return lines


def profile(root: Path, target: str, top: int = 30) -> str:
    """cProfile of one in-process check as the CLI does it (schema on when available), 1 worker."""
    try:
        context = _context(root, target, schema=True)
    except ImportError:
        context = _context(root, target, schema=False)
    profiler = cProfile.Profile()
    profiler.enable()
    _check(root, context)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue().replace(str(Path(sys.prefix)), "<prefix>")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="kcompat check throughput benchmark")
    parser.add_argument("--corpus", type=Path, help="use this directory instead of generating one")
    parser.add_argument("--docs", type=int, default=10_000, help="documents to generate (default 10000)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--target", default="1.29", help="--target-version passed to kcompat")
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH, help="real corpus, timed when present")
    parser.add_argument("--no-bench", action="store_true", help="skip the real corpus")
    parser.add_argument("--default-only", action="store_true",
                        help="only the floor and the default CLI (no --jobs 1 / --skip-schema / in-process)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the in-process check")
    args = parser.parse_args(argv)

    if not hasattr(yaml, "CSafeLoader"):
        print("WARNING: PyYAML has no libyaml; the floor uses the pure-Python loader", file=sys.stderr)
    print("## kcompat check throughput\n")
    print_machine()
    print(f"\nkcompat CLI started as: {kcompat_runner().how}; load average before: "
          f"{', '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    results: list[CorpusResult] = []
    accounting: list[str] = []
    profiles: list[str] = []
    with tempfile.TemporaryDirectory(prefix="kcompat-corpus-") as tmp:
        if args.corpus is not None:
            root, name, expected = args.corpus, str(args.corpus), None
        else:
            root = Path(tmp) / "corpus"
            started = time.perf_counter()
            paths = generate(root, args.docs)
            print(f"generated {args.docs:,} documents in {len(paths):,} files (benchmarks/corpus.py, "
                  f"seed 1) in {time.perf_counter() - started:.1f} s\n")
            name, expected = f"generated {args.docs:,}", args.docs
        results.append(measure(name, root, args.repeats, args.target, args.default_only))
        if args.profile:
            profiles.append(f"### cProfile, in-process check of {name}\n\n```\n{profile(root, args.target)}```")
        if not args.no_bench and args.bench.is_dir():
            results.append(measure("shared/corpus/bench", args.bench, args.repeats, args.target,
                                   args.default_only))
            accounting = account_bench(args.bench, results[-1])
            if args.profile:
                profiles.append(f"### cProfile, in-process check of {args.bench}\n\n```\n"
                                f"{profile(args.bench, args.target)}```")
        elif not args.no_bench:
            accounting = [f"({args.bench} not present; real corpus skipped)"]

    print(f"### Results: median of {args.repeats} rounds, --target-version {args.target}\n")
    print(results_table(results))
    print("\ndocs/s = the floor's non-empty YAML documents / time; 'vs floor' = floor time / kcompat "
          "time (target >= 0.5x); CPU = user+sys (CLI: the child and its workers); peak RSS = the "
          "largest single process, from /usr/bin/time ('-' without it).\n")
    print("\n".join(assertions(results, expected)))
    print("\n### All rounds\n")
    print(raw_table(results))
    if accounting:
        print("\n### Accounting (real corpus)\n")
        print("\n".join(accounting))
    for text in profiles:
        print("\n" + text)
    print(f"\nload average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
