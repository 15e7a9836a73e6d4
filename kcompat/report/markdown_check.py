"""`-o markdown`: a summary table and findings grouped by file, for $GITHUB_STEP_SUMMARY and PR comments."""

from __future__ import annotations

from itertools import groupby
from typing import TextIO

from kcompat.core.escape import md_code, md_text
from kcompat.core.model import Finding
from kcompat.core.result import CheckResult
from kcompat.report.github import object_label
from kcompat.report.summary import Summary

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
        notes.append(f"breaks at {finding.hop}")
    if finding.origin.template:
        notes.append(f"template {code(finding.origin.template)}")
    return "; ".join(notes)


def write_markdown(result: CheckResult, stream: TextIO) -> None:
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
    if not shown:
        out += ["No findings.", ""]
    for path, group in groupby(shown, key=lambda f: f.origin.path):
        items = list(group)
        out += [f"### {code(path)}", "", "| line | severity | rule | object | message | notes |",
                "|---:|---|---|---|---|---|"]
        for finding in items:
            label = object_label(finding.obj)
            out.append(f"| {_position(finding)} | {ICONS[finding.severity.label]} | {code(finding.rule)} "
                       f"| {cell(label)} | {cell(finding.message)} | {_notes(finding)} |")
        out.append("")
    if result.input_errors:
        out += ["### Inputs not read", ""]
        out += [f"- {code(error.path)}: {cell(error.reason)}" for error in result.input_errors]
        out.append("")
    stream.write("\n".join(out))
