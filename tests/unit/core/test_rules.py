"""The rule registry is the one list of rules: the source, SARIF, the README and the CLI agree with it."""

from __future__ import annotations

import json
import re

import pytest

from conftest import CLI, FIXTURES, ROOT
from kcompat.commands.rules import rules_table
from kcompat.core.rules import RULES, UnknownRule, check_ids, closest


def test_every_rule_id_written_in_the_source_is_registered() -> None:
    """A literal rule id passed to Finding(...) or assigned to a RULE-like constant must be declared."""
    literal = re.compile(r'(?:Finding|_finding)\(\s*"([a-z][a-z-]+)"|^[A-Z_]+ = "([a-z]+(?:-[a-z]+)+)"$', re.M)
    unknown = set()
    for path in (ROOT / "kcompat").rglob("*.py"):
        if path.name == "rules.py" and path.parent.name == "core":
            continue
        for match in literal.finditer(path.read_text()):
            rule_id = match.group(1) or match.group(2)
            if match.group(1) and rule_id not in RULES:
                unknown.add(f"{path.name}: {rule_id}")
    assert sorted(unknown) == []


def test_registry_entries_are_complete() -> None:
    for rule in RULES.values():
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.id)
        assert rule.summary and not rule.summary.endswith(".")
        assert rule.description.endswith(".")
        assert rule.command in ("check", "plan", "diff")
        assert rule.anchor.endswith(f"#rule-{rule.id}")


def test_readme_rule_table_is_the_registry() -> None:
    readme = (ROOT / "README.md").read_text()
    table = readme.split("<!-- rules:begin -->\n", 1)[1].split("<!-- rules:end -->", 1)[0]
    assert table == rules_table([RULES[k] for k in sorted(RULES)])


def test_sarif_declares_every_check_rule_with_its_default_level(run_cli: CLI) -> None:
    result = run_cli("check", "-o", "sarif", "-t", "1.29", str(FIXTURES / "demo"))
    driver = json.loads(result.out)["runs"][0]["tool"]["driver"]
    declared = {rule["id"]: rule for rule in driver["rules"]}
    assert set(declared) == {r.id for r in RULES.values() if r.command == "check"}
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for rule_id, rule in declared.items():
        assert rule["defaultConfiguration"]["level"] == levels[RULES[rule_id].severity.label]
        assert rule["helpUri"] == RULES[rule_id].anchor


def test_rules_command_lists_every_rule_as_json(run_cli: CLI) -> None:
    result = run_cli("rules", "-o", "json")
    assert result.code == 0
    listed = json.loads(result.out)["rules"]
    assert [r["id"] for r in listed] == sorted(RULES)
    removed = next(r for r in listed if r["id"] == "removed-api")
    assert removed["severity"] == "error" and removed["fixable"] is True


def test_unknown_ids_are_refused_with_the_closest_ones() -> None:
    assert check_ids(["removed-api"]) == frozenset({"removed-api"})
    with pytest.raises(UnknownRule, match="did you mean removed-api"):
        check_ids(["removed-apis"])
    assert closest("deprecatedapi")[0] == "deprecated-api"
    with pytest.raises(UnknownRule, match="kcompat rules"):
        check_ids(["zzzz"])
