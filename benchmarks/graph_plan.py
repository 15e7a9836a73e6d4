"""Benchmark `kcompat graph` / `kcompat plan` on a synthetic application of N workloads + N Services.

Fan-out is realistic and skewed: every workload calls 1-6 Services (mean about 3), chosen with a
Zipf-like preference for a few popular back ends (databases, auth), mostly in its own namespace,
through env URLs, host:port values, `.svc.cluster.local` names and shared ConfigMaps. One in
five providers declares `kcompat.io/serves` with two versions and their clients `consumes` one of
them; a few call cycles are included. Reports parse, build and plan time and peak memory
(tracemalloc, a second run).

    python benchmarks/graph_plan.py [--workloads 2500] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kcompat.catalog.lifecycle import load_catalog
from kcompat.checks.context import CheckContext
from kcompat.core.versions import KubeVersion
from kcompat.engine.pipeline import load_all
from kcompat.graph.build import build_graph
from kcompat.plan.planner import make_plan
from kcompat.sources.load import LoadedInput
from kcompat.sources.resources import Resource, extract


def generate(directory: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    namespaces = [f"team-{i}" for i in range(max(1, count // 50))]
    apps = [(f"svc-{i}", namespaces[i % len(namespaces)]) for i in range(count)]
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(count)]
    versioned = {name for name, _ in apps if rng.random() < 0.2}
    for index, (name, namespace) in enumerate(apps):
        fanout = min(count - 1, max(1, int(rng.expovariate(1 / 3))))
        local = [i for i in range(count) if apps[i][1] == namespace and i != index]
        callees: set[int] = set()
        while len(callees) < fanout:
            if local and rng.random() < 0.7:
                callees.add(rng.choice(local))
            else:
                pick = rng.choices(range(count), weights)[0]
                if pick != index:
                    callees.add(pick)
        if index % 200 == 0 and index + 1 < count:
            callees.add(index + 1)  # with the back edge below: a cycle
        if index % 200 == 1:
            callees.add(index - 1)
        env, consumes, config = [], [], []
        for position, callee in enumerate(sorted(callees)):
            target, target_ns = apps[callee]
            host = target if target_ns == namespace else f"{target}.{target_ns}.svc.cluster.local"
            key = f"DEP_{position}_URL"
            if target in versioned:
                version = rng.choice(["v1", "v2"])
                consumes.append(f"{target}/{version}")
                value = f"http://{host}:8080/api/{version}/"
            else:
                value = rng.choice([f"http://{host}:8080/", f"{host}:9000"])
            (config if rng.random() < 0.3 else env).append((key, value))
        annotations = {}
        if name in versioned:
            annotations["kcompat.io/serves"] = f"{name}/v1, {name}/v2"
        if consumes:
            annotations["kcompat.io/consumes"] = ", ".join(consumes)
        annotation_text = ("\n  annotations:" + "".join(f'\n    {k}: "{v}"' for k, v in annotations.items())
                           if annotations else "")
        env_text = "".join(f'\n            - {{name: {k}, value: "{v}"}}' for k, v in env)
        config_text = "".join(f'\n  {k}: "{v}"' for k, v in config) or " {}"
        (directory / f"{name}.yaml").write_text(f"""apiVersion: v1
kind: ConfigMap
metadata: {{name: {name}-endpoints, namespace: {namespace}}}
data:{config_text}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {namespace}{annotation_text}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}, tier: backend}}}}
    spec:
      containers:
        - name: main
          image: registry.example.com/{name}:1.0.0
          envFrom: [{{configMapRef: {{name: {name}-endpoints}}}}]
          env:
            - {{name: LOG_DIR, value: /var/log/{name}}}{env_text}
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {namespace}
spec:
  selector: {{app: {name}}}
  ports: [{{port: 8080}}]
""")


def run(directory: Path) -> dict[str, float]:
    timings: dict[str, float] = {}
    start = time.perf_counter()
    inputs = [i for i in load_all([str(directory)], []) if isinstance(i, LoadedInput)]
    resources: list[Resource] = [r for i in inputs for r in extract(i.documents).resources]
    timings["parse"] = time.perf_counter() - start
    catalog = load_catalog()
    start = time.perf_counter()
    built = build_graph(resources, catalog)
    timings["build"] = time.perf_counter() - start
    start = time.perf_counter()
    plan = make_plan(built, inputs, CheckContext(catalog, KubeVersion(1, 29), KubeVersion(1, 28)))
    timings["plan"] = time.perf_counter() - start
    timings["nodes"] = built.graph.number_of_nodes()
    timings["edges"] = built.graph.number_of_edges()
    timings["waves"] = len(plan.waves)
    timings["layers"] = len(plan.upgrade_layers)
    timings["cycles"] = len(plan.cycles)
    timings["blockers"] = len(plan.blockers)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workloads", type=int, default=2500, help="workloads (and as many Services)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        generate(directory, args.workloads, args.seed)
        result = run(directory)
        tracemalloc.start()
        run(directory)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    print(f"{args.workloads} workloads + {args.workloads} Services (+ {args.workloads} ConfigMaps)")
    print(f"graph: {int(result['nodes'])} nodes, {int(result['edges'])} edges; plan: {int(result['layers'])} "
          f"layers, {int(result['waves'])} waves, {int(result['cycles'])} cycles, {int(result['blockers'])} blockers")
    print(f"parse {result['parse']:.2f}s  build {result['build']:.2f}s  plan {result['plan']:.2f}s  "
          f"build+plan {result['build'] + result['plan']:.2f}s")
    print(f"peak traced memory (parse+build+plan): {peak / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
