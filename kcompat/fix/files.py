"""Fix files: the engine checks them once (kcompat.engine.run.run_files); the findings it reports
on each file's objects decide the rewrite (YAML or Helm template) of the bytes it read; diff, and
write atomically over exactly those bytes."""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from kcompat.checks.context import CheckContext
from kcompat.core import limits
from kcompat.core.errors import InputError
from kcompat.core.escape import printable
from kcompat.core.textdiff import diff_lines
from kcompat.core.versions import KubeVersion
from kcompat.engine.pipeline import CheckedFile
from kcompat.engine.request import CheckRequest
from kcompat.fix.rewrite import Change, Problem, TextFix, fix_checked
from kcompat.fix.templates import fix_template, is_template
from kcompat.fix.writer import Snapshot, WriteError, atomic_write
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
    """The context fix checks text in memory with (fix_text): the engine's, with lifecycle and schema
    validation at the target."""
    from kcompat.engine.run import context_for

    context, _ = context_for(CheckRequest((), target))
    return context


def fix_request(paths: tuple[str, ...], target: KubeVersion, exclude: tuple[str, ...] = ()) -> CheckRequest:
    """The engine request of `kcompat fix PATH...`: the files kept as read, with schema validation
    settings for checking the rewritten documents."""
    return CheckRequest(paths, target, exclude=exclude, list_documents=False, keep_files=True)


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


Fixer = Callable[[CheckedFile, CheckContext], TextFix]
"""A file as the engine checked it -> its fixed text: API migrations (rewrite.fix_checked) or custom
resources (crd_migrate.migrate_checked)."""


def fix_file(checked: CheckedFile, context: CheckContext, templates: bool = False,
             fixer: Fixer | None = None) -> FileResult:
    """The fixed text of one file the engine read and checked.

    A file that cannot be decoded or is too large is a blocking problem (exit 1): it may hold a
    removed API that nobody checked. fixer replaces the API migrations of fix_checked (Helm
    templates are then left alone)."""
    loaded = checked.input
    path, snapshot = loaded.path, loaded.snapshot
    assert snapshot is not None, "a file kept by the engine (CheckRequest.keep_files)"
    raw = snapshot.raw
    if len(raw) > limits.MAX_FILE_BYTES:
        return FileResult(path, "", "", problems=[Problem(None, "file too large; not checked or fixed")])
    if loaded.text is None:
        return FileResult(path, "", "", problems=[Problem(None, f"{loaded.undecodable}; not checked or fixed")])
    text = loaded.text
    bom = codecs.BOM_UTF8 if raw.startswith(codecs.BOM_UTF8) else b""
    rewrite: Fixer = fixer or fix_checked
    if not bom and not _utf8(raw):
        probe = rewrite(checked, context)
        needs = bool(probe.changes) or any(p.blocking for p in probe.problems)
        message = ("has APIs to migrate, but only UTF-8 files are rewritten" if needs
                   else "only UTF-8 files are rewritten")
        return FileResult(path, text, text, problems=[Problem(None, message, needs)])
    result = FileResult(path, text, text, bom, snapshot=snapshot)
    if is_template(loaded) and fixer is not None:
        result.problems.append(Problem(None, "Helm template: not parsed as YAML and left alone", False))
        return result
    if is_template(loaded):
        fixed = fix_template(text, context, rewrite=templates)
        result.text, result.changes, result.problems = fixed.text, fixed.changes, fixed.problems
        if not templates and fixed.problems:
            result.problems.insert(0, Problem(None, "Helm template: not parsed as YAML and left alone "
                                              "(--templates rewrites literal apiVersion lines)", False))
        return result
    fixed_text = rewrite(checked, context)
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


def _argument_of(item: str, paths: tuple[str, ...]) -> str:
    """The PATH argument the engine found item under (the first one, as discovery yields each file once)."""
    for argument in paths:
        if item == argument or (os.path.isdir(argument) and item.startswith(os.path.join(argument, ""))):
            return argument
    return item


def _escapes(item: str, argument: str) -> bool:
    """True when item (found under the PATH argument) resolves to a file outside that tree; a file
    named directly belongs to the folder it is in."""
    tree = argument if os.path.isdir(argument) else os.path.dirname(argument) or "."
    return not _inside(os.path.realpath(tree), os.path.realpath(item))


def fix_paths(request: CheckRequest, *, write: bool, templates: bool = False,
              fixer: Fixer | None = None) -> FixReport:
    """Fix what one engine run over request.paths (request.keep_files) found, file by file in its order;
    with write, each changed file is replaced only while it still holds the bytes the engine read."""
    from kcompat.engine.run import run_files
    from kcompat.fix.rewrite import FIX_CHECKS

    run = run_files(request, FIX_CHECKS)
    report = FixReport()
    for item in run.files:  # one file's documents alive at a time
        if isinstance(item, InputError):
            report.errors.append((item.path, item.reason))
            continue
        result = fix_file(item, run.context, templates, fixer)
        report.files.append(result)
        path = result.path
        if write and result.changed:
            if _escapes(path, _argument_of(path, request.paths)):
                report.errors.append((path, f"not written: a symbolic link to {os.path.realpath(path)}, "
                                            "outside the tree being fixed"))
                continue
            try:
                atomic_write(path, result.encoded(), result.snapshot)
                result.written = True
            except WriteError as error:
                report.errors.append((path, f"not written: {error}"))
    return report
