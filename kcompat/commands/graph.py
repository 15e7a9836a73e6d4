"""`kcompat graph`: the dependency graph of manifests (services, workloads, APIs, CRDs, webhooks)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kcompat.commands.common import EXIT_OK, EXIT_USAGE
from kcompat.commands.options import (
    OnceFlag,
    add_client_arguments,
    add_exclude,
    add_output,
    add_paths,
    add_target,
    check_request,
)
from kcompat.core.escape import safe_text


def add_parser(commands: Any) -> None:
    graph = commands.add_parser("graph", help="show the dependency graph of manifests")
    add_paths(graph)
    add_output(graph, ("text", "json", "mermaid", "dot"), "text")
    graph.add_argument("--all", action=OnceFlag,
                       help="also show uses-api edges and objects without dependencies (text, mermaid, dot)")
    add_exclude(graph)
    add_target(graph, help="version audit-log requests are judged against (default: the newest bundled)")
    add_client_arguments(graph)


def with_clients(args: argparse.Namespace, built: Any, resources: list[Any], target: Any, catalog: Any,
                 custom: Any = ()) -> bool:
    """Add the clients of --audit-log/--clients-json to the graph; True when a source was unreadable.
    custom: custom resource versions whose requests count too (plan --crd-upgrade)."""
    if not (args.audit_log or args.clients_json):
        return False
    from kcompat.graph.clients import add_clients, load_clients

    loaded = load_clients(args.audit_log, args.clients_json, target, catalog, resources, tuple(custom))
    for warning in loaded.warnings:
        print(safe_text(f"kcompat: warning: {warning}"), file=sys.stderr)
    for error in loaded.errors:
        print(safe_text(f"kcompat: error: {error}"), file=sys.stderr)
    add_clients(built, loaded.usages)
    return bool(loaded.errors)


def load_resources(args: argparse.Namespace, **request: Any) -> tuple[Any, list[Any], bool]:
    """One engine run that keeps the resources: (its result, the resources, whether an input was
    unreadable). Problems with the inputs go to stderr; the graph is built from what could be read."""
    from kcompat.core.rules import PARSE_ERROR, SKIPPED_FILE
    from kcompat.engine.run import run_keeping

    fields: dict[str, Any] = {"schema": None, "keep_resources": True, **request}
    checks = fields.pop("checks", ())
    result, resources = run_keeping(check_request(args, **fields), checks)
    for error in result.input_errors:
        print(safe_text(f"kcompat: error: {error.path}: {error.reason}"), file=sys.stderr)
    for finding in result.findings:
        if finding.rule in (PARSE_ERROR, SKIPPED_FILE):
            print(safe_text(f"kcompat: warning: {finding.origin.location()}: {finding.message}"), file=sys.stderr)
    return result, resources, bool(result.input_errors)


def run(args: argparse.Namespace) -> int:
    from kcompat.catalog.lifecycle import load_catalog
    from kcompat.graph import render
    from kcompat.graph.build import build_graph

    catalog = load_catalog()
    result, resources, failed = load_resources(args)
    built = build_graph(resources, catalog)
    failed = with_clients(args, built, resources, result.target, catalog) or failed
    if args.output == "json":
        print(render.dumps(render.graph_json(built)))
    elif args.output == "mermaid":
        print(render.graph_mermaid(built, args.all))
    elif args.output == "dot":
        print(render.graph_dot(built, args.all))
    else:
        print(render.graph_text(built, args.all))
    return EXIT_USAGE if failed else EXIT_OK
