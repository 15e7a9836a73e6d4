"""The child process that renders a chart with the in-process Helm SDK (kcompat internal).

`kcompat.sources.helm_render` starts `python -m kcompat.sources.helm_child` under the bounds of
`kcompat.sources.bounded` (time, address space, output), writes one JSON request on stdin and
reads back one JSON header line followed by the rendered stream. A template that loops forever
or allocates without end then costs a killed child, not the kcompat process.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from typing import Any

_DOCUMENT_START = re.compile(r"^---(?=[ \t\r\n]|$)", re.MULTILINE)
_CONTENT = re.compile(r"^[ \t]*[^\s#]", re.MULTILINE)


def merge_values(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Helm's merge of values files: maps merge recursively, anything else is replaced."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge_values(result[key], value)
        else:
            result[key] = value
    return result


def helm_template_documents(parts: list[tuple[str, str]]) -> Iterator[str]:
    """Format rendered templates like `helm template`: one `# Source:` header per document."""
    for source, text in parts:
        base = source.rsplit("/", 1)[-1]
        if base.startswith("_") or base == "NOTES.txt":
            continue
        starts = [0] + [m.start() for m in _DOCUMENT_START.finditer(text) if m.start() > 0]
        for index, start in enumerate(starts):
            end = starts[index + 1] if index + 1 < len(starts) else len(text)
            body = text[start:end]
            if body.startswith("---"):
                body = body.split("\n", 1)[1] if "\n" in body else ""
            if not _CONTENT.search(body):
                continue
            yield f"---\n# Source: {source}\n{body.strip(chr(10))}\n"


def missing_dependencies(metadata: Any, loaded: Any) -> list[str]:
    """The dependencies the chart declares (Chart.yaml, or requirements.yaml of an apiVersion v1 chart,
    which Helm's loader merges into the metadata) that are not among the charts loaded from charts/.

    Helm's action.CheckDependencies, which `helm template` and `helm install` run before rendering:
    a dependency matches a vendored chart by its `name` (not its alias, not its version), and
    every declared dependency counts, also one a `condition` or `tags` would disable."""
    declared = metadata.get("dependencies") if isinstance(metadata, dict) else None
    present = {str(chart.get("name")) for chart in loaded or () if isinstance(chart, dict)}
    missing: list[str] = []
    for dependency in declared or ():
        name = str(dependency.get("name", "")) if isinstance(dependency, dict) else ""
        if name not in present and name not in missing:
            missing.append(name)
    return missing


def render(request: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """(header, stream): header has `error` and `where` ("release", "set", "chart", "render",
    "output") on failure, `name` on success."""
    import helm_python as helm
    from helm_python import _native

    values: dict[str, Any] = request["values"]
    try:
        helm.validate_release_name(request["release_name"])
    except helm.HelmError as error:
        return {"error": str(error), "where": "release"}, ""
    for expression in request["set_values"]:
        try:
            values = merge_values(values, helm.parse_set_string(expression))
        except helm.HelmError as error:
            return {"error": str(error), "where": "set", "expression": expression}, ""
    try:
        chart = helm.Chart.load(request["chart"])
    except helm.HelmError as error:
        return {"error": str(error), "where": "chart"}, ""
    with chart:
        missing = missing_dependencies(chart.metadata, chart.dependencies)
        if missing:
            return {"error": "found in Chart.yaml, but missing in charts/ directory: " + ", ".join(missing),
                    "where": "dependencies", "missing": missing}, ""
        try:
            # Chart.render() does not expose kube_version/api_versions; the C ABI accepts them.
            output = _native.call_string("helm_render", chart._raw(), json.dumps(values),
                                         json.dumps(request["options"]))
            if len(output) > request["max_output"]:
                return {"error": "output", "where": "output"}, ""
            manifests: dict[str, str] = json.loads(output)
            del output
            crds = chart.crds
            name = chart.name
        except helm.HelmError as error:
            return {"error": str(error), "where": "render"}, ""
    parts: list[tuple[str, str]] = [(crd["filename"], crd["data"]) for crd in crds
                                    if request.get("include_crds", True)]
    parts += sorted(manifests.items())
    stream = "".join(helm_template_documents(parts))
    if len(stream) > request["max_output"]:
        return {"error": "output", "where": "output"}, ""
    return {"name": name}, stream


def main() -> int:
    request = json.loads(sys.stdin.buffer.read())
    header, stream = render(request)
    out = sys.stdout.buffer
    out.write(json.dumps(header).encode() + b"\n")
    out.write(stream.encode("utf-8", errors="surrogateescape"))
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
