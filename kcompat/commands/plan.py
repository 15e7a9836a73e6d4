"""`kcompat plan`: cluster upgrade hops and application API migration waves, with blockers."""

from __future__ import annotations

import argparse
from typing import Any

from kcompat.commands.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from kcompat.commands.diff import add_chart_arguments
from kcompat.commands.graph import load_resources, with_clients
from kcompat.commands.options import (
    Once,
    add_client_arguments,
    add_current,
    add_exclude,
    add_output,
    add_paths,
    add_target,
)


def add_parser(commands: Any) -> None:
    plan = commands.add_parser("plan", help="plan a Kubernetes upgrade and application API migrations")
    add_paths(plan)
    add_current(plan, required=True, help="version the cluster runs now")
    add_target(plan, help="version to upgrade to (default: the newest bundled)")
    add_output(plan, ("text", "json", "markdown"), "text")
    add_exclude(plan)
    add_client_arguments(plan)
    plan.add_argument("--crd-upgrade", nargs=2, metavar=("OLD", "NEW"), action=Once,
                      help="also plan an operator upgrade that replaces the CRDs of OLD by NEW's (files, folders or "
                      "Helm charts, as for `kcompat diff`): which versions must stay served until the custom "
                      "resources in PATH and the clients have moved, storage migration, then the operator")
    add_chart_arguments(plan, target=False)


def run(args: argparse.Namespace) -> int:
    from kcompat.catalog.lifecycle import load_catalog
    from kcompat.checks.context import CheckContext
    from kcompat.commands.options import versions_of
    from kcompat.graph.build import build_graph
    from kcompat.plan import render
    from kcompat.plan.planner import make_plan

    target, current = versions_of(args, need_current=True)
    catalog = load_catalog()
    upgrade = None
    if args.crd_upgrade:
        from kcompat.commands.diff import read_upgrade

        upgrade = read_upgrade(args, args.crd_upgrade[0], args.crd_upgrade[1], target)
    result, resources, failed = load_resources(args, lifecycle_hops=True)
    from kcompat.plan.operator import held_custom_versions, old_crds_for_graph

    old_crds = upgrade[0].crds() if upgrade else []
    built = build_graph(resources + old_crds_for_graph(old_crds, resources), catalog)
    custom = held_custom_versions(upgrade[0].crds_by_name(), upgrade[1].crds_by_name()) if upgrade else ()
    failed = with_clients(args, built, resources, target, catalog, custom) or failed
    operator = None
    if upgrade is not None:
        from kcompat.plan.operator import operator_hop

        old, new = upgrade
        operator = operator_hop(built, args.crd_upgrade[0], args.crd_upgrade[1], old.crds_by_name(),
                                new.crds_by_name(), resources)
    plan = make_plan(built, result, CheckContext(catalog, target, current), operator)
    if args.output == "json":
        print(render.dumps(render.plan_json(plan)))
    elif args.output == "markdown":
        print(render.plan_markdown(plan), end="")
    else:
        print(render.plan_text(plan))
    if failed:
        return EXIT_USAGE
    return EXIT_FINDINGS if plan.blockers else EXIT_OK

