"""Acceptance: Gateway API's own CRDs and examples pass `kcompat check`, as the API server accepts them.

The examples rely on CRD structural defaults (spec.addresses[].type defaults to IPAddress, which
a oneOf of the CRD requires); fixtures/realworld/gateway-api/SOURCES.md says where they come from.
"""

from __future__ import annotations

import pytest

from conftest import CLI, FIXTURES

GATEWAY_API = FIXTURES / "realworld" / "gateway-api"


@pytest.mark.parametrize("target", ["1.29", "1.31"])
def test_crds_and_examples_have_no_error(run_cli: CLI, target: str) -> None:
    run = run_cli("check", str(GATEWAY_API), "-t", target, "-o", "json", "-j", "1")
    data = run.json()
    errors = [f for f in data["findings"] if f["severity"] == "error"]
    assert errors == [], errors
    assert run.code == 0
    rules = {f["rule"] for f in data["findings"]}
    assert "no-schema" not in rules and "crd-invalid" not in rules
    assert data["summary"]["customResources"] >= 60  # the examples were all checked against the CRDs


def test_the_examples_are_validated_against_the_crds(run_cli: CLI, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The same examples with a broken field are reported: the CRDs really are applied."""
    work = tmp_path_factory.mktemp("gw")
    for source in (GATEWAY_API / "crds").glob("*.yaml"):
        (work / source.name).write_bytes(source.read_bytes())
    text = (GATEWAY_API / "examples" / "gateway-addresses.yaml").read_text()
    assert "- type: IPAddress" in text
    (work / "gateway-addresses.yaml").write_text(text.replace("- type: IPAddress", "- type: NoSuchType", 1))
    data = run_cli("check", str(work), "-t", "1.31", "-o", "json", "-j", "1").json()
    errors = [f for f in data["findings"] if f["severity"] == "error"]
    assert len(errors) >= 1
    assert all(str(f["path"]).endswith("gateway-addresses.yaml") for f in errors), errors
