"""Upstream's prerelease-lifecycle tags (schemas/lifecycle-tags.json) against the served sets,
the curated file and the catalog; and the extractor on a tiny git repository built here.

Reads only committed files: never the fetched kubernetes/api snapshot.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kcompat.catalog.build import build_catalog, curated_by_key, load_curated, load_tag_exceptions
from kcompat.catalog.lifecycle import load_catalog
from kcompat.report.api_explain import describe

ROOT = Path(__file__).resolve().parents[3]
SCHEMAS = ROOT / "schemas"
TAGS_TEXT = (SCHEMAS / "lifecycle-tags.json").read_text()
TAGS: dict[str, dict[str, Any]] = json.loads(TAGS_TEXT)["apis"]
SERVED = json.loads((SCHEMAS / "served-apis.json").read_text())
OLDEST, NEWEST = min(SERVED["minors"]), max(SERVED["minors"])
CURATED = curated_by_key(load_curated(SCHEMAS))
EXCEPTIONS = load_tag_exceptions(SCHEMAS)
CATALOG = build_catalog(SCHEMAS)["apis"]


def _minor(release: str | None) -> int | None:
    return int(release.split(".")[1]) if release else None


def from_ranges(ranges: list[list[int]]) -> list[int]:
    return [minor for first, last in ranges for minor in range(first, last + 1)]


def _served(key: str) -> list[int]:
    return from_ranges(SERVED["apis"][key])


def _schema_removed(key: str) -> int | None:
    last = max(_served(key))
    return last + 1 if last < NEWEST else None


def removal_disagreement(key: str) -> str | None:
    """Why upstream's removal release for key contradicts the served sets, or None."""
    tag = TAGS[key]
    removed = _minor(tag["removed"])
    if removed is None or key not in SERVED["apis"]:
        return None
    served, schema_removed = _served(key), _schema_removed(key)
    if removed > NEWEST:
        return None if schema_removed is None else f"planned {removed} but gone from {schema_removed}"
    if removed - 1 not in served:
        return f"removed {removed} but not served at {removed - 1}"
    if removed == schema_removed:
        return None
    curated = CURATED.get(key, {})
    if curated.get("why_removed_differs") and _minor(curated.get("removed_in")) == removed:
        return None  # default clusters stopped serving it before the spec dropped it, explained
    return f"removed {removed} but the specs stop at {schema_removed}"


def introduction_disagreement(key: str) -> str | None:
    introduced = _minor(TAGS[key]["introduced"])
    if introduced is None or key not in SERVED["apis"]:
        return None
    first = min(_served(key))
    expected = max(introduced, OLDEST)  # the bundled specs start at 1.10
    return None if first == expected else f"tagged {introduced}, first in the specs at {first}"


def deprecation_disagreement(key: str) -> str | None:
    """A deprecation upstream derived for a release after the API stopped being served."""
    deprecated, removed = _minor(TAGS[key]["deprecated"]), CATALOG.get(key, {}).get("removed_in")
    if deprecated is None or removed is None or deprecated <= removed:
        return None
    return f"deprecated {deprecated} after removal {removed}"


CHECKS = {"removed": removal_disagreement, "introduced": introduction_disagreement,
          "deprecated": deprecation_disagreement}


def test_the_committed_file_is_deterministic_json() -> None:
    document = json.loads(TAGS_TEXT)
    assert json.dumps(document, indent=1, sort_keys=True) + "\n" == TAGS_TEXT
    assert [ref["ref"] for ref in document["refs"]][:2] == ["v0.19.0", "v0.20.0"]
    assert all(len(ref["commit"]) == 40 for ref in document["refs"])


def test_every_fact_names_its_source() -> None:
    for key, tag in TAGS.items():
        for fact in ("introduced", "deprecated", "removed", "replacement"):
            if tag[fact] is None:
                assert fact not in tag["source"], key
                continue
            source = tag["source"][fact]
            assert source["from"] in ("tag", "default"), key
            assert len(source["commit"]) == 40 and source["file"].endswith(".go"), key
            if source["from"] == "default":
                assert fact in ("deprecated", "removed") and "+ 3" in source["rule"], key


@pytest.mark.parametrize("fact", sorted(CHECKS))
def test_tags_agree_with_the_served_sets_or_are_listed_exceptions(fact: str) -> None:
    disagreements = {key: why for key in TAGS if (why := CHECKS[fact](key))}
    unexplained = {key: why for key, why in disagreements.items() if fact not in EXCEPTIONS.get(key, {})}
    assert unexplained == {}, "add them to schemas/lifecycle-tag-exceptions.yaml with the reason"


def test_the_exception_list_stays_minimal() -> None:
    for key, facts in EXCEPTIONS.items():
        assert key in TAGS, f"{key}: no upstream tags to set aside"
        for fact, reason in facts.items():
            assert len(reason) > 40, f"{key} {fact}: give the reason"
            if fact == "deprecated":
                # set aside only because its removal is: the tag is after the real end
                assert _minor(TAGS[key]["deprecated"]) is not None
                assert _minor(TAGS[key]["deprecated"]) > CATALOG[key]["removed_in"], key
            else:
                assert CHECKS[fact](key), f"{key} {fact}: upstream agrees now; drop the exception"
    # each one is still needed (above); the cap makes a wholesale addition a deliberate change
    assert sum(len(facts) for facts in EXCEPTIONS.values()) <= 30


def test_a_tagged_removal_inside_the_bundled_minors_is_not_served_then_and_was_before() -> None:
    checked = 0
    for key, tag in TAGS.items():
        removed = _minor(tag["removed"])
        if removed is None or removed > NEWEST or key not in SERVED["apis"] or "removed" in EXCEPTIONS.get(key, {}):
            continue
        api = CATALOG[key]
        assert api["removed_in"] == removed and removed not in from_ranges(api["served"]), key
        assert removed - 1 in _served(key), key
        checked += 1
    assert checked > 50


def test_cluster_trust_bundle_v1beta1_is_deprecated_where_the_tag_says() -> None:
    tag = TAGS["certificates.k8s.io/v1beta1/ClusterTrustBundle"]
    assert (tag["introduced"], tag["deprecated"], tag["removed"]) == ("1.33", "1.37", "1.40")
    assert tag["source"]["deprecated"]["from"] == "tag"
    assert tag["source"]["deprecated"]["file"] == "certificates/v1beta1/types.go"
    assert tag["source"]["removed"]["from"] == "default"
    api = load_catalog().lookup("certificates.k8s.io/v1beta1", "ClusterTrustBundle")
    assert api is not None
    assert (api.deprecated_in, api.removed_in, api.planned_removal_in) == (37, None, 40)
    assert api.replacement == "certificates.k8s.io/v1" and api.replacement_kind is None
    assert dict(api.source)["deprecated"] == "tag"


def test_explain_shows_where_each_fact_comes_from() -> None:
    catalog = load_catalog()
    api = catalog.lookup("certificates.k8s.io/v1beta1", "ClusterTrustBundle")
    assert api is not None
    text = "\n".join(describe(api, catalog))
    assert "source:       deprecated from upstream's lifecycle tag" in text
    assert "upstream plans removal in 1.40" in text


@pytest.mark.parametrize("fact", ["deprecated", "removed", "replacement"])
def test_the_catalog_uses_the_tags_wherever_upstream_has_them(fact: str) -> None:
    for key, api in CATALOG.items():
        tag = TAGS.get(key)
        if tag is None or tag[fact] is None or fact in EXCEPTIONS.get(key, {}):
            continue
        source = api["source"].get("planned_removal" if fact == "removed" and api["removed_in"] is None
                                   else fact)
        if fact == "replacement":
            assert source in ("tag", "tag-chain", "curated"), key  # curated: the tagged target is stale
        else:
            assert source == ("tag" if tag["source"][fact]["from"] == "tag" else "upstream-default"), key


def test_curated_facts_that_disagree_with_the_tags_in_use_are_reported() -> None:
    disagreements = []
    for key, entry in CURATED.items():
        api = CATALOG[key]
        for fact, field in (("deprecated", "deprecated_in"), ("removed", "removed_in")):
            if field in entry and api["source"].get(fact) != "curated" \
                    and _minor(entry[field]) != api[field]:
                disagreements.append(f"{key}: curated {field} {entry[field]}, tag {api[field]}")
        if "replacement" in entry and api["source"].get("replacement") != "curated" and \
                (entry.get("replacement"), entry.get("replacement_kind")) != (api["replacement"],
                                                                              api["replacement_kind"]):
            disagreements.append(f"{key}: curated replacement {entry.get('replacement')}, tag {api['replacement']}")
    assert disagreements == [], "update schemas/lifecycle-curated.yaml to what upstream tags"


def test_stale_tagged_replacements_fall_back_to_the_curated_ones() -> None:
    # upstream's tag names a kind that does not exist in apps/v1
    assert CATALOG["apps/v1beta1/DeploymentRollback"]["replacement"] is None
    # upstream's tag names IngressClassList
    ingress_class = CATALOG["networking.k8s.io/v1beta1/IngressClass"]
    assert (ingress_class["replacement"], ingress_class["replacement_kind"]) == ("networking.k8s.io/v1", None)
    # the tag names v1beta3, whose own tag names v1
    assert CATALOG["flowcontrol.apiserver.k8s.io/v1beta1/FlowSchema"]["replacement"] == \
        "flowcontrol.apiserver.k8s.io/v1"
    assert CATALOG["flowcontrol.apiserver.k8s.io/v1beta1/FlowSchema"]["source"]["replacement"] == "tag-chain"


# ---------------------------------------------------------------- the extractor, on a repository built here

def _extractor() -> ModuleType:
    path = ROOT / "scripts" / "extract_lifecycle_tags.py"
    spec = importlib.util.spec_from_file_location("extract_lifecycle_tags", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


REGISTER = 'package v1beta1\n\n// GroupName is the group name\nconst GroupName = "widgets.example.io"\n'

TYPES = """package v1beta1

// +genclient
// +k8s:prerelease-lifecycle-gen:introduced=1.30
// +k8s:prerelease-lifecycle-gen:deprecated={deprecated}
// +k8s:prerelease-lifecycle-gen:replacement=widgets.example.io,v1,Widget

// Widget is made up for the test.
type Widget struct {{
	Name string
}}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object
// +k8s:prerelease-lifecycle-gen:introduced=1.31

// Gadget carries its tag in the second closest comment block.
type Gadget struct {{
	Name string
}}
"""


def _generated(functions: list[tuple[str, str, str]]) -> str:
    lines = ["package v1beta1", "", 'import schema "k8s.io/apimachinery/pkg/runtime/schema"', ""]
    for type_name, fact, returned in functions:
        result = "schema.GroupVersionKind" if fact == "Replacement" else "(major, minor int)"
        lines += [f"func (in *{type_name}) APILifecycle{fact}() {result} {{", f"\treturn {returned}", "}", ""]
    return "\n".join(lines)


def _commit(repo: Path, deprecated: str, tag: str, generated_deprecated: str | None = None) -> None:
    folder = repo / "widgets" / "v1beta1"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "register.go").write_text(REGISTER)
    (folder / "types.go").write_text(TYPES.format(deprecated=deprecated))
    removed = f"1, {int(deprecated.split('.')[1]) + 3}"
    (folder / "zz_generated.prerelease-lifecycle.go").write_text(_generated([
        ("Widget", "Introduced", "1, 30"),
        ("Widget", "Deprecated", f"1, {(generated_deprecated or deprecated).split('.')[1]}"),
        ("Widget", "Replacement",
         'schema.GroupVersionKind{Group: "widgets.example.io", Version: "v1", Kind: "Widget"}'),
        ("Widget", "Removed", removed),
        ("Gadget", "Introduced", "1, 31"), ("Gadget", "Deprecated", "1, 34"), ("Gadget", "Removed", "1, 37"),
    ]))
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", tag], check=True)
    subprocess.run([*git, "tag", tag], check=True)


@pytest.fixture
def tiny_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "api"
    subprocess.run(["git", "init", "-q", "-b", "master", str(repo)], check=True)
    _commit(repo, "1.33", "v0.31.0")
    _commit(repo, "1.34", "v0.32.0")
    return repo / ".git"


def test_extractor_reads_tags_defaults_and_their_history(tiny_repo: Path) -> None:
    document = _extractor().extract(tiny_repo, ["v0.31.0", "v0.32.0"])
    widget = document["apis"]["widgets.example.io/v1beta1/Widget"]
    assert (widget["introduced"], widget["deprecated"], widget["removed"], widget["replacement"]) == \
        ("1.30", "1.34", "1.37", "widgets.example.io/v1/Widget")
    assert widget["source"]["deprecated"]["from"] == "tag"
    assert widget["source"]["deprecated"]["file"] == "widgets/v1beta1/types.go"
    assert widget["source"]["deprecated"]["ref"] == "v0.32.0"
    assert widget["source"]["removed"] == {
        "from": "default", "rule": "deprecated + 3", "file": "widgets/v1beta1/zz_generated.prerelease-lifecycle.go",
        "ref": "v0.32.0", "commit": document["refs"][1]["commit"]}
    assert [(c["fact"], c["old"], c["new"]) for c in widget["changes"]] == [
        ("deprecated", "1.33", "1.34"), ("removed", "1.36", "1.37")]
    assert (widget["first_ref"], widget["last_ref"]) == ("v0.31.0", "v0.32.0")
    gadget = document["apis"]["widgets.example.io/v1beta1/Gadget"]
    assert gadget["source"]["introduced"]["from"] == "tag"  # found in the second closest block
    assert gadget["source"]["deprecated"] == {
        "from": "default", "rule": "introduced + 3", "file": "widgets/v1beta1/zz_generated.prerelease-lifecycle.go",
        "ref": "v0.32.0", "commit": document["refs"][1]["commit"]}
    assert gadget["replacement"] is None and "replacement" not in gadget["source"]


def test_extractor_default_refs_are_releases_then_the_newest_prerelease_then_the_branch(tiny_repo: Path) -> None:
    repo = tiny_repo.parent
    for tag in ("v0.18.0", "v0.33.0-alpha.1", "v0.33.0-beta.0", "v0.32.0-rc.0"):
        subprocess.run(["git", "-C", str(repo), "tag", tag], check=True)
    refs = [ref["ref"] for ref in _extractor().extract(tiny_repo)["refs"]]
    assert refs == ["v0.31.0", "v0.32.0", "v0.33.0-beta.0", "master"]


def test_extractor_refuses_a_generated_value_that_contradicts_the_tag(tmp_path: Path) -> None:
    repo = tmp_path / "api"
    subprocess.run(["git", "init", "-q", "-b", "master", str(repo)], check=True)
    _commit(repo, "1.33", "v0.31.0", generated_deprecated="1.35")
    with pytest.raises(ValueError, match=r"deprecated tag '1\.33' but generated '1\.35'"):
        _extractor().extract(repo / ".git")


def test_extractor_writes_sorted_json(tiny_repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "tags.json"
    _extractor().main([str(tiny_repo), "--ref", "v0.31.0", "--out", str(out)])
    text = out.read_text()
    assert text == json.dumps(json.loads(text), indent=1, sort_keys=True) + "\n"
    _extractor().main([str(tiny_repo), "--ref", "v0.31.0", "--out", str(out)])
    assert out.read_text() == text
