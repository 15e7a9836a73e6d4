"""Output formats for `kcompat plan`: text, json, markdown."""

from __future__ import annotations

from typing import Any

from kcompat.core.escape import md_code, md_fence, md_text, printable, safe_text
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
        "operator": plan.operator.to_json() if plan.operator is not None else None,
    }


def _step_json(step: Step) -> dict[str, Any]:
    return {"action": step.action, "nodes": step.nodes, "api": step.api, "versions": step.versions,
            "text": step.text, "strategy": step.strategy, "strategy_reason": step.strategy_reason,
            "rollout": step.rollout.to_json() if step.rollout else None}


class _Format:
    """How the shared line builders write input: as is for text (plan_text escapes each finished
    line), as Markdown text and code spans for markdown."""

    def __init__(self, markdown: bool) -> None:
        self.markdown = markdown

    def text(self, value: object) -> str:
        return md_text(value) if self.markdown else str(value)

    def code(self, value: object) -> str:
        return md_code(value) if self.markdown else str(value)


_TEXT = _Format(markdown=False)
_MARKDOWN = _Format(markdown=True)


def _rollout_lines(step: Step, indent: str, fmt: _Format) -> list[str]:
    e = fmt.text
    lines = [f"{indent}rollout: {e(step.strategy)}: {e(step.strategy_reason)}"] if step.strategy else []
    for change in step.rollout.changes if step.rollout else []:
        lines.append(f"{indent}  {e(change.title)}")
        if change.note:
            lines += [f"{indent}    {e(line)}" for line in change.note.splitlines()]
        if change.diff:
            body = change.diff.rstrip("\n").splitlines()
            if fmt.markdown:  # a fence the diff cannot close, its lines free of controls
                fenced = md_fence("\n".join(printable(line) for line in body), "diff")
                lines += ["", *(f"{indent}  {line}" for line in fenced), ""]
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


def _hop_lines(plan: UpgradePlan, bullet: str, fmt: _Format) -> list[str]:
    e, c = fmt.text, fmt.code
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
            lines.append(f"{pad}rollout: {e(hop.strategy)}: {e(hop.strategy_reason)}")
        for (api_version, kind, rule), items in groups:
            first = items[0].finding
            objects = f"{len(items)} object{'s' if len(items) != 1 else ''}"
            lines.append(f"{bullet}{c(f'{api_version} {kind}')} {e('[' + rule + ']')}, {objects}: {e(first.message)}")
            deprecated = next((i.deprecated_at for i in items if i.deprecated_at), None)
            if deprecated:
                lines.append(f"{pad}  deprecated at {e(deprecated)}; listed here, where it breaks")
            for item in items:
                f = item.finding
                suppressed = " (suppressed)" if f.suppressed else ""
                lines.append(f"{pad}  - {c(f.origin.location())} {e(_object_name(f))}{suppressed}")
                if item.affected:
                    lines.append(f"{pad}      affected: {', '.join(e(a) for a in item.affected)}")
        lines += _client_lines(hop.clients, bullet, fmt)
    return lines


def _client_lines(calls: list[ClientCall], bullet: str, fmt: _Format) -> list[str]:
    """One line per API: the clients still calling it, with their evidence in brackets."""
    e = fmt.text
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
        lines.append(f"{bullet}clients still calling this API: {e(what)} ({e(removal + use)}): "
                     f"{'; '.join(e(c.describe()) for c in group)}")
    return lines


def _wave_lines(plan: UpgradePlan, bullet: str, fmt: _Format) -> list[str]:
    if not plan.waves:
        return ["no application API version has clients of an older version: nothing to sequence"]
    lines = []
    for wave in plan.waves:
        lines.append(f"Wave {wave.number}:")
        for step in wave.steps:
            lines.append(f"{bullet}{fmt.text('[' + step.action + ']')} {fmt.text(step.text)}")
            lines += _rollout_lines(step, " " * len(bullet), fmt)
    return lines


def _operator_lines(plan: UpgradePlan, bullet: str, fmt: _Format) -> list[str]:
    """The operator-upgrade hop of --crd-upgrade: its numbered steps, each with what it concerns."""
    e, c = fmt.text, fmt.code
    hop = plan.operator
    if hop is None:
        return []
    indent = " " * len(bullet)
    state = "ready" if hop.ready else "blocked until the held versions are no longer used"
    lines = [f"{c(hop.old)} -> {c(hop.new)}: {len(hop.crds)} CRD(s), "
             f"{len(hop.held)} version(s) NEW no longer serves; {state}",
             f"rollout: {e(hop.strategy)}: {e(hop.strategy_reason)}"]
    if fmt.markdown:  # markdown: paragraphs, then the numbered list
        lines = [lines[0], "", lines[1], ""]
    for number, step in enumerate(hop.steps, 1):
        done = " (nothing to do)" if step.done else ""
        lines.append(f"{number}. [{step.action}]{done} {e(step.text)}")
        item = indent + ("- " if fmt.markdown else "")
        lines += [f"{item}{e(line)}" for line in step.details[:20]]
        if len(step.details) > 20:
            lines.append(f"{item}... and {len(step.details) - 20} more")
    errors = [f for f in hop.findings if f.severity.label == "error"]
    if errors:
        lines.append(f"CRD changes that break objects ({len(errors)}; {c(f'kcompat diff {hop.old} {hop.new}')} "
                     "tells all):")
        item = indent + ("- " if fmt.markdown else "")
        lines += [f"{item}{c(f.origin.location())} [{f.rule}] {e(f.message)}" for f in errors[:10]]
        if len(errors) > 10:
            lines.append(f"{item}... and {len(errors) - 10} more")
    return lines


def _shift_lines(plan: UpgradePlan, bullet: str, fmt: _Format) -> list[str]:
    lines = []
    for step in plan.rollouts:
        lines.append(f"{bullet}{fmt.text(step.text)}")
        lines += _rollout_lines(step, " " * len(bullet), fmt)
    return lines


def _hold_lines(plan: UpgradePlan, bullet: str, fmt: _Format) -> list[str]:
    e = fmt.text
    return [f"{bullet}{e(h.api + '/' + h.version)} must stay served and backward-compatible until: "
            f"{', '.join(e(c) for c in h.clients) or '(no clients)'} have moved to {e(h.api + '/' + h.newest)} "
            f"(retire in wave {h.retire_wave})"
            for h in plan.holds]


def _blocker_lines(plan: UpgradePlan, bullet: str, fmt: _Format) -> list[str]:
    e, c = fmt.text, fmt.code
    lines = []
    for b in plan.blockers:
        lines.append(f"{bullet}{c(b.origin.location())} {e('[' + b.rule + '/' + str(b.details.get('blocker')) + ']')} "
                     f"{e(b.message)}")
        for evidence in b.details.get("evidence", [])[:3]:
            lines.append(f"{bullet}  evidence: {e(str(evidence['file']) + ':' + str(evidence['line']))} "
                         f"{e(evidence['text'])}")
    return lines


def _misc_lines(plan: UpgradePlan, bullet: str, fmt: _Format) -> list[str]:
    lines = []
    if plan.cycles:
        lines += [f"{bullet}cycle: {' <-> '.join(fmt.text(n) for n in c)} "
                  "(one step; every member serves old and new versions at once)"
                  for c in plan.cycles]
    else:
        lines.append(f"{bullet}no dependency cycles")
    return lines


def plan_text(plan: UpgradePlan) -> str:
    lines = [f"Upgrade plan: Kubernetes {plan.current} -> {plan.target}", "", "Cluster hops (minor by minor)"]
    lines += ["  " + line for line in _hop_lines(plan, "     - ", _TEXT)]
    if plan.operator is not None:
        lines += ["", "Operator upgrade (--crd-upgrade)"]
        lines += ["  " + line for line in _operator_lines(plan, "     - ", _TEXT)]
    lines += ["", "Application API waves"]
    lines += ["  " + line for line in _wave_lines(plan, "     - ", _TEXT)]
    if plan.rollouts:
        lines += ["", "Version rollouts in progress", *_shift_lines(plan, "  - ", _TEXT)]
    if plan.holds:
        lines += ["", "Old versions to keep serving", *_hold_lines(plan, "  - ", _TEXT)]
    if plan.clients:
        lines += ["", "Clients seen calling deprecated or removed APIs (audit logs)"]
        lines += [f"  - {c.api_version} ({c.status}{', removed in ' + c.removed_in if c.removed_in else ''}): "
                  f"{c.describe()}" for c in plan.clients]
    lines += ["", "Cycles", *_misc_lines(plan, "  - ", _TEXT)]
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
    lines += ["", f"Blockers: {len(plan.blockers)}", *_blocker_lines(plan, "  - ", _TEXT)]
    return "\n".join(safe_text(line) for line in lines)  # each element is one line; input escaped


def plan_markdown(plan: UpgradePlan) -> str:
    lines = [f"# Upgrade plan: Kubernetes {plan.current} → {plan.target}", ""]
    if plan.blockers:
        lines += [f"**{len(plan.blockers)} blocker(s)** must be resolved first.", ""]
    lines += ["## Cluster hops", ""]
    for line in _hop_lines(plan, "   - ", _MARKDOWN):
        lines.append(line)
    if plan.operator is not None:
        lines += ["", "## Operator upgrade", "", *_operator_lines(plan, "   - ", _MARKDOWN)]
    lines += ["", "## Application API waves", ""]
    for line in _wave_lines(plan, "- ", _MARKDOWN):
        lines.append(f"### {line.rstrip(':')}" if line.startswith("Wave ") else line)
    if plan.rollouts:
        lines += ["", "## Version rollouts in progress", "", *_shift_lines(plan, "- ", _MARKDOWN)]
    if plan.holds:
        lines += ["", "## Old versions to keep serving", "", *_hold_lines(plan, "- ", _MARKDOWN)]
    if plan.clients:
        lines += ["", "## Clients seen calling deprecated or removed APIs", ""]
        lines += [f"- {md_code(c.api_version)} ({md_text(c.status)}"
                  f"{', removed in ' + md_text(c.removed_in) if c.removed_in else ''}): "
                  f"{md_text(c.describe())}" for c in plan.clients]
    lines += ["", "## Cycles", "", *_misc_lines(plan, "- ", _MARKDOWN)]
    lines += ["", "## Workload upgrade order (callees first)", ""]
    lines += [f"{n}. {', '.join(md_code(u) for u in layer)}" for n, layer in enumerate(plan.upgrade_layers, 1)]
    lines += ["", "## Blockers", ""] + (_blocker_lines(plan, "- ", _MARKDOWN) or ["None."])
    return "\n".join(lines) + "\n"
