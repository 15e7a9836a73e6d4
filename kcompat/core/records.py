"""Record: the base of the small immutable values that flow through a check (Origin, Finding,
KubeVersion, Resource...).

A subclass lists its fields in __slots__ and assigns them in a typed __init__ (attributes marked
Final, so mypy refuses a later assignment); equality, hash, repr and _replace come from here. Not a
dataclass nor a typed NamedTuple because of start-up: defining a dataclass costs about 0.57 ms and a
NamedTuple with postponed annotations about 0.28 ms (each annotation is compiled), a slots class
0.03 ms, and `kcompat check one-file.yaml` defines about thirty of them (BENCHMARKS.md).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, ClassVar, Self


class Record:
    __slots__ = ()
    _FIELDS: ClassVar[tuple[str, ...]] = ()
    """Every field, the base classes' first (set for each subclass)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields: list[str] = []
        for klass in reversed(cls.__mro__):
            fields.extend(name for name in klass.__dict__.get("__slots__", ()) if name not in fields)
        cls._FIELDS = tuple(fields)

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self._FIELDS])

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, Record)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._FIELDS)
        return f"{type(self).__qualname__}({fields})"

    def _replace(self, **changes: Any) -> Self:
        """A copy with some fields changed (as dataclasses.replace and NamedTuple._replace)."""
        unknown = changes.keys() - set(self._FIELDS)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {sorted(unknown)[0]!r}")
        copy = object.__new__(type(self))
        for name in self._FIELDS:
            object.__setattr__(copy, name, changes[name] if name in changes else getattr(self, name))
        return copy


class OrderedRecord(Record):
    """A Record ordered as the tuple _values() gives (KubeVersion and Hop name their fields' order)."""

    __slots__ = ()

    def __lt__(self, other: Self) -> bool:
        return self._values() < other._values()

    def __le__(self, other: Self) -> bool:
        return self._values() <= other._values()

    def __gt__(self, other: Self) -> bool:
        return self._values() > other._values()

    def __ge__(self, other: Self) -> bool:
        return self._values() >= other._values()
