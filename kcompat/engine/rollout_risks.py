"""Rollout-risk findings (rule `rollout-risk`) for providers that clients depend on.

A provider is a Service with at least one client edge (calls, routes, the API server, consumers of
its application API versions) and the workloads it selects. Each risk is a warning, or an error
where a client would certainly lose service during a rollout. Needs the graph, so networkx: only
`kcompat check --rollout`, `plan` and `graph` import this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kcompat.checks.context import CheckContext
from kcompat.core.model import Finding, Origin, Severity
from kcompat.core.rules import ROLLOUT_RISK
from kcompat.graph import nodes as m
from kcompat.graph.build import ServiceGraph, build_graph, selector_matches
from kcompat.graph.rollout import RolloutAdvisor
from kcompat.sources.resources import Resource, dig

RULE = ROLLOUT_RISK
SEVERAL_CLIENTS = 2
_REPLICATED = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"})




def _finding(resource: Resource, path: tuple[str | int, ...], severity: Severity, risk: str, message: str,
             node: str, clients: list[str]) -> Finding:
    origin = resource.origin_of(path)
    evidence = {"file": origin.path, "line": origin.line, "text": f"{'.'.join(map(str, path)) or 'object'}"}
    return Finding(RULE, severity, message, origin, resource.ref(),
                   details={"risk": risk, "node": node, "clients": clients, "evidence": [evidence]})


def _unavailable(value: Any, replicas: int) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.endswith("%") and value[:-1].isdigit():
        return replicas * int(value[:-1]) // 100
    return None


def rollout_risks(built: ServiceGraph) -> list[Finding]:
    graph, resources = built.graph, built.resources
    advisor = RolloutAdvisor(graph, resources)
    findings: list[Finding] = []
    pdbs = [r for r in resources.values() if r.kind == "PodDisruptionBudget"]
    hpas = [r for r in resources.values() if r.kind == "HorizontalPodAutoscaler"]
    seen: set[str] = set()
    for service, data in sorted(graph.nodes(data=True)):
        if data.get("kind") != m.SERVICE or service not in resources:
            continue
        clients = advisor.callers(service)
        if not clients:
            continue
        svc = resources[service]
        pinned = advisor.pinned_version(service)
        if pinned is not None:
            findings.append(_finding(svc, ("spec", "selector", "version"), Severity.WARNING, "selector-pins-version",
                                     f"Service {svc.name} selects only version={pinned}: a rolling update of a new "
                                     "version cannot move its traffic (blue-green: switch the selector)",
                                     service, clients))
        for workload in advisor.workloads_of(service):
            if workload in seen or workload not in resources:
                continue
            seen.add(workload)
            findings += _workload_risks(resources[workload], workload, clients, pdbs, hpas)
    findings.sort(key=Finding.sort_key)
    return findings


def _workload_risks(resource: Resource, node: str, clients: list[str], pdbs: list[Resource],
                    hpas: list[Resource]) -> list[Finding]:
    found: list[Finding] = []
    obj, kind, name = resource.obj, resource.kind, resource.name
    who = f"{len(clients)} client(s): {', '.join(clients[:3])}{' ...' if len(clients) > 3 else ''}"
    raw = dig(obj, "spec", "replicas")
    replicas = raw if isinstance(raw, int) else 1
    scaled = any(dig(h, "spec", "scaleTargetRef", "name") == name and
                 isinstance(dig(h.obj, "spec", "minReplicas"), int) and h.obj["spec"]["minReplicas"] > 1
                 for h in hpas if (h.namespace or "default") == (resource.namespace or "default"))
    if kind == "Deployment" and dig(obj, "spec", "strategy", "type") == "Recreate":
        found.append(_finding(resource, ("spec", "strategy", "type"), Severity.ERROR, "recreate",
                              f"{kind} {name} uses strategy Recreate: every pod stops before the new ones start, "
                              f"so its {who} lose service on each rollout", node, clients))
    if kind in _REPLICATED and replicas <= 1 and not scaled:
        path: tuple[str | int, ...] = ("spec", "replicas") if isinstance(raw, int) else ("spec",)
        found.append(_finding(resource, path, Severity.WARNING, "single-replica",
                              f"{kind} {name} runs a single replica: a node drain or a failed rollout leaves its "
                              f"{who} without a backend", node, clients))
    containers = dig(obj, *(("spec",) if kind == "Pod" else ("spec", "template", "spec")), "containers")
    if isinstance(containers, list) and containers and kind != "CronJob" and kind != "Job" and \
            not any(isinstance(c, dict) and c.get("readinessProbe") for c in containers):
        found.append(_finding(resource, ("spec", "template", "spec", "containers"), Severity.WARNING,
                              "no-readiness-probe",
                              f"{kind} {name} has no readiness probe: new pods get traffic before they can serve "
                              f"its {who}", node, clients))
    if kind == "Deployment" and replicas >= 1:
        value = dig(obj, "spec", "strategy", "rollingUpdate", "maxUnavailable")
        unavailable = _unavailable(value, replicas)
        if unavailable is not None and unavailable >= replicas:
            found.append(_finding(resource, ("spec", "strategy", "rollingUpdate", "maxUnavailable"), Severity.ERROR,
                                  "max-unavailable",
                                  f"{kind} {name} has maxUnavailable {value} with {replicas} replica(s): a rollout "
                                  f"may take every pod down at once and its {who} lose service", node, clients))
    if kind == "StatefulSet":
        strategy = dig(obj, "spec", "updateStrategy", "type")
        partition = dig(obj, "spec", "updateStrategy", "rollingUpdate", "partition")
        if strategy == "OnDelete":
            found.append(_finding(resource, ("spec", "updateStrategy", "type"), Severity.WARNING, "on-delete",
                                  f"StatefulSet {name} uses updateStrategy OnDelete: pods only change when deleted "
                                  "by hand, so a rollout never finishes by itself", node, clients))
        elif isinstance(partition, int) and partition > 0:
            found.append(_finding(resource, ("spec", "updateStrategy", "rollingUpdate", "partition"),
                                  Severity.WARNING, "partition",
                                  f"StatefulSet {name} has rollingUpdate.partition {partition}: pods below ordinal "
                                  f"{partition} keep the old version", node, clients))
    if len(clients) >= SEVERAL_CLIENTS and kind in _REPLICATED:
        labels = dig(obj, "spec", "template", "metadata", "labels")
        labels = {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}
        protected = any(isinstance(dig(p.obj, "spec", "selector"), dict) and
                        (p.namespace or "default") == (resource.namespace or "default") and
                        selector_matches(p.obj["spec"]["selector"], labels) for p in pdbs)
        if not protected:
            found.append(_finding(resource, ("metadata", "name"), Severity.WARNING, "no-pdb",
                                  f"no PodDisruptionBudget selects {kind} {name}, which serves {who}: a node drain "
                                  "may evict all its pods at once", node, clients))
    return found


def rollout_findings(resources: Sequence[Resource], context: CheckContext,
                     ignore: frozenset[str] = frozenset()) -> list[Finding]:
    """The rollout-risk findings of all the resources of a run (`kcompat check --rollout`)."""
    built = build_graph(resources, context.catalog)
    by_origin = {id(r): r for r in resources}
    found = []
    for finding in rollout_risks(built):
        node = finding.details.get("node")
        resource = built.resources.get(str(node))
        by_comment = resource is not None and id(resource) in by_origin and resource.document.ignores(RULE)
        if RULE in ignore or by_comment:
            finding = finding._replace(suppressed=True, details={
                **finding.details, "suppressedBy": "comment" if by_comment else "flag"})
        found.append(finding)
    return found


__all__ = ["RULE", "Origin", "rollout_findings", "rollout_risks"]
