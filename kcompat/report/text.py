"""Human-readable output: findings grouped by file, `path:line:col` first, then a summary.

Errors and warnings are listed one per line. Info findings (a custom resource without its CRD, a
CEL rule not evaluated, a skipped file...) repeat by the hundred on a real repository and ask for
no action, so by default they are grouped into one line per rule with a count and the first few
places; `--show-info` (`-v`) lists every one.

Plain text is written directly (fast, and what pre-commit and CI logs get); rich is imported
only to colour the same lines on a terminal.
"""

from __future__ import annotations

import os
import sys
from itertools import groupby

from kcompat.core.escape import safe_text
from kcompat.core.model import Finding, Severity
from kcompat.core.result import CheckResult
from kcompat.report.summary import Summary, hop_phrase, plural

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import TextIO

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
        parts.append(hop_phrase(finding))
    if finding.details.get("fixable"):
        parts.append("fixable with kcompat fix")
    if finding.origin.template:
        parts.append(f"template {finding.origin.template}")
    if finding.origin.document is not None and finding.origin.document > 0:
        parts.append(f"document {finding.origin.document + 1}")
    return "; ".join(parts)


ACTIONS = {
    "no-schema": "give their CRDs with --crd PATH to validate them",
    "cel-skipped": "decided by the API server on apply; nothing to change in the file",
    "helm-capabilities-probe": "make sure the probed API exists at the target",
}
"""What to do about a grouped info rule, said on its line."""
PLACES_SHOWN = 3
"""How many places a grouped info line names before "and N more"."""


def lines(result: CheckResult, show_info: bool = False) -> list[tuple[str, str]]:
    """(text, style) pairs, one per output line; style is "" for plain lines."""
    out: list[tuple[str, str]] = []
    shown = [f for f in result.findings if not f.suppressed]
    grouped = [] if show_info else [f for f in shown if f.severity is Severity.INFO]
    if grouped:
        shown = [f for f in shown if f.severity is not Severity.INFO]
    for path, group in groupby(shown, key=lambda f: f.origin.path):
        out.append((path, "bold"))
        for finding in group:
            head = f"  {finding.origin.location()}: {finding.severity.label} {finding.rule}: "
            out.append((head + _subject(finding) + finding.message, _STYLES[finding.severity]))
            extras = _extras(finding)
            if extras:
                out.append((f"      {extras}", "dim"))
        out.append(("", ""))
    if grouped:
        out += info_groups(grouped)
        out.append(("", ""))
    out.append((summary_line(result), "bold"))
    return out


def info_groups(findings: list[Finding]) -> list[tuple[str, str]]:
    """One line per info rule: its count, what it means, the first places, and how to see them all."""
    from kcompat.core.rules import RULES

    by_rule: dict[str, list[Finding]] = {}
    for finding in findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    out: list[tuple[str, str]] = []
    for rule, group in sorted(by_rule.items(), key=lambda item: (-len(item[1]), item[0])):
        known = RULES.get(rule)
        what = f" ({known.summary})" if known else ""
        places = ", ".join(_place(f) for f in group[:PLACES_SHOWN])
        more = len(group) - PLACES_SHOWN
        if more > 0:
            places += f" and {more} more"
        action = f"; {ACTIONS[rule]}" if rule in ACTIONS else ""
        out.append((f"info {rule}: {plural(len(group), 'finding')}{what}{action}: {places}",
                    _STYLES[Severity.INFO]))
    out.append(("  (info findings grouped by rule; --show-info lists each one)", "dim"))
    return out


def _place(finding: Finding) -> str:
    subject = ""
    if finding.obj is not None:
        subject = f" ({finding.obj.kind} {finding.obj.name or '(unnamed)'})"
    return finding.origin.location() + subject


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


def write_text(result: CheckResult, stream: TextIO | None = None, colour: str = "auto",
               show_info: bool = False) -> None:
    stream = stream or sys.stdout
    # every line escaped as a whole: kcompat's lines are single lines without controls, so only
    # input (names, paths, messages quoting values) can bring a control or a workflow command
    rendered = [(safe_text(text), style) for text, style in lines(result, show_info)]
    if not use_colour(stream, colour):
        stream.write("".join(text + "\n" for text, _style in rendered))
        return
    from rich.console import Console  # only paid for on a colour terminal
    from rich.text import Text

    console = Console(file=stream, highlight=False, soft_wrap=True, force_terminal=True)
    for text, style in rendered:
        console.print(Text(text, style=style))
