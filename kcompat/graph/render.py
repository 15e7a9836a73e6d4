"""Output formats for `kcompat graph`: text, json, mermaid, dot."""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

from kcompat.core.escape import dot_string, mermaid_label, safe_text
from kcompat.graph import nodes as m
from kcompat.graph.build import ServiceGraph
from kcompat.graph.clients import CLIENT

_HIDDEN_BY_DEFAULT = frozenset({m.USES_API})


def _label(graph: Any, node: str) -> str:
    data = graph.nodes[node]
    kind = data.get("k8s_kind")
    if kind:
        where = f"{data['namespace']}/{data['name']}" if data.get("namespace") else str(data.get("name"))
        return f"{kind} {where}"
    if data.get("kind") == m.BUILTIN_API:
        return f"API {data['name']}"
    if data.get("kind") == m.APP_API:
        return f"app API {data['name']}"
    if data.get("kind") == m.CRD_VERSION:
        flags = ", ".join(f for f, on in (("served", data.get("served")), ("storage", data.get("storage"))) if on)
        return f"{data['name']} ({flags or 'not served'})"
    return str(data.get("name") or node)


def visible_edges(graph: Any, show_all: bool) -> list[tuple[str, str, str, dict[str, Any]]]:
    edges = [(u, v, k, d) for u, v, k, d in graph.edges(keys=True, data=True)
             if show_all or d.get("observed") or d.get("type", k) not in _HIDDEN_BY_DEFAULT]
    return sorted(edges, key=lambda e: (e[2], e[0], e[1]))


def _visible_nodes(graph: Any, edges: list[tuple[str, str, str, dict[str, Any]]], show_all: bool) -> list[str]:
    used = {u for u, *_ in edges} | {v for _, v, *_ in edges}
    return sorted(n for n, d in graph.nodes(data=True)
                  if show_all or n in used or d.get("kind") not in (m.OBJECT, m.BUILTIN_API, m.APISERVER))


# -- graph --------------------------------------------------------------------------------

def graph_json(built: ServiceGraph) -> dict[str, Any]:
    """node-link data (load it back with networkx.node_link_graph(data, edges="edges"))."""
    data: dict[str, Any] = nx.node_link_data(built.graph, edges="edges")
    data["schema"] = m.SCHEMA_VERSION
    data["unresolved"] = [u.to_json() for u in built.unresolved]
    return data


def _where(evidence: dict[str, Any]) -> str:
    return f"{evidence['file']}:{evidence['line']}" if evidence.get("line") is not None else str(evidence["file"])


def graph_text(built: ServiceGraph, show_all: bool = False) -> str:
    graph = built.graph
    edges = visible_edges(graph, show_all)
    kinds: dict[str, int] = {}
    for _, d in graph.nodes(data=True):
        kinds[d["kind"]] = kinds.get(d["kind"], 0) + 1
    lines = [f"{graph.number_of_nodes()} nodes ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}), "
             f"{graph.number_of_edges()} edges, {len(built.unresolved)} unresolved references"]
    current = None
    for source, target, kind, data in edges:
        if kind != current:
            current = kind
            lines.append("")
            lines.append(f"{kind}:")
        extra = f" :{data['port']}" if data.get("port") else ""
        via = f" via {data['via']}" if data.get("via") else ""
        lines.append(f"  {source} -> {target}{extra}{via}")
        for evidence in data["evidence"]:
            lines.append(f"      {_where(evidence)}  {evidence['text']}")
    if built.unresolved:
        lines += ["", "unresolved references (no such Service in the input):"]
        for item in built.unresolved:
            target = f"{item.namespace}/{item.service}" if item.namespace else item.service
            lines.append(f"  {item.source} -> {target}?")
            lines.append(f"      {item.evidence.location()}  {item.evidence.text}")
    if not show_all:
        lines += ["", f"({', '.join(sorted(_HIDDEN_BY_DEFAULT))} edges hidden; --all shows them)"]
    return "\n".join(safe_text(line) for line in lines)  # each element is one line; input escaped


def _mermaid_text(text: str) -> str:
    return mermaid_label(text)  # entity codes; node ids (n0, u0) are generated, never input


_SHAPES = {CLIENT: ('>"', '"]'), m.SERVICE: ('(["', '"])'), m.APP_API: ('{{"', '"}}'), m.BUILTIN_API: ('[/"', '"/]'),
           m.CRD: ('[("', '")]'), m.CRD_VERSION: ('[("', '")]'), m.APISERVER: ('(("', '"))')}


def graph_mermaid(built: ServiceGraph, show_all: bool = False) -> str:
    graph = built.graph
    edges = visible_edges(graph, show_all)
    nodes = _visible_nodes(graph, edges, show_all)
    ids = {node: f"n{index}" for index, node in enumerate(nodes)}
    lines = ["flowchart LR"]
    for node in nodes:
        left, right = _SHAPES.get(graph.nodes[node]["kind"], ('["', '"]'))
        lines.append(f"  {ids[node]}{left}{_mermaid_text(_label(graph, node))}{right}")
    for source, target, kind, _ in edges:
        arrow = "-.->" if kind in m.SECONDARY_EDGES else "-->"
        lines.append(f"  {ids[source]} {arrow}|{_mermaid_text(kind)}| {ids[target]}")
    for index, item in enumerate(built.unresolved):
        if item.source in ids:
            lines.append(f'  u{index}["{_mermaid_text(item.service)}?"]:::unresolved')
            lines.append(f"  {ids[item.source]} -.->|unresolved| u{index}")
    if built.unresolved:
        lines.append("  classDef unresolved stroke-dasharray: 5 5,fill:#fee")
    return "\n".join(lines)


def _dot_text(text: str) -> str:
    """A label: controls shown as escapes."""
    return dot_string(text)


def _dot_id(text: str) -> str:
    """A node id: escaped reversibly, so different nodes stay different."""
    return dot_string(text, identifier=True)


_DOT_SHAPES = {CLIENT: "component", m.SERVICE: "ellipse",
               m.APP_API: "hexagon", m.BUILTIN_API: "parallelogram", m.CRD: "cylinder",
               m.CRD_VERSION: "cylinder", m.APISERVER: "doublecircle", m.WORKLOAD: "box"}


def graph_dot(built: ServiceGraph, show_all: bool = False) -> str:
    graph = built.graph
    edges = visible_edges(graph, show_all)
    nodes = _visible_nodes(graph, edges, show_all)
    lines = ["digraph kcompat {", "  rankdir=LR;", "  node [fontname=Helvetica];"]
    for node in nodes:
        shape = _DOT_SHAPES.get(graph.nodes[node]["kind"], "note")
        lines.append(f"  {_dot_id(node)} [label={_dot_text(_label(graph, node))}, shape={shape}];")
    for source, target, kind, data in edges:
        style = ", style=dashed" if kind in m.SECONDARY_EDGES else ""
        evidence = data["evidence"][0]
        tooltip = _dot_text(f"{_where(evidence)} {evidence['text']}")
        lines.append(f"  {_dot_id(source)} -> {_dot_id(target)} [label={_dot_text(kind)}, "
                     f"tooltip={tooltip}{style}];")
    for index, item in enumerate(built.unresolved):
        if item.source in nodes:
            lines.append(f"  unresolved{index} [label={_dot_text(item.service + '?')}, shape=box, style=dashed];")
            lines.append(f"  {_dot_id(item.source)} -> unresolved{index} [label=unresolved, style=dotted];")
    lines.append("}")
    return "\n".join(lines)


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=False, default=str)
