"""Advice of the lifecycle rules names versions a default cluster serves, in plain English."""

from __future__ import annotations

from kcompat.catalog.lifecycle import load_catalog
from kcompat.checks.api_lifecycle import check_api
from kcompat.checks.context import CheckContext
from kcompat.core.model import Origin
from kcompat.core.versions import KubeVersion
from kcompat.sources.documents import Document
from kcompat.sources.resources import Resource


def findings(api_version: str, kind: str, minor: int) -> list[tuple[str, str, str | None]]:
    obj = {"apiVersion": api_version, "kind": kind, "metadata": {"name": "x"}}
    resource = Resource(api_version, kind, obj, Document(Origin("x.yaml", 0), obj, None))
    context = CheckContext(load_catalog(), KubeVersion.of_minor(minor))
    return [(f.rule, f.message, f.replacement) for f in check_api(resource, context)]


def test_not_yet_served_never_suggests_an_off_by_default_version() -> None:
    catalog = load_catalog()
    beta = catalog.lookup("admissionregistration.k8s.io/v1beta1", "ValidatingAdmissionPolicy")
    assert beta is not None and beta.off_by_default and beta.served_in(KubeVersion.of_minor(29))
    [(rule, message, replacement)] = findings("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy", 29)
    assert rule == "not-yet-served"
    assert "use admissionregistration.k8s.io/v1beta1" not in message
    assert "no version of ValidatingAdmissionPolicy is served by default at 1.29" in message
    assert "upgrade to 1.30 first" in message
    assert replacement is None


def test_not_yet_served_names_a_default_version_when_there_is_one() -> None:
    [(rule, message, replacement)] = findings("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", 21)
    assert rule == "not-yet-served"
    assert message.endswith("at 1.21 use flowcontrol.apiserver.k8s.io/v1beta1")
    assert replacement == "flowcontrol.apiserver.k8s.io/v1beta1"


def test_an_alpha_api() -> None:
    [(rule, message, _)] = findings("admissionregistration.k8s.io/v1alpha1", "ValidatingAdmissionPolicy", 27)
    assert rule == "off-by-default-api"
    assert "is an alpha API" in message and "a alpha" not in message
