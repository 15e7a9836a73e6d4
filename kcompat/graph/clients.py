"""Clients seen by the API server (audit logs, `kcompat clients -o json`) in the graph and the plan.

Clients become `client` nodes with `uses-api` edges to the built-in API nodes; a service-account
client that a workload in the manifests runs as (spec.template.spec.serviceAccountName, "default"
when unset) is joined to that workload's node instead of getting a node of its own. Such edges are
`observed: true` and carry the evidence: source, reliability, requests, first and last seen.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kcompat.catalog.lifecycle import Catalog
from kcompat.clients.audit import CustomVersion
from kcompat.clients.usage import ApiUsage, Client, ClientsReport, Identity
from kcompat.core import limits
from kcompat.core.versions import KubeVersion, VersionError
from kcompat.graph import nodes as m
from kcompat.graph.build import ServiceGraph
from kcompat.graph.client_usage import ClientUsage, client_nodes, join_workloads
from kcompat.sources.reading import open_input
from kcompat.sources.resources import Resource

CLIENT = "client"
"""Node kind of a client that no workload in the manifests runs as."""


@dataclass
class LoadedClients:
    usages: list[ClientUsage] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _time(text: Any) -> dt.datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    """A string field of clients JSON; anything else (a list, a number, null) is missing."""
    return value if isinstance(value, str) else None


def _count(value: Any) -> int:
    """A request count from clients JSON: a non-negative whole number, else 0 (1e400, "x", [1])."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    if isinstance(value, float) and not value.is_integer():  # NaN and infinities are not integers
        return 0
    return max(0, min(int(value), MAX_COUNT))


MAX_COUNT = 2**63 - 1
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
MAX_CLIENTS_JSON_DEPTH = 64
"""`kcompat clients -o json` nests six levels; deeper input is refused before it is parsed."""


def report_from_json(data: Any, target: KubeVersion) -> ClientsReport:
    """A ClientsReport rebuilt from the JSON of `kcompat clients -o json` (schema kcompat.clients/v1).

    Fields of the wrong type are treated as missing; nothing in the input can raise but ValueError."""
    if not isinstance(data, dict) or not isinstance(data.get("clients"), list):
        raise ValueError("not the JSON of `kcompat clients -o json` (no \"clients\" list)")
    try:
        report_target = KubeVersion.parse(_text(data.get("target_version")) or str(target))
    except VersionError:
        report_target = target
    report = ClientsReport(report_target)
    for entry in data["clients"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("identity"), dict):
            continue
        ident = entry["identity"]
        identity = Identity(_text(ident.get("type")) or "user", _text(ident.get("name")) or "?",
                            _text(ident.get("namespace")), _text(ident.get("username")),
                            _text(ident.get("user_agent")))
        source = _text(entry.get("source")) or "audit-log"
        client = report.clients.setdefault((source, identity), Client(source, identity))
        client.groups.update(_strings(ident.get("groups")))
        client.impersonated.update(_strings(ident.get("impersonated")))
        apis = entry.get("apis")
        for api in apis if isinstance(apis, list) else []:
            if not isinstance(api, dict) or not isinstance(api.get("apiVersion"), str):
                continue
            usage = ApiUsage(api["apiVersion"], _text(api.get("status")) or "deprecated", _text(api.get("removed_in")),
                             _text(api.get("deprecated_in")), _text(api.get("replacement")),
                             set(_strings(api.get("kinds"))), set(_strings(api.get("resources"))),
                             set(_strings(api.get("verbs"))), _strings(api.get("objects")),
                             set(_strings(api.get("evidence"))), _count(api.get("requests")),
                             _time(api.get("first_seen")), _time(api.get("last_seen")))
            client.apis[f"{usage.api_version} {' '.join(sorted(usage.kinds))}"] = usage
    return report


def read_clients_json(path: str) -> Any:
    """The parsed JSON of a --clients-json file: a regular file or a FIFO (`<(...)`), bounded in size
    and depth. Raises OSError or ValueError with a readable message."""
    with open_input(path, allow_fifo=True) as handle:
        raw = handle.read(limits.MAX_FILE_BYTES + 1)
    if len(raw) > limits.MAX_FILE_BYTES:
        raise ValueError(f"larger than {limits.MAX_FILE_BYTES >> 20} MiB")
    text = raw.decode("utf-8")
    depth = 0
    for match in _BRACKETS.finditer(_JSON_STRING.sub('""', text)):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_CLIENTS_JSON_DEPTH:
            raise ValueError(f"nests deeper than {MAX_CLIENTS_JSON_DEPTH} levels; refused")
    return json.loads(text)


def load_clients(audit_logs: Sequence[str], clients_json: Sequence[str], target: KubeVersion, catalog: Catalog,
                 resources: Iterable[Resource], custom: Sequence[CustomVersion] = ()) -> LoadedClients:
    """The client usages of the given sources, joined to the workloads of resources; requests to the
    custom resource versions in custom (versions a CRD upgrade stops serving) are recorded too."""
    loaded = LoadedClients()
    reports: list[ClientsReport] = []
    if audit_logs:
        from kcompat.clients.audit import AuditReader
        from kcompat.clients.resources import resource_map

        report = ClientsReport(target)
        reader = AuditReader(report, catalog, resource_map(), custom=custom)
        for path in audit_logs:
            reader.read(path)
        for stats in report.inputs:
            if stats.error and not stats.truncated:
                loaded.errors.append(f"{stats.path}: {stats.error}")
            elif stats.truncated:
                loaded.warnings.append(f"{stats.path}: truncated gzip stream after line {stats.lines}; "
                                       "the events before it were read")
            if stats.malformed:
                loaded.warnings.append(f"{stats.path}: {stats.malformed} malformed line(s) skipped")
        reports.append(report)
    for path in clients_json:
        try:
            reports.append(report_from_json(read_clients_json(path), target))
        except OSError as error:
            loaded.errors.append(f"{path}: {error.strerror or error}")
        except (ValueError, RecursionError) as error:
            loaded.errors.append(f"{path}: {error}")
    usages = [usage for report in reports for usage in client_nodes(report)]
    loaded.usages = join_workloads(usages, resources)
    return loaded


def _edge_attrs(usage: ClientUsage) -> dict[str, Any]:
    return {"observed": True, "source": usage.source, "reliability": usage.reliability,
            "requests": usage.requests, "first_seen": usage.first_seen, "last_seen": usage.last_seen,
            "status": usage.status, "removed_in": usage.removed_in, "replacement": usage.replacement,
            "kinds": list(usage.kinds), "clients": [usage.node_id], "identities": [_who(usage)],
            "api_version": usage.api_version}


def _who(usage: ClientUsage) -> str:
    if usage.service_account is not None:
        return f"service account {usage.service_account[0]}/{usage.service_account[1]}"
    where = f"{usage.namespace}/" if usage.namespace else ""
    return f"{usage.identity_type.replace('-', ' ')} {where}{usage.name}"


def add_clients(built: ServiceGraph, usages: Iterable[ClientUsage]) -> None:
    """Client nodes (or their workloads) and observed uses-api edges to the built-in API nodes."""
    graph = built.graph
    crd_versions = {data["name"]: node for node, data in graph.nodes(data=True) if data.get("kind") == m.CRD_VERSION}
    for usage in usages:
        # a custom resource version the graph knows (a CRD in the input): the client's edge goes to it
        custom = [crd_versions[f"{usage.api_version} {kind}"] for kind in usage.kinds
                  if f"{usage.api_version} {kind}" in crd_versions]
        if custom:
            usage = dataclasses.replace(usage, api_node=custom[0])
        elif usage.api_node not in graph:
            group, _, version = usage.api_version.rpartition("/")
            graph.add_node(usage.api_node, kind=m.BUILTIN_API, name=usage.api_version, namespace=None,
                           group=group, version=version)
        sources = [w for w in usage.workloads if w in graph]
        shared: list[str] = []
        if len(sources) > 1:
            # several workloads run as this service account (the namespace's `default`, say): the log
            # cannot tell which sent the request, so the identity is the client, named once with its
            # requests, and the workloads are listed as the ones that may have sent them
            shared, sources = sources, []
        if not sources:
            if usage.node_id not in graph:
                graph.add_node(usage.node_id, kind=CLIENT, name=usage.name, namespace=usage.namespace,
                               source=usage.source, reliability=usage.reliability,
                               identity_type=usage.identity_type, username=usage.username,
                               user_agent=usage.user_agent)
            sources = [usage.node_id]
            if shared:
                node = graph.nodes[usage.node_id]
                node["run_by"] = sorted(set(node.get("run_by", [])) | set(shared))
        evidence = {"file": usage.source, "line": None, "text": usage.evidence}
        key = f"{m.USES_API} observed by {usage.source}"
        for source in sources:
            if not graph.has_edge(source, usage.api_node, key=key):
                graph.add_edge(source, usage.api_node, key=key, type=m.USES_API, evidence=[evidence],
                               **_edge_attrs(usage))
                continue
            data = graph.edges[source, usage.api_node, key]
            data["evidence"].append(evidence)
            data["requests"] += usage.requests
            data["kinds"] = sorted(set(data["kinds"]) | set(usage.kinds))
            for name, value in (("clients", usage.node_id), ("identities", _who(usage))):
                if value not in data[name]:
                    data[name].append(value)
            if usage.first_seen and (not data["first_seen"] or usage.first_seen < data["first_seen"]):
                data["first_seen"] = usage.first_seen
            if usage.last_seen and (not data["last_seen"] or usage.last_seen > data["last_seen"]):
                data["last_seen"] = usage.last_seen
            if usage.status == "removed":
                data["status"] = "removed"


@dataclass(frozen=True)
class ClientCall:
    """One graph node (a workload or a client) still calling a deprecated or removed API."""

    node: str
    api_version: str
    kinds: tuple[str, ...]
    status: str
    removed_in: str | None
    replacement: str | None
    source: str
    reliability: str
    requests: int
    first_seen: str | None
    last_seen: str | None
    identities: tuple[str, ...]
    evidence: tuple[str, ...]
    run_by: tuple[str, ...] = ()
    """Workloads that run as the client's service account when there are several (any may be the caller)."""

    def describe(self) -> str:
        source = self.source.replace("-", " ")
        seen = f", last seen {self.last_seen}" if self.last_seen else ""
        who = ", ".join(self.identities)
        name = who if self.node.startswith(f"{CLIENT}:") else f"{self.node} as {who}" if who else self.node
        requests = f"{self.requests} request{'' if self.requests == 1 else 's'}"
        first = f", first seen {self.first_seen}" if self.first_seen and self.first_seen != self.last_seen else ""
        text = f"{name} ({source}, {requests}{first}{seen})"
        if self.run_by:
            more = f" and {len(self.run_by) - 3} more" if len(self.run_by) > 3 else ""
            text += (f"; {len(self.run_by)} workloads run as it, any may be the caller: "
                     f"{', '.join(self.run_by[:3])}{more}")
        return text

    def to_json(self) -> dict[str, Any]:
        return {"node": self.node, "apiVersion": self.api_version, "kinds": list(self.kinds), "status": self.status,
                "removed_in": self.removed_in, "replacement": self.replacement, "source": self.source,
                "reliability": self.reliability, "requests": self.requests, "first_seen": self.first_seen,
                "last_seen": self.last_seen, "clients": list(self.identities), "evidence": list(self.evidence),
                "run_by": list(self.run_by)}


def client_calls(graph: Any) -> list[ClientCall]:
    """Every observed uses-api edge of the graph, as the node that must migrate and its evidence."""
    calls = []
    for source, api_node, data in graph.edges(data=True):
        if not data.get("observed"):
            continue
        identities = tuple(data.get("identities") or ())
        api_version = data.get("api_version") or graph.nodes[api_node]["name"]
        calls.append(ClientCall(
            source, api_version, tuple(data.get("kinds") or ()), data.get("status") or "",
            data.get("removed_in"), data.get("replacement"), data.get("source") or "", data.get("reliability") or "",
            int(data.get("requests") or 0), data.get("first_seen"), data.get("last_seen"), identities,
            tuple(e["text"] for e in data["evidence"]), tuple(graph.nodes[source].get("run_by") or ())))
    return sorted(calls, key=lambda c: (c.api_version, c.node))

