"""Cost of CEL validation rules: `kcompat check` on N Gateway API HTTPRoutes with and without them.

Run from the repository root:  python benchmarks/cel_throughput.py [--routes 1000] [--repeats 3]

Writes N HTTPRoutes (varied copies of the Gateway API examples: parentRefs, hostnames, 1-4
rules with path/header matches, filters and backendRefs) to a temporary folder and checks them
against the Gateway API v1.6.1 standard CRDs (fixtures/realworld/cel/gateway-api/crds), each run
in a fresh child process with --jobs 1:
  without CEL  kcompat with kcompat.checks.crd_rules.check_cel replaced by a no-op (the code
               before CEL rules were evaluated)
  with CEL     kcompat as it is
Medians of wall and CPU time (user+sys of the child) are printed, plus the time to compile the
rules of the HTTPRoute CRD once, and the count of `cel` findings (0: the routes are valid).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import REPO_ROOT, ROUTE_RULE_WITH_FILTER, child_env, http_routes

CRDS = REPO_ROOT / "fixtures" / "realworld" / "cel" / "gateway-api" / "crds"



CHILD = """
import sys
if sys.argv[1] == "off":
    import kcompat.checks.crd_rules as crd_rules
    crd_rules.check_cel = lambda *args, **kwargs: iter(())
from kcompat.cli import main
sys.exit(main(sys.argv[2:]))
"""


def write_routes(folder: Path, count: int) -> Path:
    path = folder / "routes.yaml"
    path.write_text("---\n".join(http_routes(0, count, ROUTE_RULE_WITH_FILTER)))
    return path


def run(mode: str, routes: Path) -> tuple[float, float, int]:
    env, _how = child_env()
    argv = [sys.executable, "-c", CHILD, mode, "check", str(routes), "--crd", str(CRDS), "-t", "1.35",
            "--jobs", "1", "-o", "json"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    child = subprocess.run(argv, env=env, capture_output=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    out, err = child.stdout, child.stderr
    if b"Traceback" in err:
        raise SystemExit(err.decode())
    return wall, cpu, out.count(b'"rule": "cel"')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--routes", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    import yaml

    from kcompat.schema.cel import compile_rules

    crd = next(d for d in yaml.safe_load_all((CRDS / "gateway.networking.k8s.io_httproutes.yaml").read_text()) if d)
    schema = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    start = time.perf_counter()
    compiled = compile_rules(schema)
    print(f"compile HTTPRoute v1 rules once: {compiled.rule_count} rules in "
          f"{(time.perf_counter() - start) * 1000:.0f} ms")
    with tempfile.TemporaryDirectory() as folder:
        routes = write_routes(Path(folder), args.routes)
        for mode in ("off", "on"):
            walls, cpus = [], []
            findings = 0
            for _ in range(args.repeats):
                wall, cpu, findings = run(mode, routes)
                walls.append(wall)
                cpus.append(cpu)
            label = "without CEL" if mode == "off" else "with CEL"
            print(f"{label}: {args.routes} HTTPRoutes, wall {statistics.median(walls):.2f} s, "
                  f"CPU {statistics.median(cpus):.2f} s, cel findings {findings}")


if __name__ == "__main__":
    main()
