"""`-o table`: one row per finding, as `pluto -o wide` lays it out: where, what, which API version,
when it was deprecated and removed, and what replaces it; columns padded to line up in a log.

    FILE              KIND/NAME                     APIVERSION      DEPRECATED IN  REMOVED IN  REPLACEMENT  RULE
    deploy/pdb.yaml:1 PodDisruptionBudget shop/web  policy/v1beta1  1.21           1.25        policy/v1    removed-api

Findings not about an API's lifecycle (schema, CEL, ...) have "-" in the lifecycle columns; the
RULE column says what they are. Suppressed findings are left out, as in the text output.
"""

from __future__ import annotations

from typing import TextIO

from kcompat.core.model import Finding
from kcompat.core.result import CheckResult
from kcompat.report.github import object_label

HEADER = ("FILE", "KIND/NAME", "APIVERSION", "DEPRECATED IN", "REMOVED IN", "REPLACEMENT", "RULE")


def _detail(finding: Finding, key: str) -> str:
    value = finding.details.get(key)
    return str(value) if value not in (None, "", "-") else "-"


def row(finding: Finding) -> tuple[str, ...]:
    ref = finding.obj
    return (finding.origin.location(), object_label(ref) or "-", ref.api_version if ref else "-",
            _detail(finding, "deprecated_in"), _detail(finding, "removed_in"), finding.replacement or "-",
            finding.rule)


def write_table(result: CheckResult, stream: TextIO) -> None:
    rows = [HEADER] + [row(f) for f in result.findings if not f.suppressed]
    rows = [tuple(" ".join(cell.split()) for cell in r) for r in rows]  # a row is one line
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    for r in rows:
        stream.write("  ".join(cell.ljust(width) for cell, width in zip(r, widths, strict=True)).rstrip() + "\n")
    if len(rows) == 1:
        stream.write("no findings\n")
