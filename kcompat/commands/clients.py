"""`kcompat clients`: find the real clients of deprecated APIs (audit logs, metrics, a live cluster)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kcompat.commands.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, UsageError, target_and_current
from kcompat.commands.options import Once, add_current, add_output, add_target, stdin_once
from kcompat.core.escape import safe_text


def add_parser(commands: Any) -> None:
    clients = commands.add_parser(
        "clients", help="find the clients that call deprecated or removed APIs",
        description="Find who calls deprecated or removed APIs: from API server audit logs, from the "
        "apiserver_requested_deprecated_apis metric, or from a live cluster (read-only).")
    clients.add_argument("--audit-log", action="append", default=[], metavar="FILE",
                         help="audit.k8s.io/v1 JSON-lines log (plain or gzip); - for stdin; repeatable")
    clients.add_argument("--metrics", action="append", default=[], metavar="FILE",
                         help="API server /metrics output (Prometheus text format); repeatable")
    clients.add_argument("--cluster", action="store_true",
                         help="read a live cluster (GET requests only; needs the `cluster` extra)")
    clients.add_argument("--kubeconfig", action=Once, metavar="PATH",
                         help="kubeconfig for --cluster (default: $KUBECONFIG or ~/.kube/config)")
    clients.add_argument("--context", action=Once, metavar="NAME", help="kubeconfig context for --cluster")
    add_target(clients)
    add_current(clients, help="version the cluster runs now (with --cluster: read from the server when not given)")
    add_output(clients, ("text", "json"), "text")
    clients.add_argument("--fail-on", action=Once, choices=("removed", "deprecated", "none"), default="removed",
                         help="exit 1 when a client uses an API removed at the target (default), "
                         "or any deprecated API, or never")
    clients.add_argument("--parse-all", action="store_true",
                         help="parse every audit event instead of pre-filtering lines (slower; validates every line)")


def run(args: argparse.Namespace) -> int:
    from kcompat.catalog.lifecycle import load_catalog
    from kcompat.clients.audit import AuditReader
    from kcompat.clients.metrics import read_metrics_file
    from kcompat.clients.resources import resource_map
    from kcompat.clients.usage import ClientsReport

    if not (args.audit_log or args.metrics or args.cluster):
        raise UsageError("clients: give --audit-log FILE, --metrics FILE or --cluster")
    if (args.kubeconfig or args.context) and not args.cluster:
        raise UsageError("--kubeconfig and --context need --cluster")
    stdin_once(args.audit_log, args.metrics)
    target, current = target_and_current(args.target_version, args.current_version)
    catalog = load_catalog()
    resources = resource_map()
    report = ClientsReport(target, current)
    if args.audit_log:
        reader = AuditReader(report, catalog, resources, parse_all=args.parse_all)
        for path in args.audit_log:
            reader.read(path)
    for path in args.metrics:
        read_metrics_file(path, report, catalog, resources)
    cluster_failed = False
    if args.cluster:
        from kcompat.clients.cluster import ClusterError, read_cluster

        try:
            read_cluster(report, catalog, resources, kubeconfig=args.kubeconfig, context=args.context)
        except ClusterError as error:
            print(safe_text(f"kcompat: error: cluster: {error}"), file=sys.stderr)
            cluster_failed = True
    for stats in report.inputs:
        if stats.error and not stats.truncated:
            print(safe_text(f"kcompat: error: {stats.path}: {stats.error}"), file=sys.stderr)
        elif stats.truncated:
            print(safe_text(f"kcompat: warning: {stats.path}: truncated gzip stream after line {stats.lines}; "
                            "the events before it were read"), file=sys.stderr)
    if args.output == "json":
        from kcompat.clients.render import write_json

        write_json(report, sys.stdout)
    else:
        from kcompat.clients.render import write_text

        write_text(report, sys.stdout)
    if cluster_failed or any(s.error and not s.truncated for s in report.inputs):
        return EXIT_USAGE
    if args.fail_on == "none":
        return EXIT_OK
    statuses = {u.status for c in report.clients.values() for u in c.apis.values()}
    statuses |= {m.status for m in report.metrics.values()}
    failing = "removed" in statuses or (args.fail_on == "deprecated" and bool(statuses))
    return EXIT_FINDINGS if failing else EXIT_OK
