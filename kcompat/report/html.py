"""`kcompat report -o html`: one self-contained HTML file (no scripts, no network, prints well).

The Content-Security-Policy forbids every fetch (`default-src 'none'`), so a browser opening the
file from disk makes no request. Counts carry `data-count` attributes and graph nodes
`data-node`, so tests (and scripts) can read them back from the rendered page.
"""

from __future__ import annotations

from typing import Any

from kcompat.core.escape import html_text
from kcompat.report.migration import (
    NO_HOP,
    ApiSection,
    ReportData,
    hop_item_groups,
    hop_text,
    location_text,
    missing_replacement,
    object_text,
)
from kcompat.report.svg_graph import EDGE_COLOUR, EDGE_LEGEND, LEGEND, render_svg

CSS = """
:root { color-scheme: light; --muted: #475569; --line: #cbd5e1; --error: #b91c1c; --warning: #a16207;
  --info: #1d4ed8; --ok: #15803d; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 24px; color: #0f172a; background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 1.7em; margin: 0 0 4px; }
h2 { font-size: 1.3em; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.08em; margin: 20px 0 6px; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace;
  font-size: 0.9em; }
code { background: #f1f5f9; padding: 0 3px; border-radius: 3px; overflow-wrap: anywhere; }
.meta { color: var(--muted); margin: 0 0 16px; }
nav ol { columns: 2; margin: 8px 0; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; font-size: 0.93em; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f1f5f9; }
td { overflow-wrap: anywhere; }
td.rule, td.rule code { white-space: nowrap; overflow-wrap: normal; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 8px 16px; min-width: 120px; }
.card .value { font-size: 1.8em; font-weight: 700; }
.card .label { color: var(--muted); }
.sev-error { color: var(--error); font-weight: 600; }
.sev-warning { color: var(--warning); font-weight: 600; }
.sev-info { color: var(--info); font-weight: 600; }
.fixable { color: var(--ok); font-weight: 600; }
.manual { color: var(--muted); }
.suppressed td { color: var(--muted); text-decoration: line-through; }
.blockers { border: 2px solid var(--error); border-radius: 8px; padding: 4px 16px; }
.graph-box { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; padding: 4px; }
svg.graph { display: block; max-width: none; height: auto; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 8px 0; font-size: 0.9em; }
.swatch { display: inline-block; width: 14px; height: 14px; border: 1px solid #475569; border-radius: 3px;
  vertical-align: -2px; margin-right: 4px; }
.line { display: inline-block; width: 22px; height: 0; border-top: 2px solid; vertical-align: 4px;
  margin-right: 4px; }
.api { border-left: 4px solid var(--line); padding-left: 12px; margin: 18px 0; }
footer { margin-top: 40px; color: var(--muted); font-size: 0.85em; }
@media print {
  @page { size: A4; margin: 14mm; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  tr, .card, .api li { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  .graph-box { overflow: visible; border: none; padding: 0; }
  svg.graph { max-width: 100%; }
  code { background: none; }
  a { color: inherit; text-decoration: none; }
}
"""

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'"


def _e(value: Any) -> str:
    return html_text(value)  # html.escape after replacing the characters XML forbids


def _code(value: Any) -> str:
    return f"<code>{_e(value)}</code>"


def _count(name: str, value: int, numeric_cell: bool = True) -> str:
    klass = ' class="num"' if numeric_cell else ""
    return f'<td{klass} data-count="{_e(name)}">{value}</td>'


def _severity(label: str) -> str:
    return f'<span class="sev-{_e(label)}">{_e(label)}</span>'


def _summary(data: ReportData) -> list[str]:
    s = data.summary
    fixable = len(data.fixable_findings)
    cards = [("errors", s["errors"], "errors"), ("warnings", s["warnings"], "warnings"), ("info", s["info"], "info"),
             ("suppressed", s["suppressed"], "suppressed"), ("fixable", fixable, "fixable by kcompat fix"),
             ("blockers", len(data.plan.get("blockers") or []), "plan blockers")]
    out = ['<section id="summary"><h2>Summary</h2><div class="cards">']
    out += [f'<div class="card"><div class="value" data-count="{name}">{value}</div>'
            f'<div class="label">{_e(label)}</div></div>' for name, value, label in cards]
    out.append("</div>")
    out += ["<table><thead><tr><th>files</th><th>documents</th><th>objects</th><th>custom resources</th>"
            "<th>findings (incl. suppressed)</th></tr></thead><tbody><tr>",
            _count("files", s["files"]) + _count("documents", s["documents"]) + _count("objects", s["objects"])
            + _count("customResources", s.get("customResources", 0))
            + _count("findings", len(data.check["findings"])), "</tr></tbody></table>"]
    out.append('<table><thead><tr><th>severity</th><th class="num">findings</th></tr></thead><tbody>')
    out += [f"<tr><td>{_severity(label)}</td>{_count('severity:' + label, count)}</tr>"
            for label, count in data.by_severity()]
    out.append("</tbody></table>")
    out.append('<table><thead><tr><th>rule</th><th class="num">findings</th></tr></thead><tbody>')
    out += [f"<tr><td class=\"rule\">{_code(rule)}</td>{_count('rule:' + rule, count)}</tr>"
            for rule, count in s["byRule"].items()] or ['<tr><td colspan="2">no findings</td></tr>']
    out.append("</tbody></table>")
    out.append('<table><thead><tr><th>upgrade hop (where it starts to break)</th><th class="num">findings</th>'
               "</tr></thead><tbody>")
    out += [f"<tr><td>{_e(hop_text(hop))}</td>{_count('hop:' + hop, count)}</tr>" for hop, count in data.by_hop()] or [
        '<tr><td colspan="2">no findings</td></tr>']
    out.append("</tbody></table><p class=\"meta\">Counts leave out suppressed findings, like "
               "<code>kcompat check -o json</code>.</p></section>")
    return out


def _finding_cells(item: dict[str, Any]) -> str:
    return (f"<td class=\"mono\">{_e(location_text(item))}</td><td>{_e(object_text(item))}</td>"
            f"<td class=\"rule\">{_severity(item['severity'])} {_code(item['rule'])}</td>")


def _blockers(data: ReportData) -> list[str]:
    blockers = data.plan.get("blockers") or []
    if not blockers:
        return []
    out = ['<section id="blockers" class="blockers"><h2>Blockers</h2>',
           "<p>Resolve these before any wave: the plan cannot be carried out safely while they stand.</p>",
           "<table><thead><tr><th>location</th><th>blocker</th><th>message</th></tr></thead><tbody>"]
    for b in blockers:
        out.append(f"<tr><td class=\"mono\">{_e(location_text(b))}</td>"
                   f"<td class=\"rule\">{_code((b.get('details') or {}).get('blocker', b.get('rule')))}</td>"
                   f"<td>{_e(b.get('message'))}</td></tr>")
    out.append("</tbody></table></section>")
    return out


def _plan(data: ReportData) -> list[str]:
    plan = data.plan
    out = ['<section id="plan"><h2>Upgrade plan</h2>', "<h3>Cluster hops, minor by minor</h3>"]
    for number, hop in enumerate(plan.get("hops") or []):
        title = (f"already broken at the current {hop.get('to')}: fix first" if hop.get("from") is None
                 else f"before {hop.get('name')}")
        items = hop.get("items") or []
        groups = hop_item_groups(items)
        apis = f" ({len(groups)} API{'s' if len(groups) != 1 else ''})" if items else ""
        out.append(f"<h4>{number}. {_e(title)} — {len(items) or 'nothing'} to migrate{apis}</h4>")
        if not items:
            continue
        out.append("<table><thead><tr><th>API</th><th>rule</th><th class=\"num\">objects</th><th>where</th>"
                   "<th>migrate to</th><th>affected</th></tr></thead><tbody>")
        for api_version, kind, rule, group in groups:
            first = group[0]
            deprecated = next((i["deprecatedAt"] for i in group if i.get("deprecatedAt")), None)
            where = "<br>".join(f"<span class=\"mono\">{_e(location_text(i))}</span> "
                                f"{_e(object_text(i.get('object') or {}))}" for i in group)
            affected = sorted({a for i in group for a in i.get("affected") or []})
            replacement = (_code(first["replacement"]) if first.get("replacement")
                           else _e(missing_replacement(rule, (first.get("details") or {}).get("introduced"))))
            out.append(f"<tr><td>{_code(f'{api_version} {kind}')}"
                       f"{'<br>deprecated at ' + _e(deprecated) if deprecated else ''}</td>"
                       f"<td class=\"rule\">{_severity(first['severity'])} {_code(rule)}</td>"
                       f"<td class=\"num\">{len(group)}</td>"
                       f"<td>{where}</td><td>{replacement}</td>"
                       f"<td>{', '.join(_code(a) for a in affected) or '—'}</td></tr>")
        out.append("</tbody></table>")
    out += _operator(plan.get("operator"))
    out.append("<h3>Application API waves</h3>")
    waves = plan.get("waves") or []
    if not waves:
        out.append("<p>No application API version has clients of an older version: nothing to sequence.</p>")
    for wave in waves:
        steps = wave.get("steps") or []
        with_strategy = any(s.get("strategy") for s in steps)
        out.append(f"<h4>Wave {_e(wave.get('wave'))}</h4><table><thead><tr><th>action</th><th>nodes</th>"
                   f"<th>API</th>{'<th>rollout strategy</th>' if with_strategy else ''}<th>what to do</th>"
                   "</tr></thead><tbody>")
        for step in steps:
            strategy = ""
            if with_strategy:
                reason = f"<br><span class=\"meta\">{_e(step.get('strategy_reason'))}</span>" \
                    if step.get("strategy_reason") else ""
                strategy = f"<td>{_e(step.get('strategy') or '—')}{reason}</td>"
            out.append(f"<tr><td>{_code(step.get('action'))}</td>"
                       f"<td>{', '.join(_code(n) for n in step.get('nodes') or [])}</td>"
                       f"<td>{_e(step.get('api'))} {_e(' → '.join(step.get('versions') or []))}</td>"
                       f"{strategy}<td>{_e(step.get('text'))}</td></tr>")
        out.append("</tbody></table>")
    holds = plan.get("holds") or []
    if holds:
        out.append("<h3>Old versions to keep serving</h3><ul>")
        out += [f"<li>{_code(h['api'] + '/' + h['version'])} must stay served and backward-compatible until "
                f"{', '.join(_code(c) for c in h.get('clients') or []) or '(no clients)'} have moved to "
                f"{_code(h['api'] + '/' + h['newest'])} (retire in wave {_e(h.get('retire_wave'))})</li>"
                for h in holds]
        out.append("</ul>")
    cycles = plan.get("cycles") or []
    if cycles:
        out.append("<h3>Dependency cycles</h3><ul>")
        out += [f"<li>{' ⇄ '.join(_code(n) for n in cycle)}: one step; every member serves old and new "
                "versions at once</li>" for cycle in cycles]
        out.append("</ul>")
    layers = plan.get("upgrade_layers") or []
    out.append("<h3>Workload upgrade order (callees first)</h3>")
    if layers:
        out.append("<ol>" + "".join(f"<li>{', '.join(_code(n) for n in layer)}</li>" for layer in layers) + "</ol>")
    else:
        out.append("<p>No workloads.</p>")
    crds = plan.get("crds") or []
    if crds:
        out.append("<h3>CustomResourceDefinitions</h3><table><thead><tr><th>CRD</th><th>versions</th>"
                   "<th>custom resources</th></tr></thead><tbody>")
        for crd in crds:
            versions = ", ".join(f"{v['version']}{'' if v.get('served') else ' (not served)'}"
                                 f"{' [storage]' if v.get('storage') else ''}" for v in crd.get("versions") or [])
            users = "; ".join(f"{version}: {len(names)}"
                              for version, names in (crd.get("custom_resources") or {}).items())
            out.append(f"<tr><td>{_code(crd.get('crd'))}</td><td>{_e(versions)}</td><td>{_e(users or '—')}</td></tr>")
        out.append("</tbody></table>")
    out.append("</section>")
    return out


def _operator(hop: dict[str, Any] | None) -> list[str]:
    """The operator-upgrade hop of --crd-upgrade: its steps in order, then what each held version waits for."""
    if not hop:
        return []
    state = "ready" if hop.get("ready") else "blocked until the held versions are no longer used"
    out = ["<h3>Operator upgrade</h3>",
           f"<p>{_code(hop.get('old'))} → {_code(hop.get('new'))}: {len(hop.get('crds') or [])} CRD(s), "
           f"{len(hop.get('held') or [])} version(s) NEW no longer serves; <strong>{_e(state)}</strong>.</p>",
           f"<p>Rollout: <strong>{_e(hop.get('strategy'))}</strong>: {_e(hop.get('strategy_reason'))}</p>",
           "<table><thead><tr><th>step</th><th>action</th><th>what to do</th><th>details</th></tr></thead><tbody>"]
    for number, step in enumerate(hop.get("steps") or [], 1):
        done = " <span class=\"meta\">(nothing to do)</span>" if step.get("done") else ""
        details = "<br>".join(_e(d) for d in (step.get("details") or [])[:20]) or "—"
        out.append(f"<tr><td>{number}</td><td>{_code(step.get('action'))}{done}</td><td>{_e(step.get('text'))}</td>"
                   f"<td class=\"mono\">{details}</td></tr>")
    out.append("</tbody></table>")
    waiting = [h for h in hop.get("held") or [] if h.get("resources") or h.get("clients")]
    if waiting:
        out.append("<p>Versions to keep served until everything has moved:</p><ul>")
        out += [f"<li>{_code(h['apiVersion'])} {_e(h['kind'])}: "
                f"{', '.join(_code(r['node']) for r in h.get('resources') or []) or 'no custom resource'}; "
                f"{', '.join(_code(c['node']) for c in h.get('clients') or []) or 'no client'} "
                f"→ {_code(h.get('replacement'))}</li>" for h in waiting]
        out.append("</ul>")
    return out


def _graph(data: ReportData) -> list[str]:
    graph = data.graph
    nodes, edges = len(graph.get("nodes") or []), len(graph.get("edges") or [])
    out = ['<section id="graph"><h2>Dependency graph</h2>',
           f"<p>{nodes} nodes and {edges} edges (<code>kcompat graph</code>). Columns are the upgrade order: "
           "callees first, so each column can be upgraded once the columns to its left are done; arrows point "
           "from a client to what it depends on. ★ marks nodes with a step in a migration wave; hover a node or "
           "edge for its plan notes and evidence.</p>", '<div class="legend">']
    out += [f'<span><span class="swatch" style="background:{colour}"></span>{_e(kind)}</span>'
            for kind, colour in LEGEND]
    out += [f'<span><span class="line" style="border-color:{EDGE_COLOUR.get(kind, "#64748b")}"></span>'
            f"{_e(text)}</span>" for kind, text in EDGE_LEGEND]
    out += ["</div>", '<div class="graph-box">', render_svg(graph, data.plan), "</div></section>"]
    return out


def _api_section(section: ApiSection) -> list[str]:
    life = []
    if section.deprecated_in:
        life.append(f"deprecated in {section.deprecated_in}")
    if section.removed_in:
        life.append(f"removed in {section.removed_in}")
    replacement = (f"migrate to {_code(section.replacement)}" if section.replacement
                   else _e(missing_replacement(None, section.first_served)))
    fix = (f'<span class="fixable">kcompat fix can migrate it to {_code(section.fix_to)}</span>'
           if section.fixable else '<span class="manual">migrate by hand (kcompat fix has no migration for it)</span>')
    out = [f'<div class="api" id="{_e(section.anchor)}"><h3>{_e(section.title)}</h3>',
           f"<p>{_e('; '.join(life) or 'lifecycle')}: {replacement}. {fix}.</p>"]
    if section.migration:
        out.append("<ul>" + "".join(f"<li>{_e(line)}</li>" for line in section.migration)
                   + "</ul>")
    else:
        out.append("<p>Only the <code>apiVersion</code> changes.</p>")
    out.append("<table><thead><tr><th>location</th><th>object</th><th>rule</th><th>hop</th><th>message</th>"
               "</tr></thead><tbody>")
    for item in section.findings:
        row = ' class="suppressed"' if item["suppressed"] else ""
        out.append(f"<tr{row}>{_finding_cells(item)}<td>{_e(hop_text(item.get('hop')))}</td>"
                   f"<td>{_e(item['message'])}{' (suppressed)' if item['suppressed'] else ''}</td></tr>")
    out.append("</tbody></table></div>")
    return out


def _findings(data: ReportData) -> list[str]:
    out = ['<section id="findings"><h2>Findings and how to migrate</h2>']
    if not data.apis and not data.other_findings:
        out.append("<p>No findings.</p>")
    for section in data.apis:
        out += _api_section(section)
    if data.other_findings:
        out.append("<h3>Other findings</h3><table><thead><tr><th>location</th><th>object</th><th>rule</th>"
                   "<th>message</th></tr></thead><tbody>")
        for item in data.other_findings:
            row = ' class="suppressed"' if item["suppressed"] else ""
            out.append(f"<tr{row}>{_finding_cells(item)}<td>{_e(item['message'])}</td></tr>")
        out.append("</tbody></table>")
    out.append("</section>")
    return out


def _fixable(data: ReportData) -> list[str]:
    items = data.fixable_findings
    out = ['<section id="fixable"><h2>What <code>kcompat fix</code> can fix</h2>']
    if not items:
        out.append("<p>Nothing: every finding needs hand work.</p></section>")
        return out
    paths = " ".join(data.paths)
    out.append(f"<p>{len(items)} of {len(data.check['findings'])} findings. Preview the change with "
               f"{_code(f'kcompat fix {paths} --target-version {data.target}')}, apply it with "
               "<code>--write</code>.</p>")
    out.append("<table><thead><tr><th>location</th><th>object</th><th>rule</th><th>to</th></tr></thead><tbody>")
    for item in items:
        out.append(f"<tr>{_finding_cells(item)}<td>{_code(item.get('replacement'))}</td></tr>")
    out.append("</tbody></table></section>")
    return out


def _input_errors(data: ReportData) -> list[str]:
    errors = data.check.get("inputErrors") or []
    if not errors:
        return []
    return ['<section id="inputs"><h2>Inputs not read</h2><ul>',
            *(f"<li>{_code(e['path'])}: {_e(e['reason'])}</li>" for e in errors), "</ul></section>"]


def render_html(data: ReportData) -> str:
    title = f"Kubernetes {data.current} → {data.target} migration report"
    toc = [("summary", "Summary"), ("blockers", "Blockers"), ("plan", "Upgrade plan"), ("graph", "Dependency graph"),
           ("findings", "Findings and how to migrate"), ("fixable", "What kcompat fix can fix")]
    if not data.plan.get("blockers"):
        toc = [item for item in toc if item[0] != "blockers"]
    body = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="kcompat {_e(data.version)}">',
        f"<title>{_e(title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
        f"<header><h1>{_e(title)}</h1>",
        f'<p class="meta">Inputs: {", ".join(_code(p) for p in data.paths)}. '
        f"{_e(NO_HOP.capitalize())} means the finding does not depend on the upgrade path.</p></header>",
        '<nav><ol>' + "".join(f'<li><a href="#{key}">{_e(text)}</a></li>' for key, text in toc) + "</ol></nav>",
        "<main>", *_summary(data), *_blockers(data), *_plan(data), *_graph(data), *_findings(data), *_fixable(data),
        *_input_errors(data), "</main>",
        f"<footer>Generated by kcompat {_e(data.version)} from the manifests alone, offline. "
        "This file needs no network: it has no scripts and loads nothing.</footer>",
        "</body>", "</html>", ""]
    return "\n".join(body)
