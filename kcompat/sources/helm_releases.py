"""Helm 3 release records from a `kubectl get secrets -A -o yaml` (or `-o json`) export.

Helm stores each revision of a release as a Secret (default driver) or ConfigMap named
`sh.helm.release.v1.NAME.vREVISION`, labelled `owner=helm`, `name=NAME`, `version=REVISION`,
`status=deployed|superseded|failed|...`; Secrets have `type: helm.sh/release.v1`. The
`release` key holds Helm's encoding of the release: gzip of the release JSON, base64-encoded.
A Secret's `data` adds Kubernetes' own base64 on top, so there it is base64(base64(gzip(JSON)));
a ConfigMap's `data.release` is base64(gzip(JSON)). Uncompressed JSON is accepted as Helm does.

The latest `deployed` revision of each release is checked (the latest revision when none is
deployed); its `manifest` and hook manifests are parsed like `helm template` output.
Records are untrusted: decompression is bounded and every decoding problem becomes a
`parse-error` finding at the record's `release` field.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from kcompat.core.model import Finding, Origin, Severity
from kcompat.sources.load import LoadedInput, load_input, load_text
from kcompat.sources.resources import Resource, extract

MAX_RELEASE_BYTES = 64 * 1024 * 1024
"""Largest decompressed release JSON accepted."""
MAX_TOTAL_RELEASE_BYTES = 256 * 1024 * 1024
"""Most decompressed release JSON read from one export, all records together; records beyond it
are not read (a 4 MB export of highly compressible records would otherwise expand to gigabytes)."""
RELEASE_TYPE = "helm.sh/release.v1"
_NAME = re.compile(r"^sh\.helm\.release\.v1\.(?P<name>.+)\.v(?P<revision>\d+)$")
_GZIP_MAGIC = b"\x1f\x8b\x08"


class ReleaseFailure(Exception):
    """The export file cannot be read at all (exit 2)."""


class DecodeError(Exception):
    pass


class TotalExceeded(DecodeError):
    """The export as a whole decompresses to more than MAX_TOTAL_RELEASE_BYTES."""


@dataclass(frozen=True)
class ReleaseRecord:
    name: str
    namespace: str
    revision: int
    status: str
    chart: str
    chart_version: str
    manifest: str
    record: str
    """The Secret/ConfigMap holding it."""
    origin: Origin


@dataclass
class Releases:
    inputs: list[LoadedInput] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    records: list[ReleaseRecord] = field(default_factory=list)
    _by_path: dict[str, ReleaseRecord] = field(default_factory=dict)

    def remap(self, findings: list[Finding]) -> list[Finding]:
        result = []
        for finding in findings:
            record = self._by_path.get(finding.origin.path)
            if record is None:
                result.append(finding)
                continue
            details = {**finding.details, "release": record.name, "namespace": record.namespace,
                       "revision": record.revision, "status": record.status, "chart": record.chart,
                       "chart_version": record.chart_version, "record": record.record,
                       "export": record.origin.location()}
            result.append(finding._replace(details=details))
        return result


# --- decoding ---------------------------------------------------------------------------------

def _b64(data: bytes | str, what: str) -> bytes:
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise DecodeError(f"{what} is not valid base64") from None


def _too_big(limit: int) -> DecodeError:
    if limit < MAX_RELEASE_BYTES:
        return TotalExceeded(f"the export's releases decompress to more than "
                             f"{MAX_TOTAL_RELEASE_BYTES >> 20} MiB in total; this and later records were not read")
    return DecodeError(f"release decompresses to more than {MAX_RELEASE_BYTES >> 20} MiB; refused")


def _gunzip(data: bytes, limit: int = MAX_RELEASE_BYTES) -> bytes:
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = decompressor.decompress(data, limit + 1)
    except zlib.error as error:
        raise DecodeError(f"release is not valid gzip: {error}") from None
    if len(out) > limit or decompressor.unconsumed_tail:
        raise _too_big(limit)
    if not decompressor.eof:
        raise DecodeError("release gzip stream is truncated")
    return out


def decode_release(value: str, secret: bool, limit: int = MAX_RELEASE_BYTES) -> dict[str, Any]:
    """Decode a record's `release` value (Secret: data, i.e. with Kubernetes' base64 too).

    limit (at most MAX_RELEASE_BYTES) bounds the decoded JSON; below MAX_RELEASE_BYTES it is what
    is left of the export's total and exceeding it raises TotalExceeded."""
    return _decode_sized(value, secret, limit)[0]


def _decode_sized(value: str, secret: bool, limit: int) -> tuple[dict[str, Any], int]:
    limit = min(limit, MAX_RELEASE_BYTES)
    raw = _b64(value, "data.release") if secret else value.encode("ascii", errors="replace")
    helm_encoded = _b64(raw.strip(), "the Helm release payload")
    payload = _gunzip(helm_encoded, limit) if helm_encoded.startswith(_GZIP_MAGIC) else helm_encoded
    if len(payload) > limit:
        raise _too_big(limit)
    size = len(payload)
    try:
        release = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise DecodeError(f"release is not valid JSON: {error}") from None
    if not isinstance(release, dict):
        raise DecodeError("release JSON is not an object")
    return release, size


# --- reading the export -------------------------------------------------------------------------

def _is_record(resource: Resource) -> bool:
    name = resource.name or ""
    if not _NAME.match(name):
        return False
    if resource.kind == "Secret":
        return resource.obj.get("type") in (RELEASE_TYPE, None)
    if resource.kind == "ConfigMap":
        metadata = resource.obj.get("metadata") or {}
        labels = metadata.get("labels") if isinstance(metadata, dict) else None
        return isinstance(labels, dict) and labels.get("owner") == "helm"
    return False


def _records(loaded: LoadedInput) -> Iterator[ReleaseRecord | Finding]:
    remaining = MAX_TOTAL_RELEASE_BYTES
    for resource in extract(loaded.documents).resources:
        if resource.api_version != "v1" or not _is_record(resource):
            continue
        match = _NAME.match(resource.name or "")
        assert match is not None
        secret = resource.kind == "Secret"
        where = resource.origin_of(("data", "release"))
        record = f"{resource.kind} {resource.namespace or 'default'}/{resource.name}"
        data = resource.obj.get("data")
        value = data.get("release") if isinstance(data, dict) else None
        if not isinstance(value, str):
            yield Finding("parse-error", Severity.ERROR, "Helm release record has no data.release",
                          where, resource.ref())
            continue
        try:
            release, size = _decode_sized(value, secret, remaining)
        except TotalExceeded as error:
            yield Finding("parse-error", Severity.ERROR, f"Helm release record: {error}",
                          where, resource.ref())
            return
        except DecodeError as error:
            yield Finding("parse-error", Severity.ERROR, f"Helm release record: {error}",
                          where, resource.ref())
            continue
        remaining -= size
        yield _record(release, match, resource, record, where)


def _record(release: dict[str, Any], match: re.Match[str], resource: Resource, record: str,
            where: Origin) -> ReleaseRecord:
    info = _mapping(release.get("info"))
    metadata = _mapping(_mapping(release.get("chart")).get("metadata"))
    manifest = release.get("manifest")
    manifest = manifest if isinstance(manifest, str) else ""
    hooks = release.get("hooks")
    for hook in hooks if isinstance(hooks, list) else []:
        if isinstance(hook, dict) and isinstance(hook.get("manifest"), str):
            path = hook.get("path") if isinstance(hook.get("path"), str) else "hook"
            manifest += f"\n---\n# Source: {path}\n{hook['manifest']}\n"
    revision = release.get("version")
    return ReleaseRecord(
        name=str(release.get("name") or match.group("name")),
        namespace=str(release.get("namespace") or resource.namespace or "default"),
        revision=revision if isinstance(revision, int) else int(match.group("revision")),
        status=str(info.get("status") or "unknown"),
        chart=str(metadata.get("name") or "?"), chart_version=str(metadata.get("version") or "?"),
        manifest=manifest, record=record, origin=where)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def load_releases(path: str) -> Releases:
    loaded = load_input(path)
    if loaded.unreadable is not None:
        raise ReleaseFailure(f"--helm-releases {path}: {loaded.unreadable}")
    releases = Releases()
    releases.findings.extend(loaded.findings)
    latest: dict[tuple[str, str], ReleaseRecord] = {}
    for item in _records(loaded):
        if isinstance(item, Finding):
            releases.findings.append(item)
            continue
        key = (item.namespace, item.name)
        current = latest.get(key)
        if current is None or _rank(item) > _rank(current):
            latest[key] = item
    for key in sorted(latest):
        record = latest[key]
        releases.records.append(record)
        shown = (f"release {record.namespace}/{record.name} revision {record.revision} "
                 f"({record.chart}-{record.chart_version})")
        releases.inputs.append(load_text(record.manifest, shown))
        releases._by_path[shown] = record
    return releases


def _rank(record: ReleaseRecord) -> tuple[bool, int]:
    return record.status == "deployed", record.revision
