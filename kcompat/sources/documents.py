"""A parsed YAML/JSON document with everything needed to point back into its file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from yaml.nodes import Node

from kcompat.core.model import Origin
from kcompat.sources.positions import FieldPath, locate


@dataclass(frozen=True)
class Document:
    origin: Origin
    data: Any
    node: Node | None
    line_offset: int = 0
    ignored_rules: frozenset[str] | None = None
    """Rules suppressed by a `# kcompat: ignore=...` comment; an empty set means all."""

    def position(self, path: FieldPath) -> tuple[int, int] | None:
        found = locate(self.node, path)
        if found is None:
            return None
        line, column = found
        return line + self.line_offset, column

    def origin_of(self, path: FieldPath) -> Origin:
        found = self.position(path)
        if found is None:
            return self.origin
        return self.origin.at(*found)

    def ignores(self, rule: str) -> bool:
        if self.ignored_rules is None:
            return False
        return not self.ignored_rules or rule in self.ignored_rules
