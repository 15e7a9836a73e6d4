"""Unknown rule ids in --ignore or a suppression comment are usage errors (exit 2), never silent."""

from __future__ import annotations

from pathlib import Path

from conftest import CLI, FIXTURES

PDB = """apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata: {name: web}
spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
"""


def test_unknown_ignore_id_exits_2_naming_the_closest(run_cli: CLI) -> None:
    result = run_cli("check", "--ignore", "removed-apis", str(FIXTURES / "demo"))
    assert result.code == 2
    assert "unknown rule 'removed-apis'; did you mean removed-api" in result.err
    assert result.out == ""


def test_known_ignore_ids_comma_separated_are_accepted(run_cli: CLI) -> None:
    result = run_cli("check", "-t", "1.29", "--ignore", "removed-api,no-schema", "-o", "json", str(FIXTURES / "demo"))
    assert result.code in (0, 1)
    assert all(f["suppressed"] for f in result.json()["findings"] if f["rule"] == "removed-api")


def test_unknown_id_in_a_suppression_comment_exits_2_with_file_and_line(run_cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "pdb.yaml"
    path.write_text("---\n# kcompat: ignore=removed-apj\n" + PDB)
    result = run_cli("check", "-t", "1.29", "-o", "json", str(path))
    assert result.code == 2
    assert f"{path}:3: unknown rule 'removed-apj'; did you mean removed-api" in result.err
    # the file is still checked and reported
    assert [f["rule"] for f in result.json()["findings"]] == ["removed-api"]


def test_a_known_id_in_a_suppression_comment_suppresses(run_cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "pdb.yaml"
    path.write_text("# kcompat: ignore=removed-api\n" + PDB)
    result = run_cli("check", "-t", "1.29", "-o", "json", str(path))
    assert result.code == 0
    [finding] = result.json()["findings"]
    assert finding["suppressed"] is True


def test_single_valued_options_refuse_a_second_value(run_cli: CLI) -> None:
    result = run_cli("check", "-t", "1.29", "-t", "1.30", str(FIXTURES / "demo"))
    assert result.code == 2
    assert "-t can be given only once" in result.err
