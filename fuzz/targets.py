"""Fuzz targets: each takes arbitrary bytes and raises only when an invariant of kcompat breaks.

Used by the atheris runner (fuzz/run.py, coverage-guided) and by the hypothesis property tests
(tests/test_property_parsers.py). A target returns normally for any input kcompat handles as
documented (including refusing it with a finding); any exception is a bug.
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Callable
from typing import Any

from kcompat.sources.reading import Undecodable, decode


@functools.lru_cache(maxsize=1)
def _context() -> Any:
    from kcompat.catalog.lifecycle import load_catalog
    from kcompat.checks.context import CheckContext
    from kcompat.core.versions import KubeVersion
    from kcompat.schema.settings import SchemaSettings

    target = KubeVersion.parse("1.29")
    return CheckContext(load_catalog(), target, KubeVersion.parse("1.21"), SchemaSettings(target))


def _text(data: bytes) -> str | None:
    text = decode(data)
    return None if isinstance(text, Undecodable) else text


def yaml_loader(data: bytes) -> None:
    """decode -> parse_stream -> resources.extract -> every default check."""
    from kcompat.core.model import Finding
    from kcompat.engine.pipeline import DEFAULT_CHECKS
    from kcompat.sources.documents import Document
    from kcompat.sources.resources import extract
    from kcompat.sources.yaml_stream import ParseProblem, parse_stream

    text = _text(data)
    if text is None:
        return
    documents: list[Document] = []
    for item in parse_stream(text, "fuzz.yaml"):
        if isinstance(item, ParseProblem):
            assert item.origin.line is None or item.origin.line >= 1, item
            assert item.message
        else:
            documents.append(item)
    extraction = extract(documents)
    context = _context()
    for resource in extraction.resources:
        for check in DEFAULT_CHECKS:
            for finding in check(resource, context):
                assert isinstance(finding, Finding) and finding.rule != "internal-error"


def helm_source(data: bytes) -> None:
    """`helm template` output: `# Source:` comments split and attached (template_map.load_text)."""
    from kcompat.sources.load import load_text

    text = _text(data)
    if text is None:
        return
    loaded = load_text("# Source: chart/templates/a.yaml\n" + text, "helm template")
    for document in loaded.documents:
        template = document.origin.template
        assert template is None or ("\n" not in template and template == template.strip()), template


def helm_release(data: bytes) -> None:
    """Helm 3 release payloads: only DecodeError (a parse-error finding) may come out."""
    import base64

    from kcompat.sources.helm_releases import DecodeError, decode_release

    secret = bool(data[:1]) and data[0] & 1 == 1
    value = base64.b64encode(data[1:]).decode() if secret else data[1:].decode("latin-1")
    for candidate in (value, base64.b64encode(value.encode("latin-1")).decode()):
        try:
            release = decode_release(candidate, secret)
        except DecodeError:
            continue
        assert isinstance(release, dict)


def audit_log(data: bytes) -> None:
    """The streamed audit-log reader, plain or gzip: malformed lines are counted, never fatal."""
    from kcompat.catalog.lifecycle import load_catalog
    from kcompat.clients.audit import AuditReader
    from kcompat.clients.resources import resource_map
    from kcompat.clients.usage import ClientsReport
    from kcompat.core.versions import KubeVersion

    handle, path = tempfile.mkstemp(suffix=".log")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        report = ClientsReport(KubeVersion.parse("1.29"))
        reader = AuditReader(report, load_catalog(), _resources(resource_map), parse_all=bool(data[:1] == b"{"))
        stats = reader.read(path)
        assert stats.lines >= stats.parsed >= 0
    finally:
        os.unlink(path)


@functools.lru_cache(maxsize=1)
def _resources(factory: Callable[[], Any]) -> Any:
    return factory()


def fix_rewriter(data: bytes) -> None:
    """fix_text: the result is text, stable (a second run changes nothing) and loads again."""
    from kcompat.fix.rewrite import fix_text
    from kcompat.sources.yaml_stream import ParseProblem, parse_stream

    text = _text(data)
    if text is None:
        return
    context = _context()
    first = fix_text(text, "fuzz.yaml", context)
    assert isinstance(first.text, str)
    if not first.changes:
        assert first.text == text, "fix changed a file it reported no change for"
        return
    problems_before = sum(isinstance(i, ParseProblem) for i in parse_stream(text, "a"))
    problems_after = sum(isinstance(i, ParseProblem) for i in parse_stream(first.text, "a"))
    assert problems_after <= problems_before, "fix made a document unparseable"
    second = fix_text(first.text, "fuzz.yaml", context)
    assert not second.changes, "a second fix run changed more"


TARGETS: dict[str, Callable[[bytes], None]] = {
    "yaml_loader": yaml_loader,
    "helm_source": helm_source,
    "helm_release": helm_release,
    "audit_log": audit_log,
    "fix_rewriter": fix_rewriter,
}
