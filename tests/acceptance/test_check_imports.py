"""What `kcompat check one-file.yaml` imports: the pre-commit path stays light.

Start-up time is dominated by imports (BENCHMARKS.md, "Start-up"); this asserts the module set,
not a time, so it cannot flake on a busy machine. Each case runs the CLI in a fresh interpreter
(the same one running the tests) and reports the modules loaded after main() returned.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GATEWAY = REPO / "fixtures" / "realworld" / "cel" / "gateway-api"

DEPLOYMENT_AND_SERVICE = (REPO / "fixtures" / "perf" / "one-file.yaml").read_text()
"""The sample of benchmarks/startup.py and peers.py: a Deployment and a Service."""

HEAVY = ("networkx", "jsonschema", "rich", "kubernetes", "cel_expr_python", "re2", "ruamel")
"""Libraries the plain check path must not load (rich only renders to a terminal; CEL only for
CRDs with rules; RE2 only for CRD patterns)."""

NOT_ON_THE_PATH = (
    "multiprocessing", "concurrent",  # no worker pool for one small file
    "kcompat.sources.helm_render",  # only with --helm / a chart
    "kcompat.checks.crd_rules", "kcompat.checks.cel_rules", "kcompat.schema.crds", "kcompat.schema.cel",
    "kcompat.commands.graph", "kcompat.commands.plan", "kcompat.commands.fix",  # other subcommands' parsers
)

STDLIB_NOT_ON_THE_PATH = (
    "typing", "dataclasses", "inspect",  # records are core.records classes; typing names only for mypy
    "pathlib", "shutil", "threading", "traceback", "ipaddress", "difflib",
)
"""Standard modules whose import alone costs the one-file check measurable time (BENCHMARKS.md,
"Start-up"); checked among the modules kcompat itself loads (site may have loaded some before)."""

_PROBE = """
import sys
before = set(sys.modules)
from kcompat.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
import json
sys.stderr.write("\\n@@" + json.dumps({"code": code, "modules": sorted(sys.modules),
                                         "new": sorted(set(sys.modules) - before)}))
"""


def _modules_after(*argv: str) -> tuple[int, set[str], str]:
    code, modules, _, out = _run_probe(*argv)
    return code, modules, out


def _run_probe(*argv: str) -> tuple[int, set[str], set[str], str]:
    """(exit code, every module loaded, the modules kcompat's run loaded, stdout)."""
    done = subprocess.run([sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, timeout=120,
                          check=False)
    assert "@@" in done.stderr, done.stderr
    report = json.loads(done.stderr.rsplit("@@", 1)[1])
    return report["code"], set(report["modules"]), set(report["new"]), done.stdout


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(name for name in names if any(m == name or m.startswith(name + ".") for m in modules))


def test_check_of_one_file_imports_no_heavy_library(tmp_path: Path) -> None:
    manifest = tmp_path / "app.yaml"
    manifest.write_text(DEPLOYMENT_AND_SERVICE)
    code, modules, _ = _modules_after("check", str(manifest), "--color", "never")
    assert code == 0
    assert "kcompat.schema.validator" in modules  # schema validation ran
    assert "kcompat.checks.builtin" in modules  # and the API server's built-in rules
    assert _loaded(modules, HEAVY) == []
    assert _loaded(modules, NOT_ON_THE_PATH) == []


def test_check_of_one_file_loads_no_costly_standard_module(tmp_path: Path) -> None:
    manifest = tmp_path / "app.yaml"
    manifest.write_text(DEPLOYMENT_AND_SERVICE)
    code, _, new, _ = _run_probe("check", str(manifest), "--color", "never")
    assert code == 0
    assert "yaml" in new and "kcompat.schema.validator" in new  # the probe saw the run's imports
    assert _loaded(new, STDLIB_NOT_ON_THE_PATH) == []


def test_crds_with_cel_rules_load_the_crd_modules_only_then(tmp_path: Path) -> None:
    """The same run with a Gateway API CRD (x-kubernetes-validations) and a route: the CRD and CEL
    modules are loaded now, so the lazy imports above do not skip the checks they guard."""
    crd = GATEWAY / "crds" / "gateway.networking.k8s.io_httproutes.yaml"
    route = tmp_path / "route.yaml"
    route.write_text("apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\n"
                     "spec:\n  parentRefs:\n  - name: gw\n  rules:\n  - matches:\n    - path:\n"
                     "        type: PathPrefix\n        value: relative\n")
    code, modules, out = _modules_after("check", str(crd), str(route), "--color", "never", "-o", "json")
    assert code == 1
    assert [f["rule"] for f in json.loads(out)["findings"]] == ["cel"]  # absolute paths only, a CEL rule
    assert "kcompat.checks.crd_rules" in modules and "kcompat.schema.crds" in modules
    assert "cel_expr_python" in modules
    assert _loaded(modules, ("networkx", "jsonschema", "rich", "kubernetes", "ruamel")) == []
