"""Every writer of every command, through the CLI, fed the shared hostile names (tests/hostile_names.py)
as object names, namespaces, label values, file names, audit-log user names and user agents."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers.hostile_names import (
    HOSTILE,
    assert_csv,
    assert_dot,
    assert_json_keeps,
    assert_markdown,
    assert_mermaid,
    assert_plain,
    assert_xml,
    file_name,
)

from conftest import CLI, FIXTURES

CERT_OLD = str(FIXTURES / "corpus/crds/cert-manager-v1.3.1/cert-manager.yaml")
CERT_NEW = str(FIXTURES / "realworld/cert-manager-v1.7")


def _objects(name: str) -> list[dict[str, Any]]:
    meta = {"name": name, "namespace": name, "labels": {"app": name}}
    pod = {"metadata": {"labels": {"app": name}},
           "spec": {"containers": [{"name": "app", "image": "nginx"}]}}
    return [
        {"apiVersion": "policy/v1beta1", "kind": "PodDisruptionBudget", "metadata": meta,
         "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": name}}}},
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta,
         "spec": {"selector": {"matchLabels": {"app": name}}, "template": pod}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": name},
         "spec": {"selector": {"app": name}, "ports": [{"port": 80}]}},
    ]


def _event(index: int, name: str) -> dict[str, Any]:
    return {"kind": "Event", "apiVersion": "audit.k8s.io/v1", "level": "Metadata",
            "auditID": f"00000000-0000-4000-8000-{index:012d}", "stage": "ResponseComplete",
            "requestURI": "/apis/extensions/v1beta1/namespaces/shop/ingresses", "verb": "list",
            "user": {"username": name, "groups": ["system:authenticated"]}, "sourceIPs": ["10.0.0.7"],
            "userAgent": name, "objectRef": {"resource": "ingresses", "namespace": name, "name": name,
                                             "apiVersion": "v1beta1", "apiGroup": "extensions"},
            "responseStatus": {"metadata": {}, "code": 200},
            "requestReceivedTimestamp": "2024-03-01T10:00:01.000000Z",
            "stageTimestamp": "2024-03-01T10:00:01.000000Z",
            "annotations": {"authorization.k8s.io/decision": "allow", "k8s.io/deprecated": "true",
                            "k8s.io/removed-release": "1.22"}}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("hostile")
    manifests = root / "manifests"
    manifests.mkdir()
    crs = root / "crs"
    crs.mkdir()
    for index, name in enumerate(HOSTILE):
        (manifests / file_name(name, index)).write_text(yaml.safe_dump_all(_objects(name)))
        certificate = {"apiVersion": "cert-manager.io/v1alpha2", "kind": "Certificate",
                       "metadata": {"name": name, "namespace": name},
                       "spec": {"secretName": "tls", "issuerRef": {"name": "le"}}}
        (crs / file_name(name, index)).write_text(yaml.safe_dump(certificate))
    (manifests / file_name(HOSTILE[0] + " broken", 99)).write_text("apiVersion: v1\nkind: [\n")
    audit = root / "audit.log"
    audit.write_text("".join(json.dumps(_event(i, name)) + "\n" for i, name in enumerate(HOSTILE)))
    return {"manifests": manifests, "crs": crs, "audit": audit}


def _files(inputs: dict[str, Path]) -> list[str]:
    return sorted(str(p) for p in inputs["manifests"].iterdir())


def test_the_file_system_kept_the_hostile_file_names(inputs: dict[str, Path]) -> None:
    assert any("\n::error" in name for name in _files(inputs)) and any("\x1b" in name for name in _files(inputs))


def test_check_every_format(run_cli: CLI, inputs: dict[str, Path]) -> None:
    args = ("check", str(inputs["manifests"]), "-t", "1.25")
    data = assert_json_keeps(run_cli(*args, "-o", "json").out, [*HOSTILE, *_files(inputs)])
    assert {f["name"] for f in data["findings"] if f["kind"] == "PodDisruptionBudget"} == set(HOSTILE)
    annotations = sum(not f["suppressed"] for f in data["findings"]) + len(data["inputErrors"])
    for fmt in ("text", "github"):
        run = run_cli(*args, "-o", fmt, "--color", "always") if fmt == "text" else run_cli(*args, "-o", fmt)
        assert run.code == 1
        if fmt == "text":  # rich's own colours are the only escape sequences
            run.out = run.out.replace("\x1b[", "[")
            assert "\\x1b[31mred" in run.out
        assert_plain(run.out, annotations if fmt == "github" else 0)
        assert_plain(run.err)
    assert_markdown(run_cli(*args, "-o", "markdown").out)
    assert_csv(run_cli(*args, "-o", "csv").out)
    assert_xml(run_cli(*args, "-o", "junit").out)
    sarif = assert_json_keeps(run_cli(*args, "-o", "sarif").out, HOSTILE)
    assert sarif["runs"][0]["results"]


def test_report_markdown_and_html(run_cli: CLI, inputs: dict[str, Path]) -> None:
    args = ("report", str(inputs["manifests"]), "-c", "1.21", "-t", "1.25")
    markdown = run_cli(*args, "-o", "markdown")
    assert_markdown(markdown.out, fences={"mermaid": 1})
    assert_plain(markdown.err)
    page = run_cli(*args, "-o", "html").out

    class Collect(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.tags: list[str] = []
            self.comments: list[str] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.tags.append(tag)

        def handle_comment(self, data: str) -> None:
            self.comments.append(data)

    parser = Collect()
    parser.feed(page)
    assert not parser.comments and "img" not in parser.tags and "script" not in parser.tags
    assert "default-src 'none'" in page and "&lt;!-- hide" in page
    assert "\x1b" not in page and "\x00" not in page


def test_graph_every_format(run_cli: CLI, inputs: dict[str, Path]) -> None:
    args = ("graph", str(inputs["manifests"]), "--audit-log", str(inputs["audit"]), "-t", "1.25")
    text = run_cli(*args, "-o", "text")
    assert_plain(text.out)
    assert_plain(text.err)
    assert "selects" in text.out or "->" in text.out
    mermaid = run_cli(*args, "-o", "mermaid").out
    assert_mermaid(mermaid.rstrip("\n"))
    assert "#quot;" in mermaid and "#96;" in mermaid
    assert_dot(run_cli(*args, "-o", "dot").out)
    assert_json_keeps(run_cli(*args, "-o", "json").out, HOSTILE)


def test_plan_every_format(run_cli: CLI, inputs: dict[str, Path]) -> None:
    args = ("plan", str(inputs["manifests"]), "-c", "1.21", "-t", "1.25", "--audit-log", str(inputs["audit"]))
    text = run_cli(*args, "-o", "text")
    assert_plain(text.out)
    assert_plain(text.err)
    assert "\\x1b[31mred" in text.out
    assert_markdown(run_cli(*args, "-o", "markdown").out)
    assert_json_keeps(run_cli(*args, "-o", "json").out, HOSTILE)


def test_clients_text_and_json(run_cli: CLI, inputs: dict[str, Path]) -> None:
    args = ("clients", "--audit-log", str(inputs["audit"]), "-t", "1.25")
    text = run_cli(*args, "-o", "text")
    assert_plain(text.out)
    assert "user agent: \\x1b[31mred" in text.out
    data = assert_json_keeps(run_cli(*args, "-o", "json").out, HOSTILE)
    assert {c["identity"]["user_agent"] for c in data["clients"]} == set(HOSTILE)


def test_diff_every_format(run_cli: CLI, inputs: dict[str, Path]) -> None:
    args = ("diff", CERT_OLD, CERT_NEW, str(inputs["crs"]))
    text = run_cli(*args, "-o", "text")
    assert text.code == 1
    assert_plain(text.out)
    assert_markdown(run_cli(*args, "-o", "markdown").out)
    assert_json_keeps(run_cli(*args, "-o", "json").out, HOSTILE)
    assert_json_keeps(run_cli(*args, "-o", "sarif").out, HOSTILE)


@pytest.mark.parametrize("name", HOSTILE)
def test_errors_on_stderr_echo_input_escaped(run_cli: CLI, tmp_path: Path, name: str) -> None:
    missing = run_cli("check", str(tmp_path / file_name(name, 0)), "-t", "1.25")
    assert missing.code == 2 and "kcompat: error:" in missing.err
    assert_plain(missing.err)
    assert_plain(run_cli("explain", name, name).err)
    assert_plain(run_cli("check", f"--{name}").err)


def test_fix_preview_and_its_messages(run_cli: CLI, inputs: dict[str, Path]) -> None:
    run = run_cli("fix", str(inputs["manifests"]), "-t", "1.25")
    assert "+apiVersion: policy/v1" in run.out
    assert_plain(run.out.replace("\t", " "))  # a patch keeps the file's tabs, nothing else raw
    assert_plain(run.err)
    assert "\\x1b[31mred" in run.err
