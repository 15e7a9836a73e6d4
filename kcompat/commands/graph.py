"""`kcompat graph`: the dependency graph of manifests (services, workloads, APIs, CRDs, webhooks)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kcompat.commands.common import EXIT_OK, EXIT_USAGE, UsageError


def add_parser(commands: Any) -> None:
    graph = commands.add_parser("graph", help="show the dependency graph of manifests")
    graph.add_argument("paths", nargs="+", metavar="PATH",
                       help="files or directories (recursive: *.yaml, *.yml, *.json); - for stdin")
    graph.add_argument("-o", "--output", choices=("text", "json", "mermaid", "dot"), default="text")
    graph.add_argument("--all", action="store_true",
                       help="also show uses-api edges and objects without dependencies (text, mermaid, dot)")
    graph.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                       help="skip paths matching GLOB (repeatable)")
    graph.add_argument("-t", "--target-version",
                       help="version audit-log requests are judged against (default: the newest bundled)")
    add_client_arguments(graph)


def add_client_arguments(parser: Any) -> None:
    parser.add_argument("--audit-log", nargs="+", action="extend", default=[], metavar="FILE",
                        help="API server audit log (JSON lines, plain or gzip): its clients of deprecated "
                        "APIs join the graph; repeatable")
    parser.add_argument("--clients-json", metavar="FILE",
                        help="the JSON of `kcompat clients -o json`: its clients join the graph")


def with_clients(args: argparse.Namespace, built: Any, resources: list[Any], target: Any, catalog: Any) -> bool:
    """Add the clients of --audit-log/--clients-json to the graph; True when a source was unreadable."""
    if not (args.audit_log or args.clients_json):
        return False
    from kcompat.graph.clients import add_clients, load_clients

    if args.audit_log.count("-") > 1 or (args.audit_log and "-" in args.paths):
        raise UsageError("stdin (-) can be given only once")
    loaded = load_clients(args.audit_log, args.clients_json, target, catalog, resources)
    for warning in loaded.warnings:
        print(f"kcompat: warning: {warning}", file=sys.stderr)
    for error in loaded.errors:
        print(f"kcompat: error: {error}", file=sys.stderr)
    add_clients(built, loaded.usages)
    return bool(loaded.errors)


def load_resources(paths: list[str], exclude: list[str]) -> tuple[list[Any], list[Any], bool]:
    """(loaded inputs, resources, whether some input was unreadable); problems go to stderr."""
    from kcompat.engine.pipeline import InputError, load_all
    from kcompat.sources.resources import extract

    if paths.count("-") > 1:
        raise UsageError("stdin (-) can be given only once")
    inputs, resources, failed = [], [], False
    for loaded in load_all(paths, exclude):
        if isinstance(loaded, InputError):
            print(f"kcompat: error: {loaded.path}: {loaded.reason}", file=sys.stderr)
            failed = True
            continue
        inputs.append(loaded)
        for finding in loaded.findings:
            print(f"kcompat: warning: {finding.origin.location()}: {finding.message}", file=sys.stderr)
        extraction = extract(loaded.documents)
        resources.extend(extraction.resources)
    return inputs, resources, failed


def run(args: argparse.Namespace) -> int:
    from kcompat.catalog.lifecycle import load_catalog
    from kcompat.commands.common import target_and_current
    from kcompat.graph import render
    from kcompat.graph.build import build_graph

    target, _ = target_and_current(args.target_version, None)
    catalog = load_catalog()
    _, resources, failed = load_resources(args.paths, args.exclude)
    built = build_graph(resources, catalog)
    failed = with_clients(args, built, resources, target, catalog) or failed
    if args.output == "json":
        print(render.dumps(render.graph_json(built)))
    elif args.output == "mermaid":
        print(render.graph_mermaid(built, args.all))
    elif args.output == "dot":
        print(render.graph_dot(built, args.all))
    else:
        print(render.graph_text(built, args.all))
    return EXIT_USAGE if failed else EXIT_OK
