"""The cheap depth/size walk of yaml_stream decides exactly as the exact alias-aware walk: whenever
it lets a document through, the exact walk finds nothing to refuse (limits made small here so that
random documents with anchors, aliases and recursion land on both sides)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kcompat.core import limits
from kcompat.sources import yaml_stream
from kcompat.sources.k8s_yaml import KubernetesLoader


@st.composite
def flow_documents(draw: st.DrawFn) -> str:
    anchors: list[str] = []

    def node(depth: int) -> str:
        choice = draw(st.integers(0, 5 if depth < 7 else 1))
        if choice == 1 and anchors:
            return f"*{draw(st.sampled_from(anchors))}"
        anchor = ""
        if draw(st.booleans()):
            anchor = f"&a{len(anchors)} "
            anchors.append(f"a{len(anchors)}")
        if choice <= 1:
            return anchor + "x"
        size = draw(st.integers(0, 4))
        if choice <= 3:
            return anchor + "[" + ", ".join(node(depth + 1) for _ in range(size)) + "]"
        return anchor + "{" + ", ".join(f"k{i}: {node(depth + 1)}" for i in range(size)) + "}"

    return node(0)


def _refusals(text: str) -> tuple[str | None, str | None]:
    loader = KubernetesLoader(text)
    try:
        root = loader.get_single_node()
    finally:
        loader.dispose()
    fast = yaml_stream._refusal_after_parse(root, text, True, text.count("[") + text.count("{"))
    original = yaml_stream._within_limits
    yaml_stream._within_limits = lambda node: False  # type: ignore[assignment]
    try:
        exact = yaml_stream._refusal_after_parse(root, text, True, text.count("[") + text.count("{"))
    finally:
        yaml_stream._within_limits = original
    return fast, exact


@settings(max_examples=400, deadline=None)
@given(flow_documents())
def test_cheap_walk_never_lets_through_what_the_exact_walk_refuses(text: str) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(limits, "MAX_DEPTH", 5)
        patch.setattr(limits, "MAX_EXPANDED_NODES", 30)
        fast, exact = _refusals(text)
    assert fast == exact


@pytest.mark.parametrize(("text", "refusal"), [
    ("&a [x, *a]", "recursive"),
    ("a: &a [x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b]", "expands"),
    ("[[[[[[[x]]]]]]]", "nests deeper"),
    ("&a {k: [y, z]}", None),
])
def test_written_cases(text: str, refusal: str | None) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(limits, "MAX_DEPTH", 5)
        patch.setattr(limits, "MAX_EXPANDED_NODES", 30)
        fast, exact = _refusals(text)
    assert fast == exact
    assert (fast is None) if refusal is None else (fast is not None and refusal in fast)
