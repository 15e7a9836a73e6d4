"""`kcompat check`: find API and manifest problems for a target Kubernetes version."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from kcompat.commands.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError
from kcompat.commands.options import (
    Once,
    OnceFlag,
    add_current,
    add_exclude,
    add_ignore,
    add_paths,
    add_schema_arguments,
    add_target,
    check_request,
    jobs_of,
)
from kcompat.core.escape import safe_text
from kcompat.report.formats import CHECK_FORMATS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


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
    check.add_argument("-o", "--output", action="append", default=[], metavar="FORMAT[=FILE]",
                       help=f"output format ({', '.join(CHECK_FORMATS)}; default: text); repeatable: "
                       "-o text -o sarif=kcompat.sarif -o junit=report.xml writes each FORMAT=FILE to its "
                       "file and at most one FORMAT to stdout")
    check.add_argument("--output-file", action=Once, metavar="FILE",
                       help="write the output (the -o FORMAT given without =FILE) to FILE instead of stdout")
    check.add_argument("-v", "--show-info", action=OnceFlag,
                       help="text output: list every info finding (default: one line per info rule with a count)")
    check.add_argument("--kind", action="append", default=[], metavar="KIND",
                       help="report only objects of these kinds: Kind or group/version/Kind "
                       "(repeatable, or comma-separated)")
    check.add_argument("--skip-kind", action="append", default=[], metavar="KIND",
                       help="report nothing about objects of these kinds: Kind or group/version/Kind "
                       "(repeatable, or comma-separated)")
    check.add_argument("--fail-on-empty", action=OnceFlag,
                       help="exit 1 when the inputs hold no Kubernetes object (default: say so, exit 0)")
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
    generated.add_argument("--render", action=OnceFlag,
                           help="also build every Kustomize overlay found in the PATHs (a kustomization that no "
                           "other kustomization there uses as a base) and check the result")
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


def output_targets(values: Sequence[str], output_file: str | None) -> list[tuple[str, str | None]]:
    """-o values as (format, file or None for stdout): FORMAT or FORMAT=FILE, at most one to stdout."""
    targets: list[tuple[str, str | None]] = []
    for value in values or ["text"]:
        name, sep, path = value.partition("=")
        name = name.strip()
        if name not in CHECK_FORMATS:
            raise UsageError(f"-o {value}: unknown format {name!r}; choose from {', '.join(CHECK_FORMATS)}")
        if sep and not path:
            raise UsageError(f"-o {value}: give a file after =")
        targets.append((name, path if sep and path != "-" else None))  # FORMAT=- is stdout too
    bare = [name for name, path in targets if path is None]
    if len(bare) > 1:
        raise UsageError(f"-o: at most one FORMAT can go to stdout (got {', '.join(bare)}); "
                         "give the others as FORMAT=FILE")
    if output_file is not None and output_file != "-":
        if not bare:
            raise UsageError("--output-file needs an -o FORMAT without =FILE")
        targets = [(name, output_file if path is None else path) for name, path in targets]
    files = [path for _name, path in targets if path is not None]
    for path in files:
        if files.count(path) > 1:
            raise UsageError(f"-o: {path} is given twice")
    return targets


def _kinds(values: Sequence[str]) -> frozenset[str]:
    return frozenset(kind.strip() for value in values for kind in value.split(",") if kind.strip())


def _kind_matches(kinds: frozenset[str], finding: Any) -> bool:
    ref = finding.obj
    if ref is None:
        return False
    group_version = ref.api_version if "/" in ref.api_version else f"core/{ref.api_version}"
    return bool({ref.kind, f"{ref.api_version}/{ref.kind}", f"{group_version}/{ref.kind}"} & kinds)


def filter_kinds(findings: list[Any], only: frozenset[str], skip: frozenset[str]) -> list[Any]:
    """--kind keeps findings about those objects, --skip-kind drops them; findings about a file rather
    than an object (a parse error, an unreadable chart) are always kept."""
    kept = []
    for finding in findings:
        if finding.obj is not None:
            if only and not _kind_matches(only, finding):
                continue
            if _kind_matches(skip, finding):
                continue
        kept.append(finding)
    return kept


def _render(name: str, result: Any, stream: Any, args: argparse.Namespace, to_terminal: bool,
            full_report: str | None) -> None:
    if name == "text":
        from kcompat.report.text import write_text

        write_text(result, stream, colour=args.color if to_terminal else "never", show_info=args.show_info)
    elif name == "markdown":
        from kcompat.report.markdown_check import write_markdown

        write_markdown(result, stream, full_report=full_report)
    else:
        from kcompat.report.formats import writer_for

        writer_for(name)(result, stream)


def write_atomically(path: str, text: str) -> None:
    """Write a report file so a reader (or a crash) sees the old file or the new one, never half:
    a temporary file next to it, then a rename. Raises OSError."""
    import contextlib
    import os
    import stat
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        mode = 0o666 & ~umask
    handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".kcompat-tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fchmod(out.fileno(), mode)
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def write_outputs(targets: list[tuple[str, str | None]], result: Any, args: argparse.Namespace) -> bool:
    """Every output of the run; files are written atomically. False when a file could not be written."""
    import io

    complete = next((path for name, path in targets if path is not None and name != "markdown"), None)
    ok = True
    for name, path in targets:
        if path is None:
            _render(name, result, sys.stdout, args, True, complete)
            continue
        buffer = io.StringIO()
        _render(name, result, buffer, args, False, complete)
        try:
            write_atomically(path, buffer.getvalue())
        except OSError as error:
            print(f"kcompat: error: cannot write {path}: {error.strerror or error}", file=sys.stderr)
            ok = False
    return ok


def run(args: argparse.Namespace) -> int:
    from kcompat.core.model import Severity
    from kcompat.engine.run import run as run_engine
    from kcompat.report.summary import failing

    targets = output_targets(args.output, args.output_file)
    only, skip = _kinds(args.kind), _kinds(args.skip_kind)
    request = check_request(args, jobs=jobs_of(args), helm=_helm_requests(args), kustomize=tuple(args.kustomize),
                            helm_releases=tuple(args.helm_releases), chart_dir=args.chart_dir,
                            allow_remote=args.allow_remote, render=args.render,
                            rollout=args.rollout, list_documents=any(name == "junit" for name, _ in targets))
    if args.rollout and not args.paths:
        raise UsageError("--rollout needs a PATH")
    if not request.paths and not request.generated:
        raise UsageError("give a PATH to check, or --helm, --kustomize or --helm-releases")
    result = run_engine(request)
    if only or skip:
        result.findings = filter_kinds(result.findings, only, skip)
    for error in result.input_errors:
        print(safe_text(f"kcompat: error: {error.path}: {error.reason}"), file=sys.stderr)
    empty = result.objects == 0 and not result.input_errors and not result.findings
    if empty:
        where = ", ".join(request.paths) or "the inputs"
        print(safe_text(f"kcompat: no Kubernetes objects found in {where}"), file=sys.stderr)
    if not write_outputs(targets, result, args):
        return EXIT_USAGE
    if result.input_errors:
        return EXIT_USAGE
    if empty and args.fail_on_empty:
        return EXIT_FINDINGS
    fail_on = None if args.fail_on == "none" else Severity.parse(args.fail_on)
    return EXIT_FINDINGS if failing(result.findings, fail_on) else EXIT_OK
