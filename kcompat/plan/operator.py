"""The operator-upgrade hop of `kcompat plan --crd-upgrade OLD NEW`: which CRD versions must stay served
until when, and in which order the upgrade goes.

An operator upgrade (cert-manager v1.3 -> v1.7) replaces its CRDs. Every version OLD serves and NEW
does not (removed, or `served: false`) is *held*: OLD must stay installed, serving it, until every
custom resource written in it (the manifests in PATH) and every client seen calling it (audit logs,
`kcompat clients -o json`) has moved to NEW's storage version, and until no object is stored in it.
The hop's steps, in order:

1. keep serving: do not upgrade yet; each held version with what still uses it;
2. migrate custom resources: rewrite their apiVersion (`kcompat fix --crd-upgrade OLD NEW PATH`),
   plus the field changes between the versions that fix cannot do;
3. move clients: each client still calling a held version;
4. migrate stored objects: rewrite every stored object in NEW's storage version, then drop the held
   versions from status.storedVersions (needed when OLD stores or stored objects in a held version;
   a check of status.storedVersions when OLD is a manifest and not a `kubectl get crd -o yaml` export);
5. upgrade the operator: apply NEW's CRDs, then its controller, with the rollout strategy
   (kcompat.graph.rollout).

The CRD versions are graph nodes (crd-version) with their custom resources (instance-of) and clients
(observed uses-api edges): the command builds the graph with OLD's CRDs in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kcompat.checks.crd_diff import CrdDef, diff_crds
from kcompat.checks.crd_usage import who_breaks
from kcompat.clients.audit import CustomVersion
from kcompat.core.model import Finding, Origin, Severity
from kcompat.core.rules import PLAN_BLOCKER
from kcompat.graph import nodes as m
from kcompat.graph.addresses import version_key
from kcompat.graph.build import ServiceGraph
from kcompat.graph.clients import ClientCall, client_calls
from kcompat.graph.rollout import BLUE_GREEN, ROLLING
from kcompat.sources.resources import Resource

HELD_RULES = frozenset({"crd-version-removed", "crd-version-no-longer-served", "crd-version-unserved"})
"""Diff findings the held versions already stand for (not repeated among the hop's findings)."""
BREAKING_CRD_RULES = frozenset({"crd-scope-changed", "crd-kind-changed", "crd-conversion-removed"})
"""Changes after which OLD's objects cannot be kept in place (blue-green: a new cluster, or backup and restore)."""


@dataclass
class HeldResource:
    node: str
    """Graph node id of the custom resource."""
    file: str
    line: int | None
    api_version: str
    replacement: str | None
    fields_to_change: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"node": self.node, "file": self.file, "line": self.line, "apiVersion": self.api_version,
                "replacement": self.replacement, "fieldsToChange": self.fields_to_change}


@dataclass
class HeldVersion:
    """A version OLD serves and NEW does not, and what still depends on it."""

    crd: str
    api_version: str
    kind: str
    node: str
    """Graph node id of the crd-version."""
    how: str
    """removed | not served | crd removed"""
    replacement: str | None
    resources: list[HeldResource] = field(default_factory=list)
    clients: list[ClientCall] = field(default_factory=list)
    stored: str = "unknown"
    """yes (OLD's storage version or listed in status.storedVersions) | no (storedVersions does not list it) |
    unknown (OLD is a manifest, not a `kubectl get crd -o yaml` export)"""

    def to_json(self) -> dict[str, Any]:
        return {"crd": self.crd, "apiVersion": self.api_version, "kind": self.kind, "node": self.node,
                "how": self.how, "replacement": self.replacement, "stored": self.stored,
                "resources": [r.to_json() for r in self.resources], "clients": [c.to_json() for c in self.clients]}


@dataclass
class OperatorStep:
    action: str
    """keep-serving | migrate-resources | move-clients | migrate-storage | upgrade-operator"""
    text: str
    details: list[str] = field(default_factory=list)
    nodes: list[str] = field(default_factory=list)
    done: bool = False
    """Nothing left to do in this step (shown, so the order stays visible)."""

    def to_json(self) -> dict[str, Any]:
        return {"action": self.action, "text": self.text, "details": self.details, "nodes": self.nodes,
                "done": self.done}


@dataclass
class OperatorHop:
    old: str
    new: str
    crds: list[str]
    """Names of OLD's CRDs (the ones the upgrade replaces)."""
    held: list[HeldVersion]
    steps: list[OperatorStep]
    findings: list[Finding]
    """`kcompat diff` findings of this upgrade (CRD changes and custom resources hit), errors and warnings."""
    conversion: list[str]
    """Conversion webhook Services of OLD and NEW (they convert between versions during the upgrade)."""
    strategy: str = ""
    strategy_reason: str = ""
    blockers: list[Finding] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        """Nothing in PATH or the clients still uses a held version."""
        return not any(h.resources or h.clients for h in self.held)

    def to_json(self) -> dict[str, Any]:
        return {"old": self.old, "new": self.new, "crds": self.crds, "ready": self.ready,
                "held": [h.to_json() for h in self.held], "steps": [s.to_json() for s in self.steps],
                "conversion": self.conversion, "strategy": self.strategy, "strategy_reason": self.strategy_reason,
                "findings": [{"rule": f.rule, "severity": f.severity.label, "message": f.message,
                              "file": f.origin.path, "line": f.origin.line, "details": f.details}
                             for f in self.findings]}


def old_crds_for_graph(old_crds: list[Resource], resources: list[Resource]) -> list[Resource]:
    """OLD's CRDs that PATH does not define: they join the graph, so their versions are nodes with the
    custom resources of PATH (instance-of) and the clients that call them."""
    defined = {r.name for r in resources if r.kind == "CustomResourceDefinition"}
    return [crd for crd in old_crds if crd.name not in defined]


def held_custom_versions(old: dict[str, CrdDef], new: dict[str, CrdDef]) -> list[CustomVersion]:
    """The versions OLD serves and NEW does not, for the audit-log reader (requests to them count)."""
    found = []
    for hold in _held_versions(old, new):
        crd = old[hold.crd]
        names = crd.resource.obj.get("spec", {}).get("names") if isinstance(crd.resource.obj.get("spec"), dict) \
            else None
        plural = names.get("plural") if isinstance(names, dict) else None
        found.append(CustomVersion(crd.group, hold.api_version.rpartition("/")[2],
                                   plural if isinstance(plural, str) else hold.crd.split(".", 1)[0], crd.kind,
                                   hold.replacement))
    return found


def _node_of(graph: Any, resource: Resource) -> str:
    name = resource.name or "(unnamed)"
    for namespace in (resource.namespace or "default", None):
        candidate = m.object_id(resource.kind, name, namespace)
        if candidate in graph:
            return str(candidate)
    return str(m.object_id(resource.kind, name, resource.namespace))


def _stored(crd: CrdDef, version: str) -> str:
    """An empty status.storedVersions (release manifests carry `storedVersions: []`) says nothing."""
    if version == crd.storage() or (crd.stored_versions and version in crd.stored_versions):
        return "yes"
    return "no" if crd.stored_versions else "unknown"


def _held_versions(old: dict[str, CrdDef], new: dict[str, CrdDef]) -> list[HeldVersion]:
    held = []
    for name, before in sorted(old.items()):
        after = new.get(name)
        target = None
        if after is not None:
            storage = after.storage() or next(iter(after.served()), None)
            target = f"{after.group}/{storage}" if storage else None
        for version in before.versions:
            if not version.served:
                continue
            now = after.version(version.name) if after is not None else None
            if now is not None and now.served:
                continue
            how = "crd removed" if after is None else "removed" if now is None else "not served"
            held.append(HeldVersion(name, f"{before.group}/{version.name}", before.kind,
                                    m.crd_version_id(name, version.name), how, target,
                                    stored=_stored(before, version.name)))
    return held


def _conversion_services(crds: dict[str, CrdDef]) -> set[str]:
    found = set()
    for crd in crds.values():
        spec = crd.resource.obj.get("spec")
        conversion = spec.get("conversion") if isinstance(spec, dict) else None
        if not isinstance(conversion, dict) or conversion.get("strategy") != "Webhook":
            continue
        webhook = conversion.get("webhook")
        config = webhook.get("clientConfig") if isinstance(webhook, dict) else conversion.get("webhookClientConfig")
        service = config.get("service") if isinstance(config, dict) else None
        if isinstance(service, dict) and service.get("name"):
            found.add(f"Service/{service.get('namespace') or 'default'}/{service['name']}")
        elif isinstance(config, dict) and config.get("url"):
            found.add(str(config["url"]))
    return found


def _blocker(message: str, kind: str, origin: Origin, node: str, evidence: list[dict[str, Any]]) -> Finding:
    return Finding(PLAN_BLOCKER, Severity.ERROR, message, origin, None,
                   details={"blocker": kind, "node": node, "evidence": evidence})


def operator_hop(built: ServiceGraph, old_path: str, new_path: str, old: dict[str, CrdDef],
                 new: dict[str, CrdDef], resources: list[Resource]) -> OperatorHop:
    """The operator-upgrade hop from OLD's and NEW's CRDs, the custom resources of PATH and the graph's clients."""
    graph = built.graph
    held = _held_versions(old, new)
    by_key = {(h.api_version, h.kind): h for h in held}
    kinds = {(c.group, c.kind) for c in (*old.values(), *new.values())}
    custom = [r for r in resources if (r.group, r.kind) in kinds and r.kind != "CustomResourceDefinition"]
    usage = who_breaks(custom, old, new)
    by_document = {(r.document.origin.path, r.document.origin.document, r.name, r.kind): r for r in custom}
    for finding in usage:
        if finding.rule != "crd-version-unserved" or finding.obj is None:
            continue
        hold = by_key.get((finding.obj.api_version, finding.obj.kind))
        if hold is None:
            continue
        resource = by_document.get((finding.origin.path, finding.origin.document, finding.obj.name,
                                    finding.obj.kind))
        if resource is None:
            continue
        hold.resources.append(HeldResource(_node_of(graph, resource), finding.origin.path, finding.origin.line,
                                           finding.obj.api_version, finding.replacement,
                                           list(finding.details.get("fieldsToChange") or [])))
    for call in client_calls(graph):
        for kind in call.kinds or ("",):
            hold = by_key.get((call.api_version, kind))
            if hold is not None and call not in hold.clients:
                hold.clients.append(call)
    findings = [f for f in (*diff_crds(old, new), *usage)
                if f.severity is not Severity.INFO and f.rule not in HELD_RULES]
    conversion = sorted(_conversion_services(old) | _conversion_services(new))
    hop = OperatorHop(old_path, new_path, sorted(old), held, [], findings, conversion)
    hop.steps = _steps(hop, new)
    hop.strategy, hop.strategy_reason = _strategy(hop, graph)
    hop.blockers = _blockers(hop, usage)
    return hop


def _versions_text(held: list[HeldVersion]) -> str:
    names = sorted({h.api_version for h in held}, key=lambda v: (v.split("/")[0], version_key(v.split("/")[-1])))
    return ", ".join(names)


def _steps(hop: OperatorHop, new: dict[str, CrdDef]) -> list[OperatorStep]:
    held = hop.held
    resources = [r for h in held for r in h.resources]
    clients = sorted({c.node for h in held for c in h.clients})
    steps = []
    if held:
        waiting = [h for h in held if h.resources or h.clients]
        details = [f"{h.api_version} {h.kind} ({h.crd}): {len(h.resources)} custom resource(s)"
                   f"{': ' + ', '.join(r.node for r in h.resources[:5]) if h.resources else ''}"
                   f"{' ...' if len(h.resources) > 5 else ''}; {len(h.clients)} client(s)"
                   f"{': ' + ', '.join(sorted({c.node for c in h.clients})) if h.clients else ''}"
                   for h in waiting]
        text = (f"keep {_versions_text(waiting)} served (stay on OLD, {hop.old}) until these "
                f"{len(resources)} resource(s) and these {len(clients)} client(s) have moved"
                if waiting else f"nothing in PATH or the clients uses {_versions_text(held)} any more")
        steps.append(OperatorStep("keep-serving", text, details, sorted({h.node for h in waiting}), not waiting))
        by_target: dict[str, list[HeldResource]] = {}
        for resource in resources:
            by_target.setdefault(resource.replacement or "(no replacement: NEW drops the CRD)", []).append(resource)
        details = []
        for target, items in sorted(by_target.items()):
            details += [f"{r.file}:{r.line} {r.node}: {r.api_version} -> {target}"
                        f"{'; also change ' + ', '.join(r.fields_to_change) if r.fields_to_change else ''}"
                        for r in items]
        text = (f"migrate {len(resources)} custom resource(s) to NEW's storage version: "
                f"`kcompat fix --crd-upgrade {hop.old} {hop.new} PATH --write` rewrites their apiVersion, "
                "then re-apply them while OLD still serves both versions" if resources
                else "no custom resource in PATH is written in a version NEW drops")
        steps.append(OperatorStep("migrate-resources", text, details, [r.node for r in resources], not resources))
        calls = [c for h in held for c in h.clients]
        details = [f"{c.describe()} calls {c.api_version}{' ' + ', '.join(c.kinds) if c.kinds else ''}"
                   f"{'; use ' + c.replacement if c.replacement else ''}" for c in calls]
        text = (f"move {len(clients)} client(s) to NEW's version (update them, then check a fresh audit log shows "
                "no request to the held versions)" if clients
                else "no client seen calling a held version (give --audit-log or --clients-json to check)")
        steps.append(OperatorStep("move-clients", text, details, clients, not clients))
        stored = [h for h in held if h.stored == "yes"]
        unknown = [h for h in held if h.stored == "unknown"]
        per_crd: dict[tuple[str, str], list[str]] = {}
        for h in (*stored, *unknown):
            per_crd.setdefault((h.crd, h.stored), []).append(h.api_version.rpartition("/")[2])
        details = [f"{crd}: objects {'are' if how == 'yes' else 'may be'} stored as {', '.join(versions)} "
                   f"({'OLD stores or stored them' if how == 'yes' else 'check status.storedVersions'})"
                   for (crd, how), versions in sorted(per_crd.items())]
        storage_targets = sorted({f"{c.name}: [{c.storage()}]" for c in new.values() if c.storage()
                                  and any(h.crd == c.name for h in (*stored, *unknown))})
        if stored:
            text = (f"migrate stored objects: rewrite every object of {', '.join(sorted({h.crd for h in stored}))} "
                    "in NEW's storage version (kube-storage-version-migrator, or `kubectl get -o yaml | kubectl "
                    "replace -f -` of each object) while OLD serves both versions, then patch "
                    f"status.storedVersions ({'; '.join(storage_targets)})")
        elif unknown:
            crds = sorted({h.crd for h in unknown})
            text = (f"check stored versions: `kubectl get crd {' '.join(crds[:3])}{' ...' if len(crds) > 3 else ''} "
                    "-o jsonpath='{.items[*].status.storedVersions}'`; any held version listed there must be "
                    "migrated first (rewrite every object, then patch status.storedVersions), or the API server "
                    "refuses NEW's CRDs")
        else:
            text = "no object is stored in a held version (status.storedVersions of OLD)"
        steps.append(OperatorStep("migrate-storage", text, details, [], not stored and not unknown))
    gated = "after the steps above, " if held else ""
    conversion = (f"; the conversion webhook ({', '.join(hop.conversion)}) converts between versions while "
                  "both are served: keep it running until the new controller is ready") if hop.conversion else ""
    steps.append(OperatorStep("upgrade-operator", f"{gated}upgrade the operator: apply NEW's CRDs ({hop.new}) "
                              f"first, then its controller{conversion}", [], []))
    return steps


def _strategy(hop: OperatorHop, graph: Any) -> tuple[str, str]:
    breaking = [f for f in hop.findings if f.rule in BREAKING_CRD_RULES]
    if breaking:
        return BLUE_GREEN, (f"{breaking[0].message}: objects cannot be kept in place, so install NEW beside OLD (a "
                            "new cluster, or a backup restored into NEW) and switch when it is complete")
    if any(h.stored == "yes" for h in hop.held):
        return ROLLING, ("after the storage migration NEW's CRDs serve every version any object uses: apply them, "
                         "then replace the controller pods one by one (leader election keeps one active)")
    if not hop.held:
        return ROLLING, "NEW serves every version OLD serves: apply NEW's CRDs, then roll the controller pods"
    return ROLLING, ("once nothing uses the held versions, NEW's CRDs are compatible with every object and client "
                     "left: apply them, then replace the controller pods one by one")


def _blockers(hop: OperatorHop, usage: list[Finding]) -> list[Finding]:
    blockers = []
    for hold in hop.held:
        for resource in hold.resources:
            evidence = [{"file": resource.file, "line": resource.line, "text": f"apiVersion: {resource.api_version}"}]
            blockers.append(_blocker(
                f"{resource.node} is written in {hold.api_version}, which NEW ({hop.new}) does not serve: migrate it "
                f"to {hold.replacement or 'another API (NEW drops the CRD)'} before the operator upgrade",
                "crd-version-dropped", Origin(resource.file, None, resource.line), resource.node, evidence))
        for call in hold.clients:
            blockers.append(_blocker(
                f"{call.describe()} still calls {hold.api_version} {hold.kind}, which NEW ({hop.new}) does not serve"
                f"{': move it to ' + hold.replacement if hold.replacement else ''} before the operator upgrade",
                "crd-version-dropped", Origin(call.source or "<clients>", None, None), call.node,
                [{"file": call.source, "line": None, "text": text} for text in call.evidence[:3]]))
    for finding in usage:
        if finding.rule in ("crd-resource-breaks", "crd-resource-orphaned") and finding.severity is Severity.ERROR:
            node = f"{finding.obj.kind}/{finding.obj.namespace + '/' if finding.obj.namespace else ''}" \
                   f"{finding.obj.name}" if finding.obj is not None else ""
            blockers.append(_blocker(f"{node}: {finding.message}", finding.rule, finding.origin, node,
                                     [{"file": finding.origin.path, "line": finding.origin.line,
                                       "text": finding.details.get("path", "")}]))
    return blockers
