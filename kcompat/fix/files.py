"""Fix files: read, rewrite (YAML or Helm template), diff, and write atomically."""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from kcompat.checks.context import CheckContext
from kcompat.core import limits
from kcompat.core.escape import printable
from kcompat.core.textdiff import diff_lines
from kcompat.core.versions import KubeVersion
from kcompat.fix.rewrite import Change, Problem, TextFix, fix_text
from kcompat.fix.templates import fix_template, is_template
from kcompat.fix.writer import Snapshot, WriteError, atomic_write, read_snapshot
from kcompat.sources.discover import Missing, discover
from kcompat.sources.reading import Undecodable, decode
from kcompat.sources.yaml_stream import document_spans


@dataclass
class FileResult:
    path: str
    original: str
    text: str
    bom: bytes = b""
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    written: bool = False
    snapshot: Snapshot | None = field(default=None, repr=False)
    """The file as read; --write replaces it only if it still holds exactly this."""

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def encoded(self) -> bytes:
        return self.bom + self.text.encode("utf-8")

    def diff(self) -> str:
        if not self.changed:
            return ""
        return unified_diff(self.original, self.text, printable(self.path))  # the header is one line


@dataclass
class FixReport:
    files: list[FileResult] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def blocking(self) -> bool:
        return any(problem.blocking for result in self.files for problem in result.problems)


def fix_context(target: KubeVersion) -> CheckContext:
    """The context fix checks with: the engine's, with lifecycle and schema validation at the target."""
    from kcompat.engine.request import CheckRequest
    from kcompat.engine.run import context_for

    context, _ = context_for(CheckRequest((), target))
    return context


_HUNK = re.compile(r"^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@")
_SECRET_KIND = re.compile(r"^[ \t]*(?:-[ \t]+)?kind:[ \t]*[\"']?Secret[\"']?[ \t]*(?:#.*)?$", re.MULTILINE)
HIDDEN = "(a line of a Secret, not shown)\n"


def _secret_lines(text: str) -> set[int]:
    """1-based numbers of the lines of documents that are Secrets (never echoed in a diff)."""
    hidden: set[int] = set()
    for span in document_spans(text):
        chunk = text[span.start:span.end]
        if _SECRET_KIND.search(chunk):
            count = chunk.count("\n") + (0 if chunk.endswith("\n") else 1)
            hidden.update(range(span.first_line + 1, span.first_line + 1 + count))
    return hidden


def unified_diff(before: str, after: str, path: str) -> str:
    hidden_old, hidden_new = _secret_lines(before), _secret_lines(after)
    lines: list[str] = []
    old = new = 0
    for line in diff_lines(path, before, after):
        hunk = _HUNK.match(line)
        if hunk:
            old, new = int(hunk.group(1)), int(hunk.group(2))
        elif line.startswith(("---", "+++")) and not old and not new:
            pass
        elif line[:1] in (" ", "-", "+"):
            secret = (line[:1] != "+" and old in hidden_old) or (line[:1] != "-" and new in hidden_new)
            old += line[:1] != "+"
            new += line[:1] != "-"
            if secret:
                line = line[:1] + HIDDEN
        lines.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(lines)


Fixer = Callable[[str, str], TextFix]
"""(text, path) -> the fixed text: API migrations (fix_text) or custom resources (fix/crd_migrate.py)."""


def fix_file(path: str, context: CheckContext, templates: bool = False, fixer: Fixer | None = None) -> FileResult | str:
    """The fixed text of one file, or why it cannot be read.

    A file that cannot be decoded or is too large is a blocking problem (exit 1): it may hold a
    removed API that nobody checked. fixer replaces the API migrations of fix_text (Helm templates
    are then left alone)."""
    try:
        snapshot = read_snapshot(path, limits.MAX_FILE_BYTES + 1)
    except OSError as error:
        return error.strerror or str(error)
    raw = snapshot.raw
    if len(raw) > limits.MAX_FILE_BYTES:
        return FileResult(path, "", "", problems=[Problem(None, "file too large; not checked or fixed")])
    bom = codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""
    text = decode(raw)
    if isinstance(text, Undecodable):
        return FileResult(path, "", "", problems=[Problem(None, f"{text.reason}; not checked or fixed")])
    rewrite: Fixer = fixer or (lambda text, path: fix_text(text, path, context))
    if not bom and not _utf8(raw):
        probe = rewrite(text, path)
        needs = bool(probe.changes) or any(p.blocking for p in probe.problems)
        message = ("has APIs to migrate, but only UTF-8 files are rewritten" if needs
                   else "only UTF-8 files are rewritten")
        return FileResult(path, text, text, problems=[Problem(None, message, needs)])
    result = FileResult(path, text, text, bom, snapshot=snapshot)
    if is_template(path, text) and fixer is not None:
        result.problems.append(Problem(None, "Helm template: not parsed as YAML and left alone", False))
        return result
    if is_template(path, text):
        fixed = fix_template(text, context, rewrite=templates)
        result.text, result.changes, result.problems = fixed.text, fixed.changes, fixed.problems
        if not templates and fixed.problems:
            result.problems.insert(0, Problem(None, "Helm template: not parsed as YAML and left alone "
                                              "(--templates rewrites literal apiVersion lines)", False))
        return result
    fixed_text = rewrite(text, path)
    result.text, result.changes, result.problems = fixed_text.text, fixed_text.changes, fixed_text.problems
    return result


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _inside(root: str, real: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _escapes(item: str, argument: str) -> bool:
    """True when item (found under the PATH argument) resolves to a file outside that tree; a file
    named directly belongs to the folder it is in."""
    tree = argument if os.path.isdir(argument) else os.path.dirname(argument) or "."
    return not _inside(os.path.realpath(tree), os.path.realpath(item))


def fix_paths(paths: Sequence[str], exclude: Sequence[str], context: CheckContext, *, write: bool,
              templates: bool = False, fixer: Fixer | None = None) -> FixReport:
    report = FixReport()
    seen: set[str] = set()
    for argument in paths:
        for item in discover([argument], exclude, plain=True):
            if isinstance(item, Missing):
                report.errors.append((item.path, item.reason))
                continue
            if item in seen:
                continue
            seen.add(item)
            result = fix_file(item, context, templates, fixer)
            if isinstance(result, str):
                report.errors.append((item, result))
                continue
            report.files.append(result)
            if write and result.changed:
                if _escapes(item, argument):
                    report.errors.append((item, f"not written: a symbolic link to {os.path.realpath(item)}, "
                                                "outside the tree being fixed"))
                    continue
                try:
                    atomic_write(item, result.encoded(), result.snapshot)
                    result.written = True
                except WriteError as error:
                    report.errors.append((item, f"not written: {error}"))
    return report
