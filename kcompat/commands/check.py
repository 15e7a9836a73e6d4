"""`kcompat check`: find API and manifest problems for a target Kubernetes version."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from kcompat.commands.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError
from kcompat.commands.options import (
    Once,
    OnceFlag,
    add_current,
    add_exclude,
    add_ignore,
    add_output,
    add_paths,
    add_schema_arguments,
    add_target,
    check_request,
    jobs_of,
)
from kcompat.report.formats import CHECK_FORMATS


class _Chart(argparse.Action):
    """--helm CHART starts a chart; -f/--set after it belong to it, before any --helm to every chart."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: str | Sequence[Any] | None, option_string: str | None = None) -> None:
        charts: list[dict[str, Any]] = list(getattr(namespace, "helm", None) or [])
        if self.dest == "helm":
            charts.append({"chart": values, "values": [], "set": []})
            namespace.helm = charts
            return
        key = "values" if self.dest == "values" else "set"
        if charts:
            charts[-1][key].append(values)
        else:
            getattr(namespace, f"all_{key}").append(values)
        namespace.helm = charts


def add_parser(commands: Any) -> None:
    check = commands.add_parser("check", help="check manifests against a target Kubernetes version")
    add_paths(check, required=False)
    add_target(check)
    add_current(check)
    add_output(check, tuple(CHECK_FORMATS), "text")
    check.add_argument("--fail-on", action=Once, choices=("error", "warning", "info", "none"), default="error",
                       help="lowest severity that makes the exit code 1 (default: error)")
    add_ignore(check)
    add_exclude(check)
    check.add_argument("--color", action=Once, choices=("auto", "always", "never"), default="auto")
    check.add_argument("--rollout", action=OnceFlag,
                       help="report only rollout-risk findings (Recreate, single replica, no readiness probe, "
                       "no PodDisruptionBudget, ...) for providers that clients depend on (docs/rollout.md)")
    add_schema_arguments(check)
    generated = check.add_argument_group("charts, overlays and releases (docs/helm-and-kustomize.md)")
    generated.add_argument("--helm", action=_Chart, default=[], metavar="CHART",
                           help="render a chart (directory or .tgz) with Helm for the target and check it "
                           "(repeatable)")
    generated.add_argument("-f", "--values", action=_Chart, metavar="FILE",
                           help="values file for the --helm chart it follows, or for every chart when given "
                           "before any --helm (repeatable, later wins)")
    generated.add_argument("--set", action=_Chart, metavar="KEY=VALUE",
                           help="value for the --helm chart it follows (or every chart), Helm --set syntax "
                           "(repeatable)")
    generated.add_argument("--release-name", action=Once, help="release name for --helm (default: release-name)")
    generated.add_argument("--namespace", action=Once, help="release namespace for --helm (default: default)")
    generated.add_argument("--chart-dir", action=Once, metavar="DIR",
                           help="chart that produced the `helm template` output in PATH; "
                           "findings then name template lines")
    generated.add_argument("--kustomize", action="append", default=[], metavar="DIR",
                           help="build an overlay with Kustomize and check it (repeatable)")
    generated.add_argument("--allow-remote", action=OnceFlag,
                           help="let --kustomize fetch remote bases and resources (refused by default: "
                           "kcompat stays offline)")
    generated.add_argument("--helm-releases", action="append", default=[], metavar="FILE",
                           help="`kubectl get secrets -A -o yaml` export: check each release's latest "
                           "deployed manifest (repeatable)")
    check.set_defaults(all_values=[], all_set=[])


def _helm_requests(args: argparse.Namespace) -> tuple[Any, ...]:
    from kcompat.engine.request import HelmRequest

    if not args.helm and (args.all_values or args.all_set):
        raise UsageError("-f/--values and --set need --helm")
    return tuple(HelmRequest(chart["chart"], tuple(args.all_values + chart["values"]),
                             tuple(args.all_set + chart["set"]), args.release_name or "release-name",
                             args.namespace or "default") for chart in args.helm)


def run(args: argparse.Namespace) -> int:
    from kcompat.core.model import Severity
    from kcompat.engine.run import run as run_engine
    from kcompat.report.summary import failing

    request = check_request(args, jobs=jobs_of(args), helm=_helm_requests(args), kustomize=tuple(args.kustomize),
                            helm_releases=tuple(args.helm_releases), chart_dir=args.chart_dir,
                            allow_remote=args.allow_remote,
                            rollout=args.rollout, list_documents=args.output == "junit")
    if args.rollout and not args.paths:
        raise UsageError("--rollout needs a PATH")
    if not request.paths and not request.generated:
        raise UsageError("give a PATH to check, or --helm, --kustomize or --helm-releases")
    result = run_engine(request)
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
