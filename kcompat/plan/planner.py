"""The upgrade plan: cluster hops from the check pipeline, application waves from graph algorithms.

Application waves come from the client -> provider graph over workloads: its condensation (one
node per strongly connected component) is a DAG, and its topological generations, reversed so
that providers come first, are the order in which clients can move to a newer API version.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from kcompat.checks.context import CheckContext
from kcompat.core.model import Finding, ObjectRef, Origin, Severity
from kcompat.core.result import CheckResult
from kcompat.core.rules import PLAN_BLOCKER
from kcompat.core.versions import KubeVersion, VersionError, hops
from kcompat.graph import nodes as m
from kcompat.graph.addresses import version_key
from kcompat.graph.build import ServiceGraph
from kcompat.graph.clients import ClientCall, client_calls
from kcompat.graph.rollout import BLUE_GREEN, CANARY, MANY_CALLERS, ROLLING, Rollout, RolloutAdvisor
from kcompat.plan.operator import OperatorHop

BLOCKER = PLAN_BLOCKER
HOP_RULES = frozenset({"removed-api", "deprecated-api"})
ALREADY_BROKEN_RULES = frozenset({"removed-api", "not-yet-served"})


@dataclass
class HopItem:
    finding: Finding
    node: str
    affected: list[str]
    deprecated_at: str | None = None
    """For a removal: the earlier hop of the plan that deprecated it (listed here, not there)."""


@dataclass
class Hop:
    source: KubeVersion | None
    """None for the list of what is already broken at the current version."""
    target: KubeVersion
    items: list[HopItem] = field(default_factory=list)
    clients: list[ClientCall] = field(default_factory=list)
    """Clients seen calling an API this hop removes (audit logs, `kcompat clients -o json`)."""
    strategy: str = ""
    strategy_reason: str = ""

    @property
    def name(self) -> str:
        return f"{self.source} -> {self.target}" if self.source is not None else f"at {self.target}"


@dataclass
class Step:
    action: str
    """serve | migrate | cycle | retire"""
    nodes: list[str]
    api: str
    versions: list[str]
    text: str
    strategy: str = ""
    """rolling update | blue-green | canary (kcompat.graph.rollout)"""
    strategy_reason: str = ""
    rollout: Rollout | None = None


@dataclass
class Wave:
    number: int
    steps: list[Step] = field(default_factory=list)


@dataclass
class Hold:
    """An old application API version and the clients it must stay served for."""

    api: str
    version: str
    newest: str
    providers: list[str]
    clients: list[str]
    retire_wave: int


@dataclass
class CrdSummary:
    node: str
    versions: list[dict[str, Any]]
    custom_resources: dict[str, list[str]]


@dataclass
class UpgradePlan:
    current: KubeVersion
    target: KubeVersion
    hops: list[Hop]
    waves: list[Wave]
    holds: list[Hold]
    cycles: list[list[str]]
    upgrade_layers: list[list[str]]
    crds: list[CrdSummary]
    blockers: list[Finding]
    clients: list[ClientCall] = field(default_factory=list)
    """Every observed client of a deprecated or removed API, whatever its removal release."""
    rollouts: list[Step] = field(default_factory=list)
    """Version rollouts already in progress (traffic split between versions behind one Service)."""
    operator: OperatorHop | None = None
    """With --crd-upgrade OLD NEW: the operator-upgrade hop (kcompat.plan.operator)."""


# -- dependency graph and layers ------------------------------------------------------------

def selected_workloads(graph: Any, service: str) -> list[str]:
    return sorted(v for _, v, k in graph.out_edges(service, keys=True) if k == m.SELECTS)


def _units(graph: Any, node: str) -> list[str]:
    """The deployable units behind a node: a Service's workloads (or the Service if it has none)."""
    if graph.nodes[node].get("kind") == m.SERVICE:
        return selected_workloads(graph, node) or [node]
    return [node]


def providers_of(graph: Any, api_node: str) -> list[str]:
    return sorted(u for u, _, k in graph.in_edges(api_node, keys=True) if k == m.SERVES)


def dependency_graph(graph: Any) -> Any:
    """client -> provider over deployable units (workloads; Services without workloads)."""
    deps = nx.DiGraph()
    for node, data in graph.nodes(data=True):
        if data.get("kind") == m.WORKLOAD:
            deps.add_node(node)
    for source, target, kind in graph.edges(keys=True):
        if graph.nodes[source].get("kind") != m.WORKLOAD:
            continue
        if kind == m.CALLS:
            targets = _units(graph, target)
        elif kind == m.CONSUMES:
            targets = [unit for provider in providers_of(graph, target) for unit in _units(graph, provider)]
        else:
            continue
        for unit in targets:
            if unit != source:
                deps.add_edge(source, unit)
    return deps


def upgrade_layers(deps: Any) -> tuple[list[list[str]], dict[str, int], list[list[str]]]:
    """Layers of units, providers first; each unit's layer; the cycles (SCCs of more than one unit)."""
    condensed = nx.condensation(deps)
    layers: list[list[str]] = []
    layer_of: dict[str, int] = {}
    for index, generation in enumerate(nx.topological_generations(condensed.reverse(copy=False))):
        members = sorted(member for scc in generation for member in condensed.nodes[scc]["members"])
        layers.append(members)
        for member in members:
            layer_of[member] = index
    cycles = sorted(sorted(condensed.nodes[scc]["members"]) for scc in condensed.nodes
                    if len(condensed.nodes[scc]["members"]) > 1)
    return layers, layer_of, cycles


# -- application API analysis ---------------------------------------------------------------

def _declared(graph: Any, node: str, api: str) -> set[str]:
    return {graph.nodes[t]["version"] for _, t, k in graph.out_edges(node, keys=True)
            if k == m.SERVES and graph.nodes[t]["api"] == api}


def served_by(graph: Any, service_or_workload: str, api: str) -> set[str]:
    """Versions of api a Service (with its workloads) or a workload declares it serves."""
    versions = _declared(graph, service_or_workload, api)
    if graph.nodes[service_or_workload].get("kind") == m.SERVICE:
        for workload in selected_workloads(graph, service_or_workload):
            versions |= _declared(graph, workload, api)
    return versions


def _node_ref(graph: Any, node: str) -> tuple[Origin, ObjectRef | None]:
    data = graph.nodes[node]
    origin = Origin(data.get("file") or "<graph>", None, data.get("line"))
    if data.get("k8s_kind"):
        return origin, ObjectRef(data["api_version"], data["k8s_kind"], data.get("name"), data.get("namespace"))
    return origin, None


def _blocker(graph: Any, node: str, message: str, kind: str, evidence: list[dict[str, Any]],
             at: dict[str, Any] | None = None) -> Finding:
    origin, ref = _node_ref(graph, node)
    if at is not None:
        origin = Origin(at["file"], None, at["line"])
    return Finding(BLOCKER, Severity.ERROR, message, origin, ref,
                   details={"blocker": kind, "node": node, "evidence": evidence})


Use = tuple[str, str | None, list[dict[str, Any]]]
"""(client, the Service it reaches the API through or None, evidence)"""


def _consumers(graph: Any) -> dict[str, dict[str, list[Use]]]:
    """api name -> version -> its uses."""
    result: dict[str, dict[str, list[Use]]] = {}
    for client, api_node, kind, data in graph.edges(keys=True, data=True):
        if kind != m.CONSUMES:
            continue
        api, version = graph.nodes[api_node]["api"], graph.nodes[api_node]["version"]
        result.setdefault(api, {}).setdefault(version, []).append((client, data.get("via"), data["evidence"]))
    return result


def _api_blockers(graph: Any, providers: dict[str, list[str]]) -> list[Finding]:
    blockers: list[Finding] = []
    consumed: dict[tuple[str, str], set[str]] = defaultdict(set)  # (service, api) -> versions used through it
    for client, api_node, kind, data in graph.edges(keys=True, data=True):
        if kind != m.CONSUMES:
            continue
        api, version = graph.nodes[api_node]["api"], graph.nodes[api_node]["version"]
        reached = _reached(graph, client, api, data.get("via"), providers)
        if not reached:  # the client calls no provider of the API: judge all its providers together
            everyone = providers.get(api, [])
            served = set().union(*(served_by(graph, p, api) for p in everyone))
            if served and version not in served:
                blockers.append(_blocker(
                    graph, client, f"{client} uses {api}/{version}, but no provider in the input serves it "
                    f"(served: {', '.join(f'{api}/{v}' for v in sorted(served, key=version_key))})",
                    "unserved-version", data["evidence"], data["evidence"][0]))
        for provider in reached:
            consumed[(provider, api)].add(version)
            served = served_by(graph, provider, api)
            if served and version not in served:
                blockers.append(_blocker(
                    graph, client,
                    f"{client} uses {api}/{version}, but its provider {provider} serves only "
                    f"{', '.join(f'{api}/{v}' for v in sorted(served, key=version_key))}",
                    "unserved-version", data["evidence"], data["evidence"][0]))
    for (provider, api), versions in sorted(consumed.items()):
        if graph.nodes[provider].get("kind") != m.SERVICE:
            continue
        served = served_by(graph, provider, api)
        for workload in selected_workloads(graph, provider):
            declared = _declared(graph, workload, api)
            # served behind the Service (by another workload or its annotation) but not by this one
            missing = sorted((versions & served) - declared, key=version_key) if declared else []
            for version in missing:
                clients = sorted(c for c, t, k in graph.in_edges(m.app_api_id(api, version), keys=True)
                                 if k == m.CONSUMES)
                evidence = [e for _, t, k, d in graph.out_edges(workload, keys=True, data=True)
                            if k == m.SERVES for e in d["evidence"]]
                blockers.append(_blocker(
                    graph, workload,
                    f"{workload} behind {provider} no longer serves {api}/{version} while "
                    f"{', '.join(clients)} still use it: the version is retired too early",
                    "version-retired-early", evidence[:1]))
    return blockers


def _reached(graph: Any, client: str, api: str, via: str | None, providers_by_api: dict[str, list[str]]) -> list[str]:
    """The providers of api a client actually reaches: the Service its URL names, or the Services
    it calls that serve the API (themselves or through their workloads)."""
    if via:
        return [via]
    providers = set(providers_by_api.get(api, []))
    called = {s for _, s, k in graph.out_edges(client, keys=True) if k == m.CALLS}
    return sorted(s for s in called if s in providers or providers & set(selected_workloads(graph, s)))


def provider_index(graph: Any) -> dict[str, list[str]]:
    """Application API name -> the Services and workloads that declare serving a version of it."""
    index: dict[str, set[str]] = defaultdict(set)
    for node, data in graph.nodes(data=True):
        if data.get("kind") == m.APP_API:
            index[data["api"]] |= {u for u, _, k in graph.in_edges(node, keys=True) if k == m.SERVES}
    return {api: sorted(nodes) for api, nodes in index.items()}


def _crd_blockers_and_summary(graph: Any) -> tuple[list[Finding], list[CrdSummary]]:
    blockers: list[Finding] = []
    summaries: list[CrdSummary] = []
    for node, data in sorted(graph.nodes(data=True)):
        if data.get("kind") != m.CRD:
            continue
        versions = []
        crs: dict[str, list[str]] = {}
        for _, version_node, kind, edge in graph.out_edges(node, keys=True, data=True):
            if kind != m.DEFINES_VERSION:
                continue
            info = graph.nodes[version_node]
            versions.append({"version": info["version"], "served": info["served"], "storage": info["storage"]})
            users = sorted(u for u, _, k in graph.in_edges(version_node, keys=True) if k == m.INSTANCE_OF)
            if users:
                crs[info["version"]] = users
            if info["storage"] and not info["served"]:
                blockers.append(_blocker(
                    graph, node, f"{node}: storage version {info['version']} is not served; objects stored "
                    "in it could not be read back, so serve it or migrate storage first",
                    "crd-storage-unserved", edge["evidence"], edge["evidence"][0]))
            for user in users if not info["served"] else []:
                blockers.append(_blocker(
                    graph, user, f"{user} is written in {info['name']}, which {node} does not serve",
                    "crd-version-unserved", edge["evidence"]))
        summaries.append(CrdSummary(node, sorted(versions, key=lambda v: version_key(v["version"])), crs))
    return blockers, summaries


# -- the plan -------------------------------------------------------------------------------

def plan_waves(graph: Any, layer_of: dict[str, int], cycles: list[list[str]],
               provider_map: dict[str, list[str]]) -> tuple[list[Wave], list[Hold]]:
    consumers = _consumers(graph)
    cycle_of = {member: tuple(cycle) for cycle in cycles for member in cycle}
    serve_steps: list[Step] = []
    migrations: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))  # client -> api -> olds
    holds: list[Hold] = []
    newest_of: dict[str, str] = {}
    for api in sorted(consumers):
        by_version = consumers[api]
        providers = provider_map.get(api, [])
        served_all = set().union(*(served_by(graph, p, api) for p in providers)) if providers else set()
        newest = max(set(by_version) | served_all, key=version_key)
        newest_of[api] = newest
        olds = sorted((v for v in by_version if v != newest), key=version_key)
        if not olds:
            continue
        for provider in providers or sorted({via for v in by_version.values() for _, via, _ in v if via}):
            served = served_by(graph, provider, api)
            already = newest in served and all(old in served for old in olds)
            text = (f"{provider} already serves {', '.join(f'{api}/{v}' for v in [*olds, newest])}; keep all"
                    if already else
                    f"{provider} starts serving {api}/{newest} while still serving "
                    f"{', '.join(f'{api}/{v}' for v in olds)}")
            serve_steps.append(Step("serve", [provider], api, [*olds, newest], text))
        for old in olds:
            clients = sorted({client for client, _, _ in by_version[old]})
            for client in clients:
                migrations[client][api].append(old)
            holds.append(Hold(api, old, newest, providers, clients, 0))
    layer_numbers = sorted({layer_of.get(client, 0) for client in migrations})
    wave_of_layer = {layer: index + 2 for index, layer in enumerate(layer_numbers)}
    waves: dict[int, Wave] = {1: Wave(1, serve_steps)} if serve_steps else {}
    handled_cycles: set[tuple[str, ...]] = set()
    for client in sorted(migrations, key=lambda c: (layer_of.get(c, 0), c)):
        number = wave_of_layer[layer_of.get(client, 0)]
        wave = waves.setdefault(number, Wave(number))
        cycle = cycle_of.get(client)
        if cycle is not None:
            if cycle in handled_cycles:
                continue
            handled_cycles.add(cycle)
            apis = sorted({api for member in cycle for api in migrations.get(member, {})})
            wave.steps.append(Step(
                "cycle", list(cycle), ", ".join(apis), [],
                f"cycle {' <-> '.join(cycle)}: one step; every member serves both the old and the new "
                f"version of {', '.join(apis) or 'its APIs'} until all of them have moved"))
            continue
        for api, olds in sorted(migrations[client].items()):
            newest = newest_of[api]
            wave.steps.append(Step("migrate", [client], api, [*olds, newest],
                                   f"{client} moves from {', '.join(f'{api}/{v}' for v in olds)} to {api}/{newest}"))
    for hold in holds:
        hold.retire_wave = max((wave_of_layer[layer_of.get(c, 0)] for c in hold.clients), default=1) + 1
        wave = waves.setdefault(hold.retire_wave, Wave(hold.retire_wave))
        wave.steps.append(Step("retire", hold.providers, hold.api, [hold.version],
                               f"{', '.join(hold.providers) or 'the provider'} stops serving "
                               f"{hold.api}/{hold.version} (its last client moved in wave "
                               f"{hold.retire_wave - 1})"))
    return [waves[n] for n in sorted(waves)], holds


def _affected(graph: Any, node: str) -> list[str]:
    if node not in graph:
        return []
    kind = graph.nodes[node].get("kind")
    affected: set[str] = set()
    if kind == m.CRD:
        for _, version, k in graph.out_edges(node, keys=True):
            if k == m.DEFINES_VERSION:
                affected |= {u for u, _, k2 in graph.in_edges(version, keys=True) if k2 == m.INSTANCE_OF}
    elif kind == m.WORKLOAD:
        for service, _, k in graph.in_edges(node, keys=True):
            if k == m.SELECTS:
                affected |= {u for u, _, k2 in graph.in_edges(service, keys=True) if k2 in (m.CALLS, m.ROUTES_TO)}
    elif kind == m.SERVICE:
        affected |= {u for u, _, k in graph.in_edges(node, keys=True) if k in (m.CALLS, m.ROUTES_TO)}
    else:
        affected |= {v for _, v, k in graph.out_edges(node, keys=True)
                     if k in (m.ROUTES_TO, *m.SECONDARY_EDGES)}
    return sorted(affected)


def _hop_items(graph: Any, findings: list[Finding]) -> list[HopItem]:
    items = []
    for finding in findings:
        node = ""
        if finding.obj is not None and finding.obj.name is not None:
            for namespace in (finding.obj.namespace or "default", None):
                candidate = m.object_id(finding.obj.kind, finding.obj.name, namespace)
                if candidate in graph:
                    node = candidate
                    break
        items.append(HopItem(finding, node, _affected(graph, node) if node else []))
    return items


def _identity(finding: Finding) -> tuple[object, ...]:
    ref = finding.obj
    return (finding.origin.path, finding.origin.document, ref.api_version if ref else None,
            ref.kind if ref else None, ref.name if ref else None, ref.namespace if ref else None)


def cluster_hops(graph: Any, result: CheckResult, current: KubeVersion, target: KubeVersion) -> list[Hop]:
    """What must be migrated at the current version and before each minor hop up to the target, from the
    lifecycle findings the engine recorded per version in its one pass (CheckRequest.lifecycle_hops).

    An API both deprecated and removed within the plan is listed once, at its removal (the hop that
    breaks), naming the hop that deprecated it."""
    now = result.lifecycle_at.get(current, [])
    plan_hops = [Hop(None, current, _hop_items(graph, [f for f in now if f.rule in ALREADY_BROKEN_RULES]))]
    per_hop = [(hop, [f for f in result.lifecycle_at.get(hop.target, []) if f.rule in HOP_RULES and f.hop == hop])
               for hop in hops(current, target)]
    removed = {_identity(f) for _, findings in per_hop for f in findings if f.rule == "removed-api"}
    deprecated_at = {_identity(f): str(hop) for hop, findings in per_hop for f in findings
                     if f.rule == "deprecated-api"}
    for hop, findings in per_hop:
        kept = [f for f in findings if f.rule != "deprecated-api" or _identity(f) not in removed]
        items = _hop_items(graph, kept)
        for item in items:
            if item.finding.rule == "removed-api":
                item.deprecated_at = deprecated_at.get(_identity(item.finding))
        plan_hops.append(Hop(hop.source, hop.target, items))
    return plan_hops


def make_plan(built: ServiceGraph, result: CheckResult, context: CheckContext,
              operator: OperatorHop | None = None) -> UpgradePlan:
    """The plan from the graph and one engine result made with lifecycle_hops (and the operator-upgrade
    hop of --crd-upgrade, whose blockers join the plan's)."""
    graph = built.graph
    assert context.current is not None
    deps = dependency_graph(graph)
    layers, layer_of, cycles = upgrade_layers(deps)
    providers = provider_index(graph)
    waves, holds = plan_waves(graph, layer_of, cycles, providers)
    crd_blockers, crds = _crd_blockers_and_summary(graph)
    blockers = _api_blockers(graph, providers) + crd_blockers
    for item in built.unresolved:
        if item.source in graph and graph.nodes[item.source].get("kind") == m.CUSTOM_RESOURCE and not item.namespace:
            blockers.append(_blocker(graph, item.source, f"{item.source} is written in {item.value}, which "
                                     f"CustomResourceDefinition {item.service} does not define",
                                     "crd-version-unserved", [item.evidence.to_json()], item.evidence.to_json()))
    if operator is not None:
        blockers += operator.blockers
    blockers.sort(key=Finding.sort_key)
    calls = client_calls(graph)
    plan_hops = cluster_hops(graph, result, context.current, context.target)
    _place_clients(plan_hops, calls)
    advisor = RolloutAdvisor(graph, built.resources)
    blocked = {str(b.details.get("node")) for b in blockers}
    for wave in waves:
        for step in wave.steps:
            _advise(step, advisor.for_step(step.action, step.nodes, step.api, step.versions, blocked))
    for hop in plan_hops:
        hop.strategy, hop.strategy_reason = _hop_strategy(graph, hop, context, advisor)
    rollouts = _rollouts_in_progress(graph, advisor, {n for w in waves for s in w.steps for n in s.nodes})
    return UpgradePlan(context.current, context.target, plan_hops, waves, holds,
                       cycles, layers, crds, blockers, calls, rollouts, operator)


def _advise(step: Step, rollout: Rollout) -> None:
    step.strategy, step.strategy_reason, step.rollout = rollout.strategy, rollout.reason, rollout


def _rollouts_in_progress(graph: Any, advisor: RolloutAdvisor, planned: set[str]) -> list[Step]:
    """A Service whose traffic is already split between versions (weights or several versioned workloads)."""
    steps = []
    for node, data in sorted(graph.nodes(data=True)):
        if data.get("kind") != m.SERVICE or node in planned:
            continue
        versions = advisor.versioned_workloads(node)
        if not (advisor.splitters.get(node) or versions):
            continue
        names = sorted(set(versions.values()), key=version_key)
        step = Step("shift", [node], str(data.get("name")), names,
                    f"{node} routes to several versions ({', '.join(names) or 'weighted backends'}): finish moving "
                    f"its traffic to {names[-1] if names else 'the newest'}, then remove the others")
        _advise(step, advisor.for_step("shift", [node], str(data.get("name")), names, set()))
        steps.append(step)
    return steps


def _storage_migration(graph: Any, crd: str) -> str | None:
    """The CRD's storage version when a newer version is served (objects must be rewritten), else None."""
    versions = [graph.nodes[v] for _, v, k in graph.out_edges(crd, keys=True) if k == m.DEFINES_VERSION]
    storage = next((v["version"] for v in versions if v.get("storage")), None)
    served = [v["version"] for v in versions if v.get("served")]
    if storage is None or not served:
        return None
    newest = max(served, key=version_key)
    return storage if version_key(newest) > version_key(storage) else None


def _hop_strategy(graph: Any, hop: Hop, context: CheckContext, advisor: RolloutAdvisor) -> tuple[str, str]:
    if hop.source is None:
        # already broken: the current version does not serve these APIs, so nothing of them is running
        # to roll over; there is no rollout to advise, only objects to rewrite in a served version
        return "", ""
    if not hop.items and not hop.clients:
        return ROLLING, "nothing to migrate: upgrade the control plane, then replace nodes one at a time"
    for item in hop.items:
        node = item.node
        crd = node if node in graph and graph.nodes[node].get("kind") == m.CRD else None
        if crd is None and node in graph and graph.nodes[node].get("kind") == m.CUSTOM_RESOURCE:
            crd = next((graph.nodes[v].get("crd") for _, v, k in graph.out_edges(node, keys=True)
                        if k == m.INSTANCE_OF), None)
        storage = _storage_migration(graph, crd) if crd else None
        if storage is not None:
            return BLUE_GREEN, (f"{crd} still stores objects in {storage} while a newer version is served: a "
                                "storage migration rewrites every object, so old and new cannot be switched pod "
                                "by pod; migrate storage on a copy (or with the storage version migrator) and "
                                "switch when it is complete")
    both_at = hop.source
    for item in hop.items:
        finding = item.finding
        if finding.obj is None:
            continue
        if finding.replacement is None:
            if finding.rule != "removed-api":
                continue
            what = finding.obj.describe() if finding.obj else item.node
            return BLUE_GREEN, (f"{what} has no replacement API: the old object cannot be converted in place; "
                                "set up the replacement beside it, switch, then delete the old one")
        if _served(context, finding.replacement, finding.obj.kind, hop.source):
            continue
        if finding.rule == "removed-api":
            return BLUE_GREEN, (f"{finding.replacement} {finding.obj.kind} is not served by {hop.source}: old and "
                                "new versions are never served at once, so switch in one step at the hop")
        both_at = hop.target  # deprecated at this hop, replacement new in it: both served after the hop
    for item in hop.items:
        services = advisor.services_around([*item.affected, item.node])
        split = next((s for s in services if advisor.splitters.get(s)), None)
        if split is not None:
            return CANARY, (f"traffic to {split} is already split{advisor.split_text(split)}: migrate on that "
                            "slice first")
        if len(item.affected) >= MANY_CALLERS:
            return CANARY, (f"{item.node} has {len(item.affected)} dependants ({', '.join(item.affected[:4])}): "
                            "migrate one of them first and watch it before the rest")
    if len({c.node for c in hop.clients}) >= MANY_CALLERS:
        return CANARY, (f"{len({c.node for c in hop.clients})} clients still call the removed API: move one client "
                        "(or one replica of it) first and watch its errors before the others")
    when = "before the hop" if both_at == hop.source else "after the hop"
    return ROLLING, (f"{both_at} serves both the old and the replacement versions: re-apply each "
                     f"object in the new version {when}, one at a time, while both are served")


def _served(context: CheckContext, api_version: str, kind: str, version: KubeVersion) -> bool:
    api = context.catalog.lookup(api_version.split()[0], kind)
    return api is None or api.served_in(version)


def _place_clients(plan_hops: list[Hop], calls: list[ClientCall]) -> None:
    """Each client goes to the hop that removes its API (hop 0 when the current version already lacks it)."""
    if not plan_hops:
        return
    by_target = {hop.target: hop for hop in plan_hops if hop.source is not None}
    current = plan_hops[0].target
    for call in calls:
        if not call.removed_in:
            continue
        try:
            removed = KubeVersion.parse(call.removed_in)
        except VersionError:
            continue
        if removed <= current:
            plan_hops[0].clients.append(call)
        elif removed in by_target:
            by_target[removed].clients.append(call)
