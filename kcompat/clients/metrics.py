"""Deprecated APIs requested since the API server started, from `apiserver_requested_deprecated_apis`.

The API server sets this gauge to 1 for group/version/resource/subresource the first time a client
requests a deprecated API, with the release that removes it. It cannot say who called, how often
or when, and it stays set until the API server process restarts; each API server of a highly
available control plane has its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from kcompat.catalog.lifecycle import Catalog
from kcompat.clients.prometheus import Exposition, LineReader, bounded_lines, parse
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
    """Read a saved /metrics page (plain or gzip, a file or a FIFO), one bounded line at a time."""
    import gzip
    import zlib

    before = len(report.inputs)
    try:
        with open_input(path, allow_fifo=True) as raw:
            stream: LineReader = raw
            if raw.peek(2)[:2] == b"\x1f\x8b":
                stream = gzip.GzipFile(fileobj=raw, mode="rb")
            return read_exposition(bounded_lines(stream), path, report, catalog, resources)
    except (OSError, EOFError, zlib.error) as error:
        if len(report.inputs) > before:  # failed part way: keep what was read
            stats = report.inputs[-1]
            stats.truncated = True
            if not isinstance(error, EOFError):
                stats.error = f"corrupt gzip data: {error}"
            return stats
        stats = InputStats(path, METRICS)
        if isinstance(error, OSError):
            stats.error = "no such file" if isinstance(error, FileNotFoundError) else (error.strerror or str(error))
        else:
            stats.error = f"corrupt gzip data: {error}"
        report.inputs.append(stats)
        return stats
