"""Golden tests: fixtures/fix/NAME.in.yaml fixed for 1.29 gives NAME.out.yaml, byte for byte."""

from __future__ import annotations

import pytest
import yaml

from conftest import FIXTURES
from kcompat.checks.api_lifecycle import check_api
from kcompat.core.versions import KubeVersion
from kcompat.fix.files import fix_context
from kcompat.fix.rewrite import fix_text
from kcompat.sources.resources import extract
from kcompat.sources.yaml_stream import ParseProblem, parse_stream

GOLDEN = FIXTURES / "fix"
CASES = sorted(p.name[: -len(".in.yaml")] for p in GOLDEN.glob("*.in.yaml"))
TARGET = KubeVersion.parse("1.29")


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str) -> None:
    source = (GOLDEN / f"{name}.in.yaml").read_text()
    expected = (GOLDEN / f"{name}.out.yaml").read_text()
    context = fix_context(TARGET)
    assert fix_text(source, name, context).text == expected
    list(yaml.safe_load_all(source))
    list(yaml.safe_load_all(expected))
    again = fix_text(expected, name, context)
    assert again.text == expected and not again.changes  # idempotent


@pytest.mark.parametrize("name", CASES)
def test_golden_output_only_keeps_unfixable_findings(name: str) -> None:
    expected = (GOLDEN / f"{name}.out.yaml").read_text()
    context = fix_context(TARGET)
    left = set()
    for item in parse_stream(expected, name):
        assert not isinstance(item, ParseProblem)
        for resource in extract([item]).resources:
            if list(check_api(resource, context)):
                left.add((resource.api_version, resource.kind))
    assert left <= {("policy/v1beta1", "PodSecurityPolicy"),
                    ("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration")}


def test_notes_and_hand_work_are_reported() -> None:
    context = fix_context(TARGET)
    misc = fix_text((GOLDEN / "misc.in.yaml").read_text(), "misc", context)
    notes = " ".join(note for change in misc.changes for note in change.notes)
    assert "selects EVERY pod" in notes
    assert any("Pod Security Admission" in p.message for p in misc.problems)
    hooks = fix_text((GOLDEN / "webhooks.in.yaml").read_text(), "webhooks", context)
    assert any("sideEffects: Some" in p.message and p.blocking for p in hooks.problems)
