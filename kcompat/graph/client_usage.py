"""Clients found by `kcompat clients` as nodes for the dependency graph (kcompat.graph).

`client_nodes(report)` flattens a ClientsReport into one ClientUsage per client and API, with the
evidence and the release that removes the API; `join_workloads(usages, resources)` attaches each
service-account client to the workloads in the manifests that run as that service account
(spec.template.spec.serviceAccountName, "default" when unset), by the graph's own node ids.
Neither function imports networkx: the graph calls them and adds the nodes and edges itself.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from kcompat.clients.render import iso_time
from kcompat.clients.usage import ClientsReport
from kcompat.graph.nodes import WORKLOAD_KINDS, builtin_api_id, object_id
from kcompat.sources.resources import Resource

_POD_SPEC = {"Pod": ("spec",), "CronJob": ("spec", "jobTemplate", "spec", "template", "spec")}


@dataclass(frozen=True)
class ClientUsage:
    """One client's use of one deprecated or removed API, ready to become a graph node and edge."""

    node_id: str
    """`client:<source>:<identity>`: stable, distinct from every manifest object id."""
    source: str
    reliability: str
    identity_type: str
    name: str
    namespace: str | None
    username: str | None
    user_agent: str | None
    service_account: tuple[str, str] | None
    """(namespace, name) when the client is a service account: the key to join a workload."""
    api_version: str
    api_node: str
    """The graph's node id of the built-in API (kcompat.graph.nodes.builtin_api_id)."""
    kinds: tuple[str, ...]
    status: str
    removed_in: str | None
    replacement: str | None
    requests: int
    first_seen: str | None
    last_seen: str | None
    evidence: str
    workloads: tuple[str, ...] = ()
    """Graph node ids of the workloads running as this service account (filled by join_workloads)."""


def client_nodes(report: ClientsReport) -> list[ClientUsage]:
    result = []
    for client in report.sorted_clients():
        ident = client.identity
        where = f"{ident.namespace}/{ident.name}" if ident.namespace else ident.name
        agent = f"@{ident.user_agent}" if ident.user_agent else ""
        node = f"client:{client.source}:{ident.type}:{where}{agent}"
        account = (ident.namespace, ident.name) if ident.type == "service-account" and ident.namespace else None
        for usage in sorted(client.apis.values(), key=lambda u: (u.api_version, sorted(u.kinds))):
            seen = (f", first seen {iso_time(usage.first_seen)}, last seen {iso_time(usage.last_seen)}"
                    if usage.first_seen else "")
            objects = f" ({', '.join(usage.objects[:3])})" if usage.objects else ""
            evidence = (f"{client.source}: {ident.describe()} used {usage.api_version} "
                        f"{usage.count} time(s){seen}{objects}")
            result.append(ClientUsage(
                node, client.source, client.reliability, ident.type, ident.name, ident.namespace, ident.username,
                ident.user_agent, account, usage.api_version, builtin_api_id(usage.api_version),
                tuple(sorted(usage.kinds)), usage.status, usage.removed_release, usage.replacement, usage.count,
                iso_time(usage.first_seen), iso_time(usage.last_seen), evidence))
    return result


def service_account_workloads(resources: Iterable[Resource]) -> dict[tuple[str, str], list[str]]:
    """(namespace, service account) -> graph node ids of the workloads that run as it."""
    found: dict[tuple[str, str], list[str]] = {}
    for resource in resources:
        if resource.kind not in WORKLOAD_KINDS:
            continue
        meta = resource.obj.get("metadata") or {}
        name, namespace = meta.get("name"), meta.get("namespace") or "default"
        spec: object = resource.obj
        for key in _POD_SPEC.get(resource.kind, ("spec", "template", "spec")):
            spec = spec.get(key) if isinstance(spec, dict) else None
        if not isinstance(name, str) or not isinstance(spec, dict):
            continue
        account = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
        if isinstance(account, str):
            found.setdefault((namespace, account), []).append(object_id(resource.kind, name, namespace))
    return found


def join_workloads(usages: list[ClientUsage], resources: Iterable[Resource]) -> list[ClientUsage]:
    """The same usages, each service-account client with the workload node ids that run as it."""
    accounts = service_account_workloads(resources)
    return [dataclasses.replace(u, workloads=tuple(accounts.get(u.service_account, ())))
            if u.service_account else u for u in usages]
