"""`-o junit`: JUnit XML for Jenkins, GitLab and other CI test reports.

One <testsuite> per checked file. In it, one <testcase> per document and rule that found
something (a <failure> per unsuppressed error or warning, the position in its text; info and
suppressed findings only in <system-out>), and one passing <testcase> for each checked
document without findings. Unreadable inputs are <error>s in a testsuite of their own.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TextIO

from kcompat.core.escape import xml_chars
from kcompat.core.model import Finding, ObjectRef, Severity
from kcompat.core.result import CheckResult
from kcompat.report.github import object_label
from kcompat.report.summary import hop_phrase


def _clean(element: ET.Element) -> None:
    """Replace characters XML 1.0 cannot carry (controls from binary input) with U+FFFD."""
    for node in element.iter():
        for key, value in node.attrib.items():
            node.set(key, xml_chars(value))
        if node.text:
            node.text = xml_chars(node.text)


def _document_name(document: int | None, refs: tuple[ObjectRef, ...] = ()) -> str:
    name = "file" if document is None else f"document {document + 1}"
    labels = [object_label(ref) for ref in refs]
    if labels:
        name += f" ({', '.join(labels)})"
    return name


def _failure_text(finding: Finding) -> str:
    lines = [f"{finding.origin.location()}: {finding.severity.label} {finding.rule}: {finding.message}"]
    if finding.obj is not None:
        lines.append(f"object: {finding.obj.describe()}")
    if finding.replacement:
        lines.append(f"replacement: {finding.replacement}")
    if finding.hop:
        lines.append(hop_phrase(finding))
    if finding.origin.template:
        lines.append(f"template: {finding.origin.template}")
    return "\n".join(lines)


def _counts(element: ET.Element, tests: int, failures: int, errors: int, skipped: int) -> None:
    element.set("tests", str(tests))
    element.set("failures", str(failures))
    element.set("errors", str(errors))
    element.set("skipped", str(skipped))


def result_to_junit(result: CheckResult) -> ET.Element:
    by_case: dict[str, dict[tuple[int, str], list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in result.findings:
        document = finding.origin.document if finding.origin.document is not None else -1
        by_case[finding.origin.path][(document, finding.rule)].append(finding)
    documents: dict[str, list[tuple[int, tuple[ObjectRef, ...]]]] = defaultdict(list)
    for origin, refs in result.checked_documents:
        documents[origin.path].append((origin.document if origin.document is not None else -1, refs))
    paths = list(dict.fromkeys([*result.checked_files, *by_case]))

    root = ET.Element("testsuites", name="kcompat")
    totals = [0, 0, 0, 0]
    for path in paths:
        suite = ET.SubElement(root, "testsuite", name=path, file=path)
        counts = [0, 0, 0, 0]  # tests, failures, errors, skipped
        refs_of = dict(documents.get(path, []))
        cases = by_case.get(path, {})
        document_ids = sorted({*refs_of, *(document for document, _rule in cases)})
        for document in document_ids:
            name = _document_name(None if document < 0 else document, refs_of.get(document, ()))
            rules = sorted(rule for doc, rule in cases if doc == document)
            if not rules:
                ET.SubElement(suite, "testcase", name=name, classname=path, file=path)
                counts[0] += 1
                continue
            for rule in rules:
                findings = cases[(document, rule)]
                case = ET.SubElement(suite, "testcase", name=f"{name}: {rule}", classname=path, file=path)
                first = findings[0].origin
                if first.line is not None:
                    case.set("line", str(first.line))
                counts[0] += 1
                failing = [f for f in findings if not f.suppressed and f.severity >= Severity.WARNING]
                for finding in failing:
                    failure = ET.SubElement(case, "failure", type=f"{finding.severity.label}:{rule}",
                                            message=f"{finding.origin.location()}: {finding.message}")
                    failure.text = _failure_text(finding)
                quiet = [f for f in findings if all(f is not g for g in failing)]
                if failing:
                    counts[1] += 1
                elif all(f.suppressed for f in findings):
                    ET.SubElement(case, "skipped", message=f"suppressed ({rule})")
                    counts[3] += 1
                if quiet:
                    out = ET.SubElement(case, "system-out")
                    out.text = "\n".join(("suppressed: " if f.suppressed else "") + _failure_text(f)
                                         for f in quiet)
        _counts(suite, *counts)
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
    if result.input_errors:
        suite = ET.SubElement(root, "testsuite", name="inputs")
        for error in result.input_errors:
            case = ET.SubElement(suite, "testcase", name=error.path, classname="inputs", file=error.path)
            ET.SubElement(case, "error", type="input-error", message=f"{error.path}: {error.reason}")
        _counts(suite, len(result.input_errors), 0, len(result.input_errors), 0)
        totals[0] += len(result.input_errors)
        totals[2] += len(result.input_errors)
    _counts(root, *totals)
    return root


def write_junit(result: CheckResult, stream: TextIO) -> None:
    root = result_to_junit(result)
    _clean(root)
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")
