"""`kcompat check` runs CRD validation rules (x-kubernetes-validations) end to end."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import CLI, FIXTURES, Run

Write = Callable[[str, str], Path]
CEL = FIXTURES / "realworld" / "cel"
KV = CEL / "kubectl-validate"
GATEWAY = CEL / "gateway-api"


def cel_findings(run: Run, rules: tuple[str, ...] = ("cel",)) -> list[dict[str, Any]]:
    return [f for f in run.json()["findings"] if f["rule"] in rules]


def server_answer(manifest: Path) -> dict[str, Any]:
    """The API server's response recorded in the leading comment of a kubectl-validate test case."""
    lines = []
    for line in manifest.read_text().splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[1:])
    text = "\n".join(lines)
    return dict(json.loads(text[:text.rindex("}") + 1]))


@pytest.mark.parametrize("case", ["error_cel_basic.yaml", "error_cel_basic_multiple.yaml"])
def test_messages_are_the_servers(run_cli: CLI, case: str) -> None:
    answer = server_answer(KV / case)
    run = run_cli("check", str(KV / case), "--crd", str(KV / "crd-cel_basic.yaml"), "-t", "1.35", "-o", "json")
    (finding,) = cel_findings(run)
    (cause,) = answer["details"]["causes"]
    expected = answer["message"].split(" is invalid: ", 1)[1]
    assert finding["message"] == f"{expected} (CRD celbasics.stable.example.com v1)"
    assert finding["details"]["field"] == cause["field"]
    assert finding["severity"] == "error"
    assert run.code == 1


def test_older_targets_get_the_older_wording(run_cli: CLI) -> None:
    run = run_cli("check", str(KV / "error_cel_basic.yaml"), "--crd", str(KV / "crd-cel_basic.yaml"),
                  "-t", "1.31", "-o", "json")
    (finding,) = cel_findings(run)
    assert finding["message"].startswith('value: Invalid value: "integer": Must be positive non-zero')
    assert (finding["line"], finding["column"]) == (31, 1)


def test_valid_jobset_passes(run_cli: CLI) -> None:
    run = run_cli("check", str(KV / "jobset.yaml"), "--crd", str(KV / "crd-jobset.yaml"), "-t", "1.35", "-o", "json")
    assert server_answer(KV / "jobset.yaml")["status"] == "Success"
    assert cel_findings(run, ("cel", "cel-skipped", "crd-invalid")) == []


def test_gateway_api_examples_pass_every_rule(run_cli: CLI) -> None:
    run = run_cli("check", str(GATEWAY / "examples"), "--crd", str(GATEWAY / "crds"), "-t", "1.35", "-o", "json")
    data = run.json()
    assert data["summary"]["customResources"] >= 20
    assert cel_findings(run, ("cel", "crd-invalid", "no-schema")) == []
    skipped = cel_findings(run, ("cel-skipped",))
    assert {f["kind"] for f in skipped} == {"GatewayClass"}  # its one transition rule (oldSelf)
    assert all(f["severity"] == "info" and f["details"]["reason"] == "transition-rule" for f in skipped)


INVALID = {
    "httproute-path-not-absolute.yaml": (
        13, "spec.rules[0].matches[0].path",
        "spec.rules[0].matches[0].path: Invalid value: value must be an absolute path and start with '/' when "
        "type one of ['Exact', 'PathPrefix']"),
    "httproute-service-without-port.yaml": (
        15, "spec.rules[0].backendRefs[0]",
        "spec.rules[0].backendRefs[0]: Invalid value: Must have port for Service reference"),
    "httproute-filter-missing-config.yaml": (
        11, "spec.rules[0].filters[0]",
        "spec.rules[0].filters[0]: Invalid value: filter.requestHeaderModifier must be specified for "
        "RequestHeaderModifier filter.type"),
    "httproute-redirect-with-backends.yaml": (
        13, "spec.rules[0]",
        "spec.rules[0]: Invalid value: RequestRedirect filter must not be used together with backendRefs"),
    "gateway-duplicate-listener.yaml": (
        8, "spec.listeners", "spec.listeners: Invalid value: Listener name must be unique within the Gateway"),
    "tlsroute-ip-hostname.yaml": (9, "spec.hostnames", "spec.hostnames: Invalid value: Hostnames cannot contain an IP"),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_gateway_api_examples_that_break_a_rule(run_cli: CLI, case: str) -> None:
    line, field, message = INVALID[case]
    run = run_cli("check", str(GATEWAY / "invalid" / case), "--crd", str(GATEWAY / "crds"), "-t", "1.35",
                  "-o", "json")
    (finding,) = cel_findings(run)
    assert re.sub(r" \(CRD [^)]*\)$", "", finding["message"]) == message
    assert (finding["line"], finding["details"]["field"]) == (line, field)
    assert run.code == 1


CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
              memory: {type: string}
              name: {type: string}
            x-kubernetes-validations:
            - rule: "RULE"
              message: memory must be at most 1Gi
            - rule: self.name == oldSelf.name
              message: name is immutable
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
spec:
  size: SIZE
  memory: 2Gi
  name: a
"""


def test_rule_that_does_not_compile_is_crd_invalid_at_its_line(run_cli: CLI, write: Write) -> None:
    path = write("w.yaml", CRD.replace("RULE", "quantity(self.memory).isLessThan(").replace("SIZE", "1"))
    run = run_cli("check", str(path), "-t", "1.35", "-o", "json")
    (invalid,) = cel_findings(run, ("crd-invalid",))
    assert invalid["line"] == 23 and "compilation failed" in invalid["message"]
    assert cel_findings(run) == []


def test_kubernetes_library_rule_and_transition_rule(run_cli: CLI, write: Write) -> None:
    rule = "!has(self.memory) || quantity(self.memory).compareTo(quantity('1Gi')) <= 0"
    path = write("w.yaml", CRD.replace("RULE", rule).replace("SIZE", "1"))
    run = run_cli("check", str(path), "-t", "1.35", "-o", "json")
    (finding,) = cel_findings(run)
    assert finding["message"] == "spec: Invalid value: memory must be at most 1Gi (CRD widgets.example.com v1)"
    assert finding["details"]["rule"] == rule
    (skipped,) = cel_findings(run, ("cel-skipped",))
    assert skipped["details"]["rules"] == ["spec: self.name == oldSelf.name"]
    assert "need the old object" in skipped["message"]
    fixed = write("ok.yaml", CRD.replace("RULE", rule).replace("SIZE", "1").replace("memory: 2Gi", "memory: 512Mi"))
    assert cel_findings(run_cli("check", str(fixed), "-t", "1.35", "-o", "json")) == []


def test_schema_errors_stop_the_rules_as_on_the_server(run_cli: CLI, write: Write) -> None:
    path = write("w.yaml", CRD.replace("RULE", "quantity(self.memory).isLessThan(quantity('1Gi'))")
                 .replace("SIZE", "big"))
    run = run_cli("check", str(path), "-t", "1.35", "-o", "json")
    assert [f["rule"] for f in run.json()["findings"] if f["rule"] == "schema"] == ["schema"]
    assert cel_findings(run) == []
    (skipped,) = cel_findings(run, ("cel-skipped",))
    assert "some validation rules were not checked because the object was invalid" in skipped["message"]


def test_text_output_and_exit_code(run_cli: CLI) -> None:
    run = run_cli("check", str(GATEWAY / "invalid" / "tlsroute-ip-hostname.yaml"), "--crd", str(GATEWAY / "crds"),
                  "-t", "1.35")
    assert run.code == 1
    assert "error cel: TLSRoute tls-ip: spec.hostnames: Invalid value: Hostnames cannot contain an IP" in run.out
