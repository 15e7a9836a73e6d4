"""Command-line interface: argument parsing and exit codes only; the work is in the stages.

Exit codes: 0 no finding at or above --fail-on; 1 findings at or above it; 2 usage error or
unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from kcompat import __version__
from kcompat.versions import KubeVersion, VersionError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad arguments: reported in one line with exit code 2."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kcompat",
        description="Find deprecated, removed and not-yet-served Kubernetes APIs before they break.",
        epilog="Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, "
        "2 usage error or unreadable input.",
    )
    parser.add_argument("--version", action="version", version=f"kcompat {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="check manifests against a target Kubernetes version")
    check.add_argument("paths", nargs="+", metavar="PATH",
                       help="files or directories (recursive: *.yaml, *.yml, *.json); - for stdin")
    check.add_argument("-t", "--target-version", help="Kubernetes version to check against "
                       "(default: the newest bundled)")
    check.add_argument("-c", "--current-version",
                       help="version the cluster runs now; findings then name the hop that breaks")
    check.add_argument("-o", "--output", choices=("text", "json"), default="text")
    check.add_argument("--fail-on", choices=("error", "warning", "info", "none"), default="error",
                       help="lowest severity that makes the exit code 1 (default: error)")
    check.add_argument("--ignore", action="append", default=[], metavar="RULE",
                       help="suppress a rule everywhere (repeatable, or comma-separated)")
    check.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                       help="skip paths matching GLOB (repeatable)")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto")

    explain = commands.add_parser("explain", help="show the lifecycle of a built-in API")
    explain.add_argument("api", nargs="+", metavar="API",
                         help="GROUP/VERSION KIND or GROUP/VERSION/KIND")
    explain.add_argument("-o", "--output", choices=("text", "json"), default="text")

    versions = commands.add_parser("versions", help="list the bundled Kubernetes versions")
    versions.add_argument("-o", "--output", choices=("text", "json"), default="text")
    return parser


def _version(text: str | None, option: str) -> KubeVersion | None:
    from kcompat.catalog.lifecycle import load_catalog

    catalog = load_catalog()
    if text is None:
        return None
    try:
        version = KubeVersion.parse(text)
    except VersionError as error:
        raise UsageError(f"{option}: {error}") from None
    if not catalog.bundles(version):
        first, last = min(catalog.minors), max(catalog.minors)
        raise UsageError(f"{option} {text}: not a bundled version; kcompat knows 1.{first} to 1.{last}")
    return version


def _run_check(args: argparse.Namespace) -> int:
    from kcompat.catalog.lifecycle import load_catalog
    from kcompat.checks.context import CheckContext
    from kcompat.model import Severity
    from kcompat.pipeline import check_inputs, load_all
    from kcompat.report.summary import failing

    catalog = load_catalog()
    target = _version(args.target_version, "--target-version") or catalog.newest
    current = _version(args.current_version, "--current-version")
    if current is not None and current > target:
        raise UsageError(f"--current-version {current} is newer than --target-version {target}")
    if args.paths.count("-") > 1:
        raise UsageError("stdin (-) can be given only once")
    ignore = frozenset(rule.strip() for value in args.ignore for rule in value.split(",") if rule.strip())
    context = CheckContext(catalog, target, current)
    result = check_inputs(load_all(args.paths, args.exclude), context, ignore)
    for error in result.input_errors:
        print(f"kcompat: error: {error.path}: {error.reason}", file=sys.stderr)
    if args.output == "json":
        from kcompat.report.json_report import write_json

        write_json(result)
    else:
        from kcompat.report.text import write_text

        write_text(result, colour=args.color)
    if result.input_errors:
        return EXIT_USAGE
    fail_on = None if args.fail_on == "none" else Severity.parse(args.fail_on)
    return EXIT_FINDINGS if failing(result.findings, fail_on) else EXIT_OK


def _run_explain(args: argparse.Namespace) -> int:
    from kcompat.catalog.lifecycle import load_catalog
    from kcompat.explain import UnknownApi, describe, find_api, parse_api_arguments, to_json

    catalog = load_catalog()
    try:
        api_version, kind = parse_api_arguments(args.api)
        api = find_api(catalog, api_version, kind)
    except (ValueError, UnknownApi) as error:
        raise UsageError(str(error)) from None
    if args.output == "json":
        print(json.dumps(to_json(api), indent=2))
    else:
        print("\n".join(describe(api, catalog)))
    return EXIT_OK


def _run_versions(args: argparse.Namespace) -> int:
    from kcompat.catalog.lifecycle import load_catalog

    catalog = load_catalog()
    if args.output == "json":
        print(json.dumps({"versions": [str(v) for v in catalog.versions],
                          "default": str(catalog.newest)}, indent=2))
        return EXIT_OK
    counts: dict[int, int] = {m: 0 for m in catalog.minors}
    for api in catalog.apis.values():
        for minor in api.served:
            counts[minor] += 1
    for version in catalog.versions:
        default = "  (default target)" if version == catalog.newest else ""
        print(f"{version}  {counts[version.minor]:3d} built-in kinds served{default}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return EXIT_USAGE if exit_.code not in (0, None) else EXIT_OK
    runners = {"check": _run_check, "explain": _run_explain, "versions": _run_versions}
    try:
        return runners[args.command](args)
    except UsageError as error:
        print(f"kcompat: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
