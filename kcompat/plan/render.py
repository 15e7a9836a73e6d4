"""Output formats for `kcompat plan`: text, json, markdown."""

from __future__ import annotations

from typing import Any

from kcompat.core.model import Finding
from kcompat.graph.clients import ClientCall
from kcompat.graph.render import dumps
from kcompat.plan.planner import Step, UpgradePlan

PLAN_SCHEMA_VERSION = "kcompat.plan/v1"

__all__ = ["dumps", "plan_json", "plan_markdown", "plan_text"]


# -- plan ---------------------------------------------------------------------------------

def _finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule, "severity": finding.severity.label, "message": finding.message,
        "file": finding.origin.path, "line": finding.origin.line,
        "object": None if finding.obj is None else {
            "apiVersion": finding.obj.api_version, "kind": finding.obj.kind,
            "name": finding.obj.name, "namespace": finding.obj.namespace},
        "replacement": finding.replacement, "hop": str(finding.hop) if finding.hop else None,
        "suppressed": finding.suppressed,
        "details": finding.details,
    }


def plan_json(plan: UpgradePlan) -> dict[str, Any]:
    return {
        "schema": PLAN_SCHEMA_VERSION,
        "current": str(plan.current), "target": str(plan.target),
        "hops": [{"from": str(h.source) if h.source else None, "to": str(h.target), "name": h.name,
                  "items": [{**_finding_json(i.finding), "node": i.node, "affected": i.affected,
                             "deprecatedAt": i.deprecated_at} for i in h.items],
                  "clients": [c.to_json() for c in h.clients],
                  "strategy": h.strategy, "strategy_reason": h.strategy_reason}
                 for h in plan.hops],
        "waves": [{"wave": w.number, "steps": [_step_json(s) for s in w.steps]} for w in plan.waves],
        "holds": [{"api": h.api, "version": h.version, "newest": h.newest, "providers": h.providers,
                   "clients": h.clients, "retire_wave": h.retire_wave} for h in plan.holds],
        "cycles": plan.cycles,
        "upgrade_layers": plan.upgrade_layers,
        "crds": [{"crd": c.node, "versions": c.versions, "custom_resources": c.custom_resources} for c in plan.crds],
        "blockers": [_finding_json(b) for b in plan.blockers],
        "clients": [c.to_json() for c in plan.clients],
        "rollouts": [_step_json(s) for s in plan.rollouts],
    }


def _step_json(step: Step) -> dict[str, Any]:
    return {"action": step.action, "nodes": step.nodes, "api": step.api, "versions": step.versions,
            "text": step.text, "strategy": step.strategy, "strategy_reason": step.strategy_reason,
            "rollout": step.rollout.to_json() if step.rollout else None}


def _rollout_lines(step: Step, indent: str, markdown: bool) -> list[str]:
    lines = [f"{indent}rollout: {step.strategy}: {step.strategy_reason}"] if step.strategy else []
    for change in step.rollout.changes if step.rollout else []:
        lines.append(f"{indent}  {change.title}")
        if change.note:
            lines += [f"{indent}    {line}" for line in change.note.splitlines()]
        if change.diff:
            body = change.diff.rstrip("\n").splitlines()
            if markdown:
                lines += ["", f"{indent}  ```diff", *(f"{indent}  {line}" for line in body), f"{indent}  ```", ""]
            else:
                lines += [f"{indent}    {line}" for line in body]
    return lines


def hop_groups(items: list[Any]) -> list[tuple[tuple[str, str, str], list[Any]]]:
    """A hop's items grouped by (apiVersion, kind, rule), groups in that order, objects in input order."""
    groups: dict[tuple[str, str, str], list[Any]] = {}
    for item in items:
        ref = item.finding.obj
        key = (ref.api_version if ref else "", ref.kind if ref else "", item.finding.rule)
        groups.setdefault(key, []).append(item)
    return sorted(groups.items())


def _object_name(finding: Finding) -> str:
    ref = finding.obj
    if ref is None:
        return ""
    name = ref.name or "(unnamed)"
    return f"{ref.kind} {ref.namespace}/{name}" if ref.namespace else f"{ref.kind} {name}"


def _hop_lines(plan: UpgradePlan, bullet: str, code: str) -> list[str]:
    lines: list[str] = []
    pad = " " * len(bullet)
    for number, hop in enumerate(plan.hops):
        title = (f"already broken at the current {hop.target} (fix first)" if hop.source is None
                 else f"before {hop.name}")
        groups = hop_groups(hop.items)
        count = (f"{len(hop.items)} to migrate ({len(groups)} API{'s' if len(groups) != 1 else ''})"
                 if hop.items else "nothing to migrate")
        lines.append(f"{number}. {title}: {count}")
        if hop.strategy and (hop.items or hop.clients):
            lines.append(f"{pad}rollout: {hop.strategy}: {hop.strategy_reason}")
        for (api_version, kind, rule), items in groups:
            first = items[0].finding
            objects = f"{len(items)} object{'s' if len(items) != 1 else ''}"
            lines.append(f"{bullet}{code}{api_version} {kind}{code} [{rule}], {objects}: {first.message}")
            deprecated = next((i.deprecated_at for i in items if i.deprecated_at), None)
            if deprecated:
                lines.append(f"{pad}  deprecated at {deprecated}; listed here, where it breaks")
            for item in items:
                f = item.finding
                suppressed = " (suppressed)" if f.suppressed else ""
                lines.append(f"{pad}  - {code}{f.origin.location()}{code} {_object_name(f)}{suppressed}")
                if item.affected:
                    lines.append(f"{pad}      affected: {', '.join(item.affected)}")
        lines += _client_lines(hop.clients, bullet)
    return lines


def _client_lines(calls: list[ClientCall], bullet: str) -> list[str]:
    """One line per API: the clients still calling it, with their evidence in brackets."""
    by_api: dict[str, list[ClientCall]] = {}
    for call in calls:
        by_api.setdefault(call.api_version, []).append(call)
    lines = []
    for api, group in sorted(by_api.items()):
        first = group[0]
        kinds = sorted({k for c in group for k in c.kinds})
        what = f"{api} {', '.join(kinds)}" if kinds else api
        removal = f"removed in {first.removed_in}" if first.removed_in else "deprecated"
        use = f"; use {first.replacement}" if first.replacement else ""
        lines.append(f"{bullet}clients still calling this API: {what} ({removal}{use}): "
                     f"{'; '.join(c.describe() for c in group)}")
    return lines


def _wave_lines(plan: UpgradePlan, bullet: str, markdown: bool = False) -> list[str]:
    if not plan.waves:
        return ["no application API version has clients of an older version: nothing to sequence"]
    lines = []
    for wave in plan.waves:
        lines.append(f"Wave {wave.number}:")
        for step in wave.steps:
            lines.append(f"{bullet}[{step.action}] {step.text}")
            lines += _rollout_lines(step, " " * len(bullet), markdown)
    return lines


def _shift_lines(plan: UpgradePlan, bullet: str, markdown: bool = False) -> list[str]:
    lines = []
    for step in plan.rollouts:
        lines.append(f"{bullet}{step.text}")
        lines += _rollout_lines(step, " " * len(bullet), markdown)
    return lines


def _hold_lines(plan: UpgradePlan, bullet: str) -> list[str]:
    return [f"{bullet}{h.api}/{h.version} must stay served and backward-compatible until: "
            f"{', '.join(h.clients) or '(no clients)'} have moved to {h.api}/{h.newest} "
            f"(retire in wave {h.retire_wave})"
            for h in plan.holds]


def _blocker_lines(plan: UpgradePlan, bullet: str, code: str) -> list[str]:
    lines = []
    for b in plan.blockers:
        lines.append(f"{bullet}{code}{b.origin.location()}{code} [{b.rule}/{b.details.get('blocker')}] {b.message}")
        for evidence in b.details.get("evidence", [])[:3]:
            lines.append(f"{bullet}  evidence: {evidence['file']}:{evidence['line']} {evidence['text']}")
    return lines


def _misc_lines(plan: UpgradePlan, bullet: str) -> list[str]:
    lines = []
    if plan.cycles:
        lines += [f"{bullet}cycle: {' <-> '.join(c)} (one step; every member serves old and new versions at once)"
                  for c in plan.cycles]
    else:
        lines.append(f"{bullet}no dependency cycles")
    return lines


def plan_text(plan: UpgradePlan) -> str:
    lines = [f"Upgrade plan: Kubernetes {plan.current} -> {plan.target}", "", "Cluster hops (minor by minor)"]
    lines += ["  " + line for line in _hop_lines(plan, "     - ", "")]
    lines += ["", "Application API waves"]
    lines += ["  " + line for line in _wave_lines(plan, "     - ")]
    if plan.rollouts:
        lines += ["", "Version rollouts in progress", *_shift_lines(plan, "  - ")]
    if plan.holds:
        lines += ["", "Old versions to keep serving", *_hold_lines(plan, "  - ")]
    if plan.clients:
        lines += ["", "Clients seen calling deprecated or removed APIs (audit logs)"]
        lines += [f"  - {c.api_version} ({c.status}{', removed in ' + c.removed_in if c.removed_in else ''}): "
                  f"{c.describe()}" for c in plan.clients]
    lines += ["", "Cycles", *_misc_lines(plan, "  - ")]
    lines += ["", "Workload upgrade order (callees first)"]
    lines += [f"  {n}. {', '.join(layer)}" for n, layer in enumerate(plan.upgrade_layers, 1)]
    if plan.crds:
        lines += ["", "CustomResourceDefinitions"]
        for crd in plan.crds:
            versions = ", ".join(f"{v['version']}{'' if v['served'] else ' (not served)'}"
                                 f"{' [storage]' if v['storage'] else ''}" for v in crd.versions)
            lines.append(f"  - {crd.node}: {versions}")
            for version, users in crd.custom_resources.items():
                lines.append(f"      {version}: {len(users)} custom resource(s): {', '.join(users[:5])}"
                             f"{' ...' if len(users) > 5 else ''}")
    lines += ["", f"Blockers: {len(plan.blockers)}", *_blocker_lines(plan, "  - ", "")]
    return "\n".join(lines)


def plan_markdown(plan: UpgradePlan) -> str:
    lines = [f"# Upgrade plan: Kubernetes {plan.current} → {plan.target}", ""]
    if plan.blockers:
        lines += [f"**{len(plan.blockers)} blocker(s)** must be resolved first.", ""]
    lines += ["## Cluster hops", ""]
    for line in _hop_lines(plan, "   - ", "`"):
        lines.append(line)
    lines += ["", "## Application API waves", ""]
    for line in _wave_lines(plan, "- ", markdown=True):
        lines.append(f"### {line.rstrip(':')}" if line.startswith("Wave ") else line)
    if plan.rollouts:
        lines += ["", "## Version rollouts in progress", "", *_shift_lines(plan, "- ", markdown=True)]
    if plan.holds:
        lines += ["", "## Old versions to keep serving", "", *_hold_lines(plan, "- ")]
    if plan.clients:
        lines += ["", "## Clients seen calling deprecated or removed APIs", ""]
        lines += [f"- `{c.api_version}` ({c.status}{', removed in ' + c.removed_in if c.removed_in else ''}): "
                  f"{c.describe()}" for c in plan.clients]
    lines += ["", "## Cycles", "", *_misc_lines(plan, "- ")]
    lines += ["", "## Workload upgrade order (callees first)", ""]
    lines += [f"{n}. {', '.join(f'`{u}`' for u in layer)}" for n, layer in enumerate(plan.upgrade_layers, 1)]
    lines += ["", "## Blockers", ""] + (_blocker_lines(plan, "- ", "`") or ["None."])
    return "\n".join(lines) + "\n"


