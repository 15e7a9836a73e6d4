"""The check pipeline: inputs -> documents -> resources -> findings, as plain values."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from kcompat.checks.api_lifecycle import check_api, is_custom
from kcompat.checks.context import CheckContext
from kcompat.model import Finding
from kcompat.resources import Resource, extract
from kcompat.sources.discover import Missing, discover
from kcompat.sources.load import LoadedInput, load_input

Check = Callable[[Resource, CheckContext], Iterable[Finding]]

DEFAULT_CHECKS: tuple[Check, ...] = (check_api,)


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
    result = CheckResult(context)
    for loaded in inputs:
        if isinstance(loaded, InputError):
            result.input_errors.append(loaded)
            continue
        result.files += 1
        result.documents += len(loaded.documents) + sum(f.rule == "parse-error" for f in loaded.findings)
        result.findings.extend(_suppress(f, None, ignore) for f in loaded.findings)
        extraction = extract(loaded.documents)
        result.not_objects += extraction.not_objects
        result.findings.extend(_suppress(f, None, ignore) for f in extraction.findings)
        for resource in extraction.resources:
            result.objects += 1
            if is_custom(resource, context):
                result.custom_resources += 1
            for check in checks:
                for finding in check(resource, context):
                    result.findings.append(_suppress(finding, resource, ignore))
    result.findings.sort(key=Finding.sort_key)
    return result


def _suppress(finding: Finding, resource: Resource | None, ignore: frozenset[str]) -> Finding:
    by_comment = resource is not None and resource.document.ignores(finding.rule)
    if finding.rule in ignore or by_comment:
        return dataclasses.replace(finding, suppressed=True)
    return finding
