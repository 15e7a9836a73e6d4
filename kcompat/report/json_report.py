"""Machine-readable output, versioned: see docs/output-json.md and check-result.schema.json."""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from kcompat import __version__
from kcompat.core.model import Finding
from kcompat.core.result import CheckResult
from kcompat.report.summary import Summary

FORMAT_VERSION = 1


def finding_to_json(finding: Finding) -> dict[str, Any]:
    ref = finding.obj
    return {
        "rule": finding.rule,
        "severity": finding.severity.label,
        "message": finding.message,
        "path": finding.origin.path,
        "line": finding.origin.line,
        "column": finding.origin.column,
        "document": finding.origin.document,
        "template": finding.origin.template,
        "apiVersion": ref.api_version if ref else None,
        "kind": ref.kind if ref else None,
        "name": ref.name if ref else None,
        "namespace": ref.namespace if ref else None,
        "replacement": finding.replacement,
        "hop": str(finding.hop) if finding.hop else None,
        "suppressed": finding.suppressed,
        "details": finding.details,
    }


def result_to_json(result: CheckResult) -> dict[str, Any]:
    summary = Summary.of(result)
    context = result
    return {
        "format": FORMAT_VERSION,
        "tool": {"name": "kcompat", "version": __version__},
        "targetVersion": str(context.target),
        "currentVersion": str(context.current) if context.current else None,
        "findings": [finding_to_json(f) for f in result.findings],
        "inputErrors": [{"path": e.path, "reason": e.reason} for e in result.input_errors],
        "summary": {
            "files": result.files,
            "documents": result.documents,
            "objects": result.objects,
            "customResources": result.custom_resources,
            "notObjects": result.not_objects,
            "configFiles": result.config_files,
            "errors": summary.errors,
            "warnings": summary.warnings,
            "info": summary.info,
            "suppressed": summary.suppressed,
            "byRule": summary.by_rule,
        },
    }


def write_json(result: CheckResult, stream: TextIO | None = None) -> None:
    stream = stream or sys.stdout
    json.dump(result_to_json(result), stream, indent=2)
    stream.write("\n")
