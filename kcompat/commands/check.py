"""`kcompat check`: find API and manifest problems for a target Kubernetes version."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kcompat.commands.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError, target_and_current
from kcompat.report.formats import CHECK_FORMATS


def add_parser(commands: Any) -> None:
    check = commands.add_parser("check", help="check manifests against a target Kubernetes version")
    check.add_argument("paths", nargs="+", metavar="PATH",
                       help="files or directories (recursive: *.yaml, *.yml, *.json); - for stdin")
    check.add_argument("-t", "--target-version", help="Kubernetes version to check against "
                       "(default: the newest bundled)")
    check.add_argument("-c", "--current-version",
                       help="version the cluster runs now; findings then name the hop that breaks")
    check.add_argument("-o", "--output", choices=tuple(CHECK_FORMATS), default="text",
                       help="output format (default: text)")
    check.add_argument("--fail-on", choices=("error", "warning", "info", "none"), default="error",
                       help="lowest severity that makes the exit code 1 (default: error)")
    check.add_argument("--ignore", action="append", default=[], metavar="RULE",
                       help="suppress a rule everywhere (repeatable, or comma-separated)")
    check.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                       help="skip paths matching GLOB (repeatable)")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto")


def run(args: argparse.Namespace) -> int:
    from kcompat.catalog.lifecycle import load_catalog
    from kcompat.checks.context import CheckContext
    from kcompat.model import Severity
    from kcompat.pipeline import check_inputs, load_all
    from kcompat.report.summary import failing

    target, current = target_and_current(args.target_version, args.current_version)
    if args.paths.count("-") > 1:
        raise UsageError("stdin (-) can be given only once")
    ignore = frozenset(rule.strip() for value in args.ignore for rule in value.split(",") if rule.strip())
    context = CheckContext(load_catalog(), target, current)
    result = check_inputs(load_all(args.paths, args.exclude), context, ignore)
    for error in result.input_errors:
        print(f"kcompat: error: {error.path}: {error.reason}", file=sys.stderr)
    if args.output == "text":
        from kcompat.report.text import write_text

        write_text(result, colour=args.color)
    else:
        from kcompat.report.formats import writer_for

        writer_for(args.output)(result, sys.stdout)
    if result.input_errors:
        return EXIT_USAGE
    fail_on = None if args.fail_on == "none" else Severity.parse(args.fail_on)
    return EXIT_FINDINGS if failing(result.findings, fail_on) else EXIT_OK
