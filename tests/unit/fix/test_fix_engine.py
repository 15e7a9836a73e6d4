"""`kcompat fix` goes through the one engine: one run discovers, reads and parses each file once, the
engine's per-object findings decide what is migrated, and --write replaces only the bytes the engine
read (issue #13)."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from conftest import CLI
from kcompat.core.versions import KubeVersion
from kcompat.engine import run as engine_run
from kcompat.engine.pipeline import CheckedFile, CheckedObject
from kcompat.fix.files import fix_context
from kcompat.fix.rewrite import FIX_CHECKS, fix_checked
from kcompat.sources import load, reading
from kcompat.sources.load import LoadedInput

TARGET = KubeVersion.parse("1.29")
PDB = "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 1\n"
CONFIG = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n"


def _checked(text: str) -> CheckedFile:
    return engine_run.check_text(text, "x.yaml", fix_context(TARGET), FIX_CHECKS)


def test_the_engines_findings_decide_what_is_migrated() -> None:
    context = fix_context(TARGET)
    checked = _checked(CONFIG + "---\n" + PDB)
    assert [f.rule for o in checked.objects for f in o.findings] == ["removed-api"]
    fixed = fix_checked(checked, context)
    assert [(c.kind, c.new) for c in fixed.changes] == [("PodDisruptionBudget", "policy/v1")]

    # the same documents without the engine's finding: fix does not decide for itself
    quiet = CheckedFile(checked.input, [CheckedObject(o.resource, []) for o in checked.objects])
    assert fix_checked(quiet, context).text == CONFIG + "---\n" + PDB

    # a finding the engine marked suppressed is not fixed either
    suppressed = CheckedFile(checked.input, [
        CheckedObject(o.resource, [f._replace(suppressed=True) for f in o.findings]) for o in checked.objects])
    assert not fix_checked(suppressed, context).changes


def test_positions_and_data_come_from_the_engines_documents() -> None:
    checked = _checked(CONFIG + "---\n" + PDB)
    # the rewrite reads the engine's parsed data: a value changed there is what gets written
    pdb = checked.objects[1].resource
    document = pdb.document
    data = {**document.data, "metadata": {"name": "from-the-engine"}}
    changed = document._replace(data=data)
    objects = [checked.objects[0], CheckedObject(pdb._replace(document=changed, obj=data),
                                                 checked.objects[1].findings)]
    loaded = checked.input
    documents = [loaded.documents[0], changed]
    fake = CheckedFile(LoadedInput(loaded.path, documents, loaded.findings, loaded.unreadable, loaded.role,
                                   loaded.snapshot, loaded.text, loaded.undecodable, loaded.parsed), objects)
    fixed = fix_checked(fake, fix_context(TARGET))
    # the migration starts from the engine's data (renamed), which the text does not hold: the
    # round trip cannot load to it, so the document is refused at the engine's line of its apiVersion
    assert not fixed.changed
    (problem,) = fixed.problems
    assert problem.line == 8
    assert "from-the-engine" in problem.message and "would not load to the expected data" in problem.message


def test_one_discovery_one_read_one_parse_per_file(tmp_path: Path, run_cli: CLI,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pdb.yaml").write_text(PDB)
    (tmp_path / "config.yaml").write_text(CONFIG)
    opened: Counter[str] = Counter()
    parsed: Counter[str] = Counter()
    runs: list[Any] = []
    real_open, real_parse, real_run = reading.open_input, load.parse_stream, engine_run.run_files

    def counting_open(path: str, **kwargs: Any) -> Any:
        opened[os.path.basename(path)] += 1
        return real_open(path, **kwargs)

    def counting_parse(text: str, path: str) -> Any:
        parsed[os.path.basename(path)] += 1
        return real_parse(text, path)

    def counting_run(*args: Any, **kwargs: Any) -> Any:
        runs.append(args)
        return real_run(*args, **kwargs)

    monkeypatch.setattr(reading, "open_input", counting_open)
    monkeypatch.setattr(load, "parse_stream", counting_parse)
    monkeypatch.setattr(engine_run, "run_files", counting_run)
    run = run_cli("fix", "-t", "1.29", str(tmp_path))
    assert run.code == 0, run.err
    assert "+apiVersion: policy/v1" in run.out
    assert len(runs) == 1
    assert opened == {"pdb.yaml": 1, "config.yaml": 1}
    # each file parsed once by the engine; the rewritten PDB document once more, to verify it
    assert parsed == {"config.yaml": 1, "pdb.yaml": 2}


@pytest.mark.parametrize("keep_mtime", [False, True])
def test_a_file_changed_after_the_engine_read_it_is_not_overwritten(tmp_path: Path, run_cli: CLI,
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    keep_mtime: bool) -> None:
    path = tmp_path / "pdb.yaml"
    path.write_text(PDB)
    edited = PDB.replace("minAvailable: 1", "minAvailable: 2")  # same size
    real = load.load_snapshot

    def edit_after_the_read(name: str, snapshot: reading.Snapshot, role: str | None = None) -> load.LoadedInput:
        loaded = real(name, snapshot, role)  # the engine parsed the bytes it read
        before = path.stat()
        path.write_text(edited)
        if keep_mtime:
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        return loaded

    monkeypatch.setattr(load, "load_snapshot", edit_after_the_read)
    monkeypatch.setattr(engine_run, "load_snapshot", edit_after_the_read)
    run = run_cli("fix", "-t", "1.29", "--write", str(path))
    assert run.code == 2 and "changed since kcompat read it" in run.err
    assert path.read_text() == edited
    assert [p.name for p in tmp_path.iterdir()] == ["pdb.yaml"]


def test_the_snapshot_is_of_the_bytes_the_findings_came_from(tmp_path: Path) -> None:
    path = tmp_path / "pdb.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + PDB.replace("\n", "\r\n").encode())
    request = engine_run.CheckRequest((str(tmp_path),), TARGET, keep_files=True, list_documents=False)
    run = engine_run.run_files(request, FIX_CHECKS)
    (checked,) = list(run.files)
    assert isinstance(checked, CheckedFile)
    assert checked.input.snapshot is not None and checked.input.snapshot.raw == path.read_bytes()
    assert checked.input.text == PDB.replace("\n", "\r\n")
    assert [f.rule for f in checked.findings] == ["removed-api"]
    assert run.result.files == 1 and [f.rule for f in run.result.findings] == ["removed-api"]


def test_templates_are_kept_as_text_and_static_chart_files_are_checked(tmp_path: Path) -> None:
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: chart\nversion: 1.0.0\n")
    (chart / "templates/pdb.yaml").write_text(PDB.replace("name: web", "name: {{ .Release.Name }}"))
    (chart / "templates/static.yaml").write_text(PDB)
    request = engine_run.CheckRequest((str(chart),), TARGET, keep_files=True, list_documents=False)
    run = engine_run.run_files(request, FIX_CHECKS)
    by_name = {os.path.basename(item.input.path): item for item in run.files if isinstance(item, CheckedFile)}
    assert sorted(by_name) == ["Chart.yaml", "pdb.yaml", "static.yaml"]
    template = by_name["pdb.yaml"].input
    assert not template.parsed and not template.documents and not template.findings
    assert template.text is not None and "{{ .Release.Name }}" in template.text
    assert [f.rule for f in by_name["static.yaml"].findings] == ["removed-api"]
    assert not run.result.findings or all(f.rule != "chart-not-rendered" for f in run.result.findings)


CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer}
"""
WIDGET = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: big\n"


def test_kept_files_with_all_checks_gather_crds_first(tmp_path: Path) -> None:
    """A custom resource that precedes its CRD is validated against it, as `kcompat check` does; each
    file is still read once (the CRD file's snapshot is the one its findings came from)."""
    (tmp_path / "a-widget.yaml").write_text(WIDGET)
    (tmp_path / "b-crd.yaml").write_text(CRD)
    request = engine_run.CheckRequest((str(tmp_path),), TARGET, keep_files=True, list_documents=False)
    run = engine_run.run_files(request)
    widget, crd = list(run.files)
    assert isinstance(widget, CheckedFile) and isinstance(crd, CheckedFile)
    assert [f.rule for f in widget.findings] == ["schema"] and "size" in widget.findings[0].message
    assert crd.input.snapshot is not None and crd.input.snapshot.raw == CRD.encode()
    assert run.result.files == 2
