"""A parsed YAML/JSON document with everything needed to point back into its file."""

from __future__ import annotations

from yaml.nodes import Node

from kcompat.core.model import Origin
from kcompat.core.records import Record
from kcompat.sources.positions import FieldPath, locate

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final


class Document(Record):
    """Not changed once made (a Record; subclasses extend it: engine.crds.DetachedDocument)."""

    __slots__ = ("data", "ignored_rules", "item_ignores", "line_offset", "node", "origin", "unique_keys")

    def __init__(self, origin: Origin, data: Any, node: Node | None, line_offset: int = 0,
                 ignored_rules: frozenset[str] | None = None,
                 item_ignores: tuple[tuple[FieldPath, frozenset[str]], ...] = (), unique_keys: bool = False) -> None:
        self.origin: Final[Origin] = origin
        self.data: Final[Any] = data
        self.node: Final[Node | None] = node
        self.line_offset: Final[int] = line_offset
        self.ignored_rules: Final[frozenset[str] | None] = ignored_rules
        """Rules suppressed by a `# kcompat: ignore=...` comment; an empty set means all."""
        self.item_ignores: Final[tuple[tuple[FieldPath, frozenset[str]], ...]] = item_ignores
        """Suppressions written inside one item of a List: they apply to that item only."""
        self.unique_keys: Final[bool] = unique_keys
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
        return self._replace(ignored_rules=rules)

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
