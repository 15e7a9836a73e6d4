"""Collect CRDs before any resource is checked, so a custom resource may precede its CRD.

kcompat.engine.jobs parses only the input files whose bytes mention CustomResourceDefinition and keeps
them for the check pass without node trees (DetachedDocument). In-memory inputs (stdin,
rendered charts, overlays) are read from their loaded documents. `--crd` paths are sources
only: their CRDs provide schemas and their problems are reported, but their other objects are
not checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from kcompat.checks.context import CheckContext
from kcompat.core import limits
from kcompat.core.model import Finding, Origin, Severity
from kcompat.schema.crds import Crd, CrdRegistry, is_crd, parse_crd
from kcompat.sources.discover import STDIN, Missing, discover
from kcompat.sources.documents import Document
from kcompat.sources.load import LoadedInput
from kcompat.sources.positions import FieldPath
from kcompat.sources.reading import Undecodable, decode, read_input
from kcompat.sources.resources import extract
from kcompat.sources.yaml_stream import ParseProblem, parse_stream


@dataclass
class CrdSources:
    crds: list[Crd] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    """Problems in --crd files (their CRDs are not otherwise checked)."""
    errors: list[tuple[str, str]] = field(default_factory=list)
    """--crd paths that do not exist or cannot be read: (path, reason)."""


def crds_in_documents(documents: list[Document], findings: list[Finding] | None = None) -> list[Crd]:
    """CRDs among documents (List items included); invalid ones add crd-invalid findings."""
    found: list[Crd] = []
    for resource in extract(documents).resources:
        if not is_crd(resource.api_version, resource.kind):
            continue
        crd, problems = parse_crd(resource.obj, resource.api_version, resource.origin_of(), keep=True)
        if crd is not None:
            found.append(crd)
        if findings is not None:
            findings.extend(Finding("crd-invalid", Severity.ERROR, f"invalid CRD: {problem.message}",
                                    resource.origin_of(problem.path), resource.ref())
                            for problem in problems)
    return found


def crds_in_loaded(inputs: Iterable[object]) -> list[Crd]:
    found: list[Crd] = []
    for item in inputs:
        if isinstance(item, LoadedInput):
            found.extend(crds_in_documents(item.documents))
    return found


def _read(path: str) -> bytes | None:
    try:
        raw = read_input(path, limits.MAX_FILE_BYTES + 1)
    except OSError:
        return None
    return raw if len(raw) <= limits.MAX_FILE_BYTES else None


def _documents(raw: bytes, path: str, findings: list[Finding] | None) -> list[Document]:
    text = decode(raw)
    if isinstance(text, Undecodable):
        if findings is not None:
            findings.append(Finding("skipped-file", Severity.ERROR, f"{text.reason}; not read for CRDs",
                                    Origin(path, None, text.line, None)))
        return []
    documents: list[Document] = []
    for item in parse_stream(text, path):
        if isinstance(item, ParseProblem):
            if findings is not None:
                findings.append(Finding("parse-error", Severity.ERROR, item.message, item.origin))
        else:
            documents.append(item)
    return documents


def crd_sources(paths: Sequence[str], skip: frozenset[str] = frozenset()) -> CrdSources:
    """CRDs from --crd PATHs (files or folders). Files also given as inputs (skip) contribute
    their CRDs but report nothing here: checking them reports their problems."""
    sources = CrdSources()
    for item in discover(paths):
        if isinstance(item, Missing):
            sources.errors.append((item.path, item.reason))
            continue
        if item == STDIN:
            sources.errors.append((item, "--crd cannot read stdin"))
            continue
        raw = _read(item)
        if raw is None:
            sources.errors.append((item, "cannot be read (or larger than the file size limit)"))
            continue
        findings = None if item in skip else sources.findings
        sources.crds.extend(crds_in_documents(_documents(raw, item, findings), findings))
    return sources


def registry(*groups: Iterable[Crd]) -> CrdRegistry:
    """One registry of all CRDs in order (see CrdRegistry.for_version for several of one kind)."""
    return CrdRegistry.of(crd for group in groups for crd in group)


def with_crds_of(inputs: Iterable[Any], context: CheckContext) -> tuple[list[Any], CheckContext]:
    """In-memory inputs (as a list) and the context whose registry also has their CRDs."""
    items = list(inputs)
    settings = context.schema
    found = crds_in_loaded(items)
    if settings is None or not found:
        return items, context
    merged = registry(settings.known_crds(), found)
    return items, context._replace(schema=settings.with_crds(merged))


class DetachedDocument(Document):
    """A document kept between the CRD pass and the check pass without its node tree (which
    takes about ten times the file's size). The positions of its top-level keys are kept (most
    findings point at `apiVersion`); any other position is found by parsing the file again,
    once per file, only when a finding needs it."""

    __slots__ = ("index", "source", "top")

    def __init__(self, document: Document, source: str, index: int, top: tuple[tuple[str, int, int], ...]) -> None:
        super().__init__(document.origin, document.data, None, document.line_offset, document.ignored_rules,
                         document.item_ignores)
        self.source = source
        self.index = index
        self.top = top

    def position(self, path: FieldPath) -> tuple[int, int] | None:
        if not path and self.origin.line is not None and self.origin.column is not None:
            return self.origin.line, self.origin.column  # the document's root
        if len(path) == 1:
            for key, line, column in self.top:
                if key == path[0]:
                    return line + self.line_offset, column
        documents = _reparsed(self.source)
        if self.index < len(documents) and documents[self.index].origin == self.origin:
            return documents[self.index].position(path)
        return None


@lru_cache(maxsize=4)
def _reparsed(path: str) -> list[Document]:
    raw = _read(path)
    return _documents(raw, path, None) if raw is not None else []


def detach(loaded: LoadedInput) -> LoadedInput:
    """The same input with node trees dropped, except where duplicate keys need them."""
    from yaml.nodes import MappingNode, ScalarNode

    from kcompat.checks.schema_rules import has_duplicate_keys

    documents: list[Document] = []
    for index, document in enumerate(loaded.documents):
        node = document.node
        if node is None or (not document.unique_keys and has_duplicate_keys(node)):
            documents.append(document)
            continue
        top: tuple[tuple[str, int, int], ...] = ()
        if isinstance(node, MappingNode):
            top = tuple((key.value, key.start_mark.line + 1, key.start_mark.column + 1)
                        for key, _ in node.value if isinstance(key, ScalarNode))
        documents.append(DetachedDocument(document, loaded.path, index, top))
    return LoadedInput(loaded.path, documents, loaded.findings, loaded.unreadable, loaded.role)
