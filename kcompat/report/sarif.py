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
from kcompat.engine.pipeline import CheckResult
from kcompat.report.github import STDIN_NAME, full_message, repo_path

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/kcompat/kcompat"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "kcompatIdentity/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
SUPPRESS_HINT = ("Suppress it for one document with a `# kcompat: ignore={rule}` comment, or everywhere "
                 "with `--ignore {rule}`.")

# rule -> (default severity, short description, full description)
RULES: dict[str, tuple[Severity, str, str]] = {
    "removed-api": (Severity.ERROR, "API removed at the target Kubernetes version",
                    "The group/version/kind is not served by a default cluster of the target version but was "
                    "served earlier. Migrate the manifest to the named replacement before upgrading."),
    "deprecated-api": (Severity.WARNING, "API deprecated at the target Kubernetes version",
                       "The group/version/kind is still served at the target but deprecated at or before it; "
                       "the message names the release that removes it and the replacement."),
    "not-yet-served": (Severity.ERROR, "API not served yet at the target Kubernetes version",
                       "The group/version/kind was introduced after the target version; the message names the "
                       "version to use instead."),
    "unknown-api": (Severity.ERROR, "Kind or version that no Kubernetes release served",
                    "A built-in API group with a kind or version that no bundled Kubernetes release ever "
                    "served, usually a typo."),
    "invalid-object": (Severity.ERROR, "Malformed Kubernetes object",
                       "apiVersion/kind are present but not strings, or metadata is not a mapping."),
    "parse-error": (Severity.ERROR, "Document is not valid YAML or JSON",
                    "A document could not be parsed or exceeds one of kcompat's input limits; the other "
                    "documents and files are still checked."),
    "skipped-file": (Severity.ERROR, "File could not be checked",
                     "The file is binary, not UTF-8/UTF-16/UTF-32, or too large. It is reported, never "
                     "counted as clean."),
    "schema": (Severity.ERROR, "Object does not match its kind's schema",
               "A field of a built-in object has the wrong type or value, or a required field is missing, "
               "for the schema of the target version."),
    "unknown-field": (Severity.WARNING, "Field unknown to the kind's schema",
                      "The API server drops unknown fields (with a warning); the field is probably misspelt "
                      "or misplaced."),
    "removed-field": (Severity.WARNING, "Field removed from the kind's schema",
                      "The field existed in an older version's schema but not in the target's."),
    "duplicate-key": (Severity.WARNING, "Mapping key given twice",
                      "A mapping repeats a key; only the last value is kept."),
    "schema-unavailable": (Severity.ERROR, "No schema to validate against",
                           "kcompat has no schema for this kind at the schema version."),
    "crd-version-unserved": (Severity.ERROR, "Custom resource version not served by its CRD",
                             "The CustomResourceDefinition does not serve this version."),
    "crd-version-deprecated": (Severity.WARNING, "Custom resource version deprecated by its CRD",
                               "The CustomResourceDefinition marks this version deprecated."),
    "no-schema": (Severity.INFO, "No CRD schema for a custom resource",
                  "No CustomResourceDefinition schema is known for this custom resource, so it was not "
                  "validated."),
    "crd-invalid": (Severity.ERROR, "Invalid CustomResourceDefinition",
                    "The CustomResourceDefinition itself is malformed."),
    "internal-error": (Severity.ERROR, "kcompat failed on this input",
                       "A bug in kcompat stopped it from checking this object or file completely; it is "
                       "reported (and fails the run) rather than counted as clean. Please report it."),
    "off-by-default-api": (Severity.WARNING, "API not enabled in default clusters",
                           "An alpha (or off-by-default beta) API that the target serves only when enabled with "
                           "--runtime-config; a default cluster rejects the manifest."),
    "rollout-risk": (Severity.WARNING, "Rolling out this provider would break its clients",
                     "A workload or Service that other workloads depend on is set up so that an update can take "
                     "it away from them (Recreate, one replica, no readiness probe, no PodDisruptionBudget, ...)."),
    "helm-capabilities-probe": (Severity.INFO, "Chart probes a bare group/version in .Capabilities",
                                "Helm adds its own built-in group/versions to .Capabilities.APIVersions, so a "
                                "bare group/version probe may answer differently from the target cluster."),
}


def _rule_ids(result: CheckResult) -> list[str]:
    return sorted(set(RULES) | {f.rule for f in result.findings})


def _rule(rule: str, result: CheckResult) -> dict[str, Any]:
    fired = next((f.severity for f in result.findings if f.rule == rule), Severity.ERROR)
    severity, short, full = RULES.get(rule, (fired, f"kcompat rule {rule}", f"kcompat rule {rule}."))
    hint = SUPPRESS_HINT.format(rule=rule)
    return {
        "id": rule,
        "name": "".join(part.capitalize() for part in rule.split("-")),
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "helpUri": f"{INFORMATION_URI}#rules",
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
        properties["hop"] = finding.hop
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


def result_to_sarif(result: CheckResult) -> dict[str, Any]:
    rule_ids = _rule_ids(result)
    index = {rule: i for i, rule in enumerate(rule_ids)}
    seen: dict[str, int] = {}
    context = result.context
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
