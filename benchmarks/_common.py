"""Shared helpers of the benchmark scripts: how to run kcompat, statistics, machine facts."""

from __future__ import annotations

import datetime
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from functools import cache
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Runner:
    """How to start kcompat in a child process of this interpreter."""

    argv: tuple[str, ...]
    env: dict[str, str]
    how: str


def kcompat_importable(env: dict[str, str] | None = None) -> bool:
    probe = subprocess.run([sys.executable, "-c", "import kcompat"], env=env, cwd=os.sep,
                           capture_output=True, check=False)
    return probe.returncode == 0


def child_env() -> tuple[dict[str, str], str]:
    """The environment for children: PYTHONPATH=repo root only when kcompat is not installed."""
    env = dict(os.environ)
    if kcompat_importable(env):
        return env, "installed"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env, f"not installed; PYTHONPATH={REPO_ROOT}"


def install_kind() -> str:
    """"editable" when kcompat is imported from this checkout (pip install -e: its finder also runs
    at every interpreter start, in python -c pass too), "regular" when from site-packages (pip
    install ., as users and pre-commit install kcompat)."""
    import importlib.util

    spec = importlib.util.find_spec("kcompat")
    if spec is None or spec.origin is None:
        return "not installed"
    return "editable" if REPO_ROOT in Path(spec.origin).resolve().parents else "regular"


def ensure_importable() -> None:
    """Let this process import kcompat from the checkout when it is not installed."""
    try:
        import kcompat  # noqa: F401
    except ImportError:
        sys.path.insert(0, str(REPO_ROOT))


@cache
def kcompat_runner() -> Runner:
    """The `kcompat` console script of this interpreter's environment, else `python -m kcompat`.

    Only the script in this environment's scripts directory counts: a `kcompat` found elsewhere
    on PATH (a pyenv shim, another virtualenv) would measure a different installation.
    """
    env, how = child_env()
    script = Path(sysconfig.get_path("scripts")) / "kcompat"
    if script.is_file() and os.access(script, os.X_OK) and how == "installed":
        return Runner((str(script),), env, f"console script {script}, {install_kind()} install")
    return Runner((sys.executable, "-m", "kcompat"), env, f"{sys.executable} -m kcompat ({how})")


def median(values: list[float]) -> float:
    return statistics.median(values)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram() -> str:
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def machine_info() -> dict[str, str]:
    import yaml

    return {
        "date (UTC)": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M"),
        "nproc": str(os.cpu_count()),
        "CPU": _cpu_model(),
        "RAM": _ram(),
        "OS": f"{platform.system()} {platform.release()}",
        "Python": f"{platform.python_version()} ({sys.executable})",
        "PyYAML": f"{yaml.__version__}, " + (_libyaml_version() if getattr(yaml, "__with_libyaml__", False)
                                             else "pure Python (no libyaml!)"),
        "/usr/bin/time": "present" if shutil.which("time") else "absent",
    }


def _libyaml_version() -> str:
    try:
        from yaml import _yaml  # type: ignore[attr-defined]

        return f"with libyaml {_yaml.get_version_string()}"
    except (ImportError, AttributeError):
        return "with libyaml (version unknown)"


def markdown_table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(" --- " for _ in headers) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def print_machine() -> None:
    info = machine_info()
    print(markdown_table(["machine", ""], [[k, v] for k, v in info.items()]))


# -- generated Gateway API HTTPRoutes (cel_throughput.py, peers.py) ---------------------------------

HTTP_ROUTE = """apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: route-{i}
  namespace: team-{team}
spec:
  parentRefs:
  - name: gateway-{team}
    sectionName: https
  hostnames:
  - "app-{i}.example.com"
  rules:
{rules}"""

ROUTE_RULE_WITH_FILTER = """  - matches:
    - path:
        type: PathPrefix
        value: /api/v{j}
      headers:
      - name: x-tenant
        value: tenant-{i}
    filters:
    - type: RequestHeaderModifier
      requestHeaderModifier:
        add:
        - name: x-route
          value: route-{i}
    backendRefs:
    - name: svc-{i}-{j}
      port: {port}
      weight: 1
"""
"""A rule with a RequestHeaderModifier filter: more CEL rules apply (cel_throughput.py)."""

ROUTE_RULE = """  - matches:
    - path:
        type: PathPrefix
        value: /api/v{j}
      headers:
      - name: x-tenant
        value: tenant-{i}
    backendRefs:
    - name: svc-{i}-{j}
      port: {port}
"""
"""A rule with matches and backendRefs only (peers.py)."""


def http_routes(start: int, stop: int, rule: str) -> list[str]:
    """HTTPRoute documents route-START..route-STOP-1, each with 1-4 rules, in 10 team namespaces."""
    docs = []
    for i in range(start, stop):
        rules = "".join(rule.format(i=i, j=j, port=8000 + j) for j in range(1 + i % 4))
        docs.append(HTTP_ROUTE.format(i=i, team=i % 10, rules=rules))
    return docs
