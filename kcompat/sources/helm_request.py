"""What `--helm CHART` asks for, without the renderer: requests are built for every `check`, charts
are rendered only when one is named (kcompat.sources.helm_render imports subprocess, tarfile...)."""

from __future__ import annotations

from typing import NamedTuple


class HelmRequest(NamedTuple):
    chart: str
    values_files: tuple[str, ...] = ()
    set_values: tuple[str, ...] = ()
    release_name: str = "release-name"
    namespace: str = "default"
    include_crds: bool = True
    """Render crds/ too (`--include-crds`); charts found in a walked tree leave them out, as their
    crds/ files are checked as plain manifests."""
