"""`kcompat report`: a deprecation migration report (HTML or Markdown) from check, graph and plan."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kcompat.commands.common import EXIT_OK, EXIT_USAGE, UsageError
from kcompat.commands.diff import add_chart_arguments
from kcompat.commands.options import (
    Once,
    OnceFlag,
    add_current,
    add_exclude,
    add_ignore,
    add_output,
    add_paths,
    add_target,
    check_request,
    versions_of,
)
from kcompat.core.escape import safe_text


def add_parser(commands: Any) -> None:
    report = commands.add_parser("report", help="write a migration report (HTML or Markdown)")
    add_paths(report)
    add_current(report, required=True, help="version the cluster runs now")
    add_target(report, help="version to upgrade to (default: the newest bundled)")
    add_output(report, ("html", "markdown"), "html", help="report format (default: html)")
    report.add_argument("--output-file", action=Once, metavar="FILE", help="write the report to FILE (default: stdout)")
    add_exclude(report)
    add_ignore(report)
    report.add_argument("--skip-schema", action=OnceFlag,
                        help="do not validate resources against the Kubernetes and CRD schemas")
    report.add_argument("--crd-upgrade", nargs=2, metavar=("OLD", "NEW"), action=Once,
                        help="add the operator-upgrade hop of `kcompat plan --crd-upgrade OLD NEW` to the plan")
    add_chart_arguments(report, target=False)


def run(args: argparse.Namespace) -> int:
    from kcompat.report.migration import gather

    target, _ = versions_of(args, need_current=True)
    upgrade = None
    if args.crd_upgrade:
        from kcompat.commands.diff import read_upgrade
        from kcompat.report.migration import CrdUpgrade

        old, new = read_upgrade(args, args.crd_upgrade[0], args.crd_upgrade[1], target)
        upgrade = CrdUpgrade(args.crd_upgrade[0], args.crd_upgrade[1], old.crds(), new.crds())
    data, errors = gather(check_request(args), upgrade)
    for path, reason in errors:
        print(safe_text(f"kcompat: error: {path}: {reason}"), file=sys.stderr)
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
