"""Find the line and column of a field inside a parsed YAML document."""

from __future__ import annotations

from collections.abc import Sequence

from yaml.nodes import MappingNode, Node, SequenceNode

FieldPath = Sequence[str | int]


def locate(node: Node | None, path: FieldPath) -> tuple[int, int] | None:
    """Return the 1-based (line, column) of path in node, or of its deepest existing parent.

    A mapping entry is located at its key, so a user lands on `apiVersion:` itself.
    """
    if node is None:
        return None
    position = _mark(node)
    current: Node = node
    for step in path:
        if isinstance(current, MappingNode) and isinstance(step, str):
            for key, value in current.value:
                if key.value == step:
                    position = _mark(key)
                    current = value
                    break
            else:
                return position
        elif isinstance(current, SequenceNode) and isinstance(step, int):
            if not 0 <= step < len(current.value):
                return position
            current = current.value[step]
            position = _mark(current)
        else:
            return position
    return position


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1
