"""Human-readable output: findings grouped by file, `path:line:col` first, then a summary.

Plain text is written directly (fast, and what pre-commit and CI logs get); rich is imported
only to colour the same lines on a terminal.
"""

from __future__ import annotations

import os
import sys
from itertools import groupby
from typing import TextIO

from kcompat.core.model import Finding, Severity
from kcompat.core.result import CheckResult
from kcompat.report.summary import Summary, plural

_STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def use_colour(stream: TextIO, mode: str) -> bool:
    if mode == "never":
        return False
    if mode == "always":
        return True
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return stream.isatty()


def _subject(finding: Finding) -> str:
    if finding.obj is None:
        return ""
    ref = finding.obj
    name = ref.name or "(unnamed)"
    if ref.namespace:
        name = f"{ref.namespace}/{name}"
    return f"{ref.kind} {name}: "


def _extras(finding: Finding) -> str:
    parts = []
    if finding.hop:
        parts.append(f"breaks at hop {finding.hop}")
    if finding.details.get("fixable"):
        parts.append("fixable with kcompat fix")
    if finding.origin.template:
        parts.append(f"template {finding.origin.template}")
    if finding.origin.document is not None and finding.origin.document > 0:
        parts.append(f"document {finding.origin.document + 1}")
    return "; ".join(parts)


def lines(result: CheckResult) -> list[tuple[str, str]]:
    """(text, style) pairs, one per output line; style is "" for plain lines."""
    out: list[tuple[str, str]] = []
    shown = [f for f in result.findings if not f.suppressed]
    for path, group in groupby(shown, key=lambda f: f.origin.path):
        out.append((path, "bold"))
        for finding in group:
            head = f"  {finding.origin.location()}: {finding.severity.label} {finding.rule}: "
            out.append((head + _subject(finding) + finding.message, _STYLES[finding.severity]))
            extras = _extras(finding)
            if extras:
                out.append((f"      {extras}", "dim"))
        out.append(("", ""))
    out.append((summary_line(result), "bold"))
    return out


def summary_line(result: CheckResult) -> str:
    summary = Summary.of(result)
    counts = ", ".join([plural(summary.errors, "error"), plural(summary.warnings, "warning"),
                        f"{summary.info} info"])
    if summary.suppressed:
        counts += f" ({summary.suppressed} suppressed)"
    scope = (f"{plural(result.files, 'file')}, {plural(result.documents, 'document')}, "
             f"{plural(result.objects, 'object')}")
    extra = []
    if result.custom_resources:
        extra.append(plural(result.custom_resources, "custom resource") + " left to CRD checks")
    if result.config_files:
        extra.append(plural(result.config_files, "configuration file") + " (not API objects)")
    if result.not_objects:
        extra.append(plural(result.not_objects, "document") + " without apiVersion/kind skipped")
    if result.input_errors:
        extra.append(plural(len(result.input_errors), "input") + " not readable")
    versions = f"target {result.target}"
    if result.current is not None:
        versions = f"{result.current} -> {result.target}"
    text = f"{counts} in {scope} ({versions})"
    if extra:
        text += "; " + "; ".join(extra)
    return text


def write_text(result: CheckResult, stream: TextIO | None = None, colour: str = "auto") -> None:
    stream = stream or sys.stdout
    rendered = lines(result)
    if not use_colour(stream, colour):
        stream.write("".join(text + "\n" for text, _style in rendered))
        return
    from rich.console import Console  # only paid for on a colour terminal
    from rich.text import Text

    console = Console(file=stream, highlight=False, soft_wrap=True, force_terminal=True)
    for text, style in rendered:
        console.print(Text(text, style=style))
