"""Issue 10.1/10.3: every command on hostile bytes: no traceback, no hang, exit 0/1/2, and a file
that could not be read or parsed is always reported (never clean, never exit 0 with --fail-on error)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, Run
from kcompat.core import limits
from kcompat.sources.reading import Undecodable, decode
from kcompat.sources.yaml_stream import ParseProblem, parse_stream

COMMANDS = (
    ("check", "-j", "1"), ("check", "-o", "json"), ("check", "-o", "sarif"), ("check", "-o", "junit"),
    ("check", "-o", "csv"), ("check", "-o", "github"), ("check", "-o", "markdown"), ("check", "--rollout"),
    ("graph",), ("graph", "-o", "json"), ("plan", "-c", "1.21", "-t", "1.29"), ("report", "-c", "1.21"),
    ("report", "-c", "1.21", "-o", "markdown"), ("fix", "-t", "1.29"), ("check", "--helm-releases"),
    ("clients", "-t", "1.25", "--audit-log"),
)
TOKENS = (b"&a ", b"*a", b"[", b"{", b"---\n", b"- ", b": ", b"\t", b"!!python/object/apply:os.system ",
          b"'", b'"', b"\n  ", b"|", b">", b"? ", b"%YAML 1.1\n", b"\r\n", b"\xff", b"#", b"<<: *a\n",
          b"!!binary ", b"apiVersion: v1\n", b"kind: Secret\n", b"items:\n", b"\x00", b"\xef\xbb\xbf")


def corpus() -> list[Path]:
    return sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.is_file())


def mutate(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data or b"x")
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(out) or 1)
        op = rng.random()
        if op < 0.3 and out:
            out[i] = rng.randrange(256)
        elif op < 0.5:
            del out[i:i + rng.randint(1, 20)]
        elif op < 0.75:
            out[i:i] = rng.choice(TOKENS)
        elif out:
            j = rng.randrange(len(out))
            out[i:i] = out[j:j + rng.randint(1, 50)]
    return bytes(out)


def hostile_inputs(seed: int, count: int) -> list[bytes]:
    rng = random.Random(seed)
    files = corpus()
    result = []
    for _ in range(count):
        data = rng.choice(files).read_bytes()
        pick = rng.random()
        if pick < 0.15:
            data = rng.randbytes(rng.randint(0, 400))
        elif pick < 0.4:
            data = data[: rng.randint(0, len(data))]
        else:
            data = mutate(rng, data)
        result.append(data)
    return result


def argv_for(command: tuple[str, ...], path: str) -> list[str]:
    return [*command, path]


def unreadable_or_unparsable(data: bytes) -> bool:
    text = decode(data)
    if isinstance(text, Undecodable) or len(data) > limits.MAX_FILE_BYTES:
        return True
    return any(isinstance(item, ParseProblem) for item in parse_stream(text, "x"))


@pytest.mark.parametrize("seed", range(4))
def test_every_command_survives_hostile_bytes(seed: int, tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    rng = random.Random(1000 + seed)
    for index, data in enumerate(hostile_inputs(seed, 12)):
        path = tmp_path / f"in{index}.yaml"
        path.write_bytes(data)
        command = rng.choice(COMMANDS)
        result = run_cli(*argv_for(command, str(path)))
        assert result.code in (0, 1, 2), (command, data[:200])
        assert "Traceback" not in result.err


@pytest.mark.parametrize("seed", range(3))
def test_a_file_that_does_not_parse_is_always_reported(seed: int, tmp_path: Path,
                                                        run_cli: Callable[..., Run]) -> None:
    for index, data in enumerate(hostile_inputs(100 + seed, 25)):
        path = tmp_path / f"in{index}.yaml"
        path.write_bytes(data)
        result = run_cli("check", "-o", "json", "--skip-schema", "--fail-on", "error", str(path))
        assert result.code in (0, 1, 2)
        if not unreadable_or_unparsable(data):
            continue
        rules = {finding["rule"] for finding in result.json()["findings"]}
        assert rules & {"parse-error", "skipped-file"}, data[:200]
        assert result.code != 0, data[:200]


def test_the_real_cli_in_a_process_never_prints_a_traceback(tmp_path: Path) -> None:
    rng = random.Random(7)
    for index, data in enumerate(hostile_inputs(7, 4)):
        path = tmp_path / f"p{index}.yaml"
        path.write_bytes(data)
        command = rng.choice(COMMANDS)
        done = subprocess.run([sys.executable, "-m", "kcompat", *argv_for(command, str(path))],
                              capture_output=True, text=True, timeout=60, cwd=ROOT)
        assert done.returncode in (0, 1, 2), done.stderr
        assert "Traceback" not in done.stderr


def test_random_bytes_on_stdin(run_cli: Callable[..., Run]) -> None:
    rng = random.Random(3)
    for _ in range(10):
        text = rng.randbytes(300).decode("latin-1")
        result = run_cli("check", "-", stdin_text=text)
        assert result.code in (1, 2) or "0 documents" in result.out


# --- regressions: crashes found by the fuzzers (RELIABILITY.md) --------------------------------

def test_graph_survives_a_crd_whose_spec_is_not_a_mapping(write: Callable[..., Path],
                                                         run_cli: Callable[..., Run]) -> None:
    path = write("crd.yaml", "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
                 "metadata: {name: a.b.c}\nspec: 5\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\n"
                 "metadata: {name: i}\nspec: [1]\n")
    for command in (("graph",), ("plan", "-c", "1.21", "-t", "1.29"), ("check", "--rollout")):
        assert run_cli(*command, str(path)).code in (0, 1)


def test_a_crd_schema_with_a_non_string_type_is_a_finding(write: Callable[..., Path],
                                                          run_cli: Callable[..., Run]) -> None:
    path = write("crd.yaml", """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: things.example.com}
spec:
  group: example.com
  names: {kind: Thing, plural: things}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: {a: 1}}
""")
    result = run_cli("check", "-o", "json", str(path))
    assert result.code == 1
    assert "crd-invalid" in {f["rule"] for f in result.json()["findings"]}


def test_plan_with_custom_resources_before_their_crd(run_cli: Callable[..., Run]) -> None:
    result = run_cli("plan", "-c", "1.21", "-t", "1.29", str(FIXTURES / "schema/crds/crontabs-before-crd.yaml"))
    assert result.code in (0, 1)
    assert "Traceback" not in result.err


def test_rollout_survives_odd_shapes(write: Callable[..., Path], run_cli: Callable[..., Run]) -> None:
    path = write("odd.yaml", """\
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: v, namespace: a}
spec: {http: 3.5}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: a}
spec: {rules: [{backendRefs: 7}]}
---
apiVersion: v1
kind: Service
metadata: {name: s, namespace: a}
spec: {selector: {app: x}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d, namespace: a, labels: [1]}
spec: {selector: {matchLabels: {app: x}}, template: {metadata: {labels: {app: x}}}}
""")
    for command in (("check", "--rollout"), ("plan", "-c", "1.21", "-t", "1.29"), ("report", "-c", "1.21")):
        result = run_cli(*command, str(path))
        assert result.code in (0, 1), result.err


def test_fix_leaves_a_typed_list_item_without_api_version_to_a_human(write: Callable[..., Path],
                                                                      run_cli: Callable[..., Run]) -> None:
    text = ("apiVersion: v1\nkind: List\nitems:\n- kind: Deployment\n  metadata: {name: d}\n"
            "  spec: {template: {metadata: {labels: {a: b}}}}\n")
    path = write("list.yaml", text)
    # the item inherits nothing from a plain List; route it through a list whose kind gives the type
    path.write_text(text.replace("kind: List", "kind: DeploymentList").replace("apiVersion: v1",
                                                                             "apiVersion: extensions/v1beta1"))
    result = run_cli("fix", "-t", "1.29", str(path))
    assert result.code in (0, 1)
    assert "Traceback" not in result.err


def test_a_scalar_over_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch, write: Callable[..., Path],
                                            run_cli: Callable[..., Run]) -> None:
    monkeypatch.setattr(limits, "MAX_SCALAR_BYTES", 1024)
    path = write("big.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  k: " + "a" * 5000 + "\n")
    result = run_cli("check", "-o", "json", str(path))
    assert result.code == 1
    [finding] = [f for f in result.json()["findings"] if f["rule"] == "parse-error"]
    assert "a scalar at line 5 of the document is longer than 1,024 characters" in finding["message"]


def test_the_limits_are_documented() -> None:
    source = (ROOT / "kcompat/core/limits.py").read_text()
    for name in ("MAX_FILE_BYTES", "MAX_DEPTH", "MAX_EXPANDED_NODES", "MAX_DOCUMENTS_PER_FILE", "MAX_SCALAR_BYTES"):
        assert name in source
    assert json.dumps(limits.MAX_SCALAR_BYTES)
    assert os.path.exists(ROOT / "RELIABILITY.md")
