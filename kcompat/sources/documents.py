"""A parsed YAML/JSON document with everything needed to point back into its file."""

from __future__ import annotations

from collections.abc import Iterator

from yaml.nodes import Node

from kcompat.core.model import Origin
from kcompat.sources.positions import FieldPath, locate

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class Document:
    """Not changed once made. A plain class (a dataclass costs start-up half a millisecond to
    define, BENCHMARKS.md) that subclasses extend (engine.crds.DetachedDocument)."""

    __slots__ = ("data", "ignored_rules", "item_ignores", "line_offset", "node", "origin", "unique_keys")

    def __init__(self, origin: Origin, data: Any, node: Node | None, line_offset: int = 0,
                 ignored_rules: frozenset[str] | None = None,
                 item_ignores: tuple[tuple[FieldPath, frozenset[str]], ...] = (), unique_keys: bool = False) -> None:
        self.origin = origin
        self.data = data
        self.node = node
        self.line_offset = line_offset
        self.ignored_rules = ignored_rules
        """Rules suppressed by a `# kcompat: ignore=...` comment; an empty set means all."""
        self.item_ignores = item_ignores
        """Suppressions written inside one item of a List: they apply to that item only."""
        self.unique_keys = unique_keys
        """True when the parser saw every mapping key is a string scalar given once (no duplicate-key
        walk needed); False when it did not look or cannot tell."""

    def _fields(self) -> Iterator[tuple[str, Any]]:
        for cls in type(self).__mro__:
            for name in getattr(cls, "__slots__", ()):
                yield name, getattr(self, name)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Document) or type(other) is not type(self):
            return NotImplemented
        return list(self._fields()) == list(other._fields())

    __hash__ = None  # type: ignore[assignment]  # equal by value, and data is a dict

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in self._fields())
        return f"{type(self).__name__}({fields})"

    def for_item(self, path: FieldPath) -> Document:
        """This document as seen by the object at path (a List item): the document's own
        suppressions plus those written inside that item (or an enclosing one)."""
        rules = self.ignored_rules
        for prefix, extra in self.item_ignores:
            if tuple(path[: len(prefix)]) == tuple(prefix):
                rules = extra if rules is None else (frozenset() if not rules or not extra else rules | extra)
        if rules == self.ignored_rules:
            return self
        copy = object.__new__(type(self))
        for name, value in self._fields():
            object.__setattr__(copy, name, value)
        copy.ignored_rules = rules
        return copy

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
