"""Deprecated APIs requested since the API server started, from `apiserver_requested_deprecated_apis`.

The API server sets this gauge to 1 for group/version/resource/subresource the first time a client
requests a deprecated API, with the release that removes it. It cannot say who called, how often
or when, and it stays set until the API server process restarts; each API server of a highly
available control plane has its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from kcompat.catalog.lifecycle import Catalog
from kcompat.clients.prometheus import Exposition, parse
from kcompat.clients.resources import ResourceMap
from kcompat.clients.usage import METRICS, ClientsReport, InputStats, MetricApi, judge
from kcompat.sources.reading import open_input

METRIC = "apiserver_requested_deprecated_apis"

NOTES = (
    f"{METRIC} says which deprecated APIs were requested, not who requested them, how often or when: "
    "use --audit-log for the clients themselves.",
    "The metric stays set from the first request until the API server restarts, so a client fixed "
    "since then still shows; after a restart, a client that has not called yet does not.",
    "Each API server instance keeps its own metric: collect /metrics from every control-plane node.",
)


def read_exposition(lines: Iterable[str], source: str, report: ClientsReport, catalog: Catalog,
                    resources: ResourceMap) -> InputStats:
    stats = InputStats(source, METRICS)
    report.inputs.append(stats)
    exposition = Exposition()
    for sample in parse(lines, exposition):
        if sample.name != METRIC or sample.value == 0:
            continue
        labels = sample.labels
        group, version = labels.get("group", ""), labels.get("version", "")
        resource, subresource = labels.get("resource", ""), labels.get("subresource", "")
        removed = labels.get("removed_release") or None
        if not version or not resource:
            stats.bad_line(sample.line, f"{METRIC} sample without version or resource label")
            continue
        stats.matched += 1
        api = resources.lookup(group, version, resource, subresource)
        verdict = judge(api, report.target, catalog, annotated=True, removed_release=removed)
        assert verdict is not None  # annotated=True always gives a verdict
        key = (group, version, resource, subresource)
        found = report.metrics.get(key)
        if found is None:
            found = report.metrics[key] = MetricApi(
                group, version, resource, subresource, verdict.removed_release,
                api.kind if api is not None else None, verdict.status, verdict.replacement)
        if source not in found.sources:
            found.sources.append(source)
    stats.lines = exposition.lines
    stats.parsed = exposition.lines
    stats.malformed += exposition.error_count
    stats.malformed_examples.extend(exposition.errors[: 5 - len(stats.malformed_examples)])
    if not any(note in report.notes for note in NOTES):
        report.notes.extend(NOTES)
    return stats


def read_metrics_file(path: str, report: ClientsReport, catalog: Catalog, resources: ResourceMap) -> InputStats:
    import gzip
    import io

    try:
        with open_input(path, allow_fifo=True) as raw:
            text: Iterable[str]
            if raw.peek(2)[:2] == b"\x1f\x8b":
                text = io.TextIOWrapper(gzip.GzipFile(fileobj=raw, mode="rb"), encoding="utf-8", errors="replace")
            else:
                text = io.TextIOWrapper(raw, encoding="utf-8", errors="replace")
            return read_exposition(text, path, report, catalog, resources)
    except OSError as error:
        stats = InputStats(path, METRICS)
        stats.error = "no such file" if isinstance(error, FileNotFoundError) else (error.strerror or str(error))
        report.inputs.append(stats)
        return stats
    except EOFError:
        report.inputs[-1].truncated = True
        return report.inputs[-1]
