"""`# kcompat: ignore` counts only as a YAML comment, and only for the document or List item it
is written in."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CLI
from kcompat.sources.documents import Document
from kcompat.sources.resources import extract
from kcompat.sources.yaml_stream import parse_stream


def suppressed(run_cli: CLI, tmp_path: Path, text: str) -> dict[str, bool]:
    path = tmp_path / "m.yaml"
    path.write_text(text)
    run = run_cli("check", "-t", "1.29", "-o", "json", str(path))
    return {f["name"]: f["suppressed"] for f in run.json()["findings"] if f["rule"] == "removed-api"}



INSIDE_STRINGS = {
    "block scalar": ("apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: a}\nspec:\n  jobTemplate:\n"
                     "    spec:\n      template:\n        spec:\n          containers:\n          - name: c\n"
                     "            args:\n            - |\n              set -e\n"
                     "              # kcompat: ignore\n              run\n"),
    "double quoted": 'apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: a\n'
                     '  annotations: {note: "see # kcompat: ignore"}\n',
    "single quoted, two lines": "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: a\n"
                                "  annotations:\n    note: 'first line\n      # kcompat: ignore'\n",
    "folded": "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: a\n  annotations:\n"
              "    note: >\n      text\n      # kcompat: ignore=removed-api\n",
    "no space before #": "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: a#kcompat:ignore\n",
}


@pytest.mark.parametrize("case", sorted(INSIDE_STRINGS))
def test_text_inside_a_string_is_not_a_suppression(run_cli: CLI, tmp_path: Path, case: str) -> None:
    assert list(suppressed(run_cli, tmp_path, INSIDE_STRINGS[case]).values()) == [False]


def test_a_real_comment_after_a_block_scalar_still_counts(run_cli: CLI, tmp_path: Path) -> None:
    text = ("apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: a\n  annotations:\n"
            "    note: |\n      text\n# kcompat: ignore=removed-api\nspec: {}\n")
    assert suppressed(run_cli, tmp_path, text) == {"a": True}


def test_json_strings_never_suppress(run_cli: CLI, tmp_path: Path) -> None:
    text = ('{"apiVersion": "batch/v1beta1", "kind": "CronJob",\n\t"metadata": {"name": "a",'
            ' "annotations": {"x": "# kcompat: ignore"}}}\n')  # the tab makes it JSON-only
    assert suppressed(run_cli, tmp_path, text) == {"a": False}


LIST = """apiVersion: v1
kind: List
items:
- apiVersion: extensions/v1beta1 # kcompat: ignore=removed-api
  kind: Ingress
  metadata: {name: trailing}
# kcompat: ignore
- apiVersion: extensions/v1beta1
  kind: Ingress
  metadata: {name: above}
- apiVersion: extensions/v1beta1
  kind: Ingress
  metadata:
    name: plain
    annotations:
      script: |
        # kcompat: ignore
- apiVersion: v1
  kind: List
  items:
  - apiVersion: extensions/v1beta1
    kind: Ingress
    metadata: {name: nested-ignored}  # kcompat: ignore
  - apiVersion: extensions/v1beta1
    kind: Ingress
    metadata: {name: nested-plain}
"""


def test_a_comment_inside_a_list_item_covers_that_item_only(run_cli: CLI, tmp_path: Path) -> None:
    assert suppressed(run_cli, tmp_path, LIST) == {
        "trailing": True, "above": True, "plain": False, "nested-ignored": True, "nested-plain": False}


def test_a_comment_outside_the_items_covers_the_whole_list(run_cli: CLI, tmp_path: Path) -> None:
    text = "# kcompat: ignore=removed-api\n" + LIST
    assert set(suppressed(run_cli, tmp_path, text).values()) == {True}


def test_rules_of_document_and_item_combine() -> None:
    text = "# kcompat: ignore=deprecated-api\n" + LIST
    (document,) = [d for d in parse_stream(text, "m.yaml") if isinstance(d, Document)]
    by_name = {r.name: r.document for r in extract([document]).resources}
    assert by_name["trailing"].ignores("removed-api") and by_name["trailing"].ignores("deprecated-api")
    assert not by_name["plain"].ignores("removed-api") and by_name["plain"].ignores("deprecated-api")
    assert by_name["above"].ignores("schema")  # a bare ignore is every rule
    assert by_name["plain"] is document  # nothing item-specific: the document itself


def test_fix_follows_the_same_scopes(run_cli: CLI, tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text(LIST)
    run_cli("fix", "-t", "1.29", "--write", str(path))
    text = path.read_text()
    assert text.count("extensions/v1beta1") == 3  # trailing, above, nested-ignored left alone
    assert text.count("networking.k8s.io/v1") == 2
