"""`kcompat check` reads manifests as Kubernetes does (kcompat.sources.k8s_yaml), end to end."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from conftest import CLI, FIXTURES, Run
from kcompat.sources.documents import Document
from kcompat.sources.resources import dig
from kcompat.sources.yaml_stream import parse_stream

Write = Callable[[str, str | bytes], Path]
# A real upstream CRD whose `matchType` enum lists a plain `=` (see fixtures/schema/SOURCES.md).
ALERTMANAGER_CONFIGS = (FIXTURES / "schema" / "prometheus-operator-v0.53.0"
                        / "monitoring.coreos.com_alertmanagerconfigs.yaml")
MATCHER = ("spec", "versions", 0, "schema", "openAPIV3Schema", "properties", "spec", "properties",
           "inhibitRules", "items", "properties", "sourceMatch", "items", "properties", "matchType", "enum")


def rules(run: Run) -> list[str]:
    return [finding["rule"] for finding in run.json()["findings"]]


def test_pyyaml_alone_cannot_read_the_upstream_crd() -> None:
    with pytest.raises(yaml.constructor.ConstructorError, match=r"tag:yaml\.org,2002:value"):
        yaml.load(ALERTMANAGER_CONFIGS.read_text(), Loader=yaml.CSafeLoader)


def test_crd_with_a_bare_equals_enum_value_is_read(run_cli: CLI) -> None:
    run = run_cli("check", str(ALERTMANAGER_CONFIGS), "-t", "1.29", "-o", "json")
    assert "parse-error" not in rules(run)
    assert [(f["kind"], f["name"]) for f in run.json()["findings"]] == [
        ("CustomResourceDefinition", "alertmanagerconfigs.monitoring.coreos.com")] * len(rules(run))
    (document,) = parse_stream(ALERTMANAGER_CONFIGS.read_text(), str(ALERTMANAGER_CONFIGS))
    assert isinstance(document, Document)
    assert dig(document.data, *MATCHER) == ["!=", "=", "=~", "!~"]


CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: times}}\ndata:\n  window: {value}\n"


def test_a_base_60_looking_value_is_a_string_not_90(run_cli: CLI, write: Write) -> None:
    path = write("cm.yaml", CONFIGMAP.format(value="1:30"))
    run = run_cli("check", str(path), "-t", "1.29", "-o", "json")
    assert run.code == 0
    assert rules(run) == []


def test_a_number_in_configmap_data_is_still_a_schema_error(run_cli: CLI, write: Write) -> None:
    # The control for the test above: the schema check does catch a non-string value.
    path = write("cm.yaml", CONFIGMAP.format(value="90"))
    run = run_cli("check", str(path), "-t", "1.29", "-o", "json")
    assert run.code == 1
    assert rules(run) == ["schema"]
    assert run.json()["findings"][0]["line"] == 5


def test_a_value_kubernetes_cannot_store_is_a_parse_error(run_cli: CLI, write: Write) -> None:
    path = write("cm.yaml", CONFIGMAP.format(value=".inf"))
    run = run_cli("check", str(path), "-t", "1.29", "-o", "json")
    (finding,) = run.json()["findings"]
    assert (finding["rule"], finding["severity"], finding["line"]) == ("parse-error", "error", 5)
    assert "no JSON form" in finding["message"]
