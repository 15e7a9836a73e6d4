"""The dependency graph as a self-contained SVG with a layered layout, drawn by kcompat.

Input is `kcompat graph -o json` (node-link data) and `kcompat plan -o json`. Every graph node
becomes one `<g class="node" data-node="ID">`: rect + text.

Layout (a small Sugiyama-style layering, deterministic):

- x: nodes joined by a dependency edge are ranked by the topological generations of the
  condensed graph, callees first (the same order as the plan's upgrade layers: a provider is
  always left of its clients; `serves` edges are turned round so that provider, API and client
  line up). A column is upgraded before the columns to its right.
- y: index within the column, ordered by the barycenter of the neighbours in the columns
  already placed (two sweeps), ties broken by node id.
- `uses-api` edges are not drawn; nodes without any other edge (ConfigMaps, RBAC, the built-in
  APIs) are laid out in a grid below the layers. Unresolved references are dashed boxes in a
  column of their own on the left.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from kcompat.core.escape import html_text
from kcompat.report.migration import node_label

HIDDEN_EDGES = frozenset({"uses-api"})
SECONDARY = frozenset({"scales", "protects"})

CHAR_W = 7.3  # 12px monospace
NODE_H = 40
V_GAP = 14
H_GAP = 90
PAD = 24
HEADER_H = 34
MAX_CHARS = 44

FILL = {"workload": "#dbeafe", "service": "#dcfce7", "ingress": "#fef9c3", "route": "#fef9c3",
        "crd": "#f3e8ff", "crd-version": "#f3e8ff", "custom-resource": "#fae8ff", "app-api": "#ffedd5",
        "builtin-api": "#f1f5f9", "kube-apiserver": "#e2e8f0", "webhook": "#fee2e2", "apiservice": "#fee2e2"}
EDGE_COLOUR = {"calls": "#1d4ed8", "selects": "#15803d", "consumes": "#c2410c", "serves": "#c2410c",
               "routes-to": "#a16207"}
KIND_ORDER = ("workload", "service", "ingress", "route", "app-api", "crd", "crd-version", "custom-resource",
              "webhook", "apiservice", "kube-apiserver")


def _short(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1] + "…"


def _kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def node_annotations(plan: dict[str, Any]) -> dict[str, list[str]]:
    """Node id -> what the plan says about it (upgrade layer, waves and strategies)."""
    notes: dict[str, list[str]] = defaultdict(list)
    for index, layer in enumerate(plan.get("upgrade_layers") or [], 1):
        for node in layer:
            notes[node].append(f"upgrade layer {index}")
    for wave in plan.get("waves") or []:
        for step in wave.get("steps") or []:
            strategy = f" ({step['strategy']})" if step.get("strategy") else ""
            for node in step.get("nodes") or []:
                notes[node].append(f"wave {wave['wave']}: {step.get('action', '')}{strategy}")
    return notes


def ranks(nodes: list[str], edges: list[dict[str, Any]]) -> dict[str, int]:
    """Column of each connected node: topological generation of the condensation, sinks first."""
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(nodes)
    for edge in edges:
        source, target = edge["source"], edge["target"]
        if edge.get("type") == "serves":
            source, target = target, source
        if source != target:
            graph.add_edge(source, target)
    condensed = nx.condensation(graph)
    result: dict[str, int] = {}
    for index, generation in enumerate(nx.topological_generations(condensed.reverse(copy=False))):
        for scc in generation:
            for member in condensed.nodes[scc]["members"]:
                result[member] = index
    return result


def _order(columns: list[list[str]], neighbours: dict[str, set[str]]) -> list[list[str]]:
    """Barycenter ordering within columns: a sweep left to right, then right to left."""
    columns = [sorted(c) for c in columns]
    for sweep in (range(1, len(columns)), range(len(columns) - 2, -1, -1)):
        for index in sweep:
            fixed = {n: i for col in (columns[index - 1] if index > 0 else [],
                                      columns[index + 1] if index + 1 < len(columns) else [])
                     for i, n in enumerate(col)}
            old = {n: i for i, n in enumerate(columns[index])}

            def key(node: str, fixed: dict[str, int] = fixed, old: dict[str, int] = old) -> tuple[float, int, str]:
                near = [fixed[n] for n in neighbours[node] if n in fixed]
                return (sum(near) / len(near) if near else float(old[node]), old[node], node)

            columns[index] = sorted(columns[index], key=key)
    return columns


def _width(lines: tuple[str, ...]) -> float:
    return max(len(_short(line)) for line in lines) * CHAR_W + 20


def render_svg(graph: dict[str, Any], plan: dict[str, Any]) -> str:
    nodes = {str(n["id"]): n for n in graph.get("nodes") or []}
    drawn = [e for e in graph.get("edges") or []
             if e.get("type", e.get("key")) not in HIDDEN_EDGES and e["source"] in nodes and e["target"] in nodes]
    unresolved = [u for u in graph.get("unresolved") or [] if u.get("source") in nodes]
    connected = sorted({e["source"] for e in drawn} | {e["target"] for e in drawn}
                       | {u["source"] for u in unresolved})
    loose = sorted((n for n in nodes if n not in set(connected)),
                   key=lambda n: (_kind_rank(nodes[n].get("kind", "")), nodes[n].get("kind", ""), n))
    notes = node_annotations(plan)

    rank = ranks(connected, drawn)
    shift = 1 if unresolved else 0
    count = max(rank.values(), default=-1) + 1 + shift
    columns: list[list[str]] = [[] for _ in range(count)]
    for node in connected:
        columns[rank[node] + shift].append(node)
    neighbours: dict[str, set[str]] = defaultdict(set)
    for edge in drawn:
        neighbours[edge["source"]].add(edge["target"])
        neighbours[edge["target"]].add(edge["source"])
    unresolved_ids = [f"unresolved-{index}" for index in range(len(unresolved))]
    for node_id, item in zip(unresolved_ids, unresolved, strict=True):
        neighbours[node_id].add(item["source"])
        neighbours[item["source"]].add(node_id)
    if unresolved:
        columns[0] = unresolved_ids
    columns = _order(columns, neighbours)

    labels: dict[str, tuple[str, str]] = {n: node_label(nodes[n]) for n in nodes}
    for node_id, item in zip(unresolved_ids, unresolved, strict=True):
        where = f"{item['namespace']}/{item['service']}" if item.get("namespace") else str(item.get("service"))
        labels[node_id] = ("unresolved", where + "?")
    widths = {n: _width(labels[n]) for n in labels}

    # positions of the layered part
    boxes: dict[str, tuple[float, float, float]] = {}  # node -> (x, y, width)
    tallest = max((len(c) for c in columns), default=0) * (NODE_H + V_GAP)
    x = float(PAD)
    column_spans: list[tuple[float, float]] = []
    for column in columns:
        width = max((widths[n] for n in column), default=120.0)
        top = PAD + HEADER_H + (tallest - len(column) * (NODE_H + V_GAP)) / 2
        for index, node in enumerate(column):
            boxes[node] = (x + (width - widths[node]) / 2, top + index * (NODE_H + V_GAP), widths[node])
        column_spans.append((x, width))
        x += width + H_GAP
    layered_width = x - H_GAP + PAD if columns else 2 * PAD
    y = PAD + HEADER_H + tallest + (PAD if columns else 0)

    # the grid of nodes without drawn edges
    loose_top = y + HEADER_H if loose else y
    grid_width = max(layered_width, 900.0)
    gx, gy = float(PAD), loose_top
    for node in loose:
        if gx + widths[node] > grid_width - PAD and gx > PAD:
            gx, gy = float(PAD), gy + NODE_H + V_GAP
        boxes[node] = (gx, gy, widths[node])
        gx += widths[node] + V_GAP
    height = (gy + NODE_H + PAD) if loose else y
    total_width = max(layered_width, grid_width if loose else 0.0)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="graph" role="img" '
           f'viewBox="0 0 {_num(total_width)} {_num(height)}" width="{_num(total_width)}" height="{_num(height)}" '
           f'aria-label="Dependency graph: {len(nodes)} nodes, {len(drawn)} edges drawn" '
           f'font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, \'DejaVu Sans Mono\', monospace" '
           f'font-size="12">',
           "<defs>"]
    for name, colour in sorted({"default": "#64748b", **EDGE_COLOUR}.items()):
        out.append(f'<marker id="arrow-{html_text(name)}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
                   f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/>'
                   "</marker>")
    out.append("</defs>")
    for index, (cx, width) in enumerate(column_spans):
        label = ("unresolved" if shift and index == 0
                 else f"step {index + 1 - shift}" + (" (first)" if index == shift else ""))
        out.append(f'<rect class="layer" x="{_num(cx - 10)}" y="{PAD}" width="{_num(width + 20)}" '
                   f'height="{_num(HEADER_H + tallest)}" rx="6" fill="{"#f8fafc" if index % 2 else "#f1f5f9"}"/>')
        out.append(f'<text class="layer-title" x="{_num(cx + width / 2)}" y="{PAD + 20}" text-anchor="middle" '
                   f'font-weight="bold" fill="#334155">{html_text(label)}</text>')
    if loose:
        out.append(f'<text class="layer-title" x="{PAD}" y="{_num(loose_top - 12)}" font-weight="bold" '
                   f'fill="#334155">{len(loose)} without dependencies (uses-api edges are not drawn)</text>')

    def anchor(node: str, side: str) -> tuple[float, float]:
        bx, by, bw = boxes[node]
        return (bx if side == "left" else bx + bw), by + NODE_H / 2

    edge_items = [(e["source"], e["target"], str(e.get("type", e.get("key", ""))), e) for e in drawn]
    edge_items += [(node_id, node_id, "unresolved", item) for node_id, item in zip(unresolved_ids, unresolved,
                                                                                    strict=True)]
    column_of = {n: i for i, col in enumerate(columns) for n in col}
    for source, target, kind, data in sorted(edge_items, key=lambda e: (e[2], e[0], e[1])):
        if kind == "unresolved":
            source, target = data["source"], source
        cs, ct = column_of[source], column_of[target]
        if cs > ct:
            (x1, y1), (x2, y2) = anchor(source, "left"), anchor(target, "right")
            bend = -H_GAP / 2
            path = f"M{_num(x1)},{_num(y1)} C{_num(x1 + bend)},{_num(y1)} {_num(x2 - bend)},{_num(y2)} " \
                   f"{_num(x2)},{_num(y2)}"
        elif cs < ct:
            (x1, y1), (x2, y2) = anchor(source, "right"), anchor(target, "left")
            bend = H_GAP / 2
            path = f"M{_num(x1)},{_num(y1)} C{_num(x1 + bend)},{_num(y1)} {_num(x2 - bend)},{_num(y2)} " \
                   f"{_num(x2)},{_num(y2)}"
        else:
            (x1, y1), (x2, y2) = anchor(source, "right"), anchor(target, "right")
            loop = H_GAP / 2
            path = f"M{_num(x1)},{_num(y1)} C{_num(x1 + loop)},{_num(y1)} {_num(x2 + loop)},{_num(y2)} " \
                   f"{_num(x2)},{_num(y2)}"
        colour = EDGE_COLOUR.get(kind, "#64748b")
        marker = kind if kind in EDGE_COLOUR else "default"
        dash = ' stroke-dasharray="5 4"' if kind in SECONDARY or kind == "unresolved" or data.get("secondary") else ""
        evidence = data.get("evidence")
        if isinstance(evidence, dict):
            evidence = [evidence]
        lines = [f"{source} -> {target} ({kind})"] + [
            f"{e.get('file')}:{e.get('line')} {e.get('text', '')}" for e in (evidence or [])[:3]]
        out.append(f'<g class="edge" data-type="{html_text(kind)}"><title>{html_text(chr(10).join(lines))}</title>'
                   f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="1.4"{dash} '
                   f'marker-end="url(#arrow-{html_text(marker)})"/></g>')

    for node in [*(n for col in columns for n in col), *loose]:
        bx, by, bw = boxes[node]
        first, second = labels[node]
        if node in nodes:
            kind = str(nodes[node].get("kind", ""))
            attrs = f'class="node" data-node="{html_text(node)}" data-kind="{html_text(kind)}"'
            title = "\n".join([node, *notes.get(node, [])])
        else:
            kind = "unresolved"
            attrs = 'class="unresolved"'
            title = f"{first}: no such Service in the input"
        fill = FILL.get(kind, "#ffffff")
        dash = ' stroke-dasharray="4 3"' if kind == "unresolved" else ""
        badge = " ★" if any(note.startswith("wave ") for note in notes.get(node, [])) else ""
        out.append(f"<g {attrs}><title>{html_text(title)}</title>"
                   f'<rect x="{_num(bx)}" y="{_num(by)}" width="{_num(bw)}" height="{NODE_H}" rx="5" '
                   f'fill="{fill}" stroke="#475569"{dash}/>'
                   f'<text x="{_num(bx + 10)}" y="{_num(by + 16)}" font-weight="bold" fill="#0f172a">'
                   f"{html_text(_short(first + badge))}</text>"
                   f'<text x="{_num(bx + 10)}" y="{_num(by + 32)}" fill="#1e293b">'
                   f"{html_text(_short(second))}</text></g>")
    out.append("</svg>")
    return "\n".join(out)


LEGEND = [(kind, FILL[kind]) for kind in ("workload", "service", "ingress", "app-api", "crd", "custom-resource",
                                           "webhook", "builtin-api")]
EDGE_LEGEND = [("calls", "workload calls a Service"), ("selects", "Service selects workloads"),
               ("consumes", "client uses / provider serves an app API version"),
               ("routes-to", "Ingress or route sends to a Service"),
               ("scales", "HPA / PDB (dashed: not an ordering)")]
