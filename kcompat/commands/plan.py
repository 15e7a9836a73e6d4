"""`kcompat plan`: cluster upgrade hops and application API migration waves, with blockers."""

from __future__ import annotations

import argparse
from typing import Any

from kcompat.commands.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from kcompat.commands.graph import load_resources, with_clients
from kcompat.commands.options import add_client_arguments, add_current, add_exclude, add_output, add_paths, add_target


def add_parser(commands: Any) -> None:
    plan = commands.add_parser("plan", help="plan a Kubernetes upgrade and application API migrations")
    add_paths(plan)
    add_current(plan, required=True, help="version the cluster runs now")
    add_target(plan, help="version to upgrade to (default: the newest bundled)")
    add_output(plan, ("text", "json", "markdown"), "text")
    add_exclude(plan)
    add_client_arguments(plan)


def run(args: argparse.Namespace) -> int:
    from kcompat.catalog.lifecycle import load_catalog
    from kcompat.checks.context import CheckContext
    from kcompat.commands.options import versions_of
    from kcompat.graph.build import build_graph
    from kcompat.plan import render
    from kcompat.plan.planner import make_plan

    target, current = versions_of(args, need_current=True)
    catalog = load_catalog()
    result, resources, failed = load_resources(args, lifecycle_hops=True)
    built = build_graph(resources, catalog)
    failed = with_clients(args, built, resources, target, catalog) or failed
    plan = make_plan(built, result, CheckContext(catalog, target, current))
    if args.output == "json":
        print(render.dumps(render.plan_json(plan)))
    elif args.output == "markdown":
        print(render.plan_markdown(plan), end="")
    else:
        print(render.plan_text(plan))
    if failed:
        return EXIT_USAGE
    return EXIT_FINDINGS if plan.blockers else EXIT_OK
