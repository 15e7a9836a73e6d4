"""The check pipeline: inputs -> documents -> resources -> findings, as plain values."""

from __future__ import annotations

import dataclasses
import os
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from kcompat.checks.api_lifecycle import check_api, is_custom
from kcompat.checks.context import CheckContext
from kcompat.checks.crd_rules import check_custom
from kcompat.checks.schema_rules import check_schema
from kcompat.core.model import Finding, ObjectRef, Origin, Severity
from kcompat.sources.discover import Missing, discover
from kcompat.sources.load import LoadedInput, load_input
from kcompat.sources.resources import Resource, extract

Check = Callable[[Resource, CheckContext], Iterable[Finding]]

DEFAULT_CHECKS: tuple[Check, ...] = (check_api, check_schema, check_custom)

INTERNAL_ERROR = "internal-error"
"""Rule of the finding that replaces a check that crashed on an object (see internal_error)."""


@dataclass(frozen=True)
class InputError:
    path: str
    reason: str


@dataclass
class CheckResult:
    context: CheckContext
    findings: list[Finding] = field(default_factory=list)
    input_errors: list[InputError] = field(default_factory=list)
    files: int = 0
    documents: int = 0
    objects: int = 0
    custom_resources: int = 0
    not_objects: int = 0
    checked_files: list[str] = field(default_factory=list)
    """Every input that was read, in input order (for reports that list passes, e.g. JUnit)."""
    checked_documents: list[tuple[Origin, tuple[ObjectRef, ...]]] = field(default_factory=list)
    """Every parsed document (its start) with the objects in it, in input order."""


def load_all(paths: Sequence[str], exclude: Sequence[str]) -> Iterator[LoadedInput | InputError]:
    for item in discover(paths, exclude):
        if isinstance(item, Missing):
            yield InputError(item.path, item.reason)
            continue
        loaded = load_input(item)
        if loaded.unreadable is not None:
            yield InputError(loaded.path, loaded.unreadable)
        else:
            yield loaded


def check_inputs(inputs: Iterable[LoadedInput | InputError], context: CheckContext,
                 ignore: frozenset[str] = frozenset(),
                 checks: Sequence[Check] = DEFAULT_CHECKS) -> CheckResult:
    if context.schema is not None:
        # CRDs of every input must be known before the first custom resource is checked.
        from kcompat.engine.crds import with_crds_of

        inputs, context = with_crds_of(inputs, context)
    result = CheckResult(context)
    for loaded in inputs:
        if isinstance(loaded, InputError):
            result.input_errors.append(loaded)
            continue
        check_loaded(result, loaded, context, ignore, checks)
    result.findings.sort(key=Finding.sort_key)
    return result


def check_loaded(result: CheckResult, loaded: LoadedInput, context: CheckContext,
                 ignore: frozenset[str], checks: Sequence[Check]) -> None:
    """Check one loaded input into result (unsorted); kcompat.engine.jobs runs this in workers."""
    result.files += 1
    result.checked_files.append(loaded.path)
    result.documents += len(loaded.documents) + sum(f.rule == "parse-error" for f in loaded.findings)
    result.findings.extend(_suppress(f, None, ignore) for f in loaded.findings)
    extraction = extract(loaded.documents)
    result.not_objects += extraction.not_objects
    refs: dict[int, list[ObjectRef]] = {}
    for resource in extraction.resources:
        refs.setdefault(id(resource.document), []).append(resource.ref())
    result.checked_documents.extend((d.origin, tuple(refs.get(id(d), ()))) for d in loaded.documents)
    result.findings.extend(_suppress(f, None, ignore) for f in extraction.findings)
    for resource in extraction.resources:
        result.objects += 1
        if is_custom(resource, context):
            result.custom_resources += 1
        for check in checks:
            try:
                found = list(check(resource, context))
            except Exception as error:  # a bug must not drop the file or hide its other findings
                found = [internal_error(resource.origin_of(), f"{getattr(check, '__name__', 'a check')} failed "
                                        f"on this object: {describe_crash(error)}", resource.ref())]
            result.findings.extend(_suppress(finding, resource, ignore) for finding in found)


def internal_error(origin: Origin, what: str, ref: ObjectRef | None = None) -> Finding:
    """A finding for a crash inside kcompat: reported (and failing the run), never lost."""
    return Finding(INTERNAL_ERROR, Severity.ERROR, f"internal error, please report it: {what}; "
                   "the object was not fully checked", origin, ref)


def describe_crash(error: BaseException) -> str:
    """The exception type and the kcompat line that raised it (never its message: it may quote input)."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if "kcompat" in frame.filename]
    place = f" at {os.path.basename(frames[-1].filename)}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__name__}{place}"


def check_paths(paths: Sequence[str], exclude: Sequence[str], context: CheckContext,
                ignore: frozenset[str] = frozenset(), checks: Sequence[Check] = DEFAULT_CHECKS,
                jobs: int = 1) -> CheckResult:
    """check_inputs(load_all(paths, exclude), ...) with the same result, in `jobs` processes.

    Files are read once per pass (CRDs are gathered from the few files that mention them
    first) and never all held in memory at once.
    """
    from kcompat.engine.jobs import run_paths

    return run_paths(paths, exclude, context, ignore, checks, jobs)


def _suppress(finding: Finding, resource: Resource | None, ignore: frozenset[str]) -> Finding:
    by_comment = resource is not None and resource.document.ignores(finding.rule)
    if finding.rule in ignore or by_comment:
        # reports tell a `# kcompat: ignore` comment ("comment") from --ignore ("flag")
        details = {**finding.details, "suppressedBy": "comment" if by_comment else "flag"}
        return dataclasses.replace(finding, suppressed=True, details=details)
    return finding
