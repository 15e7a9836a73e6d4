"""Inputs that kcompat produces before checking: Helm charts, Kustomize overlays, Helm releases.

The engine imports this module only when a request has --helm, --kustomize, --helm-releases or
--chart-dir. `generate` returns the inputs to check plus a `finish` step that points
findings on generated YAML back at the files a person edits.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from kcompat.checks.context import CheckContext
from kcompat.core.errors import InputError, UsageError
from kcompat.core.model import Finding, Origin
from kcompat.engine.pipeline import load_all
from kcompat.engine.request import CheckRequest
from kcompat.sources.discover import KUSTOMIZATION_NAMES, STDIN, Missing, Tree, discover
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
        mapped += [f._replace(suppressed=True) if f.rule in ignore else f
                   for f in self.extra_findings]
        return sorted(_once_per_place(mapped), key=Finding.sort_key)


def _once_per_place(findings: list[Finding]) -> list[Finding]:
    """A finding that a rendered input moved to a file line already reported (the same template line
    in the default and a ci/ values render, a base file checked on its own and in an overlay's build)
    is reported once: findings on the file itself are all kept, a moved one only if its place is new."""
    def moved(finding: Finding) -> bool:
        return "rendered" in finding.details

    kept: list[Finding] = []
    seen: set[tuple[str, str, int | None, int | None]] = set()
    for finding in sorted(findings, key=moved):
        place = (finding.rule, os.path.normpath(finding.origin.path), finding.origin.line, finding.origin.column)
        if moved(finding) and finding.origin.line is not None and place in seen:
            continue
        seen.add(place)
        kept.append(finding)
    return kept


def generate(request: CheckRequest, context: CheckContext,
             discovered: tuple[list[str | Missing], Tree] | None = None) -> Generated:
    """The inputs of a request with charts, overlays or release exports: PATHs first (with each chart
    found in them rendered), then each --helm, --kustomize and --helm-releases in the order given
    (every one of them is checked)."""
    generated = Generated()
    if request.chart_dir:
        _add_paths_with_chart_hint(generated, request.paths, request.exclude, request.chart_dir)
    else:
        generated.inputs.extend(load_all(request.paths, request.exclude, discovered))
        for folder in discovered[1].charts if discovered is not None else ():
            _add_tree_chart(generated, folder, context)
        if request.render and discovered is not None:
            for overlay in overlays(discovered[1]):
                _add_tree_overlay(generated, overlay, request.allow_remote)
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


def overlays(tree: Tree) -> list[str]:
    """The overlays of a tree: folders of kustomizations that no other kustomization of the tree lists
    as a resource, base or component (those are bases, built as part of the overlays using them)."""
    folders = [os.path.dirname(path) or "." for path in tree.kustomizations]
    used = {os.path.abspath(base) for base in tree.bases}
    return [folder for folder in folders if os.path.abspath(folder) not in used]


def _add_tree_overlay(generated: Generated, overlay: str, allow_remote: bool) -> None:
    """`--render`: one overlay of the tree, built with Kustomize; findings are moved to the file that
    set the value (origin annotations) and say which overlay's build they come from. An overlay that
    does not build is an input error (exit 2) naming it; the rest is still checked."""
    from kcompat.sources.kustomize import KustomizeFailure, build

    try:
        built = build(overlay, allow_remote=allow_remote)
    except KustomizeFailure as error:
        message = str(error).removeprefix(f"--kustomize {overlay}: ")
        generated.inputs.append(InputError(overlay, f"Kustomize overlay not built: {message}"))
        return
    generated.inputs.append(built.loaded)
    shown = os.path.relpath(overlay)
    kustomization = next((os.path.join(overlay, name) for name in KUSTOMIZATION_NAMES
                          if os.path.isfile(os.path.join(overlay, name))), overlay)

    def remap(findings: list[Finding]) -> list[Finding]:
        mapped = []
        for finding in built.remap(findings):
            if finding.details.get("set_by_overlay"):
                # the value is not the one in the object's file: the overlay set it (a patch, a transformer)
                where = Origin(kustomization, None, None, None)
                finding = finding._replace(origin=where, details={**finding.details, "overlay": shown},
                    message=f"{finding.message} (set by overlay {shown}, not in {finding.origin.path})")
            elif "kustomize_origin" in finding.details:
                finding = finding._replace(message=f"{finding.message} (in the build of overlay {shown})",
                                              details={**finding.details, "overlay": shown})
            mapped.append(finding)
        return mapped

    generated.remappers.append(remap)
    generated.timings["kustomize"] = generated.timings.get("kustomize", 0.0) + built.seconds


def chart_test_values(chart: str) -> list[str]:
    """The chart-testing (ct) convention: each `ci/*-values.yaml` of a chart is one more install."""
    folder = os.path.join(chart, "ci")
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    return [os.path.join(folder, name) for name in names
            if name.endswith(("-values.yaml", "-values.yml")) and os.path.isfile(os.path.join(folder, name))]


def _add_tree_chart(generated: Generated, chart: str, context: CheckContext) -> None:
    """A chart found while walking a PATH: rendered with its default values, then once per
    ci/*-values.yaml; its crds/ are read as plain files by the walk, so the render leaves them out.
    A chart that does not render (missing dependencies, template errors) is an input error (exit 2)
    naming it; the rest of the tree is still checked."""

    for values in [None, *chart_test_values(chart)]:
        request = HelmRequest(chart, (values,) if values else (), include_crds=False)
        label = f"<helm template {chart}" + (f" -f {values}>" if values else ">")
        try:
            _add_helm(generated, request, context, label)
        except UsageError as error:
            message = str(error).removeprefix(f"--helm {chart}: ")
            where = f"{chart} with {values}" if values else chart
            generated.inputs.append(InputError(where, f"Helm chart not rendered: {message}"))


def _add_helm(generated: Generated, request: HelmRequest, context: CheckContext, label: str | None = None) -> None:
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
    shown = label or rendered.shown
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
