"""kcompat's schema validator against jsonschema, per object, and the cost of schema checks.

Run from the repository root:  python benchmarks/schema_oracle.py [--corpus DIR] [--target 1.31]

  per object   every built-in object of the corpus (default /work/shared/corpus/bench) that the
               target serves, validated with warm validators (CPU time of this process): kcompat's compiled closures
               (kcompat.schema.builtin) and jsonschema's Draft202012Validator over the same
               schemas translated to JSON Schema (the oracle of tests/unit/schema/test_oracle.py,
               one compiled validator per kind, formats checked); best of --repeats passes
  check        `kcompat check DIR -t TARGET -j 1 -o json` with and without --skip-schema as a
               child process: CPU time (user + sys of the child, from wait4), documents/s
Results are printed as Markdown and written to benchmarks/out/schema_oracle.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO_ROOT, ensure_importable, kcompat_runner, markdown_table, print_machine

ensure_importable()
sys.path.insert(0, str(REPO_ROOT / "tests"))
sys.path.insert(0, str(REPO_ROOT / "tests" / "unit" / "schema"))

OUT = REPO_ROOT / "benchmarks" / "out"


def corpus_objects(root: Path, minor: int) -> list[tuple[str, Any]]:
    from kcompat.catalog.schema_store import default_store
    from kcompat.sources.discover import discover
    from kcompat.sources.k8s_yaml import load_documents

    store = default_store()
    found = []
    for path in discover([str(root)]):
        if not isinstance(path, str):
            continue
        try:
            documents = load_documents(Path(path).read_text(encoding="utf-8"))
        except Exception:
            continue
        for doc in documents:
            if isinstance(doc, dict) and isinstance(doc.get("apiVersion"), str) and isinstance(doc.get("kind"), str):
                name = store.kind_definition(minor, doc["apiVersion"], doc["kind"])
                if name is not None:
                    found.append((name, doc))
    return found


def per_object(objects: list[tuple[str, Any]], minor: int, repeats: int) -> dict[str, float]:
    import test_oracle as oracle

    from kcompat.schema.builtin import version_schemas
    from kcompat.schema.validator import run

    compiler = version_schemas(minor).compiler
    entries = {name: compiler.definition(name) for name, _ in objects}
    validators = {name: oracle.builtin_oracle(minor, name) for name, _ in objects}
    for name, doc in objects:  # warm both (lazy $refs, jsonschema's resolver caches)
        run(entries[name], doc)
        list(validators[name].iter_errors(doc))
    best_k = best_j = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        for name, doc in objects:
            run(entries[name], doc)
        best_k = min(best_k, time.process_time() - start)
        start = time.process_time()
        for name, doc in objects:
            list(validators[name].iter_errors(doc))
        best_j = min(best_j, time.process_time() - start)
    count = len(objects)
    return {"objects": count, "kcompat_us": best_k / count * 1e6, "jsonschema_us": best_j / count * 1e6}


def check_cpu_rusage(root: Path, target: str, skip_schema: bool) -> dict[str, float]:
    """CPU of one `kcompat check` child: the growth of RUSAGE_CHILDREN around it."""
    import resource

    runner = kcompat_runner()
    argv = [*runner.argv, "check", str(root), "-t", target, "-j", "1", "-o", "json"]
    if skip_schema:
        argv.append("--skip-schema")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, env=runner.env, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = json.loads(done.stdout)
    summary = report.get("summary", {}) if isinstance(report, dict) else {}
    return {"cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
            "wall_s": wall, "documents": float(summary.get("documents", 0) or 0),
            "exit": float(done.returncode)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", default="/work/shared/corpus/bench")
    parser.add_argument("--target", default="1.31")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--runs", type=int, default=2, help="kcompat check runs per mode (best is kept)")
    args = parser.parse_args()
    root = Path(args.corpus)
    minor = int(args.target.split(".")[1])
    print_machine()
    objects = corpus_objects(root, minor)
    per = per_object(objects, minor, args.repeats)
    print(markdown_table(["validator (warm, per object)", "µs"], [
        ["kcompat (compiled closures)", f"{per['kcompat_us']:.1f}"],
        ["jsonschema Draft 2020-12 (compiled per kind, same schemas)", f"{per['jsonschema_us']:.1f}"],
        ["ratio", f"{per['jsonschema_us'] / per['kcompat_us']:.0f}x"],
    ]))
    print(f"\n{per['objects']} built-in objects of {root} served by {args.target}\n")
    rows = []
    results: dict[str, Any] = {"per_object": per}
    for skip in (False, True):
        best = min((check_cpu_rusage(root, args.target, skip) for _ in range(args.runs)),
                   key=lambda r: r["cpu_s"])
        label = "--skip-schema" if skip else "schema checks on"
        results[label] = best
        rate = best["documents"] / best["cpu_s"] if best["cpu_s"] else 0.0
        rows.append([label, f"{best['cpu_s']:.2f}", f"{best['wall_s']:.2f}", f"{best['documents']:.0f}", f"{rate:.0f}"])
    headers = ["kcompat check -j 1", "CPU s (user+sys)", "wall s", "documents", "documents per CPU s"]
    print(markdown_table(headers, rows))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "schema_oracle.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
