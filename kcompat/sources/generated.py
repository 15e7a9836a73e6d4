"""Inputs that kcompat produces before checking: Helm charts, Kustomize overlays, Helm releases.

`kcompat check` imports this module only when --helm, --kustomize, --helm-releases or
--chart-dir is given. `generate` returns the inputs to check plus a `finish` step that points
findings on generated YAML back at the files a person edits.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kcompat.checks.context import CheckContext
from kcompat.model import Finding
from kcompat.sources.discover import STDIN, Missing, discover
from kcompat.sources.load import STDIN_NAME, LoadedInput, load_text, read_bytes
from kcompat.sources.template_map import RenderedStream, map_helm_findings


class GeneratedError(Exception):
    """A chart, overlay or release export that cannot be used at all (exit 2)."""


@dataclass
class Generated:
    inputs: list[Any] = field(default_factory=list)
    """LoadedInput or pipeline.InputError items, in the order given."""
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


def generate(args: Any, context: CheckContext, paths: Sequence[str], exclude: Sequence[str],
             load_all: Callable[[Sequence[str], Sequence[str]], Iterable[Any]],
             input_error: Callable[[str, str], Any]) -> Generated:
    generated = Generated()
    chart_dir = getattr(args, "chart_dir", None)
    if chart_dir:
        _add_paths_with_chart_hint(generated, paths, exclude, chart_dir, input_error)
    else:
        generated.inputs.extend(load_all(paths, exclude))
    if getattr(args, "helm", None):
        _add_helm(generated, args, context)
    if getattr(args, "kustomize", None):
        from kcompat.sources.kustomize import KustomizeFailure, build

        try:
            built = build(args.kustomize, allow_remote=bool(getattr(args, "allow_remote", False)))
        except KustomizeFailure as error:
            raise GeneratedError(str(error)) from None
        generated.inputs.append(built.loaded)
        generated.remappers.append(built.remap)
        generated.timings["kustomize"] = built.seconds
    if getattr(args, "helm_releases", None):
        from kcompat.sources.helm_releases import ReleaseFailure, load_releases

        try:
            releases = load_releases(args.helm_releases)
        except ReleaseFailure as error:
            raise GeneratedError(str(error)) from None
        generated.inputs.extend(releases.inputs)
        generated.extra_findings.extend(releases.findings)
        generated.remappers.append(releases.remap)
    return generated


def _add_helm(generated: Generated, args: Any, context: CheckContext) -> None:
    from kcompat.sources.helm_render import (
        HELM_DEFAULT_API_VERSIONS,
        HelmFailure,
        HelmRequest,
        probe_warnings,
        render,
    )

    request = HelmRequest(args.helm, tuple(args.values or ()), tuple(args.set or ()),
                          args.release_name or "release-name", args.namespace or "default")
    try:
        rendered = render(request, context.catalog, context.target)
    except HelmFailure as error:
        raise GeneratedError(str(error)) from None
    shown = rendered.shown
    generated.inputs.append(load_text(rendered.stream, shown))
    stream = rendered.rendered_stream()
    generated.helm_streams[shown] = stream
    generated.extra_findings.extend(rendered.findings)
    generated.extra_findings.extend(probe_warnings(stream, context.catalog, context.target,
                                                   HELM_DEFAULT_API_VERSIONS))
    generated.timings["helm"] = rendered.helm_seconds


def _add_paths_with_chart_hint(generated: Generated, paths: Sequence[str], exclude: Sequence[str],
                               chart_dir: str, input_error: Callable[[str, str], Any]) -> None:
    """`helm template ... | kcompat check - --chart-dir DIR`: keep each stream's text for mapping."""
    from kcompat.sources.helm_render import ChartFiles

    if not os.path.isdir(chart_dir) and not os.path.isfile(chart_dir):
        raise GeneratedError(f"--chart-dir {chart_dir}: no such chart directory or archive")
    files = ChartFiles(chart_dir)
    for item in discover(paths, exclude):
        if isinstance(item, Missing):
            generated.inputs.append(input_error(item.path, item.reason))
            continue
        shown = STDIN_NAME if item == STDIN else item
        try:
            raw = read_bytes(item)
        except OSError as error:
            generated.inputs.append(input_error(shown, error.strerror or str(error)))
            continue
        loaded: LoadedInput = load_text(raw, shown)
        generated.inputs.append(loaded)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
        generated.helm_streams[shown] = files.rendered_stream(text)
