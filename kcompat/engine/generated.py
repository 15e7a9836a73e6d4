"""Inputs that kcompat produces before checking: Helm charts, Kustomize overlays, Helm releases.

The engine imports this module only when a request has --helm, --kustomize, --helm-releases or
--chart-dir. `generate` returns the inputs to check plus a `finish` step that points
findings on generated YAML back at the files a person edits.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from kcompat.checks.context import CheckContext
from kcompat.core.errors import InputError, UsageError
from kcompat.core.model import Finding
from kcompat.engine.pipeline import load_all
from kcompat.engine.request import CheckRequest
from kcompat.sources.discover import STDIN, Missing, discover
from kcompat.sources.helm_request import HelmRequest
from kcompat.sources.load import STDIN_NAME, LoadedInput, load_text, read_bytes
from kcompat.sources.template_map import RenderedStream, map_helm_findings


@dataclass
class Generated:
    inputs: list[LoadedInput | InputError] = field(default_factory=list)
    """In the order given."""
    helm_streams: dict[str, RenderedStream] = field(default_factory=dict)
    remappers: list[Callable[[list[Finding]], list[Finding]]] = field(default_factory=list)
    extra_findings: list[Finding] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def finish(self, findings: list[Finding], ignore: frozenset[str]) -> list[Finding]:
        mapped = map_helm_findings(findings, self.helm_streams) if self.helm_streams else list(findings)
        for remap in self.remappers:
            mapped = remap(mapped)
        mapped += [dataclasses.replace(f, suppressed=True) if f.rule in ignore else f
                   for f in self.extra_findings]
        return sorted(mapped, key=Finding.sort_key)


def generate(request: CheckRequest, context: CheckContext) -> Generated:
    """The inputs of a request with charts, overlays or release exports: PATHs first, then each
    --helm, --kustomize and --helm-releases in the order given (every one of them is checked)."""
    generated = Generated()
    if request.chart_dir:
        _add_paths_with_chart_hint(generated, request.paths, request.exclude, request.chart_dir)
    else:
        generated.inputs.extend(load_all(request.paths, request.exclude))
    for chart in request.helm:
        _add_helm(generated, chart, context)
    for overlay in request.kustomize:
        from kcompat.sources.kustomize import KustomizeFailure, build

        try:
            built = build(overlay, allow_remote=request.allow_remote)
        except KustomizeFailure as error:
            raise UsageError(str(error)) from None
        generated.inputs.append(built.loaded)
        generated.remappers.append(built.remap)
        generated.timings["kustomize"] = generated.timings.get("kustomize", 0.0) + built.seconds
    for export in request.helm_releases:
        from kcompat.sources.helm_releases import ReleaseFailure, load_releases

        try:
            releases = load_releases(export)
        except ReleaseFailure as error:
            raise UsageError(str(error)) from None
        generated.inputs.extend(releases.inputs)
        generated.extra_findings.extend(releases.findings)
        generated.remappers.append(releases.remap)
    return generated


def _add_helm(generated: Generated, request: HelmRequest, context: CheckContext) -> None:
    from kcompat.sources.helm_render import (
        HELM_DEFAULT_API_VERSIONS,
        HelmFailure,
        probe_warnings,
        render,
    )

    try:
        rendered = render(request, context.catalog, context.target)
    except HelmFailure as error:
        raise UsageError(str(error)) from None
    shown = rendered.shown
    generated.inputs.append(load_text(rendered.stream, shown))
    stream = rendered.rendered_stream()
    generated.helm_streams[shown] = stream
    generated.extra_findings.extend(rendered.findings)
    generated.extra_findings.extend(probe_warnings(stream, context.catalog, context.target,
                                                   HELM_DEFAULT_API_VERSIONS))
    generated.timings["helm"] = generated.timings.get("helm", 0.0) + rendered.helm_seconds


def _add_paths_with_chart_hint(generated: Generated, paths: Sequence[str], exclude: Sequence[str],
                               chart_dir: str) -> None:
    """`helm template ... | kcompat check - --chart-dir DIR`: keep each stream's text for mapping."""
    from kcompat.sources.helm_render import ChartFiles

    if not os.path.isdir(chart_dir) and not os.path.isfile(chart_dir):
        raise UsageError(f"--chart-dir {chart_dir}: no such chart directory or archive")
    files = ChartFiles(chart_dir)
    for item in discover(paths, exclude):
        if isinstance(item, Missing):
            generated.inputs.append(InputError(item.path, item.reason))
            continue
        shown = STDIN_NAME if item == STDIN else item
        try:
            raw = read_bytes(item)
        except OSError as error:
            generated.inputs.append(InputError(shown, error.strerror or str(error)))
            continue
        loaded: LoadedInput = load_text(raw, shown)
        generated.inputs.append(loaded)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
        generated.helm_streams[shown] = files.rendered_stream(text)
