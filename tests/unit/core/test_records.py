"""core.records: the value classes of the check path behave as the dataclasses they replaced."""

from __future__ import annotations

import pickle

import pytest

from kcompat.core.errors import InputError
from kcompat.core.model import Finding, ObjectRef, Origin, Severity
from kcompat.core.versions import Hop, KubeVersion


def test_equal_by_value_and_type() -> None:
    assert Origin("a.yaml", 0, 3, 1) == Origin("a.yaml", 0, 3, 1)
    assert Origin("a.yaml", 0, 3, 1) != Origin("a.yaml", 0, 3, 2)
    assert InputError("a", "b") != ObjectRef("a", "b")  # same values, other type
    assert Origin("a.yaml") != ("a.yaml", None, None, None, None)  # not a tuple


def test_hash_follows_equality() -> None:
    assert len({KubeVersion(1, 29), KubeVersion(1, 29), KubeVersion(1, 30)}) == 2
    assert {Origin("a"): 1}[Origin("a")] == 1


def test_a_finding_with_details_is_not_hashable_but_comparable() -> None:
    finding = Finding("removed-api", Severity.ERROR, "m", Origin("a"), details={"x": 1})
    assert finding == Finding("removed-api", Severity.ERROR, "m", Origin("a"), details={"x": 1})
    with pytest.raises(TypeError):
        hash(finding)


def test_default_details_are_not_shared() -> None:
    first = Finding("r", Severity.INFO, "m", Origin("a"))
    second = Finding("r", Severity.INFO, "m", Origin("b"))
    assert first.details == {} and first.details is not second.details


def test_replace_copies_and_refuses_unknown_fields() -> None:
    origin = Origin("a.yaml", 0, 3, 1)
    moved = origin._replace(line=9)
    assert (moved.path, moved.line, origin.line) == ("a.yaml", 9, 3)
    with pytest.raises(TypeError, match="no field 'lines'"):
        origin._replace(lines=9)


def test_repr_names_the_fields() -> None:
    assert repr(KubeVersion(1, 29)) == "KubeVersion(major=1, minor=29)"
    assert "path='a.yaml'" in repr(Origin("a.yaml"))


def test_versions_and_hops_order_as_their_numbers() -> None:
    versions = [KubeVersion.parse(text) for text in ("1.30", "1.9", "2.0", "1.29")]
    assert [str(v) for v in sorted(versions)] == ["1.9", "1.29", "1.30", "2.0"]
    assert KubeVersion(1, 9) < KubeVersion(1, 10) <= KubeVersion(1, 10) < KubeVersion(2, 0)
    assert Hop.into(25) < Hop.into(26) and max(Hop.into(25), Hop.into(24)) == Hop.into(25)


def test_pickled_for_worker_processes() -> None:
    finding = Finding("removed-api", Severity.ERROR, "m", Origin("a", 0, 1, 1), ObjectRef("v1", "Pod", "p"),
                      hop=Hop.into(25), details={"k": [1, 2]})
    assert pickle.loads(pickle.dumps(finding)) == finding
