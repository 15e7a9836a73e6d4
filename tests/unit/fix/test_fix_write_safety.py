"""`kcompat fix --write` on awkward files: JSON stays JSON, links out of the tree are not
written through, owner/group/mode are kept, a concurrent edit is never lost, each line keeps
its own ending; `fix --check` does not pass files it could not read."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest

from conftest import CLI
from kcompat.fix import files

PDB = "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 1\n"
INGRESS = {"apiVersion": "extensions/v1beta1", "kind": "Ingress", "metadata": {"name": "web"},
           "spec": {"backend": {"serviceName": "web", "servicePort": 80}}}


@pytest.mark.parametrize("indent", [2, 4, "\t", None])
def test_json_manifests_are_written_as_json(tmp_path: Path, run_cli: CLI, indent: int | str | None) -> None:
    path = tmp_path / "ingress.json"
    path.write_text(json.dumps(INGRESS, indent=indent) + "\n")
    run = run_cli("fix", "-t", "1.29", "--write", str(path))
    assert run.code == 0, run.err
    text = path.read_text()
    data = json.loads(text)  # every key quoted, nothing YAML-only
    assert data["apiVersion"] == "networking.k8s.io/v1"
    assert data["spec"]["defaultBackend"] == {"service": {"name": "web", "port": {"number": 80}}}
    assert text.endswith("}\n")
    if indent is None:
        assert text.count("\n") == 1
    else:
        unit = indent if isinstance(indent, str) else " " * indent
        assert text == json.dumps(data, indent=unit) + "\n"


def test_a_json_list_keeps_its_layout(tmp_path: Path, run_cli: CLI) -> None:
    path = tmp_path / "list.json"
    items = {"apiVersion": "v1", "kind": "List", "items": [INGRESS, {"apiVersion": "v1", "kind": "ConfigMap",
                                                                       "metadata": {"name": "x"}}]}
    path.write_text(json.dumps(items, indent=3))
    assert run_cli("fix", "-t", "1.29", "--write", str(path)).code == 0
    text = path.read_text()
    assert json.loads(text)["items"][0]["apiVersion"] == "networking.k8s.io/v1"
    assert not text.endswith("\n") and re.search(r'^ {3}"items"', text, re.M)


def test_no_write_through_a_link_out_of_the_tree(tmp_path: Path, run_cli: CLI) -> None:
    tree, outside = tmp_path / "tree", tmp_path / "outside"
    tree.mkdir()
    outside.mkdir()
    (outside / "pdb.yaml").write_text(PDB)
    (tree / "real.yaml").write_text(PDB)
    (tree / "out.yaml").symlink_to(outside / "pdb.yaml")
    (tree / "in.yaml").symlink_to("real.yaml")
    run = run_cli("fix", "-t", "1.29", "--write", str(tree))
    assert run.code == 2
    assert (outside / "pdb.yaml").read_text() == PDB
    assert f"{tree / 'out.yaml'}: not written: a symbolic link to" in run.err and "outside the tree" in run.err
    assert "policy/v1\n" in (tree / "real.yaml").read_text()  # a link inside the tree is fine
    assert (tree / "in.yaml").is_symlink() and (tree / "out.yaml").is_symlink()


@pytest.mark.skipif(os.geteuid() != 0, reason="changing a file's owner needs root")
def test_owner_group_and_mode_are_kept(tmp_path: Path, run_cli: CLI) -> None:
    path = tmp_path / "pdb.yaml"
    path.write_text(PDB)
    os.chown(path, 12345, 23456)
    os.chmod(path, 0o640)
    assert run_cli("fix", "-t", "1.29", "--write", str(path)).code == 0
    info = path.stat()
    assert "policy/v1\n" in path.read_text()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (12345, 23456, 0o640)


def test_owner_that_cannot_be_kept_refuses_the_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      run_cli: CLI) -> None:
    path = tmp_path / "pdb.yaml"
    path.write_text(PDB)
    real_stat = os.stat

    def other_owner(target: object, *args: object, **kwargs: object) -> os.stat_result:
        info = real_stat(target, *args, **kwargs)  # type: ignore[arg-type]
        if str(target) == str(path):
            fields = list(info)
            fields[4], fields[5] = 4242, 4343  # st_uid, st_gid
            return os.stat_result(fields)
        return info

    def no_chown(*_args: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "stat", other_owner)
    monkeypatch.setattr(os, "fchown", no_chown)
    run = run_cli("fix", "-t", "1.29", "--write", str(path))
    monkeypatch.undo()
    assert run.code == 2 and "cannot keep its owner and group (4242:4343)" in run.err
    assert path.read_text() == PDB
    assert [p.name for p in tmp_path.iterdir()] == ["pdb.yaml"]  # no temporary file left


@pytest.mark.parametrize("keep_mtime", [False, True])
def test_an_edit_made_while_fix_runs_is_not_lost(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 run_cli: CLI, keep_mtime: bool) -> None:
    path = tmp_path / "pdb.yaml"
    path.write_text(PDB)
    edited = PDB.replace("minAvailable: 1", "minAvailable: 2")  # same size
    real_fix_file = files.fix_file

    def edit_after_reading(*args: object, **kwargs: object) -> object:
        result = real_fix_file(*args, **kwargs)  # type: ignore[arg-type]
        before = path.stat()
        path.write_text(edited)
        if keep_mtime:
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        return result

    monkeypatch.setattr(files, "fix_file", edit_after_reading)
    run = run_cli("fix", "-t", "1.29", "--write", str(path))
    assert run.code == 2 and "changed since kcompat read it" in run.err
    assert path.read_text() == edited
    assert [p.name for p in tmp_path.iterdir()] == ["pdb.yaml"]


ENDINGS = {
    "crlf": PDB.replace("\n", "\r\n"),
    "mixed": "apiVersion: policy/v1beta1\r\nkind: PodDisruptionBudget\nmetadata:\r\n  name: web\n"
             "spec:\r\n  minAvailable: 1\n",
    "cr-only": PDB.replace("\n", "\r"),
    "mixed-with-cr": "apiVersion: policy/v1beta1\rkind: PodDisruptionBudget\r\nmetadata:\n  name: web\r"
                     "spec:\r\n  minAvailable: 1",
}


@pytest.mark.parametrize("case", sorted(ENDINGS))
def test_each_line_keeps_its_own_ending(tmp_path: Path, run_cli: CLI, case: str) -> None:
    path = tmp_path / "pdb.yaml"
    path.write_bytes(ENDINGS[case].encode())
    run = run_cli("fix", "-t", "1.29", "--write", str(path))
    assert run.code == 0, run.err
    expected = ENDINGS[case].replace("policy/v1beta1", "policy/v1")
    assert path.read_bytes() == expected.encode()


def test_endings_of_added_lines_follow_their_neighbours(tmp_path: Path, run_cli: CLI) -> None:
    path = tmp_path / "ingress.yaml"
    text = ("apiVersion: extensions/v1beta1\r\nkind: Ingress\r\nmetadata:\r\n  name: web\r\nspec:\r\n"
            "  backend:\r\n    serviceName: web\r\n    servicePort: 80\r\n")
    path.write_bytes(text.encode())
    assert run_cli("fix", "-t", "1.29", "--write", str(path)).code == 0
    raw = path.read_bytes()
    assert b"networking.k8s.io/v1" in raw and raw.count(b"\n") == raw.count(b"\r\n") > 8


def test_check_fails_on_a_document_it_cannot_parse(tmp_path: Path, run_cli: CLI) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(PDB + "  bad: [unclosed\n")
    run = run_cli("fix", "-t", "1.29", "--check", str(path))
    assert run.code == 1, run.err
    assert f"{path}:" in run.err and "cannot parse" in run.err


@pytest.mark.parametrize(("name", "raw"), [
    ("latin1.yaml", PDB.replace("web", "w\xe9b").encode("latin-1")),
    ("binary.yaml", b"\x00\x01" + PDB.encode()),
])
def test_check_fails_on_a_file_it_cannot_decode(tmp_path: Path, run_cli: CLI, name: str, raw: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(raw)
    run = run_cli("fix", "-t", "1.29", "--check", str(path))
    assert run.code in (1, 2), run.err
    assert "not checked" in run.err


def test_check_still_passes_clean_files_and_non_utf8_without_apis(tmp_path: Path, run_cli: CLI) -> None:
    (tmp_path / "ok.yaml").write_text(PDB.replace("policy/v1beta1", "policy/v1"))
    (tmp_path / "utf16.yaml").write_bytes("\ufeffkind: ConfigMap\n".encode("utf-16"))
    assert run_cli("fix", "-t", "1.29", "--check", str(tmp_path)).code == 0


def test_yaml_flow_style_is_not_mistaken_for_json(tmp_path: Path, run_cli: CLI) -> None:
    path = tmp_path / "flow.yaml"
    path.write_text("{apiVersion: policy/v1beta1, kind: PodDisruptionBudget, metadata: {name: a}}\n")
    assert run_cli("fix", "-t", "1.29", "--write", str(path)).code == 0
    assert path.read_text() == "{apiVersion: policy/v1, kind: PodDisruptionBudget, metadata: {name: a}}\n"
