"""`kcompat diff OLD NEW [PATH...]`: is this CRD upgrade safe, and which custom resources break.

OLD and NEW are files or folders of CustomResourceDefinitions, or Helm charts (a folder with
Chart.yaml, or a .tgz): a chart is rendered the Helm way, its crds/ folder plus every template that
produces a CRD (`--set installCRDs=true` for cert-manager's chart). Every input is read through the
engine (engine/crd_sides.py), discovered and bounded as in `kcompat check`. A `kubectl get crd -o
yaml` export as OLD adds status.storedVersions, which makes the storage-version findings exact.
docs/crd-upgrades.md explains every rule.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kcompat.commands.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError
from kcompat.commands.options import Once
from kcompat.core.escape import safe_text

FORMATS = ("text", "json", "sarif", "markdown")


def add_parser(commands: Any) -> None:
    diff = commands.add_parser("diff", help="is a CRD upgrade safe (OLD -> NEW), and which custom resources break",
                               description="Compare the CustomResourceDefinitions of OLD and NEW: removed or "
                               "unserved versions, storage versions, conversion, and schema changes that reject "
                               "or prune existing objects. Custom resources in PATH are checked against the "
                               "changes (schema, RE2 patterns, CEL rules of NEW). See docs/crd-upgrades.md.")
    diff.add_argument("old", metavar="OLD", help="CRDs installed now: a file, a folder, or a Helm chart (folder or "
                      ".tgz, rendered: crds/ plus templates); a `kubectl get crd -o yaml` export gives exact "
                      "status.storedVersions")
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
    add_chart_arguments(diff)
    diff.add_argument("--color", choices=("auto", "always", "never"), default="auto")


def add_chart_arguments(parser: argparse.ArgumentParser, target: bool = True) -> None:
    """How OLD and NEW are rendered when they are Helm charts (diff, plan --crd-upgrade, fix --crd-upgrade);
    target: also declare -t (commands that have no target version of their own)."""
    group = parser.add_argument_group("OLD and NEW as Helm charts (rendered: crds/ plus templates)")
    group.add_argument("--set", dest="chart_set", action="append", default=[], metavar="KEY=VALUE",
                       help="a value for both charts, as helm --set (repeatable), e.g. installCRDs=true")
    group.add_argument("--values", dest="chart_values", action="append", default=[], metavar="FILE",
                       help="a values file for both charts, as helm -f (repeatable)")
    if not target:
        return
    group.add_argument("-t", "--target-version", action=Once, help="Kubernetes version the charts are rendered "
                       "for (.Capabilities; default: the newest bundled)")


def chart_options(args: argparse.Namespace) -> Any:
    from kcompat.engine.crd_sides import ChartOptions

    return ChartOptions(tuple(args.chart_values), tuple(args.chart_set))


def read_upgrade(args: argparse.Namespace, old_path: str, new_path: str, target: Any) -> tuple[Any, Any]:
    """OLD's and NEW's CRDs of --crd-upgrade (plan, fix) by name; their unreadable inputs are usage errors."""
    from kcompat.engine.crd_sides import read_side

    sides = []
    for path in (old_path, new_path):
        read = read_side(path, args.exclude, target, chart_options(args))
        if read.note:
            print(f"kcompat: warning: {read.note}", file=sys.stderr)
        for error in read.input_errors:
            raise UsageError(f"--crd-upgrade {error.path}: {error.reason}")
        sides.append(read)
    old, new = sides
    if not old.crds_by_name():
        raise UsageError(f"--crd-upgrade: no CustomResourceDefinition found in OLD ({old_path})")
    return old, new


def render_target(args: argparse.Namespace) -> Any:
    from kcompat.commands.common import target_and_current

    return target_and_current(getattr(args, "target_version", None), None)[0]


def run(args: argparse.Namespace) -> int:
    from kcompat.checks.crd_diff import crds_by_name, diff_crds, is_crd_resource, version_notes
    from kcompat.checks.crd_usage import who_breaks
    from kcompat.core.model import Severity
    from kcompat.engine.crd_sides import read_paths, read_side
    from kcompat.report.crd_diff_report import DiffResult, suppress, write_diff
    from kcompat.report.summary import failing

    if "-" in (args.old, args.new) or "-" in args.paths:
        raise UsageError("diff reads files and folders, not stdin (-)")
    ignore = frozenset(rule.strip() for value in args.ignore for rule in value.split(",") if rule.strip())
    target = render_target(args)
    charts = chart_options(args)
    result = DiffResult(old=args.old, new=args.new, paths=list(args.paths))
    sides = []
    unreadable: set[str] = set()
    for path in (args.old, args.new):
        read = read_side(path, args.exclude, target, charts)
        if read.note:
            print(f"kcompat: warning: {read.note}", file=sys.stderr)
        _take(read, result)
        definitions = read.crds()
        sides.append(crds_by_name(definitions))
        unreadable |= _unreadable(definitions, result)
    old, new = sides
    if not old and not new and not result.input_errors and not unreadable:
        raise UsageError(f"no CustomResourceDefinition found in {args.old} or {args.new}")
    result.old_crds, result.new_crds = len(old), len(new)
    # a CRD NEW has but kcompat cannot read was not removed: its crd-invalid finding says why
    findings = [f for f in diff_crds(old, new) if not (f.rule == "crd-removed" and f.details["crd"] in unreadable)]
    if args.paths:
        read = read_paths(args.paths, args.exclude, target)
        _take(read, result)
        kinds = {(c.group, c.kind) for c in (*old.values(), *new.values())}
        custom = [r for r in read.resources if not is_crd_resource(r) and (r.group, r.kind) in kinds]
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


def _take(read: Any, result: Any) -> None:
    """What the engine read for one side (or PATH) into the diff result."""
    result.files += read.files
    result.findings.extend(read.findings)
    result.input_errors.extend(read.input_errors)
    result.read.extend(read.resources)


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
