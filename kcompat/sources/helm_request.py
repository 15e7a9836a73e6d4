"""What `--helm CHART` asks for, without the renderer: requests are built for every `check`, charts
are rendered only when one is named (kcompat.sources.helm_render imports subprocess, tarfile...)."""

from __future__ import annotations

from kcompat.core.records import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final


class HelmRequest(Record):
    __slots__ = ("chart", "include_crds", "namespace", "release_name", "set_values", "values_files")

    def __init__(self, chart: str, values_files: tuple[str, ...] = (), set_values: tuple[str, ...] = (),
                 release_name: str = "release-name", namespace: str = "default", include_crds: bool = True) -> None:
        self.chart: Final[str] = chart
        self.values_files: Final[tuple[str, ...]] = values_files
        self.set_values: Final[tuple[str, ...]] = set_values
        self.release_name: Final[str] = release_name
        self.namespace: Final[str] = namespace
        self.include_crds: Final[bool] = include_crds
        """Render crds/ too (`--include-crds`); charts found in a walked tree leave them out, as their
        crds/ files are checked as plain manifests."""

