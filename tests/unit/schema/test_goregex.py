"""CRD `pattern` with Go's regexp semantics (RE2): what compiles, what matches, and in linear time."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from conftest import ROOT
from kcompat.core.model import Origin
from kcompat.schema.crds import parse_crd
from kcompat.schema.goregex import GoRegexError, compile_go
from kcompat.schema.validator import Compiler, SchemaError, run


def string_with(pattern: str) -> Any:
    return Compiler(crd=True).entry({"type": "string", "pattern": pattern}, ())


def crd_with_pattern(pattern: str) -> dict[str, Any]:
    return {
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "alerts.example.com"},
        "spec": {"group": "example.com", "scope": "Namespaced",
                 "names": {"plural": "alerts", "kind": "Alert"},
                 "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
                     "type": "object", "properties": {"spec": {"type": "object", "properties": {
                         "action": {"type": "string", "pattern": pattern}}}}}}}]},
    }


def crd_problems(pattern: str) -> list[str]:
    crd = crd_with_pattern(pattern)
    _parsed, problems = parse_crd(crd, crd["apiVersion"], Origin("crd.yaml"))
    return [problem.message for problem in problems]


# prometheus-operator's CRDs use a flag group after ^, which Python's re rejects.
def test_flag_group_after_anchor_compiles_and_matches_case_insensitively() -> None:
    entry = string_with("^(?i)(abort|warn)?$")
    assert run(entry, "WARN") is None
    assert run(entry, "abort") is None
    assert run(entry, "") is None  # the group is optional: the boundary
    found = run(entry, "skip")
    assert found is not None and found[0].code == "pattern"
    assert crd_problems("^(?i)(abort|warn)?$") == []


@pytest.mark.parametrize("pattern", [
    r"(a)\1",      # backreference
    r"a(?=b)",     # lookahead
    r"(?<!a)b",    # lookbehind
    r"a++",        # possessive quantifier
    r"\Z",         # Python's end of text; Go has only \z
    r"\C",         # RE2-the-library's any byte; Go rejects it
    r"a{1001}",    # Go's repeat limit is 1000
])
def test_patterns_go_rejects_make_the_crd_invalid(pattern: str) -> None:
    with pytest.raises(GoRegexError):
        compile_go(pattern)
    with pytest.raises(SchemaError):
        string_with(pattern)
    messages = crd_problems(pattern)
    assert len(messages) == 1 and "not a valid Go (RE2) regular expression" in messages[0]


@pytest.mark.parametrize("pattern", [r"^a\z", r"\Qa.b\C\E", r"(?P<x>a)", r"(?<x>a)", r"^\pL+$", r"[[:alpha:]]",
                                     r"a{1000}"])
def test_go_syntax_that_python_spells_differently_is_accepted(pattern: str) -> None:
    compile_go(pattern)
    assert crd_problems(pattern) == []


def test_matching_is_unanchored_search_and_unicode_aware() -> None:
    assert run(string_with("b"), "abc") is None  # like Go's MatchString: anywhere in the value
    assert run(string_with(r"^\pL{2}$"), "éü") is None  # two characters, four bytes
    assert run(string_with(r"^a\z"), "a\n") is not None  # \z is the very end, no newline slack
    assert run(string_with("^a$"), "a\n") is not None  # $ without (?m) is the end of the text in Go


def test_nested_quantifier_runs_in_linear_time() -> None:
    """^(a+)+$ against 100,000 a's and a b: exponential for a backtracking engine (Python's re
    would not finish in any reasonable time), instant for RE2. Run in a subprocess with a generous
    timeout so the assertion does not depend on this machine's speed."""
    code = (
        "from kcompat.schema.validator import Compiler, run\n"
        "entry = Compiler(crd=True).entry({'type': 'string', 'pattern': '^(a+)+$'}, ())\n"
        "found = run(entry, 'a' * 100_000 + 'b')\n"
        "assert found is not None and found[0].code == 'pattern'\n"
        "assert run(entry, 'a' * 100_000) is None\n"
        "print('done')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "done"
