"""`kcompat report`: options, counts against `kcompat check -o json`, escaping, and plan fields added later."""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from conftest import CLI, FIXTURES, ROOT
from kcompat.core.versions import KubeVersion
from kcompat.report.html import render_html
from kcompat.report.markdown_report import render_markdown
from kcompat.report.migration import build_report
from kcompat.report.svg_graph import render_svg

DEMO = str(FIXTURES / "demo")


class Facts(HTMLParser):
    """data-count values, graph node ids and every tag/attribute that could fetch something."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: dict[str, str] = {}
        self.nodes: list[str] = []
        self.fetching: list[tuple[str, str]] = []
        self._count: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if "data-count" in values:
            self._count = values["data-count"]
        if tag == "g" and values.get("class") == "node":
            self.nodes.append(str(values["data-node"]))
        if tag in ("script", "link", "img", "iframe", "object", "embed", "image", "use"):
            self.fetching.append((tag, str(values)))
        for name, value in attrs:
            if name in ("src", "href", "xlink:href") and value and not value.startswith("#"):
                self.fetching.append((tag, value))

    def handle_data(self, data: str) -> None:
        if self._count is not None:
            self.counts[self._count] = self.counts.get(self._count, "") + data.strip()

    def handle_endtag(self, tag: str) -> None:
        self._count = None


def _facts(html: str) -> Facts:
    facts = Facts()
    facts.feed(html)
    return facts


def test_html_counts_match_check_json_and_graph(run_cli: CLI) -> None:
    run = run_cli("report", DEMO, "-c", "1.21", "-t", "1.29")
    assert run.code == 0, run.err
    check = run_cli("check", DEMO, "-c", "1.21", "-t", "1.29", "-o", "json").json()
    graph = run_cli("graph", DEMO, "-o", "json").json()
    facts = _facts(run.out)
    for key in ("errors", "warnings", "info", "suppressed", "files", "documents", "objects"):
        assert facts.counts[key] == str(check["summary"][key])
    assert {k[5:]: int(v) for k, v in facts.counts.items() if k.startswith("rule:")} == check["summary"]["byRule"]
    assert sorted(facts.nodes) == sorted(n["id"] for n in graph["nodes"])
    assert facts.fetching == []
    assert "Content-Security-Policy" in run.out and "@media print" in run.out
    # every finding with its file:line, and the migration text of its API
    for finding in check["findings"]:
        assert f"{finding['path']}:{finding['line']}" in run.out
    assert "spec.backend is renamed spec.defaultBackend." in run.out
    assert facts.counts["fixable"] == "5"  # the suppressed PriorityLevelConfiguration is not counted


def test_markdown_report(run_cli: CLI, tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    run = run_cli("report", DEMO, "-c", "1.21", "-t", "1.29", "-o", "markdown", "--output-file", str(out))
    assert run.code == 0 and run.out == ""
    text = out.read_text(encoding="utf-8")
    mermaid = run_cli("graph", DEMO, "-o", "mermaid").out
    assert "```mermaid\n" + mermaid.rstrip("\n") + "\n```" in text
    assert text.startswith("# Kubernetes 1.21 → 1.29 migration report")
    for heading in ("## Summary", "## Upgrade plan", "#### Wave 2", "## Dependency graph",
                    "## Findings and how to migrate", "## What `kcompat fix` can fix"):
        assert f"\n{heading}\n" in text
    assert "| `fixtures/demo/worker.yaml:5` |" not in text  # paths are as given (absolute here)
    assert f"`{DEMO}/worker.yaml:5`" in text


def test_report_usage_errors(run_cli: CLI, tmp_path: Path) -> None:
    assert run_cli("report", DEMO).code == 2  # --current-version is required
    assert run_cli("report", DEMO, "-c", "1.21", "-o", "pdf").code == 2
    assert run_cli("report", DEMO, "-c", "1.29", "-t", "1.21").code == 2
    missing = run_cli("report", DEMO, "/no/such/path", "-c", "1.21", "-t", "1.29", "-o", "markdown")
    assert missing.code == 2 and "/no/such/path" in missing.err and "## Inputs not read" in missing.out
    bad_file = run_cli("report", DEMO, "-c", "1.21", "--output-file", str(tmp_path / "no" / "dir" / "r.html"))
    assert bad_file.code == 2 and "--output-file" in bad_file.err


def test_ignore_and_exclude_match_check(run_cli: CLI) -> None:
    args = (DEMO, "-c", "1.21", "-t", "1.29", "--ignore", "removed-api", "--exclude", "worker.yaml")
    check = run_cli("check", *args, "-o", "json").json()
    facts = _facts(run_cli("report", *args).out)
    assert facts.counts["suppressed"] == str(check["summary"]["suppressed"])
    assert facts.counts["files"] == str(check["summary"]["files"]) == "8"


HOSTILE = """
apiVersion: v1
kind: Service
metadata:
  name: evil
  namespace: ns
  annotations: {kcompat.io/serves: "x/v1, x/v2"}
spec: {selector: {app: evil}}
---
apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: "evil", namespace: ns, labels: {note: "<script>alert(1)</script>"}}
spec:
  template:
    metadata: {labels: {app: evil}}
    spec: {containers: [{name: c, image: x, env: [{name: U, value: "http://evil/api/v1/?q=<img src=x>&a=\\"b\\""}]}]}
---
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {name: "a<b>&\\"c'", namespace: ns}
spec: {selector: {matchLabels: {app: evil}}}
"""


def test_text_is_escaped(run_cli: CLI, write: Callable[[str, str], Path]) -> None:
    path = write("hostile <dir>/x&y.yaml", HOSTILE)
    html = run_cli("report", str(path), "-c", "1.21", "-t", "1.29").out
    assert "<script" not in html and "<img" not in html
    assert "a&lt;b&gt;&amp;&quot;c&#x27;" in html and "x&amp;y.yaml" in html
    facts = _facts(html)
    assert facts.fetching == []
    assert 'PodDisruptionBudget/ns/a<b>&"c\'' in facts.nodes  # the parser unescapes attributes back


def _report(plan_extra: dict[str, Any]) -> Any:
    plan = {"current": "1.21", "target": "1.29", "hops": [], "upgrade_layers": [["Deployment/a/p"], ["Deployment/a/c"]],
            "waves": [{"wave": 1, "steps": [
                {"action": "migrate", "nodes": ["Deployment/a/c"], "api": "p", "versions": ["v1", "v2"],
                 "text": "c moves", "strategy": "canary", "strategy_reason": "audit logs: 3 <clients>",
                 "future_field": {"x": 1}}]}],
            "holds": [], "cycles": [], "crds": [], "blockers": [], **plan_extra}
    graph = {"nodes": [{"id": "Deployment/a/p", "kind": "workload", "k8s_kind": "Deployment", "name": "p",
                        "namespace": "a"},
                       {"id": "Deployment/a/c", "kind": "workload", "k8s_kind": "Deployment", "name": "c",
                        "namespace": "a"},
                       {"id": "client:10.0.0.1", "kind": "audit-client", "name": "10.0.0.1", "new": True}],
             "edges": [{"source": "Deployment/a/c", "target": "Deployment/a/p", "key": "calls", "type": "calls",
                        "evidence": [{"file": "f", "line": 1, "text": "t"}]},
                       {"source": "client:10.0.0.1", "target": "Deployment/a/p", "key": "calls-observed",
                        "type": "calls-observed", "evidence": []}],
             "unresolved": []}
    check = {"findings": [], "inputErrors": [], "summary": {"files": 1, "documents": 1, "objects": 1, "errors": 0,
                                                             "warnings": 0, "info": 0, "suppressed": 0, "byRule": {}}}
    return build_report(["in"], check, plan, graph, "flowchart LR", KubeVersion.parse("1.29"))


def test_rollout_strategies_and_unknown_fields_are_shown_or_tolerated() -> None:
    data = _report({"new_top_level": [1, 2]})
    html, markdown = render_html(data), render_markdown(data)
    assert "<th>rollout strategy</th>" in html and "canary" in html and "audit logs: 3 &lt;clients&gt;" in html
    assert "| rollout strategy |" in markdown and "canary<br>audit logs: 3 \\<clients\\>" in markdown
    assert sorted(_facts(html).nodes) == ["Deployment/a/c", "Deployment/a/p", "client:10.0.0.1"]


def test_svg_layers_follow_the_dependency_order() -> None:
    data = _report({})
    svg = render_svg(data.graph, data.plan)
    x = {m.group(1): float(m.group(2)) for m in re.finditer(r'data-node="([^"]+)"[^>]*><title>[^<]*</title>'
                                                               r'<rect x="([\d.]+)"', svg)}
    assert x["Deployment/a/p"] < x["Deployment/a/c"]  # the provider is left of (upgraded before) its client
    assert svg.count("<g class=\"edge\"") == 2 and 'marker-end="url(#arrow-calls)"' in svg


def test_empty_input_report(run_cli: CLI, write: Callable[[str, str], Path]) -> None:
    path = write("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    html = run_cli("report", str(path), "-c", "1.28", "-t", "1.29").out
    assert "No findings." in html and 'data-node="ConfigMap/default/x"' in html


@pytest.mark.parametrize("output", ["html", "markdown"])
def test_report_from_stdin(run_cli: CLI, output: str) -> None:
    text = (ROOT / "fixtures/demo/worker.yaml").read_text()
    run = run_cli("report", "-", "-c", "1.21", "-t", "1.29", "-o", output, stdin_text=text)
    assert run.code == 0 and "batch/v1beta1 CronJob" in run.out
