"""kcompat against kubeconform and the PyYAML parse floor, in one run (the table of BENCHMARKS.md).

Run from the repository root after building the peer (recipe in benchmarks/README.md):

    python benchmarks/peers.py [--rounds 3] [--one-file-runs 20] [--kubeconform PATH] [--schemas DIR]
    python benchmarks/peers.py --prepare-schemas KUBERNETES_VALIDATE_SCHEMA_DIR --schemas DIR

Every figure comes from a fresh child process; the commands of a round run one after the other,
rounds are interleaved (round 1 of everything, then round 2...) and medians are reported.

* floor: a child of the same interpreter that reads each file kcompat's discovery finds and
  consumes `yaml.load_all(text, Loader=yaml.CSafeLoader)` (start-up and `import yaml` included);
* kubeconform: `-strict -summary -ignore-missing-schemas -kubernetes-version 1.37.0 -n N` with
  the JSON schemas of kubernetes-validate 1.37.0 made standalone (see --prepare-schemas);
* kcompat: the console script of this environment, `check DIR -o json -t 1.37`, default workers
  and `--jobs 1`.

Wall and CPU (user+sys of the child and the workers it reaped, os.wait4) per command; peak RSS of
the main process (VmHWM, read from /proc every 10 ms while it runs) and the sum of the peaks of all
its processes. The "one file" rows time a Deployment+Service file against `python -c pass` of the
interpreter the console script runs (its shebang), with the same site setup.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    REPO_ROOT,
    ROUTE_RULE,
    child_env,
    ensure_importable,
    http_routes,
    kcompat_runner,
    markdown_table,
    print_machine,
)

ensure_importable()

BENCH = Path("/work/shared/corpus/bench")
GATEWAY_CRDS = REPO_ROOT / "fixtures" / "realworld" / "cel" / "gateway-api" / "crds"
TARGET = "1.37"
SCHEMA_DIR_NAME = "v1.37.0-local-strict"
STANDALONE_DIR_NAME = "v1.37.0-standalone-strict"
TEMPLATE = "{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"

FLOOR = """
import sys, yaml
for path in open(sys.argv[1]).read().splitlines():
    with open(path, "rb") as handle:
        for _ in yaml.load_all(handle.read().decode("utf-8-sig", "replace"), Loader=yaml.CSafeLoader):
            pass
"""

ONE_FILE = REPO_ROOT / "fixtures" / "perf" / "one-file.yaml"
"""A Deployment and a Service: what a pre-commit hook sees on one changed file (also startup.py's sample
and the import-set test's)."""




@dataclass
class Sample:
    wall: float
    cpu: float
    rss_main_kib: int
    rss_all_kib: int
    code: int
    out: bytes


@dataclass
class Command:
    label: str
    argv: list[str]
    env: dict[str, str]
    samples: list[Sample] = field(default_factory=list)

    def median(self, what: str) -> float:
        return statistics.median(getattr(s, what) for s in self.samples)


def _hwm(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        return []


def measure(argv: list[str], env: dict[str, str]) -> Sample:
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        child = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env)
        peaks: dict[int, int] = {}
        while True:
            done, status, usage = os.wait4(child.pid, os.WNOHANG)
            if done:
                break
            for pid in [child.pid, *_children(child.pid)]:
                peaks[pid] = max(peaks.get(pid, 0), _hwm(pid))
            time.sleep(0.01)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    main = peaks.get(child.pid, 0)
    return Sample(wall, usage.ru_utime + usage.ru_stime, main, sum(peaks.values()) or usage.ru_maxrss,
                  child.returncode, text)


def interpreter_of(script: str) -> str:
    """The interpreter in the console script's shebang (the venv's python, not a shim)."""
    first = Path(script).read_text().splitlines()[0]
    return first[2:].strip().split()[0] if first.startswith("#!") else sys.executable


def discovered_files(path: Path) -> list[str]:
    from kcompat.sources.discover import discover

    return [item for item in discover([str(path)], []) if isinstance(item, str)]


def write_cel_corpus(folder: Path, routes: int, with_crds: bool) -> Path:
    folder.mkdir(parents=True)
    if with_crds:
        shutil.copytree(GATEWAY_CRDS, folder / "crds")
    per_file = 10
    for start in range(0, routes, per_file):
        docs = http_routes(start, min(routes, start + per_file), ROUTE_RULE)
        (folder / f"routes-{start // per_file:04d}.yaml").write_text("---\n".join(docs))
    return folder


def prepare_schemas(source: Path, out: Path) -> None:
    """kubernetes-validate's v1.37.0-local-strict schemas in kubeconform's standalone layout
    (v1.37.0-standalone-strict/kind-group-version.json, as yannh/kubernetes-json-schema ships them):
    every `$ref` into `_definitions.json` inlined, except a reference back into a definition being
    expanded (the recursive JSONSchemaProps of CRDs), which becomes an absolute file: URL (the schemas'
    $id, https://kubernetes.io/..., would otherwise send it to the network)."""
    src = source / SCHEMA_DIR_NAME
    dest = out / STANDALONE_DIR_NAME
    dest.mkdir(parents=True, exist_ok=True)
    definitions_file = dest / "_definitions.json"
    shutil.copyfile(src / "_definitions.json", definitions_file)
    definitions = json.loads(definitions_file.read_text())["$defs"]
    prefix = "/api/_definitions.json#/$defs/"
    url = f"file://{definitions_file.resolve()}#/$defs/"

    def expand(node: object, stack: tuple[str, ...]) -> object:
        if isinstance(node, list):
            return [expand(item, stack) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith((prefix, "#/$defs/")):
            name = ref.rsplit("/", 1)[1]
            if name in stack:
                return {"$ref": url + name}
            return expand(definitions[name], (*stack, name))
        return {key: expand(value, stack) for key, value in node.items()}

    def absolute(node: object) -> object:  # _definitions.json itself, for the recursive references
        if isinstance(node, list):
            return [absolute(item) for item in node]
        if isinstance(node, dict):
            return {k: (url + v.rsplit("/", 1)[1] if k == "$ref" and isinstance(v, str)
                        and v.startswith((prefix, "#/$defs/")) else absolute(v)) for k, v in node.items()}
        return node

    whole = json.loads(definitions_file.read_text())
    whole.pop("$id", None)
    definitions_file.write_text(json.dumps(absolute(whole)))
    count = 0
    for path in sorted(src.glob("*.json")):
        if path.name == "_definitions.json":
            continue
        schema = json.loads(path.read_text())
        schema.pop("$id", None)
        (dest / path.name).write_text(json.dumps(expand(schema, ())))
        count += 1
    print(f"wrote {count} standalone schemas to {dest}", file=sys.stderr)


def kubeconform_resources(out: bytes) -> str:
    found = re.search(rb"Summary: (\d+) resources? found in (\d+) files?.*", out)
    return found.group(0).decode() if found else out[-300:].decode(errors="replace")


def kcompat_counts(out: bytes) -> str:
    try:
        summary = json.loads(out)["summary"]
    except (ValueError, KeyError):
        return out[-300:].decode(errors="replace")
    return f"{summary.get('files')} files, {summary.get('documents')} documents, {summary.get('objects')} objects"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kubeconform", default=os.environ.get("KUBECONFORM", "/work/tools/kubeconform"))
    parser.add_argument("--schemas", default=os.environ.get("KUBECONFORM_SCHEMAS", "/work/tools/kubeconform-schemas"))
    parser.add_argument("--prepare-schemas", metavar="KUBERNETES_VALIDATE_SCHEMA_DIR")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--one-file-runs", type=int, default=20)
    parser.add_argument("--routes", type=int, default=3000)
    parser.add_argument("--corpora", default="gen10k,gen50k,bench,cel",
                        help="comma-separated: gen10k, gen50k, bench, cel")
    args = parser.parse_args()
    if args.prepare_schemas:
        prepare_schemas(Path(args.prepare_schemas), Path(args.schemas))
        return 0
    runner = kcompat_runner()
    script = runner.argv[0]
    python = interpreter_of(script) if len(runner.argv) == 1 else sys.executable
    env, _ = child_env()
    env = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    have_kc = Path(args.kubeconform).is_file() and (Path(args.schemas) / STANDALONE_DIR_NAME).is_dir()
    location = str(Path(args.schemas) / TEMPLATE)
    version = (subprocess.run([args.kubeconform, "-v"], capture_output=True, text=True, check=False).stdout.strip()
               if have_kc else "-")
    print_machine()
    print(f"\nkcompat: {runner.how}; interpreter (console script shebang): {python}")
    print(f"kubeconform: {args.kubeconform if have_kc else 'not found'} ({version}); schemas {location}")
    print(f"load average before: {os.getloadavg()}")

    work = Path(tempfile.mkdtemp(prefix="kcompat-peers-"))
    try:
        from corpus import generate

        corpora: list[tuple[str, Path]] = []
        wanted = args.corpora.split(",")
        if "gen10k" in wanted:
            generate(work / "gen10k", n_docs=10_000, seed=1)
            corpora.append(("generated 10k docs", work / "gen10k"))
        if "gen50k" in wanted:
            generate(work / "gen50k", n_docs=50_000, seed=1)
            corpora.append(("generated 50k docs", work / "gen50k"))
        if "bench" in wanted and BENCH.is_dir():
            corpora.append((f"{BENCH}, real docs", BENCH))
        if "cel" in wanted:
            corpora.append((f"{args.routes} HTTPRoutes + Gateway API CRDs (CEL on)",
                            write_cel_corpus(work / "cel", args.routes, True)))
            corpora.append((f"the same {args.routes} HTTPRoutes, no CRDs",
                            write_cel_corpus(work / "cel-nocrd", args.routes, False)))
        plan: list[tuple[str, list[Command]]] = []
        for name, path in corpora:
            listing = work / f"{path.name}.files"
            listing.write_text("\n".join(discovered_files(path)))
            kc = [args.kubeconform, "-strict", "-summary", "-ignore-missing-schemas", "-kubernetes-version",
                  "1.37.0", "-schema-location", location]
            check = [*runner.argv, "check", str(path), "-o", "json", "-t", TARGET]
            commands = [Command("floor", [python, "-c", FLOOR, str(listing)], env)]
            if have_kc:
                commands += [Command("kubeconform -n 2", [*kc, "-n", "2", str(path)], env),
                             Command("kubeconform -n 1", [*kc, "-n", "1", str(path)], env)]
            commands += [Command("kcompat (default workers)", check, env),
                         Command("kcompat --jobs 1", [*check, "--jobs", "1"], env),
                         Command("kcompat --jobs 1 --skip-schema", [*check, "--jobs", "1", "--skip-schema"], env)]
            plan.append((name, commands))
        one = work / "one-file.yaml"
        one.write_text(ONE_FILE.read_text())
        starts = [Command("python -c pass", [python, "-c", "pass"], env),
                  Command("kcompat check one-file.yaml", [*runner.argv, "check", str(one)], env),
                  Command("kcompat check --skip-schema one-file.yaml",
                          [*runner.argv, "check", "--skip-schema", str(one)], env)]
        if have_kc:
            starts.append(Command("kubeconform one-file.yaml", [*kc_one(args.kubeconform, location), str(one)], env))
        for command in starts:  # warm the bytecode and page caches
            measure(command.argv, command.env)
        for round_ in range(args.rounds):
            for name, commands in plan:
                print(f"round {round_ + 1}: {name}", file=sys.stderr)
                for command in commands:
                    command.samples.append(measure(command.argv, command.env))
            for _ in range(max(1, args.one_file_runs // args.rounds)):
                for command in starts:
                    command.samples.append(measure(command.argv, command.env))
        print(f"load average after: {os.getloadavg()}\n")
        report(plan, starts, args.rounds)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def kc_one(binary: str, location: str) -> list[str]:
    return [binary, "-strict", "-summary", "-ignore-missing-schemas", "-kubernetes-version", "1.37.0",
            "-schema-location", location]


def report(plan: list[tuple[str, list[Command]]], starts: list[Command], rounds: int) -> None:
    print(f"### Wall time, median of {rounds} interleaved rounds (x = the other's time / kcompat's)\n")
    rows = []
    for name, commands in plan:
        by = {c.label: c for c in commands}
        floor = by["floor"].median("wall")
        k2 = by.get("kubeconform -n 2")
        k1 = by.get("kubeconform -n 1")
        kd = by["kcompat (default workers)"].median("wall")
        kj = by["kcompat --jobs 1"].median("wall")
        rows.append([name, f"{floor:.2f} s",
                     f"{k2.median('wall'):.2f} / {k1.median('wall'):.2f} s" if k2 and k1 else "-",
                     f"{kd:.2f} s ({floor / kd:.2f}x floor" + (f", {k2.median('wall') / kd:.2f}x kubeconform -n 2)"
                                                                if k2 else ")"),
                     f"{kj:.2f} s ({floor / kj:.2f}x floor" + (f", {k1.median('wall') / kj:.2f}x kubeconform -n 1)"
                                                                if k1 else ")"),
                     f"{by['kcompat --jobs 1 --skip-schema'].median('wall'):.2f} s"])
    print(markdown_table(["corpus", "floor", "kubeconform -n 2 / -n 1", "kcompat default workers",
                          "kcompat --jobs 1", "kcompat --jobs 1 --skip-schema"], rows))
    print(f"\n### CPU time (user+sys, children included), median of {rounds}\n")
    labels = [c.label for c in plan[0][1]] if plan else []
    rows = [[name, *[f"{c.median('cpu'):.2f}" for c in commands]] for name, commands in plan]
    print(markdown_table(["corpus", *labels], rows))
    print("\n### Peak RSS MiB: main process (all processes)\n")
    rows = [[name, *[f"{max(s.rss_main_kib for s in c.samples) / 1024:.0f} "
                     f"({max(s.rss_all_kib for s in c.samples) / 1024:.0f})" for c in commands]]
            for name, commands in plan]
    print(markdown_table(["corpus", *labels], rows))
    print("\n### What each tool counted (last round)\n")
    for name, commands in plan:
        for command in commands:
            if command.label.startswith("kubeconform"):
                print(f"- {name}, {command.label}: {kubeconform_resources(command.samples[-1].out)}")
            elif command.label.startswith("kcompat"):
                print(f"- {name}, {command.label}: {kcompat_counts(command.samples[-1].out)}, "
                      f"exit {command.samples[-1].code}")
    print(f"\n### One small file (Deployment + Service), {len(starts[0].samples)} interleaved runs\n")
    base = starts[0].median("wall")
    rows = [[c.label, f"{c.median('wall') * 1e3:.1f}", f"{min(s.wall for s in c.samples) * 1e3:.1f}",
             f"{c.median('cpu') * 1e3:.1f}", f"{c.median('wall') / base:.2f}x"] for c in starts]
    print(markdown_table(["command", "median wall ms", "min wall ms", "median CPU ms", "vs python -c pass"], rows))


if __name__ == "__main__":
    sys.exit(main())
