"""What every check needs to know about the run."""

from __future__ import annotations

from dataclasses import dataclass

from kcompat.catalog.lifecycle import Catalog
from kcompat.versions import KubeVersion


@dataclass(frozen=True)
class CheckContext:
    catalog: Catalog
    target: KubeVersion
    current: KubeVersion | None = None
