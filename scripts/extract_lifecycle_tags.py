"""Extract upstream's prerelease-lifecycle facts from a git snapshot of k8s.io/api.

Usage: python scripts/extract_lifecycle_tags.py GIT_DIR [--ref REF ...] [--out FILE]

GIT_DIR is a git directory (bare or .git) of github.com/kubernetes/api; no work tree is needed,
files are read with `git cat-file`. Without --ref, the refs are every v0.N.0 release tag
(k8s.io/api v0.N.x is Kubernetes 1.N) from the first one carrying lifecycle files, then the
newest v0.N.0-* prerelease tag beyond the last release, then the branch HEAD points to.

For every group/version directory with a zz_generated.prerelease-lifecycle.go, the generated
file gives each type's introduced, deprecated, removed and replacement; the hand-written Go
files of the same directory give the +k8s:prerelease-lifecycle-gen tags, which tell whether a
value was written by upstream (`tag`) or derived by the generator (`default`: deprecated =
introduced + 3 minors for alpha/beta versions, removed = deprecated + 3). The script checks that
the generated values agree with the tags and with those rules and fails when they do not.

Refs are read oldest to newest; a group/version/kind's facts come from the newest ref that has
them, and every change between refs is kept under `changes`. Output is deterministic (sorted
keys, no timestamps): schemas/lifecycle-tags.json by default.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas"
LIFECYCLE_FILE = "zz_generated.prerelease-lifecycle.go"
FACTS = ("introduced", "deprecated", "removed", "replacement")

_RELEASE_TAG = re.compile(r"^v0\.(\d+)\.0$")
_PRERELEASE_TAG = re.compile(r"^v0\.(\d+)\.0-(alpha|beta|rc)\.(\d+)$")
_GROUP_NAME = re.compile(r'^\s*(?:const\s+)?GroupName\s*=\s*"([^"]*)"', re.MULTILINE)
_FUNC = re.compile(
    r"func \(in \*(\w+)\) APILifecycle(Introduced|Deprecated|Removed|Replacement)\(\)[^{]*\{\s*return ([^\n]*)")
_VERSION_RETURN = re.compile(r"^(\d+), (\d+)$")
_GVK_RETURN = re.compile(r'schema\.GroupVersionKind\{Group: "([^"]*)", Version: "([^"]*)", Kind: "([^"]*)"\}')
_TYPE_DECL = re.compile(r"^type (\w+) ")
_TAG = re.compile(r"^//\s*\+k8s:prerelease-lifecycle-gen:(introduced|deprecated|removed|replacement)=(\S+)")


class GitReader:
    """Read blobs and trees of one git directory through a single `git cat-file --batch`."""

    def __init__(self, git_dir: Path) -> None:
        self.git_dir = git_dir
        self._batch = subprocess.Popen(
            ["git", "--git-dir", str(git_dir), "cat-file", "--batch"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def git(self, *args: str) -> str:
        return subprocess.run(["git", "--git-dir", str(self.git_dir), *args], check=True,
                              capture_output=True, text=True).stdout

    def blob(self, object_id: str) -> str:
        assert self._batch.stdin is not None and self._batch.stdout is not None
        self._batch.stdin.write(object_id.encode() + b"\n")
        self._batch.stdin.flush()
        header = self._batch.stdout.readline().split()
        if len(header) != 3:
            raise KeyError(object_id)
        data = self._batch.stdout.read(int(header[2]) + 1)[:-1]
        return data.decode()

    def files(self, commit: str) -> dict[str, str]:
        """Path -> blob id of every .go file at the commit."""
        result: dict[str, str] = {}
        for line in self.git("ls-tree", "-r", commit).splitlines():
            meta, _, path = line.partition("\t")
            _mode, kind, object_id = meta.split()
            if kind == "blob" and path.endswith(".go"):
                result[path] = object_id
        return result

    def close(self) -> None:
        if self._batch.stdin is not None:
            self._batch.stdin.close()
        self._batch.wait()


def default_refs(reader: GitReader) -> list[str]:
    tags = reader.git("tag", "--list", "v0.*").split()
    releases = sorted((int(m.group(1)), tag) for tag in tags if (m := _RELEASE_TAG.match(tag)))
    refs = [tag for minor, tag in releases if minor >= 19]  # no lifecycle files before v0.19.0
    newest = releases[-1][0] if releases else 0
    stage = {"alpha": 0, "beta": 1, "rc": 2}
    pre = sorted((int(m.group(1)), stage[m.group(2)], int(m.group(3)), tag)
                 for tag in tags if (m := _PRERELEASE_TAG.match(tag)) and int(m.group(1)) > newest)
    if pre:
        refs.append(pre[-1][3])
    try:  # the snapshot's tip, by branch name when HEAD is not detached
        refs.append(reader.git("symbolic-ref", "--quiet", "--short", "HEAD").strip() or "HEAD")
    except subprocess.CalledProcessError:
        refs.append("HEAD")
    return refs


def parse_generated(text: str) -> dict[str, dict[str, Any]]:
    """Type name -> the values its generated APILifecycle* functions return."""
    types: dict[str, dict[str, Any]] = {}
    for match in _FUNC.finditer(text):
        type_name, fact, returned = match.group(1), match.group(2).lower(), match.group(3).strip()
        if fact == "replacement":
            gvk = _GVK_RETURN.search(returned)
            if not gvk:
                raise ValueError(f"{type_name}: cannot read replacement {returned!r}")
            types.setdefault(type_name, {})[fact] = list(gvk.groups())
        else:
            version = _VERSION_RETURN.match(returned)
            if not version:
                raise ValueError(f"{type_name}: cannot read {fact} {returned!r}")
            types.setdefault(type_name, {})[fact] = f"{version.group(1)}.{version.group(2)}"
    return types


def parse_tags(text: str) -> dict[str, dict[str, str]]:
    """Type name -> its +k8s:prerelease-lifecycle-gen tags.

    Like the generator, a tag counts when it is in the comment block right above `type X struct`
    or in the block before that one (separated by blank lines only).
    """
    result: dict[str, dict[str, str]] = {}
    blocks: list[list[str]] = []
    current: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("//"):
            current.append(line)
            continue
        if not line:
            if current:
                blocks.append(current)
                current = []
            continue
        if current:
            blocks.append(current)
            current = []
        declaration = _TYPE_DECL.match(line)
        if declaration and blocks:
            tags: dict[str, str] = {}
            for block in blocks[-2:]:
                for comment in block:
                    tag = _TAG.match(comment)
                    if tag:
                        tags[tag.group(1)] = tag.group(2)
            if tags:
                result[declaration.group(1)] = tags
        blocks = []
    return result


def _plus_three(release: str) -> str:
    major, _, minor = release.partition(".")
    return f"{major}.{int(minor) + 3}"


@dataclass
class GroupVersionFacts:
    group: str
    version: str
    directory: str
    types: dict[str, dict[str, Any]] = field(default_factory=dict)


def read_group_version(reader: GitReader, files: dict[str, str], directory: str,
                       cache: dict[str, Any]) -> GroupVersionFacts:
    register = files.get(f"{directory}/register.go")
    group_match = _GROUP_NAME.search(reader.blob(register)) if register else None
    if group_match is None:
        raise ValueError(f"{directory}: no GroupName in register.go")
    version = directory.rpartition("/")[2]
    prerelease = "alpha" in version or "beta" in version
    generated_id = files[f"{directory}/{LIFECYCLE_FILE}"]
    if generated_id not in cache:
        cache[generated_id] = parse_generated(reader.blob(generated_id))
    generated: dict[str, dict[str, Any]] = cache[generated_id]
    tags: dict[str, tuple[str, dict[str, str]]] = {}
    for path, object_id in sorted(files.items()):
        folder, _, name = path.rpartition("/")
        if folder != directory or name.startswith("zz_generated") or name.endswith("_test.go") \
                or name.endswith("generated.pb.go") or name.endswith("_swagger_doc_generated.go"):
            continue
        if object_id not in cache:
            cache[object_id] = parse_tags(reader.blob(object_id))
        for type_name, type_tags in cache[object_id].items():
            tags[type_name] = (path, type_tags)
    facts = GroupVersionFacts(group_match.group(1), version, directory)
    generated_path = f"{directory}/{LIFECYCLE_FILE}"
    for type_name, values in sorted(generated.items()):
        tag_path, type_tags = tags.get(type_name, ("", {}))
        record: dict[str, Any] = {}
        sources: dict[str, Any] = {}
        for fact in FACTS:
            value = values.get(fact)
            tagged = type_tags.get(fact)
            if fact == "replacement" and tagged is not None:
                tagged_value: Any = tagged.split(",")
            else:
                tagged_value = tagged
            if tagged is not None:
                if value != tagged_value:
                    raise ValueError(f"{directory} {type_name}: {fact} tag {tagged!r} but generated {value!r}")
                sources[fact] = {"from": "tag", "file": tag_path}
            elif value is not None:
                expected = None
                if fact == "deprecated" and prerelease:
                    expected = _plus_three(values["introduced"])
                elif fact == "removed" and values.get("deprecated") and prerelease:
                    expected = _plus_three(values["deprecated"])
                if value == expected:
                    rule = "introduced + 3" if fact == "deprecated" else "deprecated + 3"
                    sources[fact] = {"from": "default", "rule": rule, "file": generated_path}
                else:  # e.g. a tag this parser does not see; kept, but marked
                    print(f"warning: {directory} {type_name}: generated {fact} {value!r} has no tag and is "
                          f"not the generator's default {expected!r}", file=sys.stderr)
                    sources[fact] = {"from": "generated", "file": generated_path}
            record[fact] = value
        record["replacement"] = "/".join(filter(None, values["replacement"])) if values.get("replacement") else None
        record["source"] = sources
        facts.types[type_name] = record
    return facts


def api_key(group: str, version: str, kind: str) -> str:
    return f"{group}/{version}/{kind}" if group else f"{version}/{kind}"


def extract(git_dir: Path, refs: list[str] | None = None) -> dict[str, Any]:
    reader = GitReader(git_dir)
    try:
        refs = refs or default_refs(reader)
        cache: dict[str, Any] = {}
        ref_info: list[dict[str, str]] = []
        apis: dict[str, dict[str, Any]] = {}
        for ref in refs:
            commit = reader.git("rev-parse", f"{ref}^{{commit}}").strip()
            date = reader.git("log", "-1", "--format=%cI", commit).strip()
            ref_info.append({"ref": ref, "commit": commit, "date": date})
            files = reader.files(commit)
            directories = sorted(path.rpartition("/")[0] for path in files
                                 if path.endswith("/" + LIFECYCLE_FILE))
            for directory in directories:
                group_version = read_group_version(reader, files, directory, cache)
                for type_name, record in group_version.types.items():
                    if type_name.endswith("List"):
                        continue  # list wrappers carry the same facts as their items
                    key = api_key(group_version.group, group_version.version, type_name)
                    previous = apis.get(key)
                    entry = {
                        "group": group_version.group, "version": group_version.version, "kind": type_name,
                        **{fact: record[fact] for fact in FACTS},
                        "source": {fact: {**src, "ref": ref, "commit": commit}
                                   for fact, src in record["source"].items()},
                        "first_ref": previous["first_ref"] if previous else ref,
                        "last_ref": ref,
                        "changes": previous["changes"] if previous else [],
                    }
                    if previous:
                        for fact in FACTS:
                            old_from = previous["source"].get(fact, {}).get("from")
                            new_from = entry["source"].get(fact, {}).get("from")
                            if previous[fact] != entry[fact] or old_from != new_from:
                                entry["changes"].append({"ref": ref, "fact": fact, "old": previous[fact],
                                                         "new": entry[fact], "old_from": old_from,
                                                         "new_from": new_from})
                    apis[key] = entry
        return {
            "comment": "Generated by scripts/extract_lifecycle_tags.py from a git snapshot of "
            "github.com/kubernetes/api (facts only). Do not edit; see schemas/README.md.",
            "repository": "https://github.com/kubernetes/api",
            "refs": ref_info,
            "apis": dict(sorted(apis.items())),
        }
    finally:
        reader.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("git_dir", type=Path, help="git directory of a kubernetes/api snapshot")
    parser.add_argument("--ref", action="append", dest="refs",
                        help="ref to read, oldest first (repeatable); default: see above")
    parser.add_argument("--out", type=Path, default=SCHEMAS_DIR / "lifecycle-tags.json")
    args = parser.parse_args(argv)
    document = extract(args.git_dir, args.refs)
    args.out.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    print(f"{args.out}: {len(document['apis'])} group/version/kinds from {len(document['refs'])} refs",
          file=sys.stderr)


if __name__ == "__main__":
    main()
