"""Stream Kubernetes audit logs (audit.k8s.io/v1 Event, JSON lines, plain or gzip) into client usage.

A log is read line by line; memory stays constant whatever its size (one line, plus one entry per
client and API found). A cheap byte-level pre-filter skips the lines that cannot concern a deprecated
or removed API, so most lines are never parsed: a line is parsed only when it carries the API
server's deprecation annotation or names, as a JSON string, a version (or, for versions like "v1"
that every event names, a resource) that the catalog flags at the target.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import zlib
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from typing import IO, Any

from kcompat.catalog.lifecycle import Catalog
from kcompat.clients.resources import ResourceMap, plural_of
from kcompat.clients.usage import AUDIT_LOG, ClientsReport, Identity, InputStats, Verdict, flagged, judge
from kcompat.core.versions import KubeVersion
from kcompat.sources.reading import open_input

GZIP_MAGIC = b"\x1f\x8b"
MAX_LINE_BYTES = 16 * 1024 * 1024
"""A longer line is counted as malformed and skipped without being held in memory."""
READ_BUFFER = 1024 * 1024
# Only the final stage counts, so a request logged at several stages counts once.
COUNTED_STAGES = frozenset({"ResponseComplete", "Panic"})
DEPRECATED = "k8s.io/deprecated"
REMOVED_RELEASE = "k8s.io/removed-release"


@dataclass(frozen=True)
class CustomVersion:
    """A version of a custom resource API that a CRD upgrade stops serving (`kcompat plan --crd-upgrade`):
    requests to it are recorded as removed, whatever the catalog says."""

    group: str
    version: str
    resource: str
    """The plural (objectRef.resource)."""
    kind: str
    replacement: str | None
    """group/version to use instead (NEW's storage version), None when NEW drops the CRD."""


def prefilter(catalog: Catalog, target: KubeVersion,
              custom: Iterable[CustomVersion] = ()) -> re.Pattern[bytes]:
    """A regex that matches every line that could concern an API deprecated or removed at target
    (or one of the custom resource versions given)."""
    tokens = {DEPRECATED.encode(), REMOVED_RELEASE.encode()}
    tokens |= {b'"' + item.resource.encode() + b'"' for item in custom}
    for api in catalog.apis.values():
        if not flagged(api, target):
            continue
        # A common version such as "v1" appears in every event; use the resource name there.
        word = api.version if api.version not in ("v1", "v2") else plural_of(api.kind)
        tokens.add(b'"' + word.encode() + b'"')
    return re.compile(b"|".join(re.escape(token) for token in sorted(tokens)))


def _open(path: str, stack: ExitStack) -> IO[bytes]:
    if path == "-":
        return sys.stdin.buffer
    return stack.enter_context(open_input(path, allow_fifo=True))


class TruncatedGzip(Exception):
    """The gzip stream ended before its end-of-stream marker: the data before it was still read."""


def _chunks(handle: IO[bytes], stats: InputStats) -> Iterator[bytes]:
    """The file's bytes in chunks, gunzipped (all members) when it starts with the gzip magic."""
    first = handle.read(READ_BUFFER)
    if first[:2] != GZIP_MAGIC:
        while first:
            yield first
            first = handle.read(READ_BUFFER)
        return
    stats.compressed = True
    data = first
    inflater = zlib.decompressobj(wbits=31)
    while True:
        while data:
            # Bounded output per call: a small chunk of a highly compressed stream cannot blow up memory.
            out = inflater.decompress(data, READ_BUFFER)
            if out:
                yield out
            if inflater.eof:
                data = inflater.unused_data
                if data:
                    inflater = zlib.decompressobj(wbits=31)
                    continue
                break
            data = inflater.unconsumed_tail
        more = handle.read(READ_BUFFER)
        if not more:
            if not inflater.eof:
                rest = inflater.flush()
                if rest:
                    yield rest
                raise TruncatedGzip
            return
        if inflater.eof:  # the previous member ended exactly at a chunk boundary
            inflater = zlib.decompressobj(wbits=31)
        data = more


def _lines(chunks: Iterator[bytes], stats: InputStats) -> Iterator[tuple[int, bytes]]:
    """Numbered lines (without the newline); an over-long line is dropped and counted as malformed."""
    number = 0
    pending = b""
    overlong = False
    for chunk in chunks:
        parts = chunk.split(b"\n")
        if len(parts) == 1:
            if not overlong:
                pending += chunk
                if len(pending) > MAX_LINE_BYTES:
                    pending, overlong = b"", True
            continue
        first = parts[0]
        number += 1
        if overlong:
            stats.bad_line(number, f"line longer than {MAX_LINE_BYTES} bytes")
            overlong = False
        elif len(pending) + len(first) > MAX_LINE_BYTES:
            stats.bad_line(number, f"line longer than {MAX_LINE_BYTES} bytes")
        else:
            yield number, pending + first
        for line in parts[1:-1]:
            number += 1
            yield number, line
        pending = parts[-1]
        if len(pending) > MAX_LINE_BYTES:
            pending, overlong = b"", True
    if pending or overlong:
        number += 1
        if overlong:
            stats.bad_line(number, f"line longer than {MAX_LINE_BYTES} bytes")
        else:
            yield number, pending


_OBJECT_REF = b'"objectRef"'
_DEPRECATED_KEY = b'"k8s.io/deprecated"'
# `: {...}` holding no nested object; strings (which may contain `}`) are skipped whole.
_FLAT_OBJECT = re.compile(rb'[ \t]*:[ \t]*\{(?:[^"{}]|"(?:[^"\\]|\\.)*")*\}')


def _may_matter(line: bytes, pattern: re.Pattern[bytes]) -> bool:
    """False only when the line cannot concern a deprecated API (it is then not parsed).

    An event without objectRef is a non-resource request. The pattern is searched only inside
    the objectRef object (it holds no nested object, so it ends at the first `}` outside a
    string: an object name may contain `}`), unless the key occurs twice (say inside a request
    body): then the whole line is searched.
    """
    start = line.find(_OBJECT_REF)
    if start < 0:
        return False
    if _DEPRECATED_KEY in line:
        return True
    if line.find(_OBJECT_REF, start + len(_OBJECT_REF)) >= 0:
        return pattern.search(line) is not None
    flat = _FLAT_OBJECT.match(line, start + len(_OBJECT_REF))
    end = flat.end() if flat else len(line)  # not a flat object: search the rest of the line
    return pattern.search(line, start, end) is not None


def _timestamp(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        stamp = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=dt.UTC)


class AuditReader:
    """Feeds audit events into a ClientsReport."""

    def __init__(self, report: ClientsReport, catalog: Catalog, resources: ResourceMap, *,
                 parse_all: bool = False, custom: Iterable[CustomVersion] = ()) -> None:
        self.report = report
        self.catalog = catalog
        self.resources = resources
        self.custom = {(c.group, c.version, c.resource): c for c in custom}
        self.pattern = None if parse_all else prefilter(catalog, report.target, self.custom.values())

    def read(self, path: str) -> InputStats:
        stats = InputStats(path, AUDIT_LOG)
        self.report.inputs.append(stats)
        pattern = self.pattern
        loads = json.loads
        try:
            with ExitStack() as stack:
                handle = _open(path, stack)
                for number, line in _lines(_chunks(handle, stats), stats):
                    stats.lines += 1
                    if pattern is not None and not _may_matter(line, pattern):
                        # Not parsed; a line that is not even shaped like a JSON object still counts as bad.
                        stripped = line.strip()
                        if stripped and not (stripped[:1] == b"{" and stripped[-1:] == b"}"):
                            stats.bad_line(number, "not a JSON object")
                        else:
                            stats.skipped += 1
                        continue
                    if not line.strip():
                        continue
                    try:
                        event = loads(line)
                    except ValueError as error:
                        stats.bad_line(number, f"invalid JSON: {error}")
                        continue
                    except RecursionError:
                        stats.bad_line(number, "JSON nested too deep")
                        continue
                    stats.parsed += 1
                    self.event(event, number, stats)
        except FileNotFoundError:
            stats.error = "no such file"
        except IsADirectoryError:
            stats.error = "is a directory"
        except PermissionError:
            stats.error = "permission denied"
        except TruncatedGzip:
            stats.truncated = True
        except zlib.error as error:
            stats.truncated = True
            stats.error = f"corrupt gzip data after line {stats.lines}: {error}"
        except OSError as error:
            stats.error = error.strerror or type(error).__name__
        return stats

    def event(self, event: Any, number: int, stats: InputStats) -> None:
        if not isinstance(event, dict):
            stats.bad_line(number, "not a JSON object")
            return
        if event.get("kind") != "Event" or not str(event.get("apiVersion", "")).startswith("audit.k8s.io/"):
            stats.bad_line(number, "not an audit.k8s.io Event")
            return
        stage = event.get("stage")
        if stage is not None and (not isinstance(stage, str) or stage not in COUNTED_STAGES):
            stats.other_stages += 1
            return
        ref = event.get("objectRef")
        if not isinstance(ref, dict):
            return
        annotations = event.get("annotations")
        if not isinstance(annotations, dict):
            annotations = {}
        annotated = annotations.get(DEPRECATED) == "true"
        removed = annotations.get(REMOVED_RELEASE)
        removed = removed if isinstance(removed, str) and removed else None
        group = ref.get("apiGroup") or ""
        version = ref.get("apiVersion") or ""
        resource = ref.get("resource") or ""
        subresource = ref.get("subresource") or ""
        if not all(isinstance(value, str) for value in (group, version, resource, subresource)) or not version:
            if annotated or removed:
                stats.bad_line(number, "deprecation annotation without objectRef.apiVersion")
            return
        api = self.resources.lookup(group, version, resource, subresource)
        custom = self.custom.get((group, version, resource))
        if custom is not None:
            verdict: Verdict | None = Verdict("removed", None, None, custom.replacement, ("crd-upgrade",))
        else:
            verdict = judge(api, self.report.target, self.catalog, annotated=annotated, removed_release=removed)
        if verdict is None:
            return
        user = event.get("user")
        user = user if isinstance(user, dict) else {}
        username = user.get("username")
        agent = event.get("userAgent")
        identity = Identity.of_user(username if isinstance(username, str) and username else "(unknown)",
                                    agent if isinstance(agent, str) else None)
        client = self.report.client(AUDIT_LOG, identity)
        groups = user.get("groups")
        if isinstance(groups, list) and len(client.groups) < 16:
            client.groups.update(g for g in groups[:16] if isinstance(g, str))
        impersonated = event.get("impersonatedUser")
        if isinstance(impersonated, dict) and isinstance(impersonated.get("username"), str) \
                and len(client.impersonated) < 16:
            client.impersonated.add(impersonated["username"])
        api_version = f"{group}/{version}" if group else version
        kind = custom.kind if custom is not None else api.kind if api is not None else None
        usage = client.usage(api_version, kind, verdict)
        usage.resources.add(f"{resource}/{subresource}" if subresource else resource)
        verb = event.get("verb")
        if isinstance(verb, str):
            usage.verbs.add(verb)
        usage.seen(_timestamp(event.get("requestReceivedTimestamp")))
        stats.matched += 1
