"""`kcompat rules`: every rule kcompat can report, from the rule registry (kcompat/core/rules.py)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kcompat.commands.common import EXIT_OK
from kcompat.commands.options import add_output


def add_parser(commands: Any) -> None:
    rules = commands.add_parser("rules", help="list the rules kcompat reports, with their default severity")
    add_output(rules, ("text", "json", "markdown"), "text")


def run(args: argparse.Namespace) -> int:
    from kcompat.core.rules import RULES

    declared = [RULES[rule_id] for rule_id in sorted(RULES)]
    if args.output == "json":
        data = {"rules": [{"id": r.id, "severity": r.severity.label, "summary": r.summary,
                           "description": r.description, "command": r.command, "fixable": r.fixable,
                           "documentation": r.anchor} for r in declared]}
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    elif args.output == "markdown":
        sys.stdout.write(rules_table(declared))
    else:
        width = max(len(r.id) for r in declared)
        for r in declared:
            fix = " (fixable)" if r.fixable else ""
            sys.stdout.write(f"{r.id:<{width}}  {r.severity.label:<7}  {r.command:<5}  {r.summary}{fix}\n")
    return EXIT_OK


def rules_table(declared: list[Any]) -> str:
    """The README's rule table: one row per rule, each with the anchor SARIF's helpUri points at."""
    lines = ["| rule | severity | command | fixable | what it means |", "|---|---|---|---|---|"]
    for r in declared:
        lines.append(f'| <a id="rule-{r.id}"></a>`{r.id}` | {r.severity.label} | {r.command} | '
                     f'{"yes" if r.fixable else "no"} | {r.description} |')
    return "\n".join(lines) + "\n"
