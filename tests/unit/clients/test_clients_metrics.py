"""The Prometheus text exposition parser and `kcompat clients --metrics`."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from conftest import FIXTURES, Run
from kcompat.clients.prometheus import Exposition, ExpositionError, parse, parse_line

METRICS = FIXTURES / "clients" / "metrics.txt"


def samples(text: str) -> tuple[list[tuple[str, dict[str, str], float, int | None]], Exposition]:
    exposition = Exposition()
    found = [(s.name, s.labels, s.value, s.timestamp_ms) for s in parse(text.splitlines(True), exposition)]
    return found, exposition


def test_help_type_escaping_timestamps_and_special_values() -> None:
    found, exposition = samples(METRICS.read_text())
    assert exposition.types["apiserver_requested_deprecated_apis"] == "gauge"
    assert exposition.help["apiserver_request_total"] == (
        "[STABLE] Counter of apiserver requests.\nSecond line with a \\ backslash.")
    by_code = {labels.get("code"): (labels, value) for name, labels, value, _ in found
               if name == "apiserver_request_total"}
    notes = [labels["note"] for name, labels, _, _ in found if "note" in labels]
    assert notes == ['say "hi"\nbye \\ ok']
    assert math.isnan(next(v for _, labels, v, _ in found if labels == {"code": "200"}))
    assert by_code["500"][1] == math.inf
    stamped = [t for name, labels, _, t in found if labels.get("resource") == "poddisruptionbudgets"]
    assert stamped == [1714564800000]
    assert exposition.error_count == 2
    assert [line for line, _ in exposition.errors] == [13, 14]


@pytest.mark.parametrize("line", [
    'm{a="x"', 'm{a=x} 1', 'm{a="\\q"} 1', "m{a=\"x\"}", "m 1 2 3", "m abc", 'm{a="1",a="2"} 1', "1m 1",
    "m 1 1.5", "# TYPE m thing",
])
def test_invalid_lines_raise(line: str) -> None:
    with pytest.raises(ExpositionError):
        parse_line(line, 1, Exposition())


def test_whitespace_and_trailing_comma() -> None:
    sample = parse_line('  m { a = "1" , b="2", } 3.5e2  ', 1, Exposition())
    assert sample is not None and sample.labels == {"a": "1", "b": "2"} and sample.value == 350.0


def test_metrics_command_lists_requested_deprecated_apis(run_cli: Callable[..., Run]) -> None:
    result = run_cli("clients", "--metrics", str(METRICS), "-t", "1.33", "-o", "json")
    data = result.json()
    assert result.code == 1
    apis = {(m["apiVersion"], m["resource"], m["subresource"]): m for m in data["metrics"]["apis"]}
    assert apis[("extensions/v1beta1", "ingresses", "")]["status"] == "removed"
    assert apis[("extensions/v1beta1", "ingresses", "")]["kind"] == "Ingress"
    assert apis[("v1", "endpoints", "")]["status"] == "deprecated"
    assert apis[("acme.io/v1beta1", "gadgets", "status")]["removed_in"] == "1.31"
    assert data["inputs"][0]["malformed"] == 2
    assert any("who" in note for note in data["notes"])
    text = run_cli("clients", "--metrics", str(METRICS), "-t", "1.33").out
    assert "not who requested them" in text
    assert "extensions/v1beta1 ingresses (Ingress): REMOVED in 1.22" in text
