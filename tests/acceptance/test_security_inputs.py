"""Issue 10.7: no code from inputs runs, Helm cannot read outside the chart, no network unless
asked, and Secret values never reach the output."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, Run

MARK = "TOPSECRET-XYZZY"


@pytest.mark.parametrize(("tag", "rule"), [("!!python/object/apply:os.system ['touch {p}']", "parse-error"),
                                           ("!!python/object/new:os.system ['touch {p}']", "parse-error"),
                                           ("!!python/name:os.system", "parse-error"),
                                           ("!!python/module:os", "parse-error"),
                                           # Kubernetes (go-yaml v2) ignores other tags: {a: 1}
                                           # is then no string for ConfigMap data.
                                           ("!custom {{a: 1}}", "schema")])
def test_python_tags_are_refused(tag: str, rule: str, tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    canary = tmp_path / "pwned"
    path = tmp_path / "evil.yaml"
    path.write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\ndata:\n  x: {tag.format(p=canary)}\n")
    for command in (("check", "-o", "json"), ("fix", "-t", "1.29"), ("graph",)):
        result = run_cli(*command, str(path))
        assert not canary.exists()
        assert "Traceback" not in result.err
    result = run_cli("check", "-o", "json", str(path))
    assert result.code == 1 and result.json()["findings"][0]["rule"] == rule


def _chart(tmp_path: Path, template: str) -> Path:
    chart = tmp_path / "deep" / "er" / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: evil\nversion: 0.1.0\n")
    (chart / "templates" / "cm.yaml").write_text(template)
    (tmp_path / "outside.txt").write_text(MARK + "-OUTSIDE\n")
    return chart


HELM_TEMPLATE = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: evil
data:
  a: {{ .Files.Get "../../../outside.txt" | quote }}
  b: {{ .Files.Get "/etc/passwd" | quote }}
  c: {{ range $p, $_ := .Files.Glob "../**" }}{{ $p }} {{ end }}
  d: {{ tpl (.Values.t | default "") . | quote }}
"""


def _helm_available() -> bool:
    from kcompat.sources.helm_render import available_backend

    return available_backend() is not None


@pytest.mark.slow
@pytest.mark.skipif(not _helm_available(), reason="no Helm backend (pip install 'kcompat[helm]')")
def test_helm_templates_and_values_cannot_read_outside_the_chart(tmp_path: Path) -> None:
    chart = _chart(tmp_path, HELM_TEMPLATE)
    values = tmp_path / "values.yaml"
    values.write_text("t: '{{ .Files.Get \"../../../outside.txt\" }}{{ .Files.Get \"/etc/passwd\" }}'\n")
    done = subprocess.run([sys.executable, "-m", "kcompat", "check", "--helm", str(chart), "-f", str(values),
                           "-o", "json"], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode in (0, 1), done.stderr
    output = done.stdout + done.stderr
    assert MARK not in output and "root:x:0" not in output
    values.write_text("t: '{{ include \"evil\" . }}'\n")  # include of an unknown template: a chart error
    done = subprocess.run([sys.executable, "-m", "kcompat", "check", "--helm", str(chart), "-f", str(values)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 2 and "Traceback" not in done.stderr and MARK not in done.stdout + done.stderr


OFFLINE = [
    ("check", str(FIXTURES / "demo"), "-t", "1.29", "-c", "1.21"),
    ("graph", str(FIXTURES / "demo")),
    ("plan", str(FIXTURES / "demo"), "-c", "1.21", "-t", "1.29"),
    ("report", str(FIXTURES / "demo"), "-c", "1.21"),
    ("fix", str(FIXTURES / "demo"), "-t", "1.29"),
    ("explain", "policy/v1beta1", "PodDisruptionBudget"),
    ("versions",),
    ("schemas",),
]


def _unshare() -> list[str] | None:
    for prefix in (["unshare", "-n"], ["unshare", "-rn"]):
        if shutil.which("unshare") and subprocess.run([*prefix, "true"], capture_output=True).returncode == 0:
            return prefix
    return None


@pytest.mark.slow
@pytest.mark.parametrize("command", OFFLINE, ids=[c[0] for c in OFFLINE])
def test_offline_commands_work_without_a_network(command: tuple[str, ...]) -> None:
    prefix = _unshare()
    if prefix is None:
        if os.environ.get("CI"):
            pytest.fail("unshare is needed in CI to prove kcompat works without a network")
        pytest.skip("unshare -n is not available (no user namespaces here)")
    probe = subprocess.run([*prefix, sys.executable, "-c",
                            "import socket; socket.create_connection(('1.1.1.1', 53), timeout=2)"],
                           capture_output=True, text=True)
    assert probe.returncode != 0, "the namespace still has a network"
    inside = subprocess.run([*prefix, sys.executable, "-m", "kcompat", *command], capture_output=True, text=True,
                            timeout=120, cwd=ROOT)
    outside = subprocess.run([sys.executable, "-m", "kcompat", *command], capture_output=True, text=True,
                             timeout=120, cwd=ROOT)
    assert inside.returncode in (0, 1) and "Traceback" not in inside.stderr
    assert (inside.returncode, inside.stdout) == (outside.returncode, outside.stdout)


SECRET = f"""\
apiVersion: v1
kind: Secret
metadata: {{name: s, namespace: shop}}
type: Opaque
data:
  password: "Zm9v!!{MARK}-1!!"
  number: 7777123
stringData:
  token: {MARK}-2
  nested: {{a: {MARK}-3}}
---
apiVersion: v1
kind: Secret
metadata: {{name: t, namespace: shop}}
data: {MARK}-4
stringData: {MARK}-5
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Secret
  metadata: {{name: u}}
  data: {{k: [{MARK}-6]}}
  stringData: {{k: 7777124}}
---
apiVersion: extensions/v1beta1
kind: Ingress
metadata: {{name: i, namespace: shop}}
spec: {{backend: {{serviceName: s, servicePort: 80}}}}
"""


@pytest.mark.parametrize("command", [
    ("check",), ("check", "-o", "json"), ("check", "-o", "sarif"), ("check", "-o", "csv"), ("check", "-o", "junit"),
    ("check", "-o", "github"), ("check", "-o", "markdown"), ("check", "--strict", "-o", "json"),
    ("graph", "-o", "json"), ("plan", "-c", "1.21", "-t", "1.29"), ("report", "-c", "1.21"),
    ("report", "-c", "1.21", "-o", "markdown"), ("fix", "-t", "1.29"), ("check", "--rollout"),
])
def test_secret_values_never_reach_the_output(command: tuple[str, ...], tmp_path: Path,
                                              run_cli: Callable[..., Run]) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text(SECRET)
    result = run_cli(*command, str(path))
    assert result.code in (0, 1)
    output = result.out + result.err
    assert MARK not in output and "7777123" not in output and "7777124" not in output


def test_secret_schema_errors_still_say_what_is_wrong(tmp_path: Path, run_cli: Callable[..., Run]) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text(SECRET)
    findings = run_cli("check", "-o", "json", str(path)).json()["findings"]
    messages = {f["details"]["field"]: f["message"] for f in findings if f["rule"] == "schema"}
    assert "expected format byte (base64), got string (value not shown: Secret data)" in messages["data.password"]
    assert "got integer (value not shown: Secret data)" in messages["data.number"]
    assert "got string (value not shown: Secret data)" in messages["data"]
