"""Fix files: read, rewrite (YAML or Helm template), diff, and write atomically."""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kcompat.checks.context import CheckContext
from kcompat.core import limits
from kcompat.core.textdiff import diff_lines
from kcompat.core.versions import KubeVersion
from kcompat.fix.rewrite import Change, Problem, fix_text
from kcompat.fix.templates import fix_template, is_template
from kcompat.fix.writer import WriteError, atomic_write
from kcompat.sources.discover import Missing, discover
from kcompat.sources.reading import Undecodable, decode, read_input
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

    @property
    def changed(self) -> bool:
        return self.text != self.original

    def encoded(self) -> bytes:
        return self.bom + self.text.encode("utf-8")

    def diff(self) -> str:
        if not self.changed:
            return ""
        return unified_diff(self.original, self.text, self.path)


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


def fix_file(path: str, context: CheckContext, templates: bool = False) -> FileResult | str:
    """The fixed text of one file, or why it cannot be read."""
    try:
        raw = read_input(path, limits.MAX_FILE_BYTES + 1)
    except OSError as error:
        return error.strerror or str(error)
    if len(raw) > limits.MAX_FILE_BYTES:
        return FileResult(path, "", "", problems=[Problem(None, "file too large; not fixed", False)])
    bom = codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""
    text = decode(raw)
    if isinstance(text, Undecodable):
        return FileResult(path, "", "", problems=[Problem(None, f"{text.reason}; not fixed", False)])
    if not bom and not _utf8(raw):
        return FileResult(path, text, text, problems=[Problem(None, "only UTF-8 files are rewritten", False)])
    result = FileResult(path, text, text, bom)
    if is_template(path, text):
        fixed = fix_template(text, context, rewrite=templates)
        result.text, result.changes, result.problems = fixed.text, fixed.changes, fixed.problems
        if not templates and fixed.problems:
            result.problems.insert(0, Problem(None, "Helm template: not parsed as YAML and left alone "
                                              "(--templates rewrites literal apiVersion lines)", False))
        return result
    fixed_text = fix_text(text, path, context)
    result.text, result.changes, result.problems = fixed_text.text, fixed_text.changes, fixed_text.problems
    return result


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def fix_paths(paths: Sequence[str], exclude: Sequence[str], context: CheckContext, *, write: bool,
              templates: bool = False) -> FixReport:
    report = FixReport()
    for item in discover(paths, exclude):
        if isinstance(item, Missing):
            report.errors.append((item.path, item.reason))
            continue
        result = fix_file(item, context, templates)
        if isinstance(result, str):
            report.errors.append((item, result))
            continue
        report.files.append(result)
        if write and result.changed:
            try:
                atomic_write(item, result.encoded())
                result.written = True
            except WriteError as error:
                report.errors.append((item, f"not written: {error}"))
    return report
