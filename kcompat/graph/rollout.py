"""How to roll out each step of the plan: rolling update, blue-green or canary, and why.

The decision is read off the graph: whether old and new are served side by side during the step
(rolling update), whether they cannot coexist (blue-green: a breaking change, a CRD storage
migration, a Service selector that pins a `version` label), and whether the change should first
take a slice of traffic (canary: a provider with many callers, or traffic-splitting objects such as
an Istio VirtualService, a Gateway API HTTPRoute with weights, or several versions behind one
Service). Blue-green and canary steps carry the concrete manifest changes as unified diffs.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kcompat.core.textdiff import unified
from kcompat.graph import nodes as m
from kcompat.graph.addresses import split_versioned_name, version_key
from kcompat.sources.resources import Resource, dig
from kcompat.sources.yaml_stream import document_spans

ROLLING = "rolling update"
BLUE_GREEN = "blue-green"
CANARY = "canary"
MANY_CALLERS = 3
"""A provider (or a client's own Service) with at least this many callers is canaried first."""
CANARY_STEPS = (25, 50, 100)


@dataclass
class Change:
    title: str
    diff: str = ""
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "diff": self.diff, "note": self.note}


@dataclass
class Rollout:
    strategy: str
    reason: str
    traffic: dict[str, Any] | None = None
    """Canary: how traffic is split (method replicas | virtualservice | httproute), weights now and next."""
    changes: list[Change] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"strategy": self.strategy, "reason": self.reason, "traffic": self.traffic,
                "changes": [c.to_json() for c in self.changes]}


Weight = tuple[str, int, tuple[str | int, ...]]


@dataclass
class Splitter:
    """An object that already splits a Service's traffic between versions."""

    method: str
    resource: Resource
    weights: list[Weight]
    """(subset or backend, weight, field path of the weight)"""




def _version_of(name: str) -> str:
    return split_versioned_name(name)[1] or name


class RolloutAdvisor:
    """Decides the strategy of plan steps from the graph and the resources behind its nodes."""

    def __init__(self, graph: Any, resources: dict[str, Resource]) -> None:
        self.graph = graph
        self.resources = resources
        self.splitters: dict[str, list[Splitter]] = {}
        self._index_splitters()

    # -- graph facts ----------------------------------------------------------------------

    def services_of(self, workload: str) -> list[str]:
        return sorted(u for u, _, k in self.graph.in_edges(workload, keys=True) if k == m.SELECTS)

    def workloads_of(self, service: str) -> list[str]:
        return sorted(v for _, v, k in self.graph.out_edges(service, keys=True) if k == m.SELECTS)

    def callers(self, service: str) -> list[str]:
        """Workloads, routes and the API server that reach a Service (and clients of its app APIs)."""
        callers = {u for u, _, d in self.graph.in_edges(service, data=True)
                   if d.get("type") in (m.CALLS, m.ROUTES_TO, *m.APISERVER_EDGES)}
        for _, api, k in self.graph.out_edges(service, keys=True):
            if k == m.SERVES:
                callers |= {u for u, _, d in self.graph.in_edges(api, data=True)
                            if d.get("type") == m.CONSUMES and d.get("via") in (None, service)}
        return sorted(callers - {service})

    def units(self, node: str) -> list[str]:
        if node in self.graph and self.graph.nodes[node].get("kind") == m.SERVICE:
            return self.workloads_of(node)
        return [node] if node in self.graph else []

    def services_around(self, nodes: list[str]) -> list[str]:
        found: set[str] = set()
        for node in nodes:
            if node not in self.graph:
                continue
            if self.graph.nodes[node].get("kind") == m.SERVICE:
                found.add(node)
            else:
                found |= set(self.services_of(node))
        return sorted(found)

    def pinned_version(self, service: str) -> str | None:
        resource = self.resources.get(service)
        selector = dig(resource.obj, "spec", "selector") if resource else None
        value = selector.get("version") if isinstance(selector, dict) else None
        return str(value) if isinstance(value, str | int) else None

    def versioned_workloads(self, service: str) -> dict[str, str]:
        """workload -> its `version` label, when a Service selects workloads of several versions."""
        found = {}
        for workload in self.workloads_of(service):
            resource = self.resources.get(workload)
            labels = dig(resource.obj, "spec", "template", "metadata", "labels") if resource else None
            if isinstance(labels, dict) and isinstance(labels.get("version"), str):
                found[workload] = labels["version"]
        return found if len(set(found.values())) > 1 else {}

    def _index_splitters(self) -> None:
        by_host: dict[tuple[str, str], str] = {}
        for node, data in self.graph.nodes(data=True):
            if data.get("kind") == m.SERVICE and data.get("namespace"):
                by_host[(str(data["namespace"]), str(data["name"]))] = node
        for _, resource in sorted(self.resources.items()):
            namespace = resource.namespace or "default"
            if resource.kind == "VirtualService" and resource.group.startswith("networking.istio.io"):
                for h, route in enumerate(_list(dig(resource.obj, "spec", "http"))):
                    weights: dict[str, list[Weight]] = {}
                    for d, dest in enumerate(_list(dig(route, "route"))):
                        host = str(dig(dest, "destination", "host") or "")
                        name, _, rest = host.partition(".")
                        ns = rest.split(".")[0] if rest else namespace
                        weight = dig(dest, "weight")
                        subset = str(dig(dest, "destination", "subset") or name)
                        service = by_host.get((ns, name))
                        if service is not None and isinstance(weight, int):
                            weights.setdefault(service, []).append(
                                (subset, weight, ("spec", "http", h, "route", d, "weight")))
                    for service, items in weights.items():
                        if len(items) > 1:
                            self.splitters.setdefault(service, []).append(Splitter("virtualservice", resource, items))
            elif resource.kind == "HTTPRoute" and resource.group == "gateway.networking.k8s.io":
                for r, rule in enumerate(_list(dig(resource.obj, "spec", "rules"))):
                    weighted: list[Weight] = []
                    for b, ref in enumerate(_list(dig(rule, "backendRefs"))):
                        weight = dig(ref, "weight")
                        if isinstance(weight, int):
                            weighted.append((str(dig(ref, "name")), weight,
                                             ("spec", "rules", r, "backendRefs", b, "weight")))
                    if len(weighted) < 2:
                        continue
                    for name, _, _ in weighted:
                        service = by_host.get((namespace, name))
                        base = by_host.get((namespace, split_versioned_name(name)[0]))
                        for key in {s for s in (service, base) if s is not None}:
                            self.splitters.setdefault(key, []).append(Splitter("httproute", resource, weighted))
        for splitters in self.splitters.values():
            # the object that really splits (several non-zero weights) first
            splitters.sort(key=lambda s: (-sum(1 for _, w, _ in s.weights if w), s.resource.origin_of().path))

    # -- decisions -------------------------------------------------------------------------

    def for_step(self, action: str, nodes: list[str], api: str, versions: list[str],
                 blocked: set[str]) -> Rollout:
        """A wave step: serve | migrate | cycle | retire | shift."""
        units = [u for node in nodes for u in self.units(node)]
        services = self.services_around(nodes)
        olds = versions if action == "retire" else versions[:-1]
        old = ", ".join(f"{api}/{v}" for v in olds) or "the old version"
        new = f"{api}/{versions[-1]}" if versions else "the new version"
        if blocked & ({*nodes, *units}):
            return self.blue_green(units, services, versions,
                                   f"breaking: {', '.join(sorted(blocked & {*nodes, *units}))} cannot serve old "
                                   "and new clients at once (see the blockers), so run the new version beside the "
                                   "old one and switch all traffic at once")
        pinned = [(s, v) for s in services if (v := self.pinned_version(s)) is not None]
        if pinned and action == "serve" and not any(self.splitters.get(s) for s in services):
            service, version = pinned[0]
            return self.blue_green(units, services, versions,
                                   f"{service} selects only pods labelled version={version}: a rolling update "
                                   "cannot move its traffic; deploy the new version beside it and switch the "
                                   "selector")
        for service in services:
            if self.splitters.get(service) or (action == "shift" and self.versioned_workloads(service)):
                return self.canary(service, units, "traffic to " + service + " is already split between "
                                   "versions" + self.split_text(service) + "; shift it step by step")
        busiest = max(((len(self.callers(s)), s) for s in services), default=(0, ""))
        if busiest[0] >= MANY_CALLERS and action in ("serve", "migrate", "cycle"):
            return self.canary(busiest[1], units, f"{busiest[1]} has {busiest[0]} callers "
                               f"({', '.join(self.callers(busiest[1])[:4])}{' ...' if busiest[0] > 4 else ''}); "
                               "try the change on a slice of its traffic first")
        reasons = {
            "serve": f"the provider keeps serving {old} while adding {new}: both versions are served during "
                     "the rollout, so pods can be replaced one by one",
            "migrate": f"its provider serves both {old} and {new} during this wave, so the client can move pod "
                       "by pod",
            "cycle": "every member serves both the old and the new version during this step, so each can be "
                     "updated pod by pod",
            "retire": f"no client uses {old} any more: removing it is backward-compatible",
            "shift": "the versions behind the Service are compatible; replace pods one by one",
        }
        return Rollout(ROLLING, reasons.get(action, "old and new are served side by side"))

    def split_text(self, service: str) -> str:
        splitters = self.splitters.get(service)
        if splitters:
            splitter = splitters[0]
            weights = ", ".join(f"{n} {w}%" for n, w, _ in splitter.weights)
            return f" by {splitter.resource.kind} {splitter.resource.name} ({weights})"
        versions = self.versioned_workloads(service)
        return f" across {len(versions)} workloads ({', '.join(sorted(versions.values()))}) behind one Service"

    # -- manifests -------------------------------------------------------------------------

    def canary(self, service: str, units: list[str], reason: str) -> Rollout:
        splitters = self.splitters.get(service)
        if splitters:
            return Rollout(CANARY, reason, *self._weights(splitters[0]))
        versions = self.versioned_workloads(service)
        workloads = self.workloads_of(service)
        newest = max(versions, key=lambda w: (version_key(versions[w]), w)) if versions else None
        base = newest or next((w for w in units if w in workloads), workloads[0] if workloads else None)
        resource = self.resources.get(base) if base else None
        if resource is None:
            return Rollout(CANARY, reason)
        replicas = dig(resource.obj, "spec", "replicas")
        total = replicas if isinstance(replicas, int) and replicas > 0 else 1
        traffic: dict[str, Any] = {"method": "replicas", "service": service, "workload": base,
                                   "canary_replicas": 1, "stable_replicas": total,
                                   "canary_share": round(100 / (total + 1))}
        if versions:
            traffic["versions"] = versions
        name = f"{resource.name}-canary"
        change = _append_copy(resource, name, {"track": "canary"}, replicas=1,
                              title=f"1. deploy {name}: 1 replica beside {total} of {resource.name}, selected by "
                              f"the same Service (about {traffic['canary_share']}% of the traffic)")
        cleanup = Change(f"2. when it is healthy: roll the new version out to {resource.name} (rolling update) "
                         f"and delete {name}")
        return Rollout(CANARY, reason, traffic, [change, cleanup])

    def _weights(self, splitter: Splitter) -> tuple[dict[str, Any], list[Change]]:
        names = [n for n, _, _ in splitter.weights]
        newest = max(names, key=lambda n: version_key(_version_of(n)))
        current = {n: w for n, w, _ in splitter.weights}
        total = sum(current.values()) or 100
        now = current[newest] * 100 // total
        share = next((s for s in CANARY_STEPS if s > now), 100)
        others = [n for n in names if n != newest]
        proposed = {n: 0 for n in names}
        proposed[newest] = share * total // 100
        rest = total - proposed[newest]
        stable = [n for n in others if current[n]] or others
        for index, name in enumerate(stable):
            proposed[name] = rest // len(stable) + (1 if index < rest % len(stable) else 0)
        edits = {splitter.resource.origin_of(path).line: (current[n], proposed[n])
                 for n, _, path in splitter.weights if current[n] != proposed[n]}
        traffic = {"method": splitter.method, "object": f"{splitter.resource.kind}/{splitter.resource.name}",
                   "file": splitter.resource.origin_of().path, "line": splitter.resource.origin_of().line,
                   "canary": newest, "weights": current, "next_weights": proposed,
                   "steps": [s for s in CANARY_STEPS if s > now]}
        diff = _edit_lines(splitter.resource.origin_of().path, {
            line: (rf"(weight:\s*){old}\b", str(new)) for line, (old, new) in edits.items() if line})
        title = (f"shift {splitter.resource.kind} {splitter.resource.name}: "
                 + ", ".join(f"{n} {current[n]} -> {proposed[n]}" for n in names)
                 + f"; then continue {' -> '.join(str(s) for s in CANARY_STEPS if s > share) or 'to done'} "
                 "while error rates stay flat")
        return traffic, [Change(title, diff)]

    def blue_green(self, units: list[str], services: list[str], versions: list[str], reason: str) -> Rollout:
        changes: list[Change] = []
        workload = next((u for u in units if u in self.resources), None)
        service = next((s for s in services if workload in self.workloads_of(s)), None) if workload else None
        if workload is None:
            return Rollout(BLUE_GREEN, reason, None, [Change(
                "run the new version beside the old one, switch all clients at once, then remove the old one")])
        resource = self.resources[workload]
        labels = dig(resource.obj, "spec", "template", "metadata", "labels") or {}
        old_version = str(labels.get("version", "")) if isinstance(labels, dict) else ""
        new_version = versions[-1] if versions and versions[-1] != old_version else "green"
        green = f"{resource.name}-green"
        changes.append(_append_copy(resource, green, {"version": new_version},
                                    title=f"1. deploy {green} (version: {new_version}) beside {resource.name}; "
                                    "wait until it is ready"))
        if service is not None:
            changes.append(_selector_switch(self.resources[service], new_version,
                                            f"2. switch {service} to version={new_version} (all traffic at once; "
                                            "switch back to roll back)"))
        changes.append(_remove_document(resource, f"{len(changes) + 1}. clean up: delete {resource.name} once "
                                        f"{green} has served all traffic for a while"))
        return Rollout(BLUE_GREEN, reason, None, changes)


# -- text edits ------------------------------------------------------------------------------

def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _read(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _keep_prefix(text: str) -> Callable[[re.Match[str]], str]:
    """A re.sub replacement: the match's first group, then text taken literally."""
    return lambda match: match.group(1) + text


def _edit_lines(path: str, edits: dict[int, tuple[str, str]]) -> str:
    text = _read(path)
    if text is None or not edits:
        return ""
    lines = text.splitlines(keepends=True)
    for line, (pattern, replacement) in edits.items():
        if 0 < line <= len(lines):
            # the new text is literal (it may come from input): never a replacement template
            lines[line - 1] = re.sub(pattern, _keep_prefix(replacement), lines[line - 1], count=1)
    return unified(path, text, "".join(lines))


def _document_span(resource: Resource, lines: list[str]) -> tuple[int, int] | None:
    """0-based [start, end) of a top-level document's lines (None for an item of a List)."""
    start = resource.document.origin.line
    if resource.path or start is None:
        return None
    begin = start - 1
    text = "".join(lines)
    following = [span.first_line for span in document_spans(text) if span.first_line > begin]
    return begin, following[0] if following else len(lines)


def _append_copy(resource: Resource, name: str, labels: dict[str, str], title: str,
                 replicas: int | None = None) -> Change:
    """A copy of a workload under another name, with extra labels on it, its selector and its pods."""
    data = copy.deepcopy(resource.obj)
    if not isinstance(data.get("metadata"), dict):
        data["metadata"] = {}
    data["metadata"]["name"] = name
    for path in (("metadata",), ("spec", "template", "metadata")):
        holder = dig(data, *path)
        if isinstance(holder, dict):
            current = holder.get("labels")
            holder["labels"] = {**(current if isinstance(current, dict) else {}), **labels}
    selector = dig(data, "spec", "selector")
    if isinstance(selector, dict) and isinstance(selector.get("matchLabels"), dict):
        selector["matchLabels"] = {**selector["matchLabels"], **labels}
    if replicas is not None and isinstance(data.get("spec"), dict):
        data["spec"]["replicas"] = replicas
    data.pop("status", None)
    if isinstance(data.get("metadata"), dict):
        for key in ("uid", "resourceVersion", "creationTimestamp", "generation", "managedFields"):
            data["metadata"].pop(key, None)
    document = yaml.safe_dump(data, sort_keys=False, default_flow_style=False)
    file = resource.origin_of().path
    text = _read(file)
    if text is None:
        return Change(title, "", f"new document:\n---\n{document}")
    body = text if text.endswith("\n") or not text else text + "\n"
    separator = "" if body.rstrip().endswith("\n---") or body.rstrip() == "---" else "---\n"
    after = body + separator + document
    return Change(title, unified(file, text, after))


def _selector_switch(service: Resource, version: str, title: str) -> Change:
    path = service.origin_of().path
    text = _read(path)
    selector = dig(service.obj, "spec", "selector")
    if text is None or not isinstance(selector, dict) or not selector:
        return Change(title, "", f"set spec.selector.version: {version} on {service.name}")
    lines = text.splitlines(keepends=True)
    if "version" in selector:
        line = service.origin_of(("spec", "selector", "version")).line
        return Change(title, _edit_lines(path, {line or 0: (r"(version:\s*)\S+", version)}))
    first = next(iter(selector))
    line = service.origin_of(("spec", "selector", first)).line
    if line is None or not lines[line - 1].lstrip().startswith(f"{first}:"):
        return Change(title, "", f"set spec.selector.version: {version} on {service.name}")
    indent = lines[line - 1][: len(lines[line - 1]) - len(lines[line - 1].lstrip())]
    lines.insert(line, f"{indent}version: {version}\n")
    return Change(title, unified(path, text, "".join(lines)))


def _remove_document(resource: Resource, title: str) -> Change:
    path = resource.origin_of().path
    text = _read(path)
    span = _document_span(resource, text.splitlines(keepends=True)) if text is not None else None
    if text is None or span is None:
        return Change(title, "", f"kubectl delete {resource.kind.lower()} {resource.name}")
    lines = text.splitlines(keepends=True)
    begin, end = span
    if begin > 0 and lines[begin - 1].startswith("---"):
        begin -= 1
    elif end < len(lines):
        end += 1  # drop the separator after the first document
    return Change(title, unified(path, text, "".join(lines[:begin] + lines[end:])))
