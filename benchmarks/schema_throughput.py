"""Throughput, memory and start-up cost of schema validation (`kcompat check` rule `schema`).

Run from the repository root:  python benchmarks/schema_throughput.py [options]

On the generated corpus (benchmarks/corpus.py, 10,000 documents by default, or --corpus DIR):
  floor        yaml.load_all(text, Loader=CSafeLoader) over every file, in this process
  kcompat      `kcompat check DIR -t 1.31 -o json` as a child process with --jobs 1, --jobs 2
               and --jobs 1 --skip-schema: wall time, documents/s, peak RSS (largest process,
               from wait4) and peak total RSS of the process tree (sampled from /proc)
  k-validate   `kubernetes-validate -k 1.31 --quiet FILE...` (kubernetes-validate 1.37.0 in its
               own virtualenv, --kv-venv; created with pip when missing; never a kcompat
               dependency) on the first files holding --kv-docs documents
  per object   in-process validation time of warm validators: one Deployment, and the corpus mix;
               the same Deployment with jsonschema (Draft 2020-12 over kubernetes-validate's
               1.31 schema, the approach kcompat did not take) for comparison
  cold start   `kcompat check one-file.yaml` (a Deployment, a Service, a Secret, a ConfigMap)
               with and without --skip-schema, median of --runs
Results are printed as Markdown and written to benchmarks/out/schema_throughput.json.

Options: --corpus DIR, --docs N, --repeats N, --kv-docs N, --kv-venv DIR, --runs N, --no-kv
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import yaml
from _common import REPO_ROOT, ensure_importable, kcompat_runner, markdown_table, median, print_machine
from corpus import generate

ensure_importable()

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
TARGET = "1.31"
OUT = REPO_ROOT / "benchmarks" / "out"
ONE_FILE = REPO_ROOT / "fixtures" / "schema" / "builtin" / "valid.yaml"


def corpus_files(root: Path) -> list[str]:
    from kcompat.sources.discover import discover

    return [item for item in discover([str(root)]) if isinstance(item, str)]


def floor(files: list[str]) -> tuple[float, int]:
    documents = 0
    start = time.perf_counter()
    for path in files:
        with open(path, encoding="utf-8") as handle:
            for document in yaml.load_all(handle.read(), Loader=LOADER):
                documents += document is not None
    return time.perf_counter() - start, documents


def _tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants, in KiB (Linux /proc)."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status", encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            with open(f"/proc/{current}/task/{current}/children", encoding="ascii") as handle:
                stack.extend(int(child) for child in handle.read().split())
        except (OSError, ValueError):
            continue
    return total


def run_child(argv: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Wall time, exit code, stdout, largest-process peak RSS and sampled peak tree RSS."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(argv, env=env, stdout=out, stderr=err)
        peak = [0]
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], _tree_rss_kib(child.pid))
                done.wait(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        done.set()
        sampler.join()
        out.seek(0)
        err.seek(0)
        return {"seconds": seconds, "exit": os.waitstatus_to_exitcode(status),
                "max_rss_kib": usage.ru_maxrss, "tree_rss_kib": max(peak[0], usage.ru_maxrss),
                "stdout": out.read().decode(errors="replace"), "stderr": err.read().decode(errors="replace")}


def kcompat_run(root: Path, *extra: str) -> dict[str, Any]:
    runner = kcompat_runner()
    result = run_child([*runner.argv, "check", str(root), "-t", TARGET, "-o", "json", *extra], runner.env)
    if result["exit"] not in (0, 1) or "Traceback" in result["stderr"]:
        raise SystemExit(f"kcompat failed (exit {result['exit']}):\n{result['stderr'][-3000:]}")
    report = json.loads(result["stdout"])
    result["summary"] = report["summary"]
    result["schema_findings"] = sum(1 for f in report["findings"]
                                    if f["rule"] in ("schema", "unknown-field", "removed-field"))
    result["findings_digest"] = hash(json.dumps(report["findings"], sort_keys=True))
    del result["stdout"]
    return result


def kv_binary(venv: Path) -> Path:
    binary = venv / "bin" / "kubernetes-validate"
    if binary.exists():
        return binary
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    wheel = REPO_ROOT / ".cache" / "upstream" / "kubernetes_validate-1.37.0-py3-none-any.whl"
    spec = str(wheel) if wheel.exists() else "kubernetes-validate==1.37.0"
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", spec], check=True)
    return binary


def kv_run(files: list[str], docs_wanted: int, venv: Path) -> dict[str, Any]:
    sample, documents = [], 0
    for path in files:
        with open(path, encoding="utf-8") as handle:
            count = sum(1 for d in yaml.load_all(handle.read(), Loader=LOADER) if d is not None)
        sample.append(path)
        documents += count
        if documents >= docs_wanted:
            break
    binary = kv_binary(venv)
    result = run_child([str(binary), "-k", f"{TARGET}.0", "--quiet", "--no-warn", *sample])
    return {"seconds": result["seconds"], "documents": documents, "files": len(sample),
            "exit": result["exit"], "max_rss_kib": result["max_rss_kib"]}


def per_object() -> dict[str, float]:
    from kcompat.schema.builtin import version_schemas

    minor = int(TARGET.split(".")[1])
    schemas = version_schemas(minor)
    deployment = next(d for d in yaml.safe_load_all(ONE_FILE.read_text()) if d["kind"] == "Deployment")
    schemas.validate("apps/v1", "Deployment", deployment)
    rounds = 5000
    start = time.perf_counter()
    for _ in range(rounds):
        schemas.validate("apps/v1", "Deployment", deployment)
    result = {"kcompat_deployment_us": (time.perf_counter() - start) / rounds * 1e6}
    try:
        import jsonschema
        from referencing import Registry, Resource

        wheel = REPO_ROOT / ".cache" / "upstream" / "kubernetes_validate-1.37.0-py3-none-any.whl"
        import zipfile

        with zipfile.ZipFile(wheel) as archive:
            base = f"kubernetes_validate/kubernetes-json-schema/v{TARGET}.0-local/"
            definitions = json.loads(archive.read(base + "_definitions.json"))
            schema = json.loads(archive.read(base + "deployment-apps-v1.json"))
        registry = Resource.from_contents(definitions) @ (Resource.from_contents(schema) @ Registry())
        validator = jsonschema.Draft202012Validator(schema, registry=registry)
        validator.is_valid(deployment)
        start = time.perf_counter()
        for _ in range(200):
            validator.is_valid(deployment)
        result["jsonschema_deployment_us"] = (time.perf_counter() - start) / 200 * 1e6
    except (ImportError, OSError, KeyError) as error:
        print(f"(jsonschema comparison skipped: {error})", file=sys.stderr)
    return result


def corpus_mix(files: list[str]) -> dict[str, float]:
    from kcompat.schema.builtin import version_schemas
    from kcompat.sources.load import load_input
    from kcompat.sources.resources import extract

    schemas = version_schemas(int(TARGET.split(".")[1]))
    objects = [r for path in files[:600] for r in extract(load_input(path).documents).resources
               if schemas.has_kind(r.api_version, r.kind)]
    for r in objects:
        schemas.validate(r.api_version, r.kind, r.obj)
    start = time.perf_counter()
    for r in objects:
        schemas.validate(r.api_version, r.kind, r.obj)
    return {"objects": len(objects), "mix_us": (time.perf_counter() - start) / len(objects) * 1e6}


def cold_start(runs: int) -> dict[str, float]:
    """Median wall and CPU (user + system, from wait4: less disturbed by other load) in ms."""
    runner = kcompat_runner()
    base = [*runner.argv, "check", str(ONE_FILE), "-t", TARGET]
    timings: dict[str, list[float]] = {}
    for _ in range(runs):
        for name, argv in (("python -c pass", [sys.executable, "-c", "pass"]), ("kcompat check (schema)", base),
                           ("kcompat check --skip-schema", [*base, "--skip-schema"])):
            start = time.perf_counter()
            child = subprocess.Popen(argv, env=runner.env, stdout=subprocess.DEVNULL)
            _, _, usage = os.wait4(child.pid, 0)
            timings.setdefault(f"{name}, wall", []).append(time.perf_counter() - start)
            timings.setdefault(f"{name}, CPU", []).append(usage.ru_utime + usage.ru_stime)
    return {name: median(values) * 1000 for name, values in timings.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, help="existing corpus directory (default: generate one)")
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--kv-docs", type=int, default=400, help="documents given to kubernetes-validate")
    parser.add_argument("--kv-venv", type=Path, default=Path(tempfile.gettempdir()) / "kcompat-bench-kv")
    parser.add_argument("--no-kv", action="store_true", help="skip kubernetes-validate")
    parser.add_argument("--runs", type=int, default=15, help="cold-start runs")
    args = parser.parse_args()
    print_machine()
    with tempfile.TemporaryDirectory() as scratch:
        root = args.corpus or Path(scratch) / "corpus"
        if args.corpus is None:
            generate(root, args.docs)
        files = corpus_files(root)
        floor(files)  # warm the page cache
        rows: dict[str, list[dict[str, Any]]] = {"floor": [], "jobs 1": [], "jobs 2": [], "skip-schema": []}
        for round_ in range(args.repeats):
            seconds, documents = floor(files)
            rows["floor"].append({"seconds": seconds, "documents": documents})
            rows["jobs 1"].append(kcompat_run(root, "--jobs", "1"))
            rows["jobs 2"].append(kcompat_run(root, "--jobs", "2"))
            rows["skip-schema"].append(kcompat_run(root, "--jobs", "1", "--skip-schema"))
            print(f"round {round_ + 1}: floor {seconds:.2f}s, jobs 1 {rows['jobs 1'][-1]['seconds']:.2f}s, "
                  f"jobs 2 {rows['jobs 2'][-1]['seconds']:.2f}s, skip {rows['skip-schema'][-1]['seconds']:.2f}s",
                  file=sys.stderr)
        same = len({r["findings_digest"] for r in rows["jobs 1"] + rows["jobs 2"]}) == 1
        kv = None if args.no_kv else kv_run(files, args.kv_docs, args.kv_venv)
        objects = {**per_object(), **corpus_mix(files)}
    starts = cold_start(args.runs)

    documents = rows["floor"][0]["documents"]
    floor_s = median([r["seconds"] for r in rows["floor"]])
    table = [["parse-only floor (CSafeLoader)", f"{floor_s:.2f}", f"{documents / floor_s:,.0f}", "1.00x", "-", "-"]]
    for name in ("jobs 1", "jobs 2", "skip-schema"):
        seconds = median([r["seconds"] for r in rows[name]])
        table.append([f"kcompat check --{name}" if name != "skip-schema" else "kcompat check --jobs 1 --skip-schema",
                      f"{seconds:.2f}", f"{documents / seconds:,.0f}", f"{floor_s / seconds:.2f}x",
                      f"{max(r['max_rss_kib'] for r in rows[name]) / 1024:.0f}",
                      f"{max(r['tree_rss_kib'] for r in rows[name]) / 1024:.0f}"])
    if kv is not None:
        rate = kv["documents"] / kv["seconds"]
        table.append([f"kubernetes-validate 1.37.0 ({kv['documents']} docs, {kv['files']} files)",
                      f"{kv['seconds']:.2f}", f"{rate:,.1f}", f"{rate / (documents / floor_s):.3f}x",
                      f"{kv['max_rss_kib'] / 1024:.0f}", "-"])
    print(f"\n### Throughput on {documents:,} documents ({len(files):,} files), target {TARGET}\n")
    print(markdown_table(["run", "seconds", "docs/s", "vs floor", "peak RSS MiB (largest process)",
                          "peak RSS MiB (all processes)"], table))
    jobs1 = documents / median([r["seconds"] for r in rows["jobs 1"]])
    jobs2 = documents / median([r["seconds"] for r in rows["jobs 2"]])
    print(f"\nidentical findings for --jobs 1 and 2: {'yes' if same else 'NO'}")
    if kv is not None:
        rate = kv["documents"] / kv["seconds"]
        print(f"kcompat --jobs 1 vs kubernetes-validate: {jobs1 / rate:.0f}x; --jobs 2: {jobs2 / rate:.0f}x")
    print(f"--jobs 2 vs the parse-only floor: {jobs2 / (documents / floor_s):.2f}x")
    print("\n### Validation time per object (warm validators)\n")
    print(markdown_table(["what", "µs"], [[k, f"{v:.1f}"] for k, v in objects.items() if k != "objects"]))
    print(f"(corpus mix: {objects.get('objects', 0):,} built-in objects)")
    print("\n### Cold start, one small file (median ms)\n")
    print(markdown_table(["command", "ms"], [[k, f"{v:.0f}"] for k, v in starts.items()]))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "schema_throughput.json").write_text(json.dumps(
        {"documents": documents, "files": len(files), "rows": rows, "kubernetes_validate": kv,
         "per_object_us": objects, "cold_start_ms": starts, "identical_jobs": same}, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
