"""Kubernetes minor versions ("1.29") as comparable values."""

from __future__ import annotations

import re

from kcompat.core.records import OrderedRecord

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

_VERSION = re.compile(r"^v?(\d{1,9})\.(\d{1,9})(?:\.\d{1,9})?(?:[-+].*)?$")
MAX_VERSION_TEXT = 128
"""Longer strings are not versions (and are never handed to int(): 5,000 digits would raise)."""


class VersionError(ValueError):
    """A string that does not name a Kubernetes minor version."""


class KubeVersion(OrderedRecord):
    __slots__ = ("major", "minor")

    def __init__(self, major: int, minor: int) -> None:
        self.major: Final[int] = major
        self.minor: Final[int] = minor

    def _values(self) -> tuple[int, int]:
        return self.major, self.minor  # the order versions sort in

    @classmethod
    def parse(cls, text: str) -> KubeVersion:
        """Accept "1.29", "v1.29.3", "1.29.0-eks-1234"; only major.minor is kept."""
        match = _VERSION.match(text.strip()) if len(text) <= MAX_VERSION_TEXT else None
        if not match:
            shown = text if len(text) <= MAX_VERSION_TEXT else f"{text[:32]}... ({len(text):,} characters)"
            raise VersionError(f"{shown!r} is not a Kubernetes version like 1.29 or v1.29.3")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of_minor(cls, minor: int) -> KubeVersion:
        return cls(1, minor)

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"

    def next(self) -> KubeVersion:
        return KubeVersion(self.major, self.minor + 1)


class Hop(OrderedRecord):
    """One minor upgrade of a control plane, `1.24 -> 1.25`: typed, so nothing parses its label back."""

    __slots__ = ("source", "target")

    def __init__(self, source: KubeVersion, target: KubeVersion) -> None:
        self.source: Final[KubeVersion] = source
        self.target: Final[KubeVersion] = target

    def _values(self) -> tuple[KubeVersion, KubeVersion]:
        return self.source, self.target  # the order hops sort in

    @classmethod
    def into(cls, minor: int) -> Hop:
        """The hop that arrives at 1.<minor> (where an API is removed or deprecated)."""
        return cls(KubeVersion.of_minor(minor - 1), KubeVersion.of_minor(minor))

    def __str__(self) -> str:
        return f"{self.source} -> {self.target}"


def hops(current: KubeVersion, target: KubeVersion) -> list[Hop]:
    """The minor-by-minor upgrade hops a control plane takes from current to target."""
    steps = []
    version = current
    while version < target:
        following = version.next()
        steps.append(Hop(version, following))
        version = following
    return steps
