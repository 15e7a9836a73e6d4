"""Output of `kcompat diff`: text, json, sarif and markdown, shaped like `kcompat check`'s.

Findings are the same Finding values and serialise as in `check -o json` (finding_to_json);
SARIF reuses the check writer and declares the diff rules (kcompat.checks.crd_diff.RULES).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any, TextIO

from kcompat import __version__
from kcompat.core.errors import InputError
from kcompat.core.model import Finding, Severity
from kcompat.report.summary import plural
from kcompat.sources.resources import Resource

FORMAT_VERSION = 1
CR_RULES = frozenset({"crd-version-unserved", "crd-resource-orphaned", "crd-resource-breaks",
                      "crd-resource-affected"})
"""Findings about custom resources in PATH (the others are about the CRDs)."""


@dataclass
class DiffResult:
    old: str
    new: str
    paths: list[str]
    findings: list[Finding] = field(default_factory=list)
    input_errors: list[InputError] = field(default_factory=list)
    files: int = 0
    old_crds: int = 0
    new_crds: int = 0
    custom_resources: int = 0
    read: list[Resource] = field(default_factory=list)
    """Every object read (CRDs and custom resources), for `# kcompat: ignore` comments."""

    def active(self) -> list[Finding]:
        return [f for f in self.findings if not f.suppressed]

    def counts(self) -> Counter[Severity]:
        return Counter(f.severity for f in self.active())

    def verdict(self) -> str:
        counts = self.counts()
        if counts[Severity.ERROR]:
            return "NOT SAFE: breaking changes"
        if counts[Severity.WARNING]:
            return "safe with warnings: check them"
        return "safe"


def suppress(finding: Finding, ignore: frozenset[str], by_comment: bool = False) -> Finding:
    """Mark a finding suppressed by --ignore ("flag") or a `# kcompat: ignore` comment in its document."""
    if finding.rule in ignore or by_comment:
        details = {**finding.details, "suppressedBy": "comment" if by_comment else "flag"}
        return finding._replace(suppressed=True, details=details)
    return finding


def write_diff(result: DiffResult, output: str, stream: TextIO, colour: str = "auto") -> None:
    if output == "json":
        json.dump(diff_to_json(result), stream, indent=2)
        stream.write("\n")
    elif output == "sarif":
        json.dump(diff_to_sarif(result), stream, indent=2)
        stream.write("\n")
    elif output == "markdown":
        stream.write(diff_to_markdown(result))
    else:
        _write_text(result, stream, colour)


# --------------------------------------------------------------------------- text


def _subject(finding: Finding) -> str:
    ref = finding.obj
    if ref is None or ref.kind == "CustomResourceDefinition":
        return ""  # the message names the CRD
    name = f"{ref.namespace}/{ref.name}" if ref.namespace else (ref.name or "(unnamed)")
    return f"{ref.api_version} {ref.kind} {name}: "


def summary_line(result: DiffResult) -> str:
    counts = result.counts()
    suppressed = len(result.findings) - len(result.active())
    text = (f"{plural(counts[Severity.ERROR], 'error')}, {plural(counts[Severity.WARNING], 'warning')}, "
            f"{counts[Severity.INFO]} info")
    if suppressed:
        text += f" ({suppressed} suppressed)"
    text += (f": {plural(result.old_crds, 'CRD')} in OLD, {result.new_crds} in NEW, "
             f"{plural(result.custom_resources, 'custom resource')} checked; {result.verdict()}")
    if result.input_errors:
        text += f"; {plural(len(result.input_errors), 'input')} not readable"
    return text


def text_lines(result: DiffResult) -> list[tuple[str, str]]:
    styles = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
    out: list[tuple[str, str]] = []
    for path, group in groupby(result.active(), key=lambda f: f.origin.path):
        out.append((path, "bold"))
        for finding in group:
            head = f"  {finding.origin.location()}: {finding.severity.label} {finding.rule}: "
            out.append((head + _subject(finding) + finding.message, styles[finding.severity]))
            if finding.replacement:
                out.append((f"      use {finding.replacement}", "dim"))
        out.append(("", ""))
    out.append((summary_line(result), "bold"))
    return out


def _write_text(result: DiffResult, stream: TextIO, colour: str) -> None:
    from kcompat.core.escape import safe_text
    from kcompat.report.text import use_colour

    rendered = [(safe_text(text), style) for text, style in text_lines(result)]  # each is one line
    if not use_colour(stream, colour):
        stream.write("".join(text + "\n" for text, _style in rendered))
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(file=stream, highlight=False, soft_wrap=True, force_terminal=True)
    for text, style in rendered:
        console.print(Text(text, style=style))


# --------------------------------------------------------------------------- json


def diff_to_json(result: DiffResult) -> dict[str, Any]:
    from kcompat.report.json_report import finding_to_json

    counts = result.counts()
    active = result.active()
    return {
        "format": FORMAT_VERSION,
        "tool": {"name": "kcompat", "version": __version__},
        "command": "diff",
        "old": result.old,
        "new": result.new,
        "paths": result.paths,
        "safe": not counts[Severity.ERROR],
        "findings": [finding_to_json(f) for f in result.findings],
        "inputErrors": [{"path": e.path, "reason": e.reason} for e in result.input_errors],
        "summary": {
            "files": result.files,
            "oldCrds": result.old_crds,
            "newCrds": result.new_crds,
            "customResources": result.custom_resources,
            "errors": counts[Severity.ERROR],
            "warnings": counts[Severity.WARNING],
            "info": counts[Severity.INFO],
            "suppressed": len(result.findings) - len(active),
            "byRule": dict(sorted(Counter(f.rule for f in active).items())),
        },
    }


# --------------------------------------------------------------------------- sarif


def diff_to_sarif(result: DiffResult) -> dict[str, Any]:
    """The check SARIF writer's log, declaring the rules of `kcompat diff` from the rule registry."""
    from kcompat.catalog.lifecycle import load_catalog
    from kcompat.core.result import CheckResult
    from kcompat.report.sarif import result_to_sarif

    check = CheckResult(load_catalog().newest, None, list(result.findings), list(result.input_errors),
                        files=result.files)
    log = result_to_sarif(check, command="diff")
    run = log["runs"][0]
    run["properties"] = {"command": "diff", "old": result.old, "new": result.new, "files": result.files,
                         "oldCrds": result.old_crds, "newCrds": result.new_crds,
                         "customResources": result.custom_resources}
    return log


# --------------------------------------------------------------------------- markdown


def diff_to_markdown(result: DiffResult) -> str:
    from kcompat.report.markdown_check import ICONS, cell, code

    counts = result.counts()
    active = result.active()
    out = [f"## kcompat diff: {code(result.old)} → {code(result.new)}", "", f"**{result.verdict()}**", "",
           "| errors | warnings | info | suppressed | CRDs in OLD | CRDs in NEW | custom resources |",
           "|---:|---:|---:|---:|---:|---:|---:|",
           f"| {counts[Severity.ERROR]} | {counts[Severity.WARNING]} | {counts[Severity.INFO]} "
           f"| {len(result.findings) - len(active)} | {result.old_crds} | {result.new_crds} "
           f"| {result.custom_resources} |", ""]
    by_rule = Counter(f.rule for f in active)
    if by_rule:
        out += ["| rule | findings |", "|---|---:|", *(f"| {code(r)} | {n} |" for r, n in sorted(by_rule.items())),
                ""]
    sections = [
        ("CRD changes", [f for f in active if f.rule not in CR_RULES and f.rule != "crd-version-conversion"]),
        ("Custom resources that break", [f for f in active if f.rule in CR_RULES]),
        ("Converting between versions of one CRD", [f for f in active if f.rule == "crd-version-conversion"]),
    ]
    for title, items in sections:
        if not items:
            continue
        out += [f"### {title}", "", "| location | severity | rule | subject | message |", "|---|---|---|---|---|"]
        for f in items:
            subject = f.details.get("crd", "") if f.obj is None or f.obj.kind == "CustomResourceDefinition" \
                else f"{f.obj.kind} {f.obj.name or '(unnamed)'}"
            out.append(f"| {code(f.origin.location())} | {ICONS[f.severity.label]} | {code(f.rule)} "
                       f"| {cell(str(subject))} | {cell(f.message)} |")
        out.append("")
    if not active:
        out += ["No findings.", ""]
    if result.input_errors:
        out += ["### Inputs not read", "", *(f"- {code(e.path)}: {cell(e.reason)}" for e in result.input_errors), ""]
    return "\n".join(out)
