"""`-o markdown` always fits a pull-request comment (65,000 characters) and stays valid Markdown."""

from __future__ import annotations

import io

from markdown_it import MarkdownIt

from kcompat.core.model import Finding, ObjectRef, Origin, Severity
from kcompat.core.result import CheckResult
from kcompat.core.versions import Hop, KubeVersion
from kcompat.report.markdown_check import LIMIT, write_markdown

SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)
RULES = ("removed-api", "unknown-field", "no-schema")


def many_findings(count: int) -> CheckResult:
    findings = []
    for number in range(count):
        severity = SEVERITIES[number % 3]
        findings.append(Finding(
            RULES[number % 3], severity,
            f"policy/v1beta1 PodDisruptionBudget was removed in 1.25 | with a pipe `tick` <tag> and *stars* {number} "
            + "long text " * 20,
            Origin(f"apps/team-{number % 97}/deploy-{number}.yaml", 0, number % 300 + 1, 1),
            ObjectRef("policy/v1beta1", "PodDisruptionBudget", f"web-{number}", f"ns-{number % 13}"),
            "policy/v1", Hop.into(25) if severity is Severity.ERROR else None))
    findings.sort(key=Finding.sort_key)
    return CheckResult(KubeVersion.of_minor(29), KubeVersion.of_minor(21), findings, files=2000,
                       documents=2000, objects=2000)


def render(result: CheckResult, full_report: str | None = None) -> str:
    stream = io.StringIO()
    write_markdown(result, stream, full_report=full_report)
    return stream.getvalue()


def tables_are_well_formed(text: str) -> int:
    """Every table's rows have its header's number of cells; returns how many body rows there are."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    rows, header_cells, cells, in_head = 0, 0, 0, False
    for token in tokens:
        if token.type == "thead_open":
            in_head, header_cells = True, 0
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "th_open" and in_head:
            header_cells += 1
        elif token.type == "tr_open":
            cells = 0
        elif token.type in ("td_open",):
            cells += 1
        elif token.type == "tr_close" and not in_head:
            assert cells == header_cells
            rows += 1
    return rows


def test_two_thousand_findings_fit_a_comment() -> None:
    result = many_findings(2000)
    text = render(result, "kcompat.txt")
    assert len(text) <= LIMIT
    assert len(text) > LIMIT * 0.8  # the budget is used, not thrown away
    shown = text.count("| 🔴 error |") + text.count("| 🟡 warning |") + text.count("| 🔵 info |")
    assert 0 < shown < 2000
    assert f"**…and {2000 - shown} more findings** (of 2000) in `kcompat.txt`." in text
    assert text.count("| 🔵 info |") == 0  # errors first: 667 of them do not all fit
    body_rows = tables_are_well_formed(text)
    assert body_rows >= shown
    assert "| `removed-api` | 667 |" in text and "| `no-schema` | 666 |" in text  # counts per rule
    assert "*and 1980 more files*" in text  # counts per file: the 20 with most findings


def test_without_a_named_output_it_says_how_to_get_one() -> None:
    text = render(many_findings(2000))
    assert len(text) <= LIMIT
    assert "add `-o text=kcompat.txt`" in text


def test_small_results_are_complete() -> None:
    text = render(many_findings(20))
    assert "more findings" not in text
    assert text.count("| 🔴 error |") + text.count("| 🟡 warning |") + text.count("| 🔵 info |") == 20
    tables_are_well_formed(text)
