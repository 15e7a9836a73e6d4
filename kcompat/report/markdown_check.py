"""`-o markdown`: a summary for $GITHUB_STEP_SUMMARY and pull-request comments.

GitHub refuses a comment over 65,536 characters, so the output always fits LIMIT (65,000): the
counts per rule and per file, then errors, warnings and info (in that order) grouped by file
until the budget is spent, then "and M more" naming where the complete list is (the other
outputs of the same run, `-o text=FILE`, or an artifact).
"""

from __future__ import annotations

from itertools import groupby
from typing import TextIO

from kcompat.core.escape import md_code, md_text
from kcompat.core.model import Finding
from kcompat.core.result import CheckResult
from kcompat.report.github import object_label
from kcompat.report.summary import Summary, hop_phrase

ICONS = {"error": "🔴 error", "warning": "🟡 warning", "info": "🔵 info"}


def cell(text: str) -> str:
    """Text safe inside a table cell: pipes escaped, newlines as <br>, markup characters escaped."""
    return md_text(text)


def code(text: str) -> str:
    """An inline code span that survives backticks and pipes in the text (for table cells)."""
    return md_code(text)


def _position(finding: Finding) -> str:
    origin = finding.origin
    if origin.line is None:
        return "-"
    return f"{origin.line}:{origin.column}" if origin.column is not None else str(origin.line)


def _notes(finding: Finding) -> str:
    notes = []
    if finding.replacement:
        notes.append(f"use {code(finding.replacement)}")
    if finding.hop:
        notes.append(hop_phrase(finding))
    if finding.origin.template:
        notes.append(f"template {code(finding.origin.template)}")
    return "; ".join(notes)


LIMIT = 65_000
"""Characters a pull-request comment may hold, with a margin under GitHub's 65,536."""
FILES_SHOWN = 20
MESSAGE_CHARS = 600
"""A message longer than this is cut (the full text is in the other outputs)."""
_RESERVE = 3_000
"""Kept free for the closing lines and the inputs-not-read section."""


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def write_markdown(result: CheckResult, stream: TextIO, full_report: str | None = None,
                   limit: int = LIMIT) -> None:
    """The summary, at most `limit` characters; full_report names where every finding is."""
    summary = Summary.of(result)
    context = result
    versions = f"{context.current} → {context.target}" if context.current else f"target {context.target}"
    out = [f"## kcompat: {versions}", ""]
    out += ["| errors | warnings | info | suppressed | files | documents | objects |",
            "|---:|---:|---:|---:|---:|---:|---:|",
            f"| {summary.errors} | {summary.warnings} | {summary.info} | {summary.suppressed} "
            f"| {result.files} | {result.documents} | {result.objects} |", ""]
    if summary.by_rule:
        out += ["| rule | findings |", "|---|---:|"]
        out += [f"| {code(rule)} | {count} |" for rule, count in summary.by_rule.items()]
        out.append("")
    shown = [f for f in result.findings if not f.suppressed]
    by_file: dict[str, list[Finding]] = {}
    for finding in shown:
        by_file.setdefault(finding.origin.path, []).append(finding)
    if len(by_file) > 1:
        ranked = sorted(by_file.items(), key=lambda item: (-len(item[1]), item[0]))
        out += ["| file | errors | warnings | info |", "|---|---:|---:|---:|"]
        for path, items in ranked[:FILES_SHOWN]:
            counts = [sum(1 for f in items if f.severity.label == label) for label in ("error", "warning", "info")]
            out.append(f"| {code(_cut(path, 300))} | " + " | ".join(map(str, counts)) + " |")
        if len(ranked) > FILES_SHOWN:
            out.append(f"| *and {len(ranked) - FILES_SHOWN} more files* | | | |")
        out.append("")
    if not shown:
        out += ["No findings.", ""]
    ordered = sorted(shown, key=lambda f: (-f.severity, f.sort_key()))
    used = sum(len(line) + 1 for line in out)
    written = 0
    full = False
    for (severity, path), group in groupby(ordered, key=lambda f: (f.severity, f.origin.path)):
        head = [f"### {code(_cut(path, 300))}: {severity.label}s", "",
                "| line | severity | rule | object | message | notes |", "|---:|---|---|---|---|---|"]
        rows: list[str] = []
        for finding in group:
            label = _cut(object_label(finding.obj), 300)
            row = (f"| {_position(finding)} | {ICONS[finding.severity.label]} | {code(finding.rule)} "
                   f"| {cell(label)} | {cell(_cut(finding.message, MESSAGE_CHARS))} | {_notes(finding)} |")
            cost = len(row) + 1 + (0 if rows else sum(len(line) + 1 for line in head) + 1)
            if used + cost > limit - _RESERVE:
                full = True
                break
            rows.append(row)
            used += cost
        if rows:
            out += head + rows + [""]
            written += len(rows)
        if full:
            break
    if written < len(ordered):
        where = (f"in {code(full_report)}" if full_report
                 else "in the complete output: add `-o text=kcompat.txt` (or `--output-file`) "
                 "and keep it as an artifact")
        out += [f"**…and {len(ordered) - written} more findings** (of {len(ordered)}) {where}.", ""]
    if result.input_errors:
        out += ["### Inputs not read", ""]
        out += [f"- {code(_cut(error.path, 300))}: {cell(_cut(error.reason, 300))}"
                for error in result.input_errors[:10]]
        if len(result.input_errors) > 10:
            out.append(f"- *and {len(result.input_errors) - 10} more*")
        out.append("")
    stream.write("\n".join(out))
