"""`kcompat report`: a deprecation migration report (HTML or Markdown) from check, graph and plan."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kcompat.commands.common import EXIT_OK, EXIT_USAGE, UsageError, target_and_current


def add_parser(commands: Any) -> None:
    report = commands.add_parser("report", help="write a migration report (HTML or Markdown)")
    report.add_argument("paths", nargs="+", metavar="PATH",
                        help="files or directories (recursive: *.yaml, *.yml, *.json); - for stdin")
    report.add_argument("-c", "--current-version", required=True, help="version the cluster runs now")
    report.add_argument("-t", "--target-version", help="version to upgrade to (default: the newest bundled)")
    report.add_argument("-o", "--output", choices=("html", "markdown"), default="html",
                        help="report format (default: html)")
    report.add_argument("--output-file", metavar="FILE", help="write the report to FILE (default: stdout)")
    report.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                        help="skip paths matching GLOB (repeatable)")
    report.add_argument("--ignore", action="append", default=[], metavar="RULE",
                        help="suppress a rule everywhere (repeatable, or comma-separated)")
    report.add_argument("--skip-schema", action="store_true",
                        help="do not validate resources against the Kubernetes and CRD schemas")


def run(args: argparse.Namespace) -> int:
    from kcompat.report.migration import gather

    target, current = target_and_current(args.target_version, args.current_version)
    if current is None:
        raise UsageError("--current-version is required")
    if args.paths.count("-") > 1:
        raise UsageError("stdin (-) can be given only once")
    ignore = frozenset(rule.strip() for value in args.ignore for rule in value.split(",") if rule.strip())
    try:
        data, errors = gather(args.paths, args.exclude, ignore, current, target, args.skip_schema)
    except ValueError as bad_option:
        raise UsageError(str(bad_option)) from None
    for path, reason in errors:
        print(f"kcompat: error: {path}: {reason}", file=sys.stderr)
    if args.output == "html":
        from kcompat.report.html import render_html

        text = render_html(data)
    else:
        from kcompat.report.markdown_report import render_markdown

        text = render_markdown(data)
    if args.output_file:
        try:
            with open(args.output_file, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
        except OSError as error:
            raise UsageError(f"--output-file {args.output_file}: {error.strerror or error}") from None
    else:
        sys.stdout.write(text)
    return EXIT_USAGE if errors or data.check.get("inputErrors") else EXIT_OK
