"""`kcompat fix`: rewrite manifests to the replacement APIs of a target Kubernetes version.

Prints a unified diff (stdout); --write replaces the files atomically. Notes and what still
needs hand work go to stderr. Exit codes: 0 nothing left to fix (everything found was fixable,
or fixed with --write); 1 a removed API stays that fix cannot rewrite, or --check and files would
change; 2 usage error, unreadable input, or a file that could not be written.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kcompat.commands.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError, target_and_current
from kcompat.commands.diff import add_chart_arguments
from kcompat.commands.options import Once, add_exclude, add_target
from kcompat.core.escape import diff_text, safe_text


def add_parser(commands: Any) -> None:
    fix = commands.add_parser("fix", help="rewrite manifests to the replacement APIs (diff, or --write)")
    fix.add_argument("paths", nargs="+", metavar="PATH", help="files or directories (recursive: *.yaml, *.yml, "
                     "*.json)")
    add_target(fix, help="Kubernetes version to migrate for (default: the newest bundled)")
    fix.add_argument("--write", action="store_true", help="apply the changes to the files (atomically, per file)")
    fix.add_argument("--check", action="store_true", help="exit 1 when any file would change (for CI)")
    fix.add_argument("--templates", action="store_true",
                     help="in Helm templates, rewrite literal apiVersion lines that need nothing else")
    add_exclude(fix)
    fix.add_argument("-q", "--quiet", action="store_true", help="no notes, only problems")
    fix.add_argument("--crd-upgrade", nargs=2, metavar=("OLD", "NEW"), action=Once,
                     help="instead of Kubernetes APIs, move custom resources written in a version OLD's CRDs serve "
                     "and NEW's do not to NEW's storage version, where the versions' schemas allow it (OLD and NEW "
                     "as for `kcompat diff`: files, folders or Helm charts); the others are listed with the fields "
                     "to change by hand")
    add_chart_arguments(fix, target=False)


def run(args: argparse.Namespace) -> int:
    from kcompat.fix.files import Fixer, fix_paths, fix_request

    target, _ = target_and_current(args.target_version, None)
    if "-" in args.paths:
        raise UsageError("fix works on files, not stdin (-)")
    fixer: Fixer | None = None
    if args.crd_upgrade:
        from kcompat.commands.diff import read_upgrade
        from kcompat.fix.crd_migrate import CrdUpgrade, migrate_checked

        old, new = read_upgrade(args, args.crd_upgrade[0], args.crd_upgrade[1], target)
        upgrade = CrdUpgrade(old.crds_by_name(), new.crds_by_name(), args.crd_upgrade[0], args.crd_upgrade[1])

        def fixer(checked: Any, _: Any) -> Any:
            return migrate_checked(checked, upgrade)

    request = fix_request(tuple(args.paths), target, tuple(args.exclude))
    report = fix_paths(request, write=args.write, templates=args.templates, fixer=fixer)
    if not args.write:
        sys.stdout.write(diff_text("".join(result.diff() for result in report.files)))
    _print_report(report, args.write, args.quiet)
    if report.errors:
        return EXIT_USAGE
    if args.check and any(result.changed for result in report.files):
        return EXIT_FINDINGS
    return EXIT_FINDINGS if report.blocking else EXIT_OK


def _print_report(report: Any, write: bool, quiet: bool) -> None:
    err = sys.stderr
    for result in report.files:
        for change in result.changes:
            name = f" {change.name}" if change.name else ""
            verb = "fixed" if write and result.written else "fixable"
            line = f"{result.path}:{change.line}: {verb}: {change.kind}{name} {change.old} -> {change.new}"
            print(safe_text(line), file=err)
            if not quiet:
                for note in change.notes:
                    print(safe_text(f"{result.path}:{change.line}:   note: {note}"), file=err)
        for problem in result.problems:
            where = f"{result.path}:{problem.line}" if problem.line else result.path
            label = "needs hand work" if problem.blocking else "note"
            print(safe_text(f"{where}: {label}: {problem.message}"), file=err)
    for path, reason in report.errors:
        print(safe_text(f"kcompat: error: {path}: {reason}"), file=err)
    changed = sum(1 for r in report.files if r.changed)
    objects = sum(len(r.changes) for r in report.files)
    left = sum(1 for r in report.files for p in r.problems if p.blocking)
    state = "fixed" if write else "would fix"
    print(safe_text(f"kcompat fix: {state} {objects} object(s) in {changed} file(s); {left} need hand work"), file=err)
