"""`kcompat report -o markdown`: GitHub-flavoured Markdown for $GITHUB_STEP_SUMMARY and PR comments.

The graph is the Mermaid text of `kcompat graph -o mermaid`, which GitHub renders.
"""

from __future__ import annotations

from typing import Any

from kcompat.core.escape import md_fence
from kcompat.report.markdown_check import ICONS, cell, code
from kcompat.report.migration import (
    ApiSection,
    ReportData,
    hop_item_groups,
    hop_text,
    location_text,
    missing_replacement,
    object_text,
)


def _table(header: list[str], align: list[str], rows: list[list[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|",
            *("| " + " | ".join(row) + " |" for row in rows), ""]


def _summary(data: ReportData) -> list[str]:
    s = data.summary
    out = ["## Summary", ""]
    out += _table(["errors", "warnings", "info", "suppressed", "fixable by `kcompat fix`", "plan blockers",
                   "files", "documents", "objects"], ["---:"] * 9,
                  [[str(s["errors"]), str(s["warnings"]), str(s["info"]), str(s["suppressed"]),
                    str(len(data.fixable_findings)), str(len(data.plan.get("blockers") or [])),
                    str(s["files"]), str(s["documents"]), str(s["objects"])]])
    if s["byRule"]:
        out += _table(["rule", "findings"], ["---", "---:"], [[code(r), str(n)] for r, n in s["byRule"].items()])
        out += _table(["severity", "findings"], ["---", "---:"],
                      [[ICONS[label], str(n)] for label, n in data.by_severity() if n])
        out += _table(["upgrade hop (where it starts to break)", "findings"], ["---", "---:"],
                      [[cell(hop_text(hop)), str(n)] for hop, n in data.by_hop()])
    else:
        out += ["No findings.", ""]
    return out


def _blockers(data: ReportData) -> list[str]:
    blockers = data.plan.get("blockers") or []
    if not blockers:
        return []
    return ["## ⛔ Blockers", "", "Resolve these before any wave.", "",
            *_table(["location", "blocker", "message"], ["---", "---", "---"],
                    [[code(location_text(b)), code(str((b.get("details") or {}).get("blocker", b.get("rule")))),
                      cell(str(b.get("message")))] for b in blockers])]


def _plan(data: ReportData) -> list[str]:
    plan = data.plan
    out = ["## Upgrade plan", "", "### Cluster hops, minor by minor", ""]
    for number, hop in enumerate(plan.get("hops") or []):
        title = (f"already broken at the current {hop.get('to')}: fix first" if hop.get("from") is None
                 else f"before {hop.get('name')}")
        items = hop.get("items") or []
        groups = hop_item_groups(items)
        apis = f" ({len(groups)} API{'s' if len(groups) != 1 else ''})" if items else ""
        out += [f"**{number}. {title}** — {len(items) or 'nothing'} to migrate{apis}", ""]
        rows = []
        for api_version, kind, rule, group in groups:
            first = group[0]
            deprecated = next((i["deprecatedAt"] for i in group if i.get("deprecatedAt")), None)
            objects = "<br>".join(f"{code(location_text(i))} {cell(object_text(i.get('object') or {}))}"
                                  for i in group)
            affected = sorted({a for i in group for a in i.get("affected") or []})
            api = code(f"{api_version} {kind}") + (f"<br>deprecated at {cell(deprecated)}" if deprecated else "")
            rows.append([api,
                         code(rule), f"{len(group)}", objects,
                         code(first["replacement"]) if first.get("replacement")
                         else missing_replacement(rule, (first.get("details") or {}).get("introduced")),
                         ", ".join(code(a) for a in affected) or "—"])
        if rows:
            out += _table(["API", "rule", "objects", "where", "migrate to", "affected"],
                          ["---", "---", "---:", "---", "---", "---"], rows)
    out += _operator(plan.get("operator"))
    out += ["### Application API waves", ""]
    waves = plan.get("waves") or []
    if not waves:
        out += ["No application API version has clients of an older version: nothing to sequence.", ""]
    for wave in waves:
        steps = wave.get("steps") or []
        with_strategy = any(s.get("strategy") for s in steps)
        header = ["action", "nodes", "API", *(["rollout strategy"] if with_strategy else []), "what to do"]
        rows = []
        for step in steps:
            strategy = []
            if with_strategy:
                reason = f"<br>{cell(str(step['strategy_reason']))}" if step.get("strategy_reason") else ""
                strategy = [cell(str(step.get("strategy") or "—")) + reason]
            rows.append([code(str(step.get("action"))), ", ".join(code(n) for n in step.get("nodes") or []),
                         cell(f"{step.get('api')} {' → '.join(step.get('versions') or [])}"), *strategy,
                         cell(str(step.get("text")))])
        out += [f"#### Wave {wave.get('wave')}", "", *_table(header, ["---"] * len(header), rows)]
    holds = plan.get("holds") or []
    if holds:
        out += ["### Old versions to keep serving", ""]
        out += [f"- {code(h['api'] + '/' + h['version'])} must stay served and backward-compatible until "
                f"{', '.join(code(c) for c in h.get('clients') or []) or '(no clients)'} have moved to "
                f"{code(h['api'] + '/' + h['newest'])} (retire in wave {h.get('retire_wave')})" for h in holds]
        out.append("")
    cycles = plan.get("cycles") or []
    if cycles:
        out += ["### Dependency cycles", ""]
        out += [f"- {' ⇄ '.join(code(n) for n in c)}: one step; every member serves old and new versions at once"
                for c in cycles]
        out.append("")
    out += ["### Workload upgrade order (callees first)", ""]
    layers = plan.get("upgrade_layers") or []
    out += [f"{n}. {', '.join(code(u) for u in layer)}" for n, layer in enumerate(layers, 1)] or ["No workloads."]
    out.append("")
    return out


def _operator(hop: dict[str, Any] | None) -> list[str]:
    """The operator-upgrade hop of --crd-upgrade: its steps in order, then what each held version waits for."""
    if not hop:
        return []
    state = "ready" if hop.get("ready") else "blocked until the held versions are no longer used"
    out = ["### Operator upgrade", "", f"{code(str(hop.get('old')))} → {code(str(hop.get('new')))}: "
           f"{len(hop.get('crds') or [])} CRD(s), {len(hop.get('held') or [])} version(s) NEW no longer serves; "
           f"**{state}**.", "",
           f"Rollout: **{cell(str(hop.get('strategy')))}**: {cell(str(hop.get('strategy_reason')))}", ""]
    out += _table(["step", "action", "what to do", "details"], ["---:", "---", "---", "---"], [
        [str(n), code(str(step.get("action"))) + (" (nothing to do)" if step.get("done") else ""),
         cell(str(step.get("text"))), "<br>".join(cell(str(d)) for d in (step.get("details") or [])[:20]) or "—"]
        for n, step in enumerate(hop.get("steps") or [], 1)])
    waiting = [h for h in hop.get("held") or [] if h.get("resources") or h.get("clients")]
    if waiting:
        out += ["", "Versions to keep served until everything has moved:", ""]
        out += [f"- {code(h['apiVersion'])} {cell(h['kind'])}: "
                f"{', '.join(code(r['node']) for r in h.get('resources') or []) or 'no custom resource'}; "
                f"{', '.join(code(c['node']) for c in h.get('clients') or []) or 'no client'} "
                f"→ {code(str(h.get('replacement')))}" for h in waiting]
    out.append("")
    return out


def _graph(data: ReportData) -> list[str]:
    graph = data.graph
    return ["## Dependency graph", "",
            f"{len(graph.get('nodes') or [])} nodes, {len(graph.get('edges') or [])} edges; shown as "
            "`kcompat graph -o mermaid` (uses-api edges and objects without dependencies left out).", "",
            *md_fence(data.mermaid.rstrip("\n"), "mermaid"), ""]  # labels are entity-escaped


def _api(section: ApiSection) -> list[str]:
    life = "; ".join(x for x in (f"deprecated in {section.deprecated_in}" if section.deprecated_in else "",
                                 f"removed in {section.removed_in}" if section.removed_in else "") if x)
    replacement = (f"migrate to {code(section.replacement)}" if section.replacement
                   else missing_replacement(None, section.first_served))
    fix = (f"✅ `kcompat fix` can migrate it to {code(section.fix_to or '')}" if section.fixable
           else "✋ migrate by hand (`kcompat fix` has no migration for it)")
    out = [f"### {code(section.title)}", "", f"{life or 'lifecycle'}: {replacement}. {fix}.", ""]
    lines = section.migration
    out += [f"- {cell(line)}" for line in lines] or ["Only the `apiVersion` changes."]
    out.append("")
    rows = [[code(location_text(f)), cell(object_text(f)), f"{ICONS[f['severity']]} {code(f['rule'])}",
             cell(hop_text(f.get("hop"))), cell(f["message"]) + (" *(suppressed)*" if f["suppressed"] else "")]
            for f in section.findings]
    return out + _table(["location", "object", "rule", "hop", "message"], ["---"] * 5, rows)


def _findings(data: ReportData) -> list[str]:
    out = ["## Findings and how to migrate", ""]
    if not data.apis and not data.other_findings:
        out += ["No findings.", ""]
    for section in data.apis:
        out += _api(section)
    if data.other_findings:
        out += ["### Other findings", ""]
        out += _table(["location", "object", "rule", "message"], ["---"] * 4, [
            [code(location_text(f)), cell(object_text(f)), f"{ICONS[f['severity']]} {code(f['rule'])}",
             cell(f["message"]) + (" *(suppressed)*" if f["suppressed"] else "")] for f in data.other_findings])
    return out


def _fixable(data: ReportData) -> list[str]:
    items: list[dict[str, Any]] = data.fixable_findings
    out = ["## What `kcompat fix` can fix", ""]
    if not items:
        return [*out, "Nothing: every finding needs hand work.", ""]
    paths = " ".join(data.paths)
    out += [f"{len(items)} of {len(data.check['findings'])} findings. Preview with "
            f"{code(f'kcompat fix {paths} --target-version {data.target}')}, apply with `--write`.", ""]
    return out + _table(["location", "object", "rule", "to"], ["---"] * 4, [
        [code(location_text(f)), cell(object_text(f)), code(f["rule"]), code(str(f.get("replacement")))]
        for f in items])


def render_markdown(data: ReportData) -> str:
    out = [f"# Kubernetes {data.current} → {data.target} migration report", "",
           f"Inputs: {', '.join(code(p) for p in data.paths)}. Generated by kcompat {data.version}.", ""]
    out += _summary(data) + _blockers(data) + _plan(data) + _graph(data) + _findings(data) + _fixable(data)
    errors = data.check.get("inputErrors") or []
    if errors:
        out += ["## Inputs not read", "", *(f"- {code(e['path'])}: {cell(e['reason'])}" for e in errors), ""]
    return "\n".join(out).rstrip("\n") + "\n"
