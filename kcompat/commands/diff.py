"""`kcompat diff OLD NEW [PATH...]`: is this CRD upgrade safe, and which custom resources break.

OLD and NEW are files or folders of CustomResourceDefinitions; a Helm chart folder (with
Chart.yaml) is read from its crds/ folder, where Helm keeps CRDs (templates are not rendered).
A `kubectl get crd -o yaml` export as OLD adds status.storedVersions, which makes the
storage-version findings exact. docs/crd-upgrades.md explains every rule.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from kcompat.commands.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError
from kcompat.core.escape import safe_text

FORMATS = ("text", "json", "sarif", "markdown")


def add_parser(commands: Any) -> None:
    diff = commands.add_parser("diff", help="is a CRD upgrade safe (OLD -> NEW), and which custom resources break",
                               description="Compare the CustomResourceDefinitions of OLD and NEW: removed or "
                               "unserved versions, storage versions, conversion, and schema changes that reject "
                               "or prune existing objects. Custom resources in PATH are checked against the "
                               "changes. See docs/crd-upgrades.md.")
    diff.add_argument("old", metavar="OLD", help="CRDs installed now: a file, a folder, or a Helm chart folder "
                      "(its crds/); a `kubectl get crd -o yaml` export gives exact status.storedVersions")
    diff.add_argument("new", metavar="NEW", help="CRDs to upgrade to (same forms as OLD)")
    diff.add_argument("paths", nargs="*", metavar="PATH",
                      help="custom resources to check against NEW (files or folders, recursive)")
    diff.add_argument("-o", "--output", choices=FORMATS, default="text", help="output format (default: text)")
    diff.add_argument("--fail-on", choices=("error", "warning", "info", "none"), default="error",
                      help="lowest severity that makes the exit code 1 (default: error)")
    diff.add_argument("--ignore", action="append", default=[], metavar="RULE",
                      help="suppress a rule (repeatable, or comma-separated)")
    diff.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                      help="skip paths matching GLOB (repeatable)")
    diff.add_argument("--versions", action="store_true",
                      help="also tell, per CRD of NEW, what converting an object from each served version to the "
                      "storage version changes (info findings crd-version-conversion)")
    diff.add_argument("--color", choices=("auto", "always", "never"), default="auto")


def side_paths(path: str) -> list[str]:
    """The files to read for OLD or NEW; a chart folder means its crds/ folder."""
    if not os.path.exists(path):
        raise UsageError(f"{path}: no such file or directory")
    if os.path.isdir(path) and os.path.isfile(os.path.join(path, "Chart.yaml")):
        crds = os.path.join(path, "crds")
        if not os.path.isdir(crds):
            raise UsageError(f"{path}: Helm chart without a crds/ folder; render it (`helm template`) and pass "
                             "the output file")
        return [crds]
    return [path]


def run(args: argparse.Namespace) -> int:
    from kcompat.checks.crd_diff import crds_by_name, diff_crds, is_crd_resource, version_notes
    from kcompat.checks.crd_usage import who_breaks
    from kcompat.core.model import Severity
    from kcompat.report.crd_diff_report import DiffResult, suppress, write_diff
    from kcompat.report.summary import failing

    if "-" in (args.old, args.new) or "-" in args.paths:
        raise UsageError("diff reads files and folders, not stdin (-)")
    ignore = frozenset(rule.strip() for value in args.ignore for rule in value.split(",") if rule.strip())
    result = DiffResult(old=args.old, new=args.new, paths=list(args.paths))
    sides = []
    unreadable: set[str] = set()
    for path in (args.old, args.new):
        definitions = [r for r in _read(side_paths(path), args.exclude, result) if is_crd_resource(r)]
        sides.append(crds_by_name(definitions))
        unreadable |= _unreadable(definitions, result)
    old, new = sides
    if not old and not new and not result.input_errors and not unreadable:
        raise UsageError(f"no CustomResourceDefinition found in {args.old} or {args.new}")
    result.old_crds, result.new_crds = len(old), len(new)
    # a CRD NEW has but kcompat cannot read was not removed: its crd-invalid finding says why
    findings = [f for f in diff_crds(old, new) if not (f.rule == "crd-removed" and f.details["crd"] in unreadable)]
    if args.paths:
        custom = [r for r in _read(args.paths, args.exclude, result) if not is_crd_resource(r)]
        kinds = {(c.group, c.kind) for c in (*old.values(), *new.values())}
        custom = [r for r in custom if (r.group, r.kind) in kinds]
        result.custom_resources = len(custom)
        findings += who_breaks(custom, old, new)
    if args.versions:
        for crd in new.values():
            findings += version_notes(crd)
    documents = {(r.document.origin.path, r.document.origin.document): r.document for r in result.read}

    def by_comment(finding: Any) -> bool:
        document = documents.get((finding.origin.path, finding.origin.document))
        return document is not None and bool(document.ignores(finding.rule))

    result.findings = sorted((suppress(f, ignore, by_comment(f)) for f in (*result.findings, *findings)),
                             key=lambda f: f.sort_key())
    for error in result.input_errors:
        print(safe_text(f"kcompat: error: {error.path}: {error.reason}"), file=sys.stderr)
    write_diff(result, args.output, sys.stdout, args.color)
    if result.input_errors:
        return EXIT_USAGE
    fail_on = None if args.fail_on == "none" else Severity.parse(args.fail_on)
    return EXIT_FINDINGS if failing(result.findings, fail_on) else EXIT_OK


def _unreadable(definitions: list[Any], result: Any) -> set[str]:
    """Names of CRDs that could not be read (no group, kind or version); each gets a crd-invalid finding."""
    from kcompat.checks.crd_diff import read_crd
    from kcompat.core.model import Finding, Severity

    names = set()
    for resource in definitions:
        if read_crd(resource) is not None:
            continue
        name = resource.name or ""
        names.add(name)
        result.findings.append(Finding("crd-invalid", Severity.ERROR, f"CRD {name or '(unnamed)'} cannot be "
                                       "compared: it needs spec.group, spec.names.kind and at least one version "
                                       "(`kcompat check` tells more)", resource.origin_of(("spec",)),
                                       resource.ref(), details={"crd": name}))
    return names


def _read(paths: list[str], exclude: list[str], result: Any) -> list[Any]:
    """Resources of paths; parse problems become findings, unreadable inputs input errors."""
    from kcompat.core.errors import InputError
    from kcompat.engine.pipeline import load_all
    from kcompat.sources.resources import extract

    resources = []
    for loaded in load_all(paths, exclude):
        if isinstance(loaded, InputError):
            result.input_errors.append(loaded)
            continue
        result.files += 1
        result.findings.extend(loaded.findings)
        extraction = extract(loaded.documents)
        result.findings.extend(extraction.findings)
        resources.extend(extraction.resources)
    result.read.extend(resources)
    return resources
