"""`-o sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

See docs/output-formats.md. The tests validate every log against the OASIS schema in
fixtures/sarif/. GitHub's extra demands are met: every result has a physicalLocation with a
region, URIs are relative to %SRCROOT% (the directory kcompat ran in, the repository root in
a workflow), and every ruleId is declared in tool.driver.rules (all known rules are declared,
so code scanning can close an alert whose rule ran and found nothing).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from kcompat import __version__
from kcompat.core.model import Finding, Severity
from kcompat.core.result import CheckResult
from kcompat.core.rules import RULES
from kcompat.report.github import STDIN_NAME, full_message, repo_path

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/kcompat/kcompat"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "kcompatIdentity/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SUPPRESS_HINT = ("Suppress it for one document with a `# kcompat: ignore={rule}` comment, or everywhere "
                 "with `--ignore {rule}`.")

def _rule_ids(result: CheckResult, command: str) -> list[str]:
    return sorted({rule.id for rule in RULES.values() if rule.command == command} | {f.rule for f in result.findings})


def _rule(rule: str, result: CheckResult) -> dict[str, Any]:
    declared = RULES[rule]
    severity, short, full = declared.severity, declared.summary, declared.description
    hint = SUPPRESS_HINT.format(rule=rule)
    return {
        "id": rule,
        "name": "".join(part.capitalize() for part in rule.split("-")),
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "helpUri": declared.anchor,
        "help": {
            "text": f"{full}\n\n{hint.replace('`', '')}",
            "markdown": f"**{short}** (`{rule}`)\n\n{full}\n\n{hint}",
        },
        "defaultConfiguration": {"level": LEVELS[severity]},
        "properties": {"tags": ["kubernetes"]},
    }


def artifact_location(path: str) -> dict[str, str]:
    shown = repo_path(path)
    if shown == STDIN_NAME or not os.path.isabs(shown):
        return {"uri": quote(shown, safe="/"), "uriBaseId": SRCROOT}
    return {"uri": Path(shown).as_uri()}  # outside the working directory: absolute


def _identity(finding: Finding, uri: str) -> list[str]:
    """What stays the same when lines move: rule, file, object (or document and message)."""
    ref = finding.obj
    if ref is not None and ref.name:
        return [finding.rule, uri, ref.api_version, ref.kind, ref.namespace or "", ref.name]
    return [finding.rule, uri, str(finding.origin.document), finding.message]


def _suppression(finding: Finding) -> dict[str, str]:
    if finding.details.get("suppressedBy") == "comment":
        return {"kind": "inSource", "status": "accepted",
                "justification": f"# kcompat: ignore comment in the document ({finding.rule})"}
    return {"kind": "external", "status": "accepted", "justification": f"--ignore {finding.rule}"}


def _result(finding: Finding, rule_index: int, seen: dict[str, int]) -> dict[str, Any]:
    origin = finding.origin
    location = artifact_location(origin.path)
    region: dict[str, int] = {"startLine": origin.line or 1}
    if origin.line is not None and origin.column is not None:
        region["startColumn"] = origin.column
    identity = "\0".join(_identity(finding, location["uri"]))
    seen[identity] = seen.get(identity, 0) + 1
    if seen[identity] > 1:
        identity += f"\0{seen[identity]}"
    properties: dict[str, Any] = {"document": origin.document}
    if origin.template:
        properties["template"] = origin.template
    if finding.obj is not None:
        properties.update(apiVersion=finding.obj.api_version, kind=finding.obj.kind,
                          name=finding.obj.name, namespace=finding.obj.namespace)
    if finding.replacement:
        properties["replacement"] = finding.replacement
    if finding.hop:
        properties["hop"] = str(finding.hop)
    if finding.details:
        properties["details"] = finding.details
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": full_message(finding)},
        "locations": [{"physicalLocation": {"artifactLocation": location, "region": region}}],
        "partialFingerprints": {FINGERPRINT_KEY: hashlib.sha256(identity.encode()).hexdigest()},
        "properties": properties,
    }
    if finding.suppressed:
        result["suppressions"] = [_suppression(finding)]
    return result


def result_to_sarif(result: CheckResult, command: str = "check") -> dict[str, Any]:
    """The SARIF log of a result; every rule of `command` is declared (`kcompat diff` passes "diff")."""
    rule_ids = _rule_ids(result, command)
    index = {rule: i for i, rule in enumerate(rule_ids)}
    seen: dict[str, int] = {}
    context = result
    notifications = [
        {"level": "error", "message": {"text": f"{error.path}: {error.reason}"},
         "locations": [{"physicalLocation": {"artifactLocation": artifact_location(error.path)}}]}
        for error in result.input_errors
    ]
    invocation: dict[str, Any] = {"executionSuccessful": not result.input_errors}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "kcompat",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(rule, result) for rule in rule_ids],
            }},
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "results": [_result(f, index[f.rule], seen) for f in result.findings],
            "properties": {
                "targetVersion": str(context.target),
                "currentVersion": str(context.current) if context.current else None,
                "files": result.files, "documents": result.documents, "objects": result.objects,
            },
        }],
    }


def write_sarif(result: CheckResult, stream: TextIO) -> None:
    json.dump(result_to_sarif(result), stream, indent=2)
    stream.write("\n")
