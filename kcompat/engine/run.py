"""The one entry point every command uses: a CheckRequest in, a CheckResult out.

1. schema settings and --crd paths (engine/schema_options.py);
2. the inputs: PATHs, or PATHs plus rendered charts, overlays and release exports (engine/generated.py);
3. one pass over the inputs: CRDs gathered first, every object checked by the per-object checks,
   in worker processes when there is enough work (engine/jobs.py), with whatever else the request
   keeps (resources for graph/plan/report, lifecycle findings per version for plan);
4. whole-input checks (rollout risks need every resource: engine/rollout.py);
5. suppressions validated against the rule registry, --crd results merged, findings sorted.
"""

from __future__ import annotations

from collections.abc import Sequence

from kcompat.checks.context import CheckContext
from kcompat.core import rules
from kcompat.core.model import Finding
from kcompat.core.result import CheckResult
from kcompat.core.versions import hops
from kcompat.engine.pipeline import DEFAULT_CHECKS, Check, Extras, check_inputs, load_all
from kcompat.engine.request import CheckRequest
from kcompat.sources.discover import discover_tree
from kcompat.sources.resources import Resource

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kcompat.engine.crds import CrdSources


def run(request: CheckRequest, checks: Sequence[Check] = DEFAULT_CHECKS) -> CheckResult:
    """Check what the request names; raises UsageError for unusable options or generated inputs."""
    result, _ = run_keeping(request, checks)
    return result


def run_keeping(request: CheckRequest,
                checks: Sequence[Check] = DEFAULT_CHECKS) -> tuple[CheckResult, list[Resource]]:
    """run(), also returning the resources when request.keep_resources (else an empty list)."""
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
