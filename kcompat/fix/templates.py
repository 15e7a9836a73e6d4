"""Helm templates: never parsed as YAML; literal apiVersion lines can be rewritten one by one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kcompat.catalog.fix_routes import route
from kcompat.checks.context import CheckContext
from kcompat.core.rules import PARSE_ERROR
from kcompat.fix.rewrite import Change, Problem, split_spans
from kcompat.sources.discover import in_chart_templates
from kcompat.sources.load import LoadedInput

_API_LINE = re.compile(r"^apiVersion:[ \t]*(['\"]?)([A-Za-z0-9.\-/]+)\1([ \t]*(?:#[^\r\n]*)?)(\r?)$", re.MULTILINE)
_KIND_LINE = re.compile(r"^kind:[ \t]*(['\"]?)([A-Za-z0-9]+)\1[ \t]*(?:#[^\r\n]*)?\r?$", re.MULTILINE)
_ANY_KIND = re.compile(r"^kind:", re.MULTILINE)


def is_template(loaded: LoadedInput) -> bool:
    """A Helm template: text with `{{` that the engine did not parse (a file under a chart's
    templates/), that lies under a chart's templates/ folder, or that did not parse as YAML."""
    text = loaded.text
    if text is None or "{{" not in text:
        return False
    if not loaded.parsed or in_chart_templates(loaded.path):
        return True
    return any(finding.rule == PARSE_ERROR for finding in loaded.findings)


@dataclass
class TemplateFix:
    text: str
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def fix_template(text: str, context: CheckContext, rewrite: bool) -> TemplateFix:
    """Rewrite (when rewrite) literal top-level apiVersion lines whose migration changes nothing else."""
    result = TemplateFix(text)
    pieces: list[str] = []
    for span in split_spans(text):
        chunk = text[span.start:span.end]
        pieces.append(_chunk(chunk, span.first_line, context, rewrite, result))
    result.text = "".join(pieces)
    return result


def _chunk(chunk: str, first_line: int, context: CheckContext, rewrite: bool, result: TemplateFix) -> str:
    kinds = {m.group(2) for m in _KIND_LINE.finditer(chunk)}
    kind = next(iter(kinds)) if len(kinds) == 1 and len(_ANY_KIND.findall(chunk)) == len(
        _KIND_LINE.findall(chunk)) else None
    out: list[str] = []
    last = 0
    for match in _API_LINE.finditer(chunk):
        api_version = match.group(2)
        line = first_line + chunk.count("\n", 0, match.start()) + 1
        api = context.catalog.lookup(api_version, kind) if kind else None
        if kind is None:
            if any(context.catalog.lookup(api_version, k) for k in context.catalog.kinds_of(api_version)) and \
                    _old(api_version, context):
                result.problems.append(Problem(line, f"apiVersion {api_version} with a templated or ambiguous kind; "
                                               "fix by hand"))
            continue
        if api is None or (api.served_in(context.target) and not api.deprecated_at(context.target)):
            continue
        found = route(api_version, kind, context.target)
        if found is None:
            result.problems.append(Problem(line, f"{api_version} {kind} has no replacement served in "
                                           f"{context.target}; fix by hand"))
        elif not found.apiversion_only:
            result.problems.append(Problem(line, f"{api_version} {kind} -> {found.api_version} needs field changes "
                                           f"({found.migration} migration); fix the template by hand"))
        elif not rewrite:
            result.problems.append(Problem(line, f"{api_version} {kind} -> {found.api_version}: a literal apiVersion "
                                           "line; --templates rewrites it"))
        else:
            quote = match.group(1)
            out.append(chunk[last: match.start()])
            out.append(f"apiVersion: {quote}{found.api_version}{quote}{match.group(3)}{match.group(4)}")
            last = match.end()
            result.changes.append(Change(line, kind, None, api_version, found.api_version))
    out.append(chunk[last:])
    return "".join(out)


def _old(api_version: str, context: CheckContext) -> bool:
    return any(not api.served_in(context.target) or api.deprecated_at(context.target)
               for kind in context.catalog.kinds_of(api_version)
               if (api := context.catalog.lookup(api_version, kind)) is not None)
