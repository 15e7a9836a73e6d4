"""`kcompat check`: find API and manifest problems for a target Kubernetes version."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kcompat.commands.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError, target_and_current
from kcompat.engine.schema_options import add_schema_arguments
from kcompat.report.formats import CHECK_FORMATS


def add_parser(commands: Any) -> None:
    check = commands.add_parser("check", help="check manifests against a target Kubernetes version")
    check.add_argument("paths", nargs="*", metavar="PATH",
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
    check.add_argument("--rollout", action="store_true",
                       help="report only rollout-risk findings (Recreate, single replica, no readiness probe, "
                       "no PodDisruptionBudget, ...) for providers that clients depend on (docs/rollout.md)")
    add_schema_arguments(check)
    generated = check.add_argument_group("charts, overlays and releases (docs/helm-and-kustomize.md)")
    generated.add_argument("--helm", metavar="CHART",
                           help="render a chart (directory or .tgz) with Helm for the target and check it")
    generated.add_argument("-f", "--values", action="append", default=[], metavar="FILE",
                           help="values file for --helm (repeatable, later wins)")
    generated.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                           help="value for --helm, Helm --set syntax (repeatable)")
    generated.add_argument("--release-name", help="release name for --helm (default: release-name)")
    generated.add_argument("--namespace", help="release namespace for --helm (default: default)")
    generated.add_argument("--chart-dir", metavar="DIR",
                           help="chart that produced the `helm template` output in PATH; "
                           "findings then name template lines")
    generated.add_argument("--kustomize", metavar="DIR", help="build an overlay with Kustomize and check it")
    generated.add_argument("--helm-releases", metavar="FILE",
                           help="`kubectl get secrets -A -o yaml` export: check each release's latest "
                           "deployed manifest")


def run(args: argparse.Namespace) -> int:
    from kcompat.catalog.lifecycle import load_catalog
    from kcompat.checks.context import CheckContext
    from kcompat.core.model import Severity
    from kcompat.engine.pipeline import check_inputs, check_paths, load_all
    from kcompat.engine.schema_options import add_crd_sources, jobs_of, schema_settings
    from kcompat.report.summary import failing

    target, current = target_and_current(args.target_version, args.current_version)
    if args.paths.count("-") > 1:
        raise UsageError("stdin (-) can be given only once")
    ignore = frozenset(rule.strip() for value in args.ignore for rule in value.split(",") if rule.strip())
    try:
        schema, crd_sources = schema_settings(args, target, args.paths, args.exclude)
    except ValueError as bad_option:
        raise UsageError(str(bad_option)) from None
    context = CheckContext(load_catalog(), target, current, schema)
    if args.rollout:
        from kcompat.engine.rollout import check_rollout

        if not args.paths:
            raise UsageError("--rollout needs a PATH")
        result = check_rollout(list(load_all(args.paths, args.exclude)), context, ignore)
    elif args.helm or args.kustomize or args.helm_releases or args.chart_dir:
        from kcompat.engine.generated import GeneratedError, generate
        from kcompat.engine.pipeline import InputError

        try:
            generated = generate(args, context, args.paths, args.exclude, load_all, InputError)
        except GeneratedError as failure:
            raise UsageError(str(failure)) from None
        result = check_inputs(generated.inputs, context, ignore)
        result.findings = generated.finish(result.findings, ignore)
    else:
        if not args.paths:
            raise UsageError("give a PATH to check, or --helm, --kustomize or --helm-releases")
        result = check_paths(args.paths, args.exclude, context, ignore, jobs=jobs_of(args))
    add_crd_sources(result, crd_sources, ignore)
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
