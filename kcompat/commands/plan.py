"""`kcompat plan`: cluster upgrade hops and application API migration waves, with blockers."""

from __future__ import annotations

import argparse
from typing import Any

from kcompat.commands.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError, target_and_current
from kcompat.commands.graph import add_client_arguments, with_clients


def add_parser(commands: Any) -> None:
    plan = commands.add_parser("plan", help="plan a Kubernetes upgrade and application API migrations")
    plan.add_argument("paths", nargs="+", metavar="PATH",
                      help="files or directories (recursive: *.yaml, *.yml, *.json); - for stdin")
    plan.add_argument("-c", "--current-version", required=True, help="version the cluster runs now")
    plan.add_argument("-t", "--target-version", help="version to upgrade to (default: the newest bundled)")
    plan.add_argument("-o", "--output", choices=("text", "json", "markdown"), default="text")
    plan.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                      help="skip paths matching GLOB (repeatable)")
    add_client_arguments(plan)


def run(args: argparse.Namespace) -> int:
    from kcompat.catalog.lifecycle import load_catalog
    from kcompat.checks.context import CheckContext
    from kcompat.commands.graph import load_resources
    from kcompat.graph.build import build_graph
    from kcompat.plan import render
    from kcompat.plan.planner import make_plan

    target, current = target_and_current(args.target_version, args.current_version)
    if current is None:
        raise UsageError("--current-version is required")
    catalog = load_catalog()
    inputs, resources, failed = load_resources(args.paths, args.exclude)
    built = build_graph(resources, catalog)
    failed = with_clients(args, built, resources, target, catalog) or failed
    plan = make_plan(built, inputs, CheckContext(catalog, target, current))
    if args.output == "json":
        print(render.dumps(render.plan_json(plan)))
    elif args.output == "markdown":
        print(render.plan_markdown(plan), end="")
    else:
        print(render.plan_text(plan))
    if failed:
        return EXIT_USAGE
    return EXIT_FINDINGS if plan.blockers else EXIT_OK
