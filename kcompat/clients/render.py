"""Output of `kcompat clients`: text for people, versioned JSON (docs/clients.md) for tools."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, TextIO

from kcompat import __version__
from kcompat.clients.usage import DISCOVERY, FORMAT_VERSION, RELIABILITY, SCHEMA, ApiUsage, ClientsReport
from kcompat.core.escape import safe_text

CONVERSION_NOTE = ("The API server converts objects to any served version, so listing objects "
                   "(or `kubectl get`) through an old version proves nothing about the version a client used.")


def iso_time(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def usage_to_json(usage: ApiUsage) -> dict[str, Any]:
    group, _, version = usage.api_version.rpartition("/")
    return {
        "apiVersion": usage.api_version, "group": group, "version": version,
        "status": usage.status, "deprecated_in": usage.deprecated_release,
        "removed_in": usage.removed_release, "replacement": usage.replacement,
        "kinds": sorted(usage.kinds), "resources": sorted(usage.resources), "verbs": sorted(usage.verbs),
        "requests": usage.count, "objects": usage.objects,
        "first_seen": iso_time(usage.first_seen), "last_seen": iso_time(usage.last_seen),
        "evidence": sorted(usage.reasons),
    }


def to_json(report: ClientsReport) -> dict[str, Any]:
    clients = []
    for client in report.sorted_clients():
        ident = client.identity
        clients.append({
            "source": client.source, "reliability": client.reliability,
            "identity": {"type": ident.type, "name": ident.name, "namespace": ident.namespace,
                         "username": ident.username, "user_agent": ident.user_agent,
                         "user_agents": list(client.user_agents),
                         "groups": sorted(client.groups), "impersonated": sorted(client.impersonated)},
            "apis": [usage_to_json(u) for u in sorted(client.apis.values(),
                                                      key=lambda u: (u.api_version, sorted(u.kinds)))],
        })
    metrics = [{
        "apiVersion": m.api_version, "group": m.group, "version": m.version, "resource": m.resource,
        "subresource": m.subresource, "kind": m.kind, "status": m.status, "removed_in": m.removed_release,
        "replacement": m.replacement, "sources": m.sources,
    } for m in sorted(report.metrics.values(), key=lambda m: (m.group, m.version, m.resource, m.subresource))]
    inputs = [{
        "path": s.path, "kind": s.kind, "compressed": s.compressed, "lines": s.lines, "parsed": s.parsed,
        "skipped_by_prefilter": s.skipped, "other_stage_events": s.other_stages, "matched": s.matched,
        "malformed": s.malformed, "malformed_examples": [{"line": n, "reason": r} for n, r in s.malformed_examples],
        "truncated": s.truncated, "error": s.error,
    } for s in report.inputs]
    removed = sum(1 for c in report.clients.values() for u in c.apis.values() if u.status == "removed")
    return {
        "format_version": FORMAT_VERSION, "schema": SCHEMA, "kcompat_version": __version__,
        "target_version": str(report.target),
        "current_version": str(report.current) if report.current else None,
        "server_version": report.server_version,
        "summary": {"clients": len(report.clients),
                    "client_api_pairs": sum(len(c.apis) for c in report.clients.values()),
                    "removed_at_target": removed, "metric_apis": len(report.metrics),
                    "malformed_lines": sum(s.malformed for s in report.inputs),
                    "truncated_inputs": sum(1 for s in report.inputs if s.truncated),
                    "input_errors": sum(1 for s in report.inputs if s.error and not s.truncated)},
        "clients": clients,
        "metrics": {"apis": metrics, "reliability": RELIABILITY["metrics"]} if any(
            s.kind == "metrics" for s in report.inputs) else None,
        "served_deprecated": {"apiVersions": report.served_deprecated, "reliability": RELIABILITY[DISCOVERY]}
        if report.server_version else None,
        "inputs": inputs, "notes": report.notes, "errors": report.errors,
    }


def write_json(report: ClientsReport, out: TextIO) -> None:
    json.dump(to_json(report), out, indent=2)
    out.write("\n")


def write_text(report: ClientsReport, out: TextIO) -> None:
    # audit-log user names, user agents, object names and paths are input: shown escaped
    e = safe_text
    w = out.write
    w(f"kcompat clients: target Kubernetes {report.target}")
    if report.server_version:
        w(f", cluster runs {e(report.server_version)}")
    w("\n")
    clients = report.sorted_clients()
    source = None
    for client in clients:
        if client.source != source:
            source = client.source
            w(f"\nfrom {e(source)} (reliability {e(client.reliability)})\n")
        ident = client.identity
        w(f"  {e(ident.describe())}")
        if len(client.user_agents) > 1:
            w(f"  [user agents: {', '.join(e(agent) for agent in client.user_agents)}]")
        elif ident.user_agent:
            w(f"  [user agent: {e(ident.user_agent)}]")
        w("\n")
        if client.impersonated:
            w(f"    acting as: {e(', '.join(sorted(client.impersonated)))}\n")
        for usage in sorted(client.apis.values(), key=lambda u: (u.api_version, sorted(u.kinds))):
            status = f"REMOVED in {usage.removed_release}" if usage.status == "removed" else (
                f"deprecated{' in ' + usage.deprecated_release if usage.deprecated_release else ''}"
                f"{', removed in ' + usage.removed_release if usage.removed_release else ''}")
            kinds = f" {', '.join(sorted(usage.kinds))}" if usage.kinds else ""
            w(f"    {e(usage.api_version + kinds)}: {status}")
            if usage.replacement:
                w(f"; use {usage.replacement}")
            w("\n")
            details = []
            if usage.verbs:
                details.append(f"verbs {e(', '.join(sorted(usage.verbs)))}")
            if usage.resources:
                details.append(f"resources {e(', '.join(sorted(usage.resources)))}")
            details.append(f"{usage.count} {'request(s)' if source == 'audit-log' else 'object(s)'}")
            w(f"      {'; '.join(details)}\n")
            if usage.first_seen:
                w(f"      first seen {iso_time(usage.first_seen)}, last seen {iso_time(usage.last_seen)}\n")
            if usage.objects:
                w(f"      objects: {e(', '.join(usage.objects))}\n")
    if not clients and any(s.kind != "metrics" for s in report.inputs):
        w("\nno client of a deprecated or removed API found\n")
    if any(s.kind == "metrics" for s in report.inputs):
        w(f"\ndeprecated APIs requested since the API server started (reliability {RELIABILITY['metrics']})\n")
        if not report.metrics:
            w("  none\n")
        for m in sorted(report.metrics.values(), key=lambda m: (m.group, m.version, m.resource, m.subresource)):
            resource = f"{m.resource}/{m.subresource}" if m.subresource else m.resource
            status = f"REMOVED in {m.removed_release}" if m.status == "removed" else (
                f"deprecated{', removed in ' + m.removed_release if m.removed_release else ''}")
            w(f"  {e(m.api_version + ' ' + resource)}{' (' + e(m.kind) + ')' if m.kind else ''}: {status}")
            w(f"; use {m.replacement}\n" if m.replacement else "\n")
    if report.server_version:
        w("\nserved by the cluster and deprecated or removed at the target: "
          f"{e(', '.join(report.served_deprecated)) or 'none'}\n")
        w(f"  {CONVERSION_NOTE}\n")
    for stats in report.inputs:
        problems = []
        if stats.malformed:
            examples = ", ".join(f"line {n}: {e(r)}" for n, r in stats.malformed_examples)
            problems.append(f"{stats.malformed} malformed line(s) ({examples})")
        if stats.truncated:
            problems.append(f"truncated gzip stream: read {stats.lines} line(s) before the end")
        if stats.error and not stats.truncated:
            problems.append(f"error: {e(stats.error)}")
        if problems:
            w(f"\n{e(stats.path)}: {'; '.join(problems)}\n")
    if report.notes:
        w("\nnotes:\n")
        for note in report.notes:
            w(f"  - {e(note)}\n")
