"""`-o csv`: one row per finding (suppressed ones too, flagged), RFC 4180 quoting, CRLF rows."""

from __future__ import annotations

import csv
from typing import TextIO

from kcompat.core.escape import csv_cell
from kcompat.core.result import CheckResult

COLUMNS = ("path", "line", "column", "document", "severity", "rule", "apiVersion", "kind", "namespace",
           "name", "message", "replacement", "hop", "template", "suppressed")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return csv_cell(str(value))  # a cell never starts a spreadsheet formula


def write_csv(result: CheckResult, stream: TextIO) -> None:
    writer = csv.writer(stream, dialect="excel", lineterminator="\r\n")  # RFC 4180: minimal quoting, CRLF
    writer.writerow(COLUMNS)
    for finding in result.findings:
        origin, ref = finding.origin, finding.obj
        writer.writerow([_text(value) for value in (
            origin.path, origin.line, origin.column, origin.document, finding.severity.label, finding.rule,
            ref.api_version if ref else None, ref.kind if ref else None, ref.namespace if ref else None,
            ref.name if ref else None, finding.message, finding.replacement, finding.hop, origin.template,
            finding.suppressed)])
