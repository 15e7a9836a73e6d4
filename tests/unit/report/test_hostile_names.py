"""Every check output format, fed the shared hostile names in every field a finding carries.

The CLI path (every command, real files with hostile names) is tests/acceptance/test_hostile_output.py;
this one reaches the fields the engine rarely fills (templates, replacements, input errors).
"""

from __future__ import annotations

import io
import json

import pytest
from helpers.hostile_names import (
    HOSTILE,
    assert_csv,
    assert_json_keeps,
    assert_markdown,
    assert_plain,
    assert_xml,
)

from kcompat.core import escape
from kcompat.core.errors import InputError
from kcompat.core.model import Finding, ObjectRef, Origin, Severity
from kcompat.core.result import CheckResult
from kcompat.core.versions import KubeVersion
from kcompat.report.formats import writer_for


def _result() -> CheckResult:
    findings = []
    for index, name in enumerate(HOSTILE):
        findings.append(Finding(
            rule="removed-api", severity=(Severity.ERROR, Severity.WARNING, Severity.INFO)[index % 3],
            message=f'policy/v1beta1 PodDisruptionBudget "{name}" was removed in 1.25',
            origin=Origin(name, document=index % 2, line=index + 1, column=1, template=name),
            obj=ObjectRef("policy/v1beta1", "PodDisruptionBudget", name, namespace=name),
            replacement=name, suppressed=index == 5))
    return CheckResult(target=KubeVersion(1, 25), findings=sorted(findings, key=lambda f: f.sort_key()),
                       input_errors=[InputError(name, f"cannot read {name}") for name in HOSTILE[:4]],
                       files=len(HOSTILE), documents=len(HOSTILE), objects=len(HOSTILE),
                       checked_files=list(HOSTILE))


def _write(fmt: str, result: CheckResult) -> str:
    stream = io.StringIO()
    writer_for(fmt)(result, stream)
    return stream.getvalue()


def test_text_prints_no_control_and_no_workflow_command() -> None:
    assert_plain(_write("text", _result()))


def test_github_prints_exactly_one_annotation_per_finding_and_input_error() -> None:
    result = _result()
    expected = sum(not f.suppressed for f in result.findings) + len(result.input_errors)
    assert_plain(_write("github", result), annotations=expected)


def test_markdown_injects_no_syntax() -> None:
    assert_markdown(_write("markdown", _result()))


def test_csv_cells_never_start_a_formula_and_keep_the_value_after_the_quote() -> None:
    rows = assert_csv(_write("csv", _result()))
    names = {row[rows[0].index("name")] for row in rows[1:]}
    expected = {("'" + n if n.startswith(("=", "+", "-", "@", "\t", "\r")) else n) for n in HOSTILE}
    assert names == expected


def test_junit_is_well_formed_xml() -> None:
    root = assert_xml(_write("junit", _result()))
    assert int(root.get("tests", "0")) > 0


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_and_sarif_keep_the_real_names(fmt: str) -> None:
    data = assert_json_keeps(_write(fmt, _result()), HOSTILE)
    if fmt == "json":
        assert [f["name"] for f in data["findings"]] == [f.obj.name for f in _result().findings if f.obj]


# --- the escaping functions themselves ----------------------------------------------------------

def test_printable_shows_controls_and_bidi_escaped() -> None:
    assert escape.printable("a\nb\rc\td\x1b[31m\x7f\x85\u202e") == "a\\nb\\rc\\td\\x1b[31m\\x7f\\x85\\u202e"
    assert escape.printable("a\\n", backslash=True) != escape.printable("a\n", backslash=True)


def test_text_line_neutralises_workflow_commands() -> None:
    assert escape.text_line("  ::error file=x::y") == "  \\x3a:error file=x::y"
    assert escape.text_line("##[error]y") == "\\x23#[error]y"
    assert escape.text_line("a ::error") == "a ::error"


def test_github_escaping_matches_the_runner() -> None:
    assert escape.github_data("50%\r\n:,") == "50%25%0D%0A:,"
    assert escape.github_property("50%\r\n:,") == "50%25%0D%0A%3A%2C"


def test_markdown_code_span_fence_outgrows_backtick_runs() -> None:
    assert escape.md_code("a ``` b") == "````a ``` b````"
    assert escape.md_code("`x`") == "`` `x` ``"
    assert escape.md_fence("```\nx", "diff") == ["````diff", "```", "x", "````"]
    assert escape.md_text("# <!-- ![i](u) |") == "\\# \\<\\!-- \\!\\[i\\](u) \\|"


def test_mermaid_dot_csv_xml() -> None:
    assert escape.mermaid_label('a"]#;`%') == "a#quot;#93;#35;#59;#96;#37;"
    assert escape.dot_string('a"\\\nb') == '"a\\"\\\\\\\\nb"'
    assert escape.csv_cell("=1") == "'=1" and escape.csv_cell("a=1") == "a=1"
    assert escape.xml_chars("a\x00\x1bb\tc") == "a\ufffd\ufffdb\tc"
    assert json.loads(json.dumps(escape.html_text("<a\x00>"))) == "&lt;a\ufffd&gt;"


def test_diff_text_keeps_tabs_and_crlf_but_not_commands_or_escapes() -> None:
    assert escape.diff_text(" a\r\n ::error::x\n+\tb\x1b\r") == " a\r\n \\x3a:error::x\n+\tb\\x1b\\r"
