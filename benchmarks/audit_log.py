"""Throughput and peak memory of `kcompat clients --audit-log` against json.loads on the same lines.

Run from the repository root:  python benchmarks/audit_log.py [--size-mb 1024] [--deprecated-every 200]

Writes a generated audit log (audit.k8s.io/v1 Events as the log backend writes them: compact JSON,
one per line, Metadata and Request levels, one in --deprecated-every requests a removed API with the
API server's deprecation annotations) to a temporary file in /tmp, then in this order:
  json.loads   read the file line by line and json.loads every line, in this process
  CLI          `kcompat clients --audit-log FILE -o json -t 1.29` as a child process
  CLI, all     the same with --parse-all (every line parsed: the worst case of the pre-filter)
Wall time, events/s and the child's peak RSS (os.wait4 rusage) are printed; the file is deleted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import child_env, print_machine

USERS = [f"system:serviceaccount:ns{i}:app{i}" for i in range(40)] + ["alice@example.com", "system:node:node-1"]
RESOURCES = [("", "v1", "pods"), ("", "v1", "configmaps"), ("apps", "v1", "deployments"),
             ("coordination.k8s.io", "v1", "leases"), ("", "v1", "secrets"), ("batch", "v1", "jobs")]


def event(i: int, deprecated: bool) -> dict[str, object]:
    group, version, resource_ = ("extensions", "v1beta1", "ingresses") if deprecated else RESOURCES[i % len(RESOURCES)]
    ref: dict[str, str] = {"resource": resource_, "namespace": f"ns{i % 40}", "name": f"obj-{i % 1000}",
                           "apiVersion": version}
    if group:
        ref["apiGroup"] = group
    annotations = {"authorization.k8s.io/decision": "allow",
                   "authorization.k8s.io/reason": f'RBAC: allowed by RoleBinding "rb-{i % 40}"'}
    if deprecated:
        annotations.update({"k8s.io/deprecated": "true", "k8s.io/removed-release": "1.22"})
    raw: dict[str, object] = {
        "kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Request" if i % 3 == 0 else "Metadata",
        "auditID": f"{i:08x}-6c2b-4f0e-9b1a-2d3c4e5f6a7b", "stage": "ResponseComplete",
        "requestURI": f"/apis/{group}/{version}/namespaces/ns{i % 40}/{resource_}/obj-{i % 1000}",
        "verb": ("get", "list", "watch", "update", "patch")[i % 5],
        "user": {"username": USERS[i % len(USERS)], "uid": f"uid-{i % 42}",
                 "groups": ["system:serviceaccounts", f"system:serviceaccounts:ns{i % 40}", "system:authenticated"]},
        "sourceIPs": [f"10.0.{i % 250}.{i % 200}"],
        "userAgent": f"app{i % 40}/v1.{i % 7}.0 (linux/amd64) kubernetes/abcdef0",
        "objectRef": ref, "responseStatus": {"metadata": {}, "code": 200},
        "requestReceivedTimestamp": f"2024-05-01T12:{i // 60 % 60:02d}:{i % 60:02d}.{i % 1000000:06d}Z",
        "stageTimestamp": f"2024-05-01T12:{i // 60 % 60:02d}:{i % 60:02d}.{(i + 900) % 1000000:06d}Z",
        "annotations": annotations,
    }
    if i % 3 == 0:
        raw["requestObject"] = {"kind": "DeleteOptions", "apiVersion": "meta.k8s.io/__internal",
                                "propagationPolicy": "Background"} if i % 2 else {
            "apiVersion": f"{group}/{version}" if group else version, "kind": "ConfigMap",
            "metadata": {"name": f"obj-{i % 1000}", "labels": {"app": f"app{i % 40}"}},
            "data": {"key": "x" * 200}}
    return raw


def generate(path: Path, size: int, every: int) -> int:
    lines = 0
    written = 0
    # A pool of distinct lines reused in rotation keeps generation fast without a uniform stream.
    pool = [(json.dumps(event(i, False), separators=(",", ":")) + "\n").encode() for i in range(997)]
    bad = [(json.dumps(event(i, True), separators=(",", ":")) + "\n").encode() for i in range(31)]
    with path.open("wb", buffering=8 * 1024 * 1024) as out:
        i = 0
        while written < size:
            line = bad[i % len(bad)] if i % every == every - 1 else pool[i % len(pool)]
            out.write(line)
            written += len(line)
            i += 1
        lines = i
    return lines


def json_floor(path: Path) -> float:
    loads = json.loads
    start = time.perf_counter()
    with path.open("rb", buffering=1024 * 1024) as handle:
        for line in handle:
            loads(line)
    return time.perf_counter() - start


def run_cli(path: Path, *extra: str) -> tuple[float, int, dict[str, object]]:
    env, _ = child_env()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "kcompat", "clients", "--audit-log", str(path), "-o", "json",
                                 "-t", "1.29", *extra], stdout=out, stderr=err, env=env)
        _, _, usage = os.wait4(proc.pid, 0)  # this child's own peak RSS (KiB on Linux)
        elapsed = time.perf_counter() - start
        proc.returncode = 0
        out.seek(0)
        err.seek(0)
        errors = err.read()
        assert b"Traceback" not in errors, errors.decode()
        return elapsed, usage.ru_maxrss, json.loads(out.read())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--deprecated-every", type=int, default=200)
    args = parser.parse_args()
    print_machine()
    handle, name = tempfile.mkstemp(prefix="kcompat-audit-", suffix=".log", dir="/tmp")
    os.close(handle)
    path = Path(name)
    try:
        lines = generate(path, args.size_mb * 1024 * 1024, args.deprecated_every)
        size = path.stat().st_size
        print(f"\ninput: {size / 2**20:.0f} MiB, {lines:,} events, one in {args.deprecated_every} deprecated\n")
        floor = json_floor(path)
        print(f"json.loads every line (this process): {floor:6.1f} s  {lines / floor:12,.0f} events/s")
        rows = []
        for label, extra in (("kcompat clients", ()), ("kcompat clients --parse-all", ("--parse-all",))):
            elapsed, rss, data = run_cli(path, *extra)
            stats = data["inputs"][0]  # type: ignore[index]
            assert stats["lines"] == lines, stats  # type: ignore[index]
            rows.append((label, elapsed, rss))
            print(f"{label + ':':38s}{elapsed:6.1f} s  {lines / elapsed:12,.0f} events/s  "
                  f"{floor / elapsed:5.2f}x json.loads  peak RSS {rss / 1024:6.1f} MiB  "
                  f"(matched {stats['matched']:,}, parsed {stats['parsed']:,})")  # type: ignore[index]
    finally:
        path.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
