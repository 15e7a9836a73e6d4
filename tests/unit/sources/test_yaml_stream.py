from __future__ import annotations

import pytest

from kcompat.core import limits
from kcompat.sources.documents import Document
from kcompat.sources.yaml_stream import ParseProblem, parse_stream


def docs(text: str) -> list[Document | ParseProblem]:
    return list(parse_stream(text, "f.yaml"))


def test_positions_are_file_lines_across_documents() -> None:
    text = "apiVersion: v1\nkind: A\n---\n# comment\n\nmetadata: {}\napiVersion: apps/v1\nkind: B\n"
    first, second = docs(text)
    assert isinstance(first, Document) and isinstance(second, Document)
    assert first.position(("apiVersion",)) == (1, 1)
    assert second.position(("apiVersion",)) == (7, 1)
    assert second.origin.document == 1


def test_nested_and_sequence_positions() -> None:
    text = "a: 1\nspec:\n  containers:\n  - name: x\n    ports:\n    - containerPort: 80\n"
    (doc,) = docs(text)
    assert isinstance(doc, Document)
    assert doc.position(("spec", "containers", 0, "ports", 0, "containerPort")) == (6, 7)
    # a missing field points at its deepest existing parent
    assert doc.position(("spec", "containers", 0, "image")) == (4, 5)


def test_broken_document_does_not_hide_the_others() -> None:
    text = "apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: \"B\n---\napiVersion: v1\nkind: C\n"
    items = docs(text)
    assert [type(i).__name__ for i in items] == ["Document", "ParseProblem", "Document"]
    problem = items[1]
    assert isinstance(problem, ParseProblem)
    assert problem.origin.line == 5
    assert "quoted scalar" in problem.message


def test_bad_indentation_reports_its_line() -> None:
    (problem,) = docs("apiVersion: v1\nkind: A\nmetadata:\n  name: x\n bad: 1\n")
    assert isinstance(problem, ParseProblem)
    assert problem.origin.line == 5


def test_empty_documents_and_comments_are_skipped() -> None:
    assert docs("---\n---\n# only a comment\n---\n") == []
    (doc,) = docs("---\n---\nkind: A\n...\n")
    assert isinstance(doc, Document)
    assert doc.origin.document == 0


def test_helm_source_comment_attaches_to_its_document() -> None:
    text = "---\n# Source: chart/templates/a.yaml\nkind: A\n---\n# Source: chart/templates/b.yaml\nkind: B\n"
    a, b = docs(text)
    assert isinstance(a, Document) and isinstance(b, Document)
    assert a.origin.template == "chart/templates/a.yaml"
    assert b.origin.template == "chart/templates/b.yaml"


def test_ignore_comment_is_per_document() -> None:
    text = "# kcompat: ignore=removed-api, deprecated-api\nkind: A\n---\nkind: B\n---\n# kcompat: ignore\nkind: C\n"
    a, b, c = docs(text)
    assert isinstance(a, Document) and isinstance(b, Document) and isinstance(c, Document)
    assert a.ignores("removed-api") and a.ignores("deprecated-api") and not a.ignores("schema")
    assert not b.ignores("removed-api")
    assert c.ignores("anything")


def test_timestamps_stay_strings() -> None:
    (doc,) = docs("metadata:\n  creationTimestamp: 2020-01-01T00:00:00Z\n")
    assert isinstance(doc, Document)
    assert doc.data["metadata"]["creationTimestamp"] == "2020-01-01T00:00:00Z"


def test_json_with_tabs_loads_without_positions_failing() -> None:
    (doc,) = docs('{\n\t"apiVersion": "v1",\n\t"kind": "A"\n}\n')
    assert isinstance(doc, Document)
    assert doc.data == {"apiVersion": "v1", "kind": "A"}


def test_invalid_json_gives_line_and_column() -> None:
    (problem,) = docs('{\n\t"apiVersion": "v1",\n\t"kind": "A",,\n}\n')
    assert isinstance(problem, ParseProblem)
    assert (problem.origin.line, problem.origin.column) == (3, 14)
    assert "JSON" in problem.message


def test_python_tags_are_refused() -> None:
    (problem,) = docs("kind: !!python/object/apply:os.system ['true']\n")
    assert isinstance(problem, ParseProblem)


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    (problem,) = docs("\n".join(lines) + "\n")
    assert isinstance(problem, ParseProblem)
    assert "aliases" in problem.message


def test_small_alias_use_is_fine() -> None:
    (doc,) = docs("a: &x {k: v}\nb: *x\n")
    assert isinstance(doc, Document)
    assert doc.data["b"] == {"k": "v"}


@pytest.mark.parametrize("depth", [limits.MAX_DEPTH + 1, 100_000])
def test_deep_flow_nesting_is_refused(depth: int) -> None:
    (problem,) = docs("[" * depth + "]" * depth)
    assert isinstance(problem, ParseProblem)
    assert "deeper" in problem.message


def test_deep_block_nesting_is_refused() -> None:
    depth = limits.MAX_DEPTH + 5
    text = "".join(" " * i + "a:\n" for i in range(depth)) + " " * depth + "b: 1\n"
    (problem,) = docs(text)
    assert isinstance(problem, ParseProblem)
    assert "deeper" in problem.message


def test_nesting_within_the_limit_is_accepted() -> None:
    depth = 50
    (doc,) = docs("[" * depth + "]" * depth)
    assert isinstance(doc, Document)


def test_directive_joins_its_document() -> None:
    (doc,) = docs("%YAML 1.1\n---\nkind: A\n")
    assert isinstance(doc, Document)
    assert doc.data == {"kind": "A"}
    assert doc.position(("kind",)) == (3, 1)


def test_recursive_alias_is_refused_not_looped() -> None:
    (problem,) = docs("data: &a [*a]\n")
    assert isinstance(problem, ParseProblem)
    assert "recursive" in problem.message


def test_compact_nested_sequences_count_towards_depth() -> None:
    depth = limits.MAX_DEPTH + 50
    (problem,) = docs("k:\n  " + "- " * depth + "x\n")
    assert isinstance(problem, ParseProblem)
    assert "deeper" in problem.message


def test_compact_nesting_that_could_crash_the_parser_is_refused_before_parsing() -> None:
    (problem,) = docs("k:\n  " + "- " * 60_000 + "x\n")
    assert isinstance(problem, ParseProblem)
    assert "deeper" in problem.message


def test_indented_compact_nesting_within_the_limit_is_accepted() -> None:
    (doc,) = docs("k:\n  " + "- " * 40 + "x\n")
    assert isinstance(doc, Document)
