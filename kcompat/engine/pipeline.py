"""The check pipeline: inputs -> documents -> resources -> findings, as plain values."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence

from kcompat.checks.api_lifecycle import check_api, is_custom
from kcompat.checks.builtin import check_server_validation
from kcompat.checks.config_files import check_config, is_config
from kcompat.checks.context import CheckContext
from kcompat.checks.schema_rules import check_schema
from kcompat.core import rules
from kcompat.core.errors import InputError
from kcompat.core.model import Finding, ObjectRef, Origin, Severity
from kcompat.core.records import Record
from kcompat.core.result import CheckResult
from kcompat.sources.discover import CONFIG, PARTIAL, Missing, Tree, discover_tree, filled_fields
from kcompat.sources.load import LoadedInput, load_input
from kcompat.sources.resources import Resource, extract

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

Check = Callable[[Resource, CheckContext], Iterable[Finding]]


def check_custom(resource: Resource, context: CheckContext) -> Iterable[Finding]:
    """Custom resources and CRDs (checks/crd_rules.py, with CEL): imported on the first such object, so a run
    over built-in kinds only never loads the CRD, CEL and defaulting modules."""
    if context.schema is None:
        return ()
    if not is_custom(resource, context) and not (
            resource.kind == "CustomResourceDefinition" and resource.group == "apiextensions.k8s.io"):
        return ()
    from kcompat.checks.crd_rules import check_custom as check_custom_resource

    return check_custom_resource(resource, context)


DEFAULT_CHECKS: tuple[Check, ...] = (check_api, check_schema, check_server_validation, check_custom)

INTERNAL_ERROR = rules.INTERNAL_ERROR
"""Rule of the finding that replaces a check that crashed on an object (see internal_error)."""


def load_all(paths: Sequence[str], exclude: Sequence[str],
             discovered: tuple[list[str | Missing], Tree] | None = None) -> Iterator[LoadedInput | InputError]:
    items, tree = discovered if discovered is not None else discover_tree(paths, exclude)
    for item in items:
        if isinstance(item, Missing):
            yield InputError(item.path, item.reason)
            continue
        loaded = load_input(item, tree.role_of(item))
        if loaded.unreadable is not None:
            yield InputError(loaded.path, loaded.unreadable)
        else:
            yield loaded


class CheckedObject:
    """One object of a kept file and the findings the checks reported on it (suppressed ones marked)."""

    __slots__ = ("findings", "resource")

    def __init__(self, resource: Resource, findings: list[Finding]) -> None:
        self.resource = resource
        self.findings = findings


class CheckedFile:
    """One input of a run that keeps files (`CheckRequest.keep_files`, for `kcompat fix`): the input as
    loaded (LoadedInput.snapshot: the bytes as read; .text; .documents with positions; .findings of
    reading and parsing), each object with its own findings, and every finding of the file, in the
    order the checks reported them."""

    __slots__ = ("findings", "input", "objects")

    def __init__(self, input: LoadedInput, objects: list[CheckedObject] | None = None,
                 findings: list[Finding] | None = None) -> None:
        self.input = input
        self.objects: list[CheckedObject] = objects if objects is not None else []
        self.findings: list[Finding] = findings if findings is not None else []


class Extras(Record):
    """What a run keeps besides findings: the resources (graph, plan, report), the lifecycle
    findings of other versions (plan) and the checked files (fix), gathered in the same single pass
    over the inputs."""

    __slots__ = ("files", "lifecycle", "resources")

    def __init__(self, resources: list[Resource] | None = None, lifecycle: Sequence[CheckContext] = (),
                 files: list[CheckedFile] | None = None) -> None:
        self.resources: Final[list[Resource] | None] = resources
        self.lifecycle: Final[Sequence[CheckContext]] = lifecycle
        self.files: Final[list[CheckedFile] | None] = files
        """Each input checked, as a CheckedFile (engine.run.run_files, check_text)."""


def check_inputs(inputs: Iterable[LoadedInput | InputError], context: CheckContext,
                 ignore: frozenset[str] = frozenset(),
                 checks: Sequence[Check] = DEFAULT_CHECKS, extras: Extras | None = None) -> CheckResult:
    if context.schema is not None:
        # CRDs of every input must be known before the first custom resource is checked.
        from kcompat.engine.crds import with_crds_of

        inputs, context = with_crds_of(inputs, context)
    result = CheckResult(context.target, context.current)
    for loaded in inputs:
        if isinstance(loaded, InputError):
            result.input_errors.append(loaded)
            continue
        check_loaded(result, loaded, context, ignore, checks, extras)
    result.findings.sort(key=Finding.sort_key)
    for found in result.lifecycle_at.values():
        found.sort(key=Finding.sort_key)
    return result


def check_loaded(result: CheckResult, loaded: LoadedInput, context: CheckContext,
                 ignore: frozenset[str], checks: Sequence[Check], extras: Extras | None = None) -> None:
    """Check one loaded input into result (unsorted); kcompat.engine.jobs runs this in workers."""
    checked = None
    if extras is not None and extras.files is not None:
        checked = CheckedFile(loaded)
        extras.files.append(checked)
    first = len(result.findings)
    result.files += 1
    result.checked_files.append(loaded.path)
    result.documents += len(loaded.documents) + sum(f.rule == rules.PARSE_ERROR for f in loaded.findings)
    result.findings.extend(_suppress(f, None, ignore) for f in loaded.findings)
    result.input_errors.extend(_unknown_suppressions(loaded))
    extraction = extract(loaded.documents, partial=loaded.role == PARTIAL, filled=filled_fields(loaded.role))
    config_file = loaded.role == CONFIG
    if not config_file:
        result.not_objects += extraction.not_objects
    if context.list_documents:
        refs: dict[int, list[ObjectRef]] = {}
        for resource in extraction.resources:
            refs.setdefault(id(resource.document), []).append(resource.ref())
        result.checked_documents.extend((d.origin, tuple(refs.get(id(d), ()))) for d in loaded.documents)
    result.findings.extend(_suppress(f, None, ignore) for f in extraction.findings)
    for resource in extraction.resources:
        if is_config(resource, context):
            # a tool's configuration file, not an API object: only its format's lifecycle is checked
            config_file = True
            found = [_suppress(finding, resource, ignore) for finding in check_config(resource, context)] \
                if checks else []
            result.findings.extend(found)
            if checked is not None:
                checked.objects.append(CheckedObject(resource, found))
            continue
        result.objects += 1
        if is_custom(resource, context):
            result.custom_resources += 1
        found = []
        for check in checks:
            try:
                found.extend(check(resource, context))
            except Exception as error:  # a bug must not drop the file or hide its other findings
                found.append(internal_error(resource.origin_of(), f"{getattr(check, '__name__', 'a check')} "
                                            f"failed on this object: {describe_crash(error)}", resource.ref()))
        reported = [_suppress(finding, resource, ignore) for finding in _once_per_field(found)]
        result.findings.extend(reported)
        if extras is not None:
            _keep(result, resource, extras)
        if checked is not None:
            checked.objects.append(CheckedObject(resource, reported))
    if config_file:
        result.config_files += 1
    if checked is not None:
        checked.findings = result.findings[first:]


def _unknown_suppressions(loaded: LoadedInput) -> Iterator[InputError]:
    """A `# kcompat: ignore=RULE` comment naming no known rule is a usage error (exit 2): a typo there
    would otherwise silently suppress nothing, or be taken for a rule that exists."""
    for document in loaded.documents:
        for rule_id in sorted((document.ignored_rules or frozenset()) - rules.RULES.keys()):
            place = f"{document.origin.path}:{document.origin.line}" if document.origin.line else document.origin.path
            yield InputError(place, f"{rules.unknown_rule_message(rule_id)} "
                             "(in a `# kcompat: ignore=` comment of the document starting here)")


def _once_per_field(found: list[Finding]) -> list[Finding]:
    """A required field that both the schema and the built-in validation miss is reported once (by the
    schema rule, whose finding carries the schema version)."""
    if len(found) < 2:
        return found
    by_schema = {f.details.get("field") for f in found if f.rule == rules.SCHEMA}
    if not by_schema:
        return found
    return [f for f in found if not (f.rule == rules.REQUIRED_VALUE and f.details.get("field") in by_schema)]


def _keep(result: CheckResult, resource: Resource, extras: Extras) -> None:
    if extras.resources is not None:
        extras.resources.append(resource)
    for at in extras.lifecycle:
        found = result.lifecycle_at.setdefault(at.target, [])
        found.extend(_suppress(finding, resource, frozenset()) for finding in check_api(resource, at))


def internal_error(origin: Origin, what: str, ref: ObjectRef | None = None) -> Finding:
    """A finding for a crash inside kcompat: reported (and failing the run), never lost."""
    return Finding(INTERNAL_ERROR, Severity.ERROR, f"internal error, please report it: {what}; "
                   "the object was not fully checked", origin, ref)


def describe_crash(error: BaseException) -> str:
    """The exception type and the kcompat line that raised it (never its message: it may quote input)."""
    import traceback  # only after a crash

    frames = [frame for frame in traceback.extract_tb(error.__traceback__) if "kcompat" in frame.filename]
    place = f" at {os.path.basename(frames[-1].filename)}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__name__}{place}"


def _suppress(finding: Finding, resource: Resource | None, ignore: frozenset[str]) -> Finding:
    by_comment = resource is not None and resource.document.ignores(finding.rule)
    if finding.rule in ignore or by_comment:
        # reports tell a `# kcompat: ignore` comment ("comment") from --ignore ("flag")
        details = {**finding.details, "suppressedBy": "comment" if by_comment else "flag"}
        return finding._replace(suppressed=True, details=details)
    return finding
