"""`kcompat fix --crd-upgrade OLD NEW PATH`: move custom resources off the versions an operator upgrade drops.

A custom resource written in a version OLD serves and NEW does not (cert-manager.io/v1alpha2 when
cert-manager v1.7 serves only v1) is rewritten to NEW's storage version, but only where the two
versions' schemas allow it: no field the object uses is removed, changes type, or gets a rule
(enum, bound, pattern, required) the object's value fails between the object's version (in OLD)
and the target version (in NEW). Those objects are left alone and listed with the fields to change
by hand (a conversion webhook moves such fields on the server; a manifest has to be edited).

The rewrite changes the apiVersion value and nothing else: every other byte (comments, quotes,
order, flow style, line endings) stays; the rewritten text is parsed again and must give the same
objects with only their apiVersion changed, else the file is left alone. Files are written with the
fix machinery (kcompat/fix/files.py, atomic writes in kcompat/fix/writer.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from kcompat.checks.crd_diff import CrdDef, compare_schemas
from kcompat.checks.crd_usage import breaking_paths
from kcompat.engine.pipeline import CheckedFile
from kcompat.fix.rewrite import Change, Problem, TextFix
from kcompat.sources.load import LoadedInput, load_text
from kcompat.sources.resources import Resource, extract


@dataclass(frozen=True)
class CrdUpgrade:
    """OLD's and NEW's CRDs by name, and how the command names them (for messages)."""

    old: dict[str, CrdDef]
    new: dict[str, CrdDef]
    old_path: str = "OLD"
    new_path: str = "NEW"

    def kinds(self) -> dict[tuple[str, str], tuple[CrdDef, CrdDef | None]]:
        news = {(c.group, c.kind): c for c in self.new.values()}
        return {(c.group, c.kind): (c, news.get((c.group, c.kind))) for c in self.old.values()}


@dataclass(frozen=True)
class _Edit:
    line: int
    """0-based line index."""
    start: int
    end: int
    value: str


def _value_span(line: str, column: int, old: str) -> tuple[int, int] | None:
    """Where the apiVersion value old sits on the line whose `apiVersion` key starts at column (1-based)."""
    pattern = re.compile(r"([\"']?)apiVersion\1[ \t]*:[ \t]*([\"']?)(" + re.escape(old) + r")\2(?=[\s,}#]|$)")
    found = pattern.match(line, max(column - 1, 0)) or pattern.search(line)
    return (found.start(3), found.end(3)) if found else None


def migrate_checked(checked: CheckedFile, upgrade: CrdUpgrade) -> TextFix:
    """migrate_text of a file the engine checked: its text, documents and objects as the engine read them."""
    loaded = checked.input
    assert loaded.text is not None, "a file kept by the engine with its text"
    return _migrate(loaded.text, loaded, [found.resource for found in checked.objects], upgrade)


def migrate_text(text: str, path: str, upgrade: CrdUpgrade) -> TextFix:
    """The text with every custom resource of a dropped version moved to NEW's version where its schema
    allows it; the others are problems (blocking: they still break on the upgrade)."""
    loaded = load_text(text, path)
    return _migrate(text, loaded, extract(loaded.documents).resources, upgrade)


def _migrate(text: str, loaded: LoadedInput, resources: Sequence[Resource], upgrade: CrdUpgrade) -> TextFix:
    result = TextFix(text)
    if "apiVersion" not in text:
        return result
    path = loaded.path
    kinds = upgrade.kinds()
    lines = text.splitlines(keepends=True)
    edits: list[tuple[_Edit, Resource, str]] = []
    for resource in resources:
        pair = kinds.get((resource.group, resource.kind))
        if pair is None:
            continue
        before, after = pair
        now = after.version(resource.version) if after is not None else None
        if now is not None and now.served:
            continue  # NEW serves it: nothing to move
        source = before.version(resource.version)
        origin = resource.origin_of(("apiVersion",))
        line = origin.line or 1
        label = f"{resource.kind} {resource.name or '(unnamed)'}"
        if source is None or not source.served:
            continue  # not a version OLD serves: `kcompat check` reports it
        if after is None:
            result.problems.append(Problem(line, f"{label}: NEW ({upgrade.new_path}) drops the CRD {before.name}: "
                                           "nothing to move it to; not rewritten"))
            continue
        storage = after.storage() or next(iter(after.served()), None)
        goal = after.version(storage or "")
        if goal is None:
            continue
        target = f"{after.group}/{goal.name}"
        changes = compare_schemas(source.schema, goal.schema, source.preserve_unknown, goal.preserve_unknown)
        blocked = breaking_paths(changes, resource.obj)
        if blocked:
            shown = "; ".join(f"{where} ({what})" for where, what in blocked[:8])
            result.problems.append(Problem(line, f"{label}: {resource.api_version} -> {target} needs field changes "
                                           f"fix cannot make (the versions' schemas differ there): {shown}"
                                           f"{' ...' if len(blocked) > 8 else ''}; not rewritten"))
            continue
        index = line - 1
        span = _value_span(lines[index], origin.column or 1, resource.api_version) if index < len(lines) else None
        if span is None:
            result.problems.append(Problem(line, f"{label}: the apiVersion value is not on the line of its key; "
                                           f"not rewritten (change it to {target} by hand)"))
            continue
        edits.append((_Edit(index, span[0], span[1], target), resource, target))
    if not edits:
        return result
    new_lines = list(lines)
    for edit, _, _ in sorted(edits, key=lambda e: (e[0].line, -e[0].start)):
        text_line = new_lines[edit.line]
        new_lines[edit.line] = text_line[:edit.start] + edit.value + text_line[edit.end:]
    new_text = "".join(new_lines)
    if not _same_but_api_version(loaded, new_text, path, {(r.document.origin.document, r.path): t
                                                           for _, r, t in edits}):
        for _, resource, target in edits:
            result.problems.append(Problem(resource.origin_of(("apiVersion",)).line,
                                           f"{resource.kind} {resource.name or '(unnamed)'}: the rewrite to {target} "
                                           "would change more than its apiVersion; not rewritten"))
        return result
    result.text = new_text
    for _, resource, target in edits:
        result.changes.append(Change(resource.origin_of(("apiVersion",)).line or 1, resource.kind, resource.name,
                                     resource.api_version, target,
                                     (f"{resource.api_version} is not served by NEW ({upgrade.new_path}); the fields "
                                      f"this object uses are the same in {target}",)))
    return result


def _same_but_api_version(old: LoadedInput, after: str, path: str,
                          targets: dict[tuple[int | None, tuple[str | int, ...]], str]) -> bool:
    """The rewritten text parses to the same objects as the original did (old: as read), except the
    apiVersion of the rewritten ones."""
    new = load_text(after, path)
    if len(old.documents) != len(new.documents) or len(old.findings) != len(new.findings):
        return False
    for was, now in zip(old.documents, new.documents, strict=True):
        expected = _with_api_versions(was.data, was.origin.document, targets)
        if expected != now.data:
            return False
    return True


def _with_api_versions(data: object, document: int | None,
                       targets: dict[tuple[int | None, tuple[str | int, ...]], str]) -> object:
    import copy

    expected = copy.deepcopy(data)
    for (where, at), value in targets.items():
        if where != document:
            continue
        node: object = expected
        for step in at:
            node = node[step]  # type: ignore[index]
        if isinstance(node, dict):
            node["apiVersion"] = value
    return expected

