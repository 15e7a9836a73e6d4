"""Render-and-check time of Helm charts: Helm's share (rendering) vs kcompat's own (parse, check, map).

    python benchmarks/helm_render.py [--repeat N] [--target 1.25] [CHART ...]

Without CHART arguments every chart under fixtures/helm and fixtures/corpus/charts is measured.
Needs the `helm` extra (or a helm binary). Times are the median of N runs, in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kcompat.catalog.lifecycle import load_catalog  # noqa: E402
from kcompat.checks.context import CheckContext  # noqa: E402
from kcompat.core.versions import KubeVersion  # noqa: E402
from kcompat.engine.pipeline import check_inputs  # noqa: E402
from kcompat.sources.helm_render import HelmRequest, render  # noqa: E402
from kcompat.sources.load import load_text  # noqa: E402
from kcompat.sources.template_map import map_helm_findings  # noqa: E402


def charts() -> list[Path]:
    found = sorted(p.parent for p in (ROOT / "fixtures/helm").glob("*/Chart.yaml"))
    found += sorted(p.parent for p in (ROOT / "fixtures/corpus/charts").glob("*/*/Chart.yaml"))
    return found


def measure(chart: Path, target: KubeVersion, repeat: int) -> tuple[float, float, int, int]:
    catalog = load_catalog()
    context = CheckContext(catalog, target)
    helm_times, own_times = [], []
    documents = findings = 0
    for _ in range(repeat):
        started = time.perf_counter()
        rendered = render(HelmRequest(str(chart)), catalog, target)
        rendered_at = time.perf_counter()
        loaded = load_text(rendered.stream, rendered.shown)
        result = check_inputs([loaded], context)
        mapped = map_helm_findings(result.findings, {rendered.shown: rendered.rendered_stream()})
        done = time.perf_counter()
        helm_times.append(rendered.helm_seconds)
        own_times.append((done - rendered_at) + (rendered_at - started - rendered.helm_seconds))
        documents, findings = result.documents, len(mapped)
    return statistics.median(helm_times), statistics.median(own_times), documents, findings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("charts", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--target", default="1.25")
    args = parser.parse_args()
    target = KubeVersion.parse(args.target)
    render(HelmRequest(str(charts()[0])), load_catalog(), target)  # load the library once
    total_helm = total_own = 0.0
    print(f"{'chart':<50} {'docs':>5} {'findings':>8} {'helm ms':>8} {'kcompat ms':>10} {'helm share':>10}")
    for chart in args.charts or charts():
        helm, own, documents, findings = measure(chart, target, args.repeat)
        total_helm += helm
        total_own += own
        share = helm / (helm + own) if helm + own else 0.0
        print(f"{chart.relative_to(ROOT)!s:<50} {documents:>5} {findings:>8} {helm * 1000:>8.1f} "
              f"{own * 1000:>10.1f} {share:>10.0%}")
    share = total_helm / (total_helm + total_own)
    print(f"{'all':<50} {'':>5} {'':>8} {total_helm * 1000:>8.1f} {total_own * 1000:>10.1f} {share:>10.0%}")


if __name__ == "__main__":
    main()
