"""Property: edits outside the migrated fields survive a fix untouched."""

from __future__ import annotations

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kcompat.core.versions import KubeVersion
from kcompat.fix.files import fix_context
from kcompat.fix.rewrite import fix_text, split_spans

CONTEXT = fix_context(KubeVersion.parse("1.29"))
WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)
VALUES = st.one_of(WORDS, st.integers(-1000, 1000), st.booleans(),
                   st.text(alphabet="abc xyz:#-'\"", min_size=0, max_size=10))


def _scalar(value: object) -> str:
    return yaml.safe_dump(value, default_flow_style=True, width=1000).strip().removesuffix("\n...").strip()


def _document(labels: dict[str, object], comment: str, old: bool) -> str:
    label_text = "".join(f"    l-{key}: {_scalar(value)}\n" for key, value in labels.items()) or "    a: b\n"
    api = "policy/v1beta1" if old else "policy/v1"
    return (f"# {comment}\napiVersion: {api}\nkind: PodDisruptionBudget\nmetadata:\n  name: p\n"
            f"  labels:\n{label_text}spec:\n  maxUnavailable: 1   # {comment}\n"
            "  selector:\n    matchLabels: {app: web}\n")


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(WORDS, VALUES, max_size=5), st.dictionaries(WORDS, VALUES, max_size=5), WORDS, WORDS)
def test_edits_outside_migrated_fields_survive(untouched: dict[str, object], touched: dict[str, object],
                                               comment: str, other: str) -> None:
    first = _document(untouched, other, old=False)
    second = _document(touched, comment, old=True)
    text = first + "---\n" + second
    try:
        list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        return
    result = fix_text(text, "p.yaml", CONTEXT)
    spans = split_spans(result.text)
    assert result.text[spans[0].start:spans[0].end] == first  # untouched document: same bytes
    fixed = result.text[spans[1].start:]
    assert fixed == "---\n" + second.replace("apiVersion: policy/v1beta1", "apiVersion: policy/v1")
    before = next(iter(yaml.safe_load_all(second)))
    after = next(iter(yaml.safe_load_all(fixed)))
    before["apiVersion"] = "policy/v1"
    assert after == before
