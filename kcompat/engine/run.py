"""The one entry point every command uses: a CheckRequest in, a CheckResult out.

1. schema settings and --crd paths (engine/schema_options.py);
2. the inputs: PATHs, or PATHs plus rendered charts, overlays and release exports (engine/generated.py);
3. one pass over the inputs: CRDs gathered first, every object checked by the per-object checks,
   in worker processes when there is enough work (engine/jobs.py), with whatever else the request
   keeps (resources for graph/plan/report, lifecycle findings per version for plan);
4. whole-input checks (rollout risks need every resource: engine/rollout.py);
5. suppressions validated against the rule registry, --crd results merged, findings sorted.

`kcompat fix` runs the engine too (run_files): the same discovery (chart files listed, not rendered),
the same loading and checks, and per file the input as read with each object's findings.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from kcompat.checks.context import CheckContext
from kcompat.core import limits, rules
from kcompat.core.errors import InputError
from kcompat.core.model import Finding
from kcompat.core.result import CheckResult
from kcompat.core.versions import hops
from kcompat.engine.pipeline import DEFAULT_CHECKS, Check, CheckedFile, Extras, check_inputs, check_loaded, load_all
from kcompat.engine.request import CheckRequest
from kcompat.sources.discover import Missing, discover_tree
from kcompat.sources.load import LoadedInput, load_snapshot, load_text
from kcompat.sources.reading import Snapshot, read_snapshot
from kcompat.sources.resources import Resource

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kcompat.engine.crds import CrdSources
    from kcompat.schema.crds import Crd


def run(request: CheckRequest, checks: Sequence[Check] = DEFAULT_CHECKS) -> CheckResult:
    """Check what the request names; raises UsageError for unusable options or generated inputs."""
    result, _ = run_keeping(request, checks)
    return result


def run_keeping(request: CheckRequest,
                checks: Sequence[Check] = DEFAULT_CHECKS) -> tuple[CheckResult, list[Resource]]:
    """run(), also returning the resources when request.keep_resources (else an empty list)."""
    if request.keep_files:
        raise ValueError("a request that keeps files is run with run_files")
    from kcompat.engine.schema_options import add_crd_sources

    context, crd_sources = context_for(request)
    keep = request.keep_resources or request.rollout
    extras = Extras([] if keep else None, _lifecycle_contexts(context) if request.lifecycle_hops else ())
    if request.rollout:
        checks = ()
    discovered = None if request.chart_dir else discover_tree(request.paths, request.exclude)
    charts = discovered[1].charts if discovered is not None else []
    render_charts = bool(charts) and _helm_available()
    render_overlays = request.render and discovered is not None and bool(discovered[1].kustomizations)
    if request.generated or render_charts or render_overlays:
        from kcompat.engine.generated import generate

        generated = generate(request, context, discovered)
        result = check_inputs(generated.inputs, context, request.ignore, checks, extras)
        result.findings = generated.finish(result.findings, request.ignore)
    elif keep or request.lifecycle_hops:
        result = check_inputs(load_all(request.paths, request.exclude, discovered), context, request.ignore,
                              checks, extras)
    else:
        from kcompat.engine.jobs import run_paths

        result = run_paths(request.paths, request.exclude, context, request.ignore, checks, request.jobs,
                           discovered)
    if charts and not render_charts:
        result.findings += [_not_rendered(chart, request.ignore) for chart in charts]
        result.findings.sort(key=Finding.sort_key)
    resources = extras.resources or []
    if request.rollout:
        from kcompat.engine.rollout_risks import rollout_findings

        result.findings = [f for f in result.findings if f.rule == rules.PARSE_ERROR]
        result.findings += rollout_findings(resources, context, request.ignore)
        result.findings.sort(key=Finding.sort_key)
    add_crd_sources(result, crd_sources, request.ignore)
    return result, resources


class FileRun:
    """What run_files returns: every input in discovery order as checked (or why it could not be read),
    produced one at a time as `files` is iterated, the context the checks run with (the inputs' CRDs
    included), and the run's result (complete once `files` has been iterated to the end)."""

    __slots__ = ("context", "files", "result")

    def __init__(self, files: Iterator[CheckedFile | InputError], context: CheckContext,
                 result: CheckResult) -> None:
        self.files = files
        self.context = context
        self.result = result


def run_files(request: CheckRequest, checks: Sequence[Check] = DEFAULT_CHECKS) -> FileRun:
    """run() for a request that keeps files (request.keep_files, `kcompat fix`): the PATHs with the files
    of their Helm charts (listed, templates never parsed, nothing rendered), each read once and kept
    as read. Files are parsed and checked as `files` is iterated, so only one file's documents are
    alive at a time; when the checks validate custom resources against CRDs (check_custom, with
    schema validation), every file is read first and those that mention CustomResourceDefinition
    are parsed for their CRDs before any is checked (as engine/jobs.py does)."""
    if not request.keep_files or request.generated or request.rollout or request.render:
        raise ValueError("run_files needs a request with keep_files and only PATHs")
    from kcompat.engine.pipeline import check_custom
    from kcompat.engine.schema_options import add_crd_sources

    context, crd_sources = context_for(request)
    items, tree = discover_tree(request.paths, request.exclude, chart_files=True)
    read: dict[str, LoadedInput | Snapshot | str] = {}
    found: list[Crd] = []
    gather = context.schema is not None and check_custom in checks
    if gather:
        for item in items:
            if isinstance(item, str):
                read[item] = _read_kept(item, tree.role_of(item), found)
    if found and context.schema is not None:
        from kcompat.engine.crds import registry

        merged = registry(context.schema.known_crds(), found)
        context = context._replace(schema=context.schema.with_crds(merged))
    result = CheckResult(context.target, context.current)

    def files() -> Iterator[CheckedFile | InputError]:
        for item in items:
            if isinstance(item, Missing):
                error = InputError(item.path, item.reason)
            else:
                kept = read.pop(item) if gather else _read_kept(item, tree.role_of(item), None)
                if isinstance(kept, str):
                    error = InputError(item, kept)
                else:
                    loaded = kept if isinstance(kept, LoadedInput) else load_snapshot(item, kept, tree.role_of(item))
                    extras = Extras(files=[])
                    check_loaded(result, loaded, context, request.ignore, checks, extras)
                    assert extras.files is not None
                    yield extras.files[0]
                    continue
            result.input_errors.append(error)
            yield error
        result.findings.sort(key=Finding.sort_key)
        add_crd_sources(result, crd_sources, request.ignore)

    return FileRun(files(), context, result)


def _read_kept(path: str, role: str | None, found: list[Crd] | None) -> LoadedInput | Snapshot | str:
    """A file read once: parsed now when CRDs are gathered (found) and it may hold one (its CRDs added to
    found), else its snapshot, to parse in the check pass; why it cannot be read otherwise."""
    try:
        snapshot = read_snapshot(path, limits.MAX_FILE_BYTES + 1)
    except OSError as error:
        return error.strerror or str(error)
    from kcompat.engine.jobs import may_hold_crd

    if found is None or not may_hold_crd(snapshot.raw):
        return snapshot
    from kcompat.engine.crds import crds_in_documents

    loaded = load_snapshot(path, snapshot, role)
    found.extend(crds_in_documents(loaded.documents))
    return loaded


def check_text(text: str, path: str, context: CheckContext, checks: Sequence[Check] = DEFAULT_CHECKS,
               ignore: frozenset[str] = frozenset()) -> CheckedFile:
    """One text in memory checked as a kept file (`kcompat fix` checks its rewritten documents with it):
    the same parse and checks as a file of run_files, without reading anything."""
    extras = Extras(files=[])
    check_loaded(CheckResult(context.target, context.current), load_text(text, path, keep=True), context,
                 ignore, checks, extras)
    assert extras.files is not None and isinstance(extras.files[0], CheckedFile)
    return extras.files[0]


def _helm_available() -> bool:
    from kcompat.sources.helm_render import available_backend

    return available_backend() is not None


def _not_rendered(chart: str, ignore: frozenset[str]) -> Finding:
    import os

    from kcompat.core.model import Origin, Severity

    return Finding(rules.CHART_NOT_RENDERED, Severity.INFO,
                   "Helm chart not rendered, so its templates were not checked (they are not plain "
                   "manifests): install the extra with `pip install 'kcompat[helm]'` or put `helm` on PATH, "
                   "or check it with --helm", Origin(os.path.join(chart, "Chart.yaml"), None, None, None),
                   details={"chart": chart}, suppressed=rules.CHART_NOT_RENDERED in ignore)


def context_for(request: CheckRequest) -> tuple[CheckContext, CrdSources | None]:
    """The context every check of the request runs with (catalog, versions, schema settings with the
    CRDs of --crd paths) and what those paths reported; `kcompat fix` checks with it too."""
    from kcompat.catalog.lifecycle import load_catalog
    from kcompat.engine.schema_options import schema_settings

    settings, crd_sources = schema_settings(request.schema, request.target, request.paths, request.exclude)
    return CheckContext(load_catalog(), request.target, request.current, settings,
                        request.list_documents), crd_sources


def _lifecycle_contexts(context: CheckContext) -> list[CheckContext]:
    """The current version on its own (what is already broken), then each hop's target with the hop's
    source as current (what that hop breaks): the contexts `kcompat plan` reads its hops from."""
    if context.current is None:
        return []
    at = [CheckContext(context.catalog, context.current)]
    return at + [CheckContext(context.catalog, hop.target, hop.source) for hop in hops(context.current, context.target)]
