"""`-o github`: GitHub Actions workflow commands, one annotation per finding.

    ::error file=deploy/pdb.yaml,line=2,col=1,title=kcompat removed-api::PodDisruptionBudget shop/web: ...

Errors become `::error`, warnings `::warning`, info `::notice`; suppressed findings are not
annotated. Paths are made relative to the working directory (the repository root in a
workflow) so the annotations land on the diff. Also home of the small helpers the other
CI formats share (repository-relative paths, object labels).
"""

from __future__ import annotations

import os
import posixpath
from typing import TextIO

from kcompat.core.escape import github_data, github_property, printable
from kcompat.core.model import Finding, ObjectRef, Severity
from kcompat.core.result import CheckResult
from kcompat.report.summary import hop_phrase

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
STDIN_NAME = "<stdin>"


def repo_path(path: str) -> str:
    """The path with / separators, relative to the working directory when it is inside it."""
    if path == STDIN_NAME:
        return path
    if os.path.isabs(path):
        try:
            relative = os.path.relpath(path, os.getcwd())
        except ValueError:  # another drive on Windows
            return path.replace(os.sep, "/")
        if relative == os.pardir or relative.startswith(os.pardir + os.sep):
            return path.replace(os.sep, "/")
        path = relative
    return posixpath.normpath(path.replace(os.sep, "/"))


def object_label(ref: ObjectRef | None) -> str:
    """`Kind namespace/name` (or `Kind (unnamed)`); "" for findings not about an object."""
    if ref is None:
        return ""
    name = ref.name or "(unnamed)"
    if ref.namespace:
        name = f"{ref.namespace}/{name}"
    return f"{ref.kind} {name}"


def full_message(finding: Finding) -> str:
    """The message prefixed with the object it concerns, as in the text output."""
    label = object_label(finding.obj)
    return f"{label}: {finding.message}" if label else finding.message


escape_data = github_data  # the runner's escaping, kept under the old names
escape_property = github_property


def annotation(finding: Finding) -> str:
    origin = finding.origin
    properties = [("file", printable(repo_path(origin.path)))]
    if origin.line is not None:
        properties.append(("line", str(origin.line)))
        if origin.column is not None:
            properties.append(("col", str(origin.column)))
    properties.append(("title", f"kcompat {finding.rule}"))
    message = printable(full_message(finding))  # input controls shown escaped; the \n below is ours
    extras = []
    if finding.replacement:
        extras.append(f"replacement: {printable(finding.replacement)}")
    if finding.hop:
        extras.append(hop_phrase(finding))
    if origin.template:
        extras.append(f"template {printable(origin.template)}")
    if extras:
        message += "\n" + "; ".join(extras)
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{COMMANDS[finding.severity]} {props}::{escape_data(message)}"


def write_github(result: CheckResult, stream: TextIO) -> None:
    for finding in result.findings:
        if not finding.suppressed:
            stream.write(annotation(finding) + "\n")
    for error in result.input_errors:
        props = (f"file={escape_property(printable(repo_path(error.path)))},"
                 f"title={escape_property('kcompat input error')}")
        stream.write(f"::error {props}::{escape_data(printable(error.reason))}\n")
    from kcompat.report.text import summary_line

    stream.write(summary_line(result) + "\n")
