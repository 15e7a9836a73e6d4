"""Expand the user's PATH arguments into the files to read, understanding a repository's layout.

Walking a folder, kcompat treats what it finds as Helm and Kustomize do:

- a folder with `Chart.yaml` is a Helm chart: its `templates/`, `values*.yaml`, `Chart.yaml` and
  `ci/` are never read as manifests (they are Go templates and values, not Kubernetes YAML); its
  `crds/` (and those of vendored subcharts under `charts/`) are plain YAML that Helm installs
  unmodified, so they are checked as manifests. The chart is recorded in the Tree, to be rendered.
  Asked for chart files (`kcompat fix`, which edits literal apiVersion lines of templates), the
  walk also yields every other file of the chart, where a plain walk would: those under its
  `templates/` with the role TEMPLATE (read as text, never parsed when they hold template syntax).
- a folder with `kustomization.yaml` / `kustomization.yml` / `Kustomization` is a Kustomize
  kustomization: the files it names under `patches`, `patchesStrategicMerge` and
  `patchesJson6902` are patches, partial objects (Tree.roles: PARTIAL, or PATCH_OPS for a JSON 6902
  list of operations), and the kustomization file itself is configuration (CONFIG).
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence

from kcompat.core import limits
from kcompat.core.records import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"
CHART_FILE = "Chart.yaml"
KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
PARTIAL = "partial"
"""A strategic-merge patch: an object with only the fields it changes (no required fields)."""
PATCH_OPS = "patch-ops"
"""A JSON 6902 patch: a list of operations, not an object."""
CONFIG = "config"
"""A tool's configuration file (a kustomization), not an API object."""
TEMPLATE = "template"
"""A file under a Helm chart's templates/, listed only when chart files are asked for (`kcompat fix`)."""
FILLED = "filled:"
"""A resource of a kustomization whose transformers set fields of it: `filled:` and the field paths
(`spec.selector`, `metadata.namespace`, `subjects[].namespace`, ...) Kustomize fills in the build, so
their absence in the file is not an error (the rendered result, `--render`, is checked in full)."""

# Fields Kustomize's builtin transformers fill (sigs.k8s.io/kustomize/api/konfig/builtinpluginconsts):
# commonLabels / labels with includeSelectors add to selectors and template labels; namespace sets
# metadata.namespace and the namespace of RBAC subjects and webhook services.
_LABEL_FILLS = ("spec.selector", "spec.template.metadata.labels")
_NAMESPACE_FILLS = ("metadata.namespace", "subjects[].namespace", "webhooks[].clientConfig.service.namespace")
MAX_KUSTOMIZATION_BYTES = 1024 * 1024


class Tree:
    """What a walk found besides manifest files: charts to render, kustomizations, file roles."""

    __slots__ = ("bases", "charts", "kustomizations", "roles")

    def __init__(self) -> None:
        self.charts: list[str] = []
        """Chart folders found while walking (not subcharts under another chart's charts/), in walk order."""
        self.kustomizations: list[str] = []
        """Kustomization files found while walking, in walk order."""
        self.roles: dict[str, str] = {}
        """path -> PARTIAL, PATCH_OPS or CONFIG for files a kustomization gives that role, or FILLED and
        the fields its transformers fill for the resources it lists (folders: their own kustomization's)."""
        self.bases: set[str] = set()
        """Folders that some kustomization of the tree uses as a resource (base) or component."""

    def role_of(self, path: str) -> str | None:
        return self.roles.get(os.path.normpath(path))


class Missing(Record):
    """A PATH argument that does not exist or cannot be listed."""

    __slots__ = ("path", "reason")

    def __init__(self, path: str, reason: str) -> None:
        self.path: Final[str] = path
        self.reason: Final[str] = reason


def _excluded(path: str, patterns: Sequence[str]) -> bool:
    if not patterns:
        return False
    parts = _parts(path)
    for pattern in patterns:
        if fnmatch.fnmatch(path, pattern) or any(fnmatch.fnmatch(part, pattern) for part in parts):
            return True
    return False


def _parts(path: str) -> tuple[str, ...]:
    """The components of a path as pathlib.PurePath(path).parts gives them, without importing pathlib."""
    anchor = ("//",) if path.startswith("//") and not path.startswith("///") else ("/",) if path.startswith("/") else ()
    return anchor + tuple(part for part in path.split("/") if part not in ("", "."))


def discover(paths: Sequence[str], exclude: Sequence[str] = (),
             tree: Tree | None = None, chart_files: bool = False) -> Iterator[str | Missing]:
    """Yield files (or "-" for stdin) in a stable order; directories are walked recursively.

    Files named explicitly are read whatever their suffix; inside directories only *.yaml,
    *.yml and *.json are taken, and hidden files and folders are skipped. A file named explicitly
    (as pre-commit names staged files) is placed as the walk would place it: a file of a chart
    other than its crds/ is not read, the chart is recorded to be rendered instead; a file that a
    kustomization in its folder or a folder above names as a patch gets that role.

    chart_files: the files of charts are yielded too, in walk order, those under a chart's templates/
    with the role TEMPLATE in the Tree (`kcompat fix`, which edits literal apiVersion lines in
    templates with --templates and says what it leaves alone otherwise); charts are still recorded.
    """
    seen: set[str] = set()
    tree = tree if tree is not None else Tree()
    places = _Places()
    for path in paths:
        if path == STDIN:
            yield STDIN
            continue
        if os.path.isdir(path):
            yield from _walk(path, exclude, seen, tree, chart_files)
        elif os.path.exists(path):
            if not _excluded(path, exclude) and path not in seen:
                seen.add(path)
                chart = places.chart_of(path)
                if chart is not None:
                    if chart not in tree.charts:
                        tree.charts.append(chart)
                    if not chart_files:
                        continue
                    if in_chart_templates(path):
                        tree.roles[os.path.normpath(path)] = TEMPLATE
                    yield path
                    continue
                places.kustomizations_above(path, tree)
                yield path
        else:
            reason = "no such file or directory"
            if os.path.islink(path):
                reason = "broken symbolic link"
            yield Missing(path, reason)


def discover_tree(paths: Sequence[str], exclude: Sequence[str] = (),
                  chart_files: bool = False) -> tuple[list[str | Missing], Tree]:
    """Every file to read (as discover) and the Tree, complete before any file is read: a patch
    may be named by a kustomization that is walked after it."""
    tree = Tree()
    items = list(discover(paths, exclude, tree, chart_files))
    return items, tree


def in_chart_templates(path: str) -> bool:
    """Whether path lies under the templates/ folder of a chart (a folder holding Chart.yaml)."""
    folder = os.path.dirname(os.path.abspath(path))
    for _ in range(MAX_PARENTS):
        parent = os.path.dirname(folder)
        if os.path.basename(folder) == "templates" and os.path.exists(os.path.join(parent, CHART_FILE)):
            return True
        if parent == folder:
            return False
        folder = parent
    return False


_CRDS, _CHARTS, _SUBCHART = "crds", "charts", "subchart"
_IN_CHART, _TEMPLATES = "in-chart", "templates"
"""Walking chart files: a folder of a chart, a folder under a chart's templates/."""
MAX_PARENTS = 32
"""How many folders above a file named explicitly are looked at for Chart.yaml or a kustomization."""


class _Places:
    """Where files named explicitly lie: in a chart, under kustomizations (folder listings cached)."""

    def __init__(self) -> None:
        self._listings: dict[str, frozenset[str]] = {}
        self._roles: dict[str, dict[str, str]] = {}

    def _names(self, folder: str) -> frozenset[str]:
        if folder not in self._listings:
            try:
                self._listings[folder] = frozenset(os.listdir(folder or "."))
            except OSError:
                self._listings[folder] = frozenset()
        return self._listings[folder]

    def _parents(self, path: str) -> Iterator[str]:
        folder = os.path.dirname(os.path.abspath(path))
        for _ in range(MAX_PARENTS):
            yield folder
            parent = os.path.dirname(folder)
            if parent == folder:
                return
            folder = parent

    def chart_of(self, path: str) -> str | None:
        """The top chart a file belongs to, unless the file is one of a chart's crds/ (a manifest)
        or lies in no chart. Charts vendored under another chart's charts/ render with it."""
        found: str | None = None
        below: list[str] = []
        for folder in self._parents(path):
            if CHART_FILE in self._names(folder):
                if below[-1:] == ["crds"] and found is None:
                    return None
                found = folder
            below.append(os.path.basename(folder))
        if found is None:
            return None
        return os.path.relpath(found) if not os.path.isabs(path) else found

    def kustomizations_above(self, path: str, tree: Tree) -> None:
        """Give path (as the user named it) the role a kustomization in its folder or above gives it."""
        absolute = os.path.abspath(path)
        for folder in self._parents(path):
            for name in KUSTOMIZATION_NAMES:
                if name in self._names(folder):
                    kustomization = os.path.join(folder, name)
                    if kustomization not in self._roles:
                        found = Tree()
                        _kustomization_roles(kustomization, found)
                        self._roles[kustomization] = found.roles
                    role = self._roles[kustomization].get(absolute)
                    if role is not None:
                        tree.roles.setdefault(os.path.normpath(path), role)
                        return
                    break


def _walk(root: str, exclude: Sequence[str], seen: set[str], tree: Tree,
          chart_files: bool = False) -> Iterator[str | Missing]:
    """os.walk's top-down order (files of a folder, then its folders, sorted; links to folders not
    followed), without recursion and at most MAX_DIRECTORY_DEPTH folders deep.

    Inside a chart only crds/ is read (see the module docstring); `mode` says where a walked folder
    lies: "" outside charts, _CRDS inside a chart's crds/, _CHARTS a chart's charts/, _SUBCHART a
    folder under it. With chart_files every folder of a chart is walked: _IN_CHART, and _TEMPLATES
    under a chart's templates/ (whose files get the role TEMPLATE)."""
    stack = [(root, 0, "")]
    while stack:
        folder, depth, mode = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as error:
            yield Missing(str(error.filename or folder), error.strerror or str(error))
            continue
        files: list[str] = []
        dirs: list[str] = []
        for entry in entries:
            try:
                is_dir = entry.is_dir() and not entry.is_symlink()
                linked_dir = not is_dir and entry.is_dir()
            except OSError:
                is_dir = linked_dir = False
            if is_dir:
                dirs.append(entry.name)
            elif not linked_dir:
                files.append(entry.name)
        if mode == _CHARTS:
            # charts/ of a chart: each folder is a vendored subchart (archives are not manifests)
            stack.extend((os.path.join(folder, d), depth + 1, _SUBCHART) for d in reversed(sorted(dirs))
                         if not d.startswith(".") and depth < limits.MAX_DIRECTORY_DEPTH
                         and not _excluded(os.path.join(folder, d), exclude))
            continue
        sub_modes: dict[str, str] = {}
        if CHART_FILE in files and mode != _CRDS:
            if mode == "":
                tree.charts.append(folder)
            if not chart_files:
                # a chart's own files are templates and values: only crds/ and charts/ are walked on
                for name, sub_mode in (("crds", _CRDS), ("charts", _CHARTS)):
                    sub = os.path.join(folder, name)
                    if name in dirs and depth < limits.MAX_DIRECTORY_DEPTH and not _excluded(sub, exclude):
                        stack.append((sub, depth + 1, sub_mode))
                continue
            mode, sub_modes = _IN_CHART, {"templates": _TEMPLATES}
        if mode == _SUBCHART:
            continue  # a folder under charts/ that is not a chart
        for name in files:
            if name in KUSTOMIZATION_NAMES and mode == "":
                path = os.path.join(folder, name)
                if not _excluded(path, exclude):
                    tree.kustomizations.append(path)
                    _kustomization_roles(path, tree)
                break
        for name in sorted(files):
            if name.startswith(".") or not (name.lower().endswith(MANIFEST_SUFFIXES) or name == "Kustomization"):
                continue
            path = os.path.join(folder, name)
            if _excluded(path, exclude) or path in seen:
                continue
            seen.add(path)
            if mode == _TEMPLATES:
                tree.roles[os.path.normpath(path)] = TEMPLATE
            yield path
        subdirs = [d for d in sorted(dirs) if not d.startswith(".") and not _excluded(os.path.join(folder, d), exclude)]
        if subdirs and depth >= limits.MAX_DIRECTORY_DEPTH:
            yield Missing(folder, f"has folders nested more than {limits.MAX_DIRECTORY_DEPTH} levels "
                                  f"below {root}; they were not read")
            continue
        stack.extend((os.path.join(folder, sub), depth + 1, sub_modes.get(sub, mode)) for sub in reversed(subdirs))


def _kustomization_roles(path: str, tree: Tree) -> None:
    """Record the roles of the files a kustomization names as patches, and the bases it uses.

    Read with the YAML loader only (a kustomization is small); one that does not parse is left to the
    normal check of the file, which reports its parse error."""
    tree.roles[os.path.normpath(path)] = CONFIG
    data = _read_kustomization(path)
    if data is None:
        return
    folder = os.path.dirname(path)

    def local(entry: object) -> str | None:
        if not isinstance(entry, str) or not entry or "://" in entry or entry.startswith(("git@", "github.com/")):
            return None
        return os.path.normpath(os.path.join(folder, entry))

    for key in ("patchesStrategicMerge",):
        for entry in _as_list(data.get(key)):
            target = local(entry)
            if target is not None and "\n" not in str(entry):
                _set_role(tree, target, PARTIAL)
    for key in ("patches", "patchesJson6902"):
        for entry in _as_list(data.get(key)):
            if isinstance(entry, str):
                target = local(entry)
                if target is not None:
                    _set_role(tree, target, PARTIAL)
                continue
            if not isinstance(entry, dict):
                continue
            target = local(entry.get("path"))
            if target is None:
                continue
            # `patches` with a target may hold either kind; patchesJson6902 files are always operations
            _set_role(tree, target, PATCH_OPS if key == "patchesJson6902" else PARTIAL)
    fills = _fills(data)
    for key in ("resources", "bases", "components"):
        for entry in _as_list(data.get(key)):
            target = local(entry)
            if target is not None:
                tree.bases.add(target)
                if fills:
                    _mark_filled(target, fills, tree, set())


def _read_kustomization(path: str) -> dict[str, object] | None:
    """A kustomization's mapping, read with the YAML loader only (it is small); None when it is too
    large or does not parse (the normal check of the file reports that)."""
    import yaml

    try:
        if os.path.getsize(path) > MAX_KUSTOMIZATION_BYTES:
            return None
        with open(path, encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    return data if isinstance(data, dict) else None


def _set_role(tree: Tree, target: str, role: str) -> None:
    """A patch role wins over FILLED (a file both listed as a resource and as a patch is a patch)."""
    current = tree.roles.get(target)
    if current is None or current.startswith(FILLED):
        tree.roles[target] = role


def _fills(data: dict[str, object]) -> tuple[str, ...]:
    """The fields this kustomization's transformers fill in the resources it builds."""
    fills: list[str] = []
    labels = data.get("labels")
    with_selectors = isinstance(labels, list) and any(
        isinstance(item, dict) and item.get("includeSelectors") is True for item in labels)
    if (isinstance(data.get("commonLabels"), dict) and data["commonLabels"]) or with_selectors:
        fills += _LABEL_FILLS
    if isinstance(data.get("namespace"), str) and data["namespace"]:
        fills += _NAMESPACE_FILLS
    return tuple(fills)


def _mark_filled(target: str, fills: tuple[str, ...], tree: Tree, seen: set[str]) -> None:
    """Record fills for a resource file, or for every resource of a base folder's kustomization (the
    overlay's transformers run over its bases' output too)."""
    if target in seen or len(seen) > 256:
        return
    seen.add(target)
    if os.path.isfile(target):
        role = tree.roles.get(target)
        if role is None or role.startswith(FILLED):
            have = set(role[len(FILLED):].split(",")) if role else set()
            tree.roles[target] = FILLED + ",".join(sorted(have | set(fills)))
        return
    for name in KUSTOMIZATION_NAMES:
        kustomization = os.path.join(target, name)
        if not os.path.isfile(kustomization):
            continue
        data = _read_kustomization(kustomization)
        if data is not None:
            for key in ("resources", "bases", "components"):
                for entry in _as_list(data.get(key)):
                    if isinstance(entry, str) and entry and "://" not in entry:
                        _mark_filled(os.path.normpath(os.path.join(target, entry)), fills, tree, seen)
        return


def filled_fields(role: str | None) -> frozenset[str]:
    """The fields a FILLED role says Kustomize fills (empty for any other role)."""
    if role is None or not role.startswith(FILLED):
        return frozenset()
    return frozenset(part for part in role[len(FILLED):].split(",") if part)


def _as_list(value: object) -> list[object]:
    return value if isinstance(value, list) else []
