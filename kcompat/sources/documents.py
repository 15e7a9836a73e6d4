"""A parsed YAML/JSON document with everything needed to point back into its file."""

from __future__ import annotations

import dataclasses
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
    item_ignores: tuple[tuple[FieldPath, frozenset[str]], ...] = ()
    """Suppressions written inside one item of a List: they apply to that item only."""
    unique_keys: bool = False
    """True when the parser saw every mapping key is a string scalar given once (no duplicate-key
    walk needed); False when it did not look or cannot tell."""

    def for_item(self, path: FieldPath) -> Document:
        """This document as seen by the object at path (a List item): the document's own
        suppressions plus those written inside that item (or an enclosing one)."""
        rules = self.ignored_rules
        for prefix, extra in self.item_ignores:
            if tuple(path[: len(prefix)]) == tuple(prefix):
                rules = extra if rules is None else (frozenset() if not rules or not extra else rules | extra)
        if rules == self.ignored_rules:
            return self
        return dataclasses.replace(self, ignored_rules=rules)

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
