"""The data of `kcompat report`: check findings, the upgrade plan and the dependency graph, as plain values.

The report consumes the plan and the graph through their JSON dicts (`plan_json`, `graph_json`), so
fields added to them later (rollout strategies, new node kinds) flow through without changes here;
renderers read optional fields with `.get`. Nothing here depends on time or on dict/set iteration
order that is not sorted, so a report of the same input is byte-for-byte the same.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kcompat import __version__

if TYPE_CHECKING:
    from kcompat.engine.request import CheckRequest
    from kcompat.sources.resources import Resource

# Rules whose findings are about an API's lifecycle: they get the API's migration instructions.
LIFECYCLE_RULES = frozenset({"removed-api", "deprecated-api", "not-yet-served", "off-by-default-api"})
# Rules `kcompat fix` acts on, when not suppressed (docs/fix.md: "What is touched").
FIX_RULES = frozenset({"removed-api", "deprecated-api"})
NO_HOP = "not tied to a hop"


@dataclass
class ApiSection:
    """One apiVersion/kind with lifecycle findings: how to migrate it and where it is used."""

    api_version: str
    kind: str
    anchor: str
    replacement: str | None
    deprecated_in: str | None
    removed_in: str | None
    migration: list[str]
    notes: list[str]
    fixable: bool
    fix_to: str | None
    findings: list[dict[str, Any]] = field(default_factory=list)
    first_served: str | None = None
    """For an API the target does not serve yet: the release that first serves it by default."""

    @property
    def title(self) -> str:
        return f"{self.api_version} {self.kind}"


@dataclass
class ReportData:
    current: str
    target: str
    paths: list[str]
    check: dict[str, Any]
    """`kcompat check -o json` of the inputs at the target, with the current version (hops)."""
    plan: dict[str, Any]
    """`kcompat plan -o json`."""
    graph: dict[str, Any]
    """`kcompat graph -o json`."""
    mermaid: str
    """`kcompat graph -o mermaid`."""
    apis: list[ApiSection]
    other_findings: list[dict[str, Any]]
    version: str = __version__

    @property
    def summary(self) -> dict[str, Any]:
        summary: dict[str, Any] = self.check["summary"]
        return summary

    @property
    def active_findings(self) -> list[dict[str, Any]]:
        return [f for f in self.check["findings"] if not f["suppressed"]]

    @property
    def fixable_findings(self) -> list[dict[str, Any]]:
        return [f for f in self.check["findings"] if f.get("fixable")]

    def by_hop(self) -> list[tuple[str, int]]:
        """Active findings per upgrade hop, in hop order; findings without a hop last."""
        counts = Counter(f.get("hop") or NO_HOP for f in self.active_findings)
        return sorted(counts.items(), key=lambda item: hop_sort_key(item[0]))

    def by_severity(self) -> list[tuple[str, int]]:
        return [("error", self.summary["errors"]), ("warning", self.summary["warnings"]),
                ("info", self.summary["info"])]


def hop_sort_key(name: str) -> tuple[int, int, str]:
    numbers = [int(n) for n in re.findall(r"\d+", name)]
    if name == NO_HOP or len(numbers) < 2:
        return (1, 0, name)
    return (0, numbers[0] * 1000 + numbers[1], name)


def hop_text(name: str | None) -> str:
    """A hop name for people: `1.24 → 1.25`."""
    return (name or "—").replace(" -> ", " → ")


def hop_item_groups(items: list[dict[str, Any]]) -> list[tuple[str, str, str, list[dict[str, Any]]]]:
    """A plan hop's items grouped by (apiVersion, kind, rule), sorted; objects in input order."""
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for item in items:
        obj = item.get("object") or {}
        key = (str(obj.get("apiVersion") or ""), str(obj.get("kind") or ""), str(item.get("rule") or ""))
        groups.setdefault(key, []).append(item)
    return [(*key, group) for key, group in sorted(groups.items())]


def missing_replacement(rule: str | None, first_served: str | None = None) -> str:
    """What to say when an item has no replacement: an API not served yet is not "without replacement"."""
    if rule == "not-yet-served" or first_served:
        return (f"not served by default yet: upgrade to {first_served} first" if first_served
                else "no version served by default yet: upgrade first")
    return "no replacement API"


def anchor_of(text: str) -> str:
    return "api-" + re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def object_text(finding: dict[str, Any]) -> str:
    """`Kind namespace/name` of a check JSON finding ("" when it is about no object)."""
    if not finding.get("kind"):
        return ""
    name = finding.get("name") or "(unnamed)"
    if finding.get("namespace"):
        name = f"{finding['namespace']}/{name}"
    return f"{finding['kind']} {name}"


def location_text(finding: dict[str, Any]) -> str:
    path = str(finding.get("path") or finding.get("file") or "")
    line = finding.get("line")
    return f"{path}:{line}" if line is not None else path


def node_label(node: dict[str, Any]) -> tuple[str, str]:
    """Two lines naming a graph node: its kind and its name (from the graph JSON)."""
    kind = node.get("kind", "")
    if node.get("k8s_kind"):
        name = str(node.get("name") or "")
        return str(node["k8s_kind"]), f"{node['namespace']}/{name}" if node.get("namespace") else name
    if kind == "builtin-api":
        return "API", str(node.get("name") or node["id"])
    if kind == "app-api":
        return "app API", str(node.get("name") or node["id"])
    if kind == "crd-version":
        flags = ", ".join(f for f in ("served", "storage") if node.get(f)) or "not served"
        return f"CRD version ({flags})", str(node.get("name") or node["id"])
    return str(kind or "node"), str(node.get("name") or node["id"])


def _marked(check: dict[str, Any], target: Any) -> dict[str, Any]:
    """A copy of the check JSON whose findings say whether `kcompat fix` fixes them (the input is not changed)."""
    from kcompat.catalog.fix_routes import fixable

    findings = []
    for finding in check["findings"]:
        api_version, kind = finding.get("apiVersion"), finding.get("kind")
        findings.append({**finding, "fixable": bool(
            finding["rule"] in FIX_RULES and not finding["suppressed"]
            and isinstance(api_version, str) and isinstance(kind, str)
            and fixable(api_version, kind, target))})
    return {**check, "findings": findings}


def _sections(check: dict[str, Any], target: Any) -> tuple[list[ApiSection], list[dict[str, Any]]]:
    from kcompat.catalog.fix_routes import fixable, route
    from kcompat.catalog.lifecycle import load_catalog, minor_text

    catalog = load_catalog()
    sections: dict[tuple[str, str], ApiSection] = {}
    others: list[dict[str, Any]] = []
    for finding in check["findings"]:
        api_version, kind = finding.get("apiVersion"), finding.get("kind")
        api = (catalog.lookup(api_version, kind) if finding["rule"] in LIFECYCLE_RULES
               and isinstance(api_version, str) and isinstance(kind, str) else None)
        if api is None or not isinstance(api_version, str) or not isinstance(kind, str):
            others.append(finding)
            continue
        section = sections.get((api_version, kind))
        if section is None:
            fix_route = route(api_version, kind, target)
            section = ApiSection(
                api_version, kind, anchor_of(f"{api_version} {kind}"),
                catalog.replacement_at(api, target),
                minor_text(api.deprecated_in) if api.deprecated_in is not None else None,
                minor_text(api.removed_in) if api.removed_in is not None else None,
                list(api.migration), list(api.notes), fixable(api_version, kind, target),
                fix_route.api_version if fix_route else None)
            if not api.served_in(target) and api.served and min(api.served) > target.minor:
                section.first_served = minor_text(min(api.served))
            sections[(api_version, kind)] = section
        section.findings.append(finding)
    return [sections[key] for key in sorted(sections)], others


@dataclass(frozen=True)
class CrdUpgrade:
    """--crd-upgrade OLD NEW of `kcompat report`: the paths as given and the CRDs read from them."""

    old_path: str
    new_path: str
    old_crds: list[Resource]
    new_crds: list[Resource]


def build_report(paths: Sequence[str], check: dict[str, Any], plan: dict[str, Any], graph: dict[str, Any],
                 mermaid: str, target: Any) -> ReportData:
    """Put the three JSON documents together, each check finding marked `fixable` (in a copy)."""
    check = _marked(check, target)
    apis, others = _sections(check, target)
    return ReportData(plan["current"], plan["target"], list(paths), check, plan, graph, mermaid, apis, others)


def gather(request: CheckRequest, upgrade: CrdUpgrade | None = None) -> tuple[ReportData, list[tuple[str, str]]]:
    """Check, graph and plan the inputs from one engine run; (the report, unreadable inputs as (path, reason)).
    upgrade: OLD's and NEW's CRDs of --crd-upgrade, for the operator-upgrade hop of the plan."""
    from kcompat.catalog.lifecycle import load_catalog
    from kcompat.checks.context import CheckContext
    from kcompat.engine.run import run_keeping
    from kcompat.graph import render
    from kcompat.graph.build import build_graph
    from kcompat.plan import render as plan_render
    from kcompat.plan.planner import make_plan
    from kcompat.report.json_report import result_to_json

    catalog = load_catalog()
    keep = request._replace(keep_resources=True, lifecycle_hops=True)
    result, resources = run_keeping(keep)
    errors = [(item.path, item.reason) for item in result.input_errors]
    from kcompat.checks.crd_diff import crds_by_name

    operator = None
    if upgrade is None:
        built = build_graph(resources, catalog)
    else:
        from kcompat.plan.operator import old_crds_for_graph, operator_hop

        built = build_graph(resources + old_crds_for_graph(upgrade.old_crds, resources), catalog)
        operator = operator_hop(built, upgrade.old_path, upgrade.new_path, crds_by_name(upgrade.old_crds),
                                crds_by_name(upgrade.new_crds), resources)
    plan = make_plan(built, result, CheckContext(catalog, request.target, request.current), operator)
    data = build_report(request.paths, result_to_json(result), plan_render.plan_json(plan), render.graph_json(built),
                        render.graph_mermaid(built), request.target)
    return data, errors
