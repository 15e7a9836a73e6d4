"""Issue 10.2: objects generated from the bundled schemas validate cleanly, and fix leaves them alone."""

from __future__ import annotations

import base64
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kcompat.catalog.lifecycle import load_catalog
from kcompat.catalog.schema_store import default_store
from kcompat.checks.context import CheckContext
from kcompat.checks.schema_rules import check_schema
from kcompat.core.versions import KubeVersion
from kcompat.fix.files import fix_context
from kcompat.fix.rewrite import fix_text
from kcompat.schema.settings import SchemaSettings
from kcompat.sources.resources import extract
from kcompat.sources.yaml_stream import parse_stream

MINOR = 29
VERSION = KubeVersion.parse(f"1.{MINOR}")
KINDS = [("apps/v1", "Deployment"), ("v1", "Service"), ("v1", "ConfigMap"), ("v1", "Secret"),
         ("networking.k8s.io/v1", "Ingress"), ("batch/v1", "CronJob"), ("policy/v1", "PodDisruptionBudget"),
         ("autoscaling/v2", "HorizontalPodAutoscaler"), ("networking.k8s.io/v1", "NetworkPolicy"),
         ("rbac.authorization.k8s.io/v1", "ClusterRole")]
NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=10).map(lambda s: "a" + s)
MAX_DEPTH = 6


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        found = default_store().definition(MINOR, schema["$ref"])
        assert found is not None, schema["$ref"]
        schema = found
    return schema


def _scalar(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    if "enum" in schema:
        return st.sampled_from([v for v in schema["enum"] if v is not None] or [None])
    fmt, kind = schema.get("format"), schema.get("type")
    if schema.get("x-kubernetes-int-or-string"):
        return st.one_of(st.integers(0, 1000), NAME)
    if fmt == "quantity" or (fmt is None and kind is None):
        return st.sampled_from(["1", "500m", "1Gi", "2"])
    if fmt == "byte":
        return st.binary(max_size=20).map(lambda b: base64.b64encode(b).decode())
    if fmt == "date-time":
        return st.just("2024-01-02T03:04:05Z")
    if kind == "integer":
        return st.integers(0, 2**31 - 1 if fmt == "int32" else 2**40)
    if kind == "number":
        return st.floats(0, 1000, allow_nan=False)
    if kind == "boolean":
        return st.booleans()
    return NAME


@st.composite
def value_of(draw: st.DrawFn, schema: dict[str, Any], depth: int, name: str = "") -> Any:
    schema = _resolve(schema)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        obj: dict[str, Any] = {}
        properties: dict[str, Any] = schema.get("properties", {})
        required = set(schema.get("required", []))
        for key in sorted(properties):
            if key == "status" or (key in ("apiVersion", "kind") and depth == 0):
                continue
            optional_ok = depth < MAX_DEPTH and draw(st.integers(0, 5)) == 0
            if key in required or optional_ok:
                if depth >= MAX_DEPTH + 4:
                    return obj
                obj[key] = draw(value_of(properties[key], depth + 1, key))
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and not properties and depth < MAX_DEPTH:
            for key in draw(st.lists(NAME, max_size=2, unique=True)):
                obj[key] = draw(value_of(extra, depth + 1, key))
        return obj
    if kind == "array":
        if depth >= MAX_DEPTH:
            return []
        return draw(st.lists(value_of(schema.get("items", {}), depth + 1, name), max_size=2))
    return draw(_scalar(schema))


@st.composite
def objects(draw: st.DrawFn, api_version: str, kind: str) -> dict[str, Any]:
    root = default_store().kind_definition(MINOR, api_version, kind)
    assert root is not None
    obj = draw(value_of({"$ref": root}, 0))
    obj["apiVersion"], obj["kind"] = api_version, kind
    obj["metadata"] = {"name": draw(NAME), "namespace": "default"}
    return obj


CONTEXT = CheckContext(load_catalog(), VERSION, None, SchemaSettings(VERSION))
FIX_CONTEXT = fix_context(VERSION)


@pytest.mark.parametrize(("api_version", "kind"), KINDS, ids=[k for _, k in KINDS])
def test_generated_objects_validate_and_fix_leaves_them_alone(api_version: str, kind: str) -> None:
    @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(objects(api_version, kind))
    def prop(obj: dict[str, Any]) -> None:
        text = yaml.safe_dump(obj, sort_keys=False)
        documents = [d for d in parse_stream(text, "gen.yaml") if not hasattr(d, "message")]
        [resource] = extract(documents).resources  # type: ignore[arg-type]
        findings = [f for f in check_schema(resource, CONTEXT) if f.rule == "schema"]
        assert not findings, (findings[0].message, text)
        fixed = fix_text(text, "gen.yaml", FIX_CONTEXT)
        assert fixed.text == text and not fixed.changes

    prop()
