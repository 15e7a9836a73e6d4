"""Render a Helm chart for the target cluster with real Helm, as `helm template` would.

Two backends, tried in order:

1. the optional extra `pip install 'kcompat[helm]'` (PyPI `helm-python-sdk`, import
   `helm_python`): Helm 4's Go SDK in-process through ctypes, no binary needed;
2. a `helm` binary on PATH (`helm template ... --include-crds`).

Both render with `.Capabilities.KubeVersion` set to the target and `.Capabilities.APIVersions`
holding every group/version and group/version/kind the target serves (from kcompat's catalog).
Helm always adds its own built-in list of group/versions to the ones it is given (in both
backends), so a chart probing `.Capabilities.APIVersions.Has "policy/v1"` sees `true` even for a
1.20 target; `semverCompare` on `.Capabilities.KubeVersion` and group/version/kind probes
(`"policy/v1/PodDisruptionBudget"`) are exact. `probe_warnings` reports such ambiguous probes.
"""

from __future__ import annotations

import fnmatch
import io
import json
import os
import re
import shutil
import stat
import sys
import tarfile
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from kcompat.catalog.lifecycle import Catalog
from kcompat.core import limits
from kcompat.core.model import Finding, Origin, Severity
from kcompat.core.rules import HELM_CAPABILITIES_PROBE
from kcompat.core.versions import KubeVersion
from kcompat.sources.bounded import BoundExceeded, Finished, run_bounded
from kcompat.sources.helm_child import merge_values
from kcompat.sources.helm_request import HelmRequest as HelmRequest
from kcompat.sources.reading import Undecodable, decode, open_input, read_input
from kcompat.sources.template_map import RenderedStream
from kcompat.sources.yaml_stream import ParseProblem, parse_stream

MAX_TEMPLATE_BYTES = 8 * 1024 * 1024
"""Template files larger than this are not read for line mapping."""
MAX_ARCHIVE_MEMBERS = 20_000
MAX_CHART_FILES = 20_000
MAX_CHART_BYTES = 128 * 1024 * 1024
MAX_CHART_DEPTH = 64
MAX_OUTPUT_BYTES = limits.MAX_FILE_BYTES
"""Rendered output larger than a manifest file may be is refused."""
HELM_TIMEOUT_SECONDS = 8.0
"""Wall-clock limit of one render (KCOMPAT_HELM_TIMEOUT overrides it)."""
HELM_ADDRESS_SPACE_BYTES = 4096 * 1024 * 1024
"""RLIMIT_AS of the render process. Go reserves about 1.1 GiB of address space before it uses
any, so this alone cannot bound its memory; HELM_DATA_BYTES does."""
HELM_DATA_BYTES = 640 * 1024 * 1024
"""RLIMIT_DATA of the render process: the writable memory Helm may use (an output of 32 MiB,
the most accepted, needs about 400 MiB; peak resident memory stays near 550 MiB)."""

INSTALL_HINT = ("--helm needs Helm: install the extra with `pip install 'kcompat[helm]'` "
                "(Helm 4 in-process, no binary needed) or put a `helm` binary on PATH "
                "(https://helm.sh/docs/intro/install/)")

_HELM_POSITION = re.compile(r"\((?P<source>[^():\s]+):(?P<line>\d+)(?::(?P<column>\d+))?\)")
_PROBE = re.compile(r"\.Capabilities\.APIVersions\.Has\s+\"(?P<api>[^\"]+)\"")


class HelmFailure(Exception):
    """Helm is missing, or the chart, its values or --set could not be rendered (exit 2)."""


@dataclass
class Rendered:
    stream: str
    """The output as `helm template` prints it: `---`, `# Source: CHART/templates/x.yaml`, YAML."""
    backend: str
    chart_name: str
    helm_seconds: float
    files: ChartFiles = field(repr=False)
    findings: list[Finding] = field(default_factory=list)
    """Chart files left out of the render (links outside the chart, FIFOs, devices)."""

    @property
    def shown(self) -> str:
        return f"<helm template {self.files.chart}>"

    def rendered_stream(self) -> RenderedStream:
        return self.files.rendered_stream(self.stream)


def capabilities(catalog: Catalog, target: KubeVersion) -> list[str]:
    """Every group/version and group/version/kind the target serves, as `.Capabilities.APIVersions`."""
    group_versions: set[str] = set()
    kinds: set[str] = set()
    for api in catalog.apis.values():
        if api.served_in(target):
            group_versions.add(api.api_version)
            kinds.add(f"{api.api_version}/{api.kind}")
    return sorted(group_versions) + sorted(kinds)


def kube_version_text(target: KubeVersion) -> str:
    return f"v{target.major}.{target.minor}.0"


def available_backend() -> str | None:
    """"sdk", "binary" or None; KCOMPAT_HELM_BACKEND=sdk|binary|none forces one (tests, debugging)."""
    forced = os.environ.get("KCOMPAT_HELM_BACKEND")
    if forced == "none":
        return None
    if forced in (None, "", "sdk"):
        try:
            import helm_python  # noqa: F401
        except (ImportError, OSError):
            if forced == "sdk":
                return None
        else:
            return "sdk"
    if shutil.which("helm"):
        return "binary"
    return None


def render(request: HelmRequest, catalog: Catalog, target: KubeVersion) -> Rendered:
    if not os.path.exists(request.chart):
        raise HelmFailure(f"--helm {request.chart}: no such chart directory or archive")
    backend = available_backend()
    if backend is None:
        raise HelmFailure(INSTALL_HINT)
    files = ChartFiles(request.chart)
    values = _values_from_files(request.values_files)
    api_versions = capabilities(catalog, target)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kcompat-helm-") as private:
        # Helm follows symbolic links inside a chart folder (.Files.Get "link.txt" would read
        # /etc/... or /proc/self/environ); it renders a copy holding only the chart's own files.
        copy, refused = private_copy(request.chart, private)
        if backend == "sdk":
            stream, name = _render_sdk(request, copy, values, api_versions, target, files)
        else:
            stream, name = _render_binary(request, copy, values, api_versions, target, files)
    rendered = Rendered(stream, backend, name, time.perf_counter() - started, files)
    rendered.findings.extend(refused)
    return rendered


# --- the private copy ---------------------------------------------------------------------------

def _refused(path: str, reason: str) -> Finding:
    return Finding("skipped-file", Severity.WARNING, f"chart file not given to Helm: {reason}",
                   Origin(path, None, None, None))


def private_copy(chart: str, into: str) -> tuple[str, list[Finding]]:
    """Copy the chart into the folder `into`, keeping only regular files that lie inside it.

    A symbolic link is followed only when its target (resolved) stays inside the chart; any
    other link, and FIFOs, devices and sockets, are left out with a `skipped-file` finding naming
    them. The copy is bounded by MAX_CHART_FILES files and MAX_CHART_BYTES bytes.
    """
    findings: list[Finding] = []
    budget = [MAX_CHART_FILES, MAX_CHART_BYTES]
    if not os.path.isdir(chart):
        destination = os.path.join(into, os.path.basename(chart.rstrip("/")) or "chart.tgz")
        _copy_file(chart, chart, destination, budget)
        return destination, findings
    root = os.path.realpath(chart)
    destination = os.path.join(into, os.path.basename(root) or "chart")
    _copy_dir(chart, root, root, destination, budget, findings, frozenset({root}))
    return destination, findings


def _inside(root: str, real: str) -> bool:
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


def _copy_dir(shown: str, real: str, root: str, destination: str, budget: list[int],
              findings: list[Finding], ancestors: frozenset[str]) -> None:
    if len(ancestors) > MAX_CHART_DEPTH:
        raise HelmFailure(f"--helm {shown}: chart folders nest deeper than {MAX_CHART_DEPTH} levels")
    os.makedirs(destination, exist_ok=True)
    try:
        names = sorted(os.listdir(real))
    except OSError as error:
        raise HelmFailure(f"--helm {shown}: {error.strerror or error}") from None
    for name in names:
        path = os.path.join(shown, name)
        entry = os.path.join(real, name)
        target = os.path.realpath(entry)
        if os.path.islink(entry) and not _inside(root, target):
            findings.append(_refused(path, f"a symbolic link to {target}, outside the chart"))
            continue
        try:
            mode = os.stat(target).st_mode
        except OSError as error:
            findings.append(_refused(path, error.strerror or str(error)))
            continue
        if stat.S_ISDIR(mode):
            if target in ancestors:
                findings.append(_refused(path, "a symbolic link to a folder that contains it"))
                continue
            _copy_dir(path, target, root, os.path.join(destination, name), budget, findings,
                      ancestors | {target})
        elif stat.S_ISREG(mode):
            _copy_file(path, target, os.path.join(destination, name), budget)
        else:
            findings.append(_refused(path, "not a regular file"))


def _copy_file(shown: str, source: str, destination: str, budget: list[int]) -> None:
    budget[0] -= 1
    if budget[0] < 0:
        raise HelmFailure(f"--helm: the chart has more than {MAX_CHART_FILES:,} files")
    try:
        with open_input(source) as reader, open(destination, "wb") as writer:
            while True:
                chunk = reader.read(1 << 20)
                if not chunk:
                    break
                budget[1] -= len(chunk)
                if budget[1] < 0:
                    raise HelmFailure(f"--helm: the chart is larger than {MAX_CHART_BYTES >> 20} MiB")
                writer.write(chunk)
    except OSError as error:
        raise HelmFailure(f"--helm {shown}: {error.strerror or error}") from None


# --- values -----------------------------------------------------------------------------------

def _values_from_files(paths: Sequence[str]) -> dict[str, Any]:
    """Read and merge -f files in order (later wins, maps merge), reporting YAML errors with lines.

    Values go through the same bounded reader and YAML loader as manifests (no FIFOs or devices,
    size, depth and alias-expansion limits)."""
    merged: dict[str, Any] = {}
    for path in paths:
        try:
            raw = read_input(path, limits.MAX_FILE_BYTES + 1)
        except OSError as error:
            raise HelmFailure(f"values file {path}: {error.strerror or error}") from None
        if len(raw) > limits.MAX_FILE_BYTES:
            raise HelmFailure(f"values file {path}: larger than {limits.MAX_FILE_BYTES >> 20} MiB")
        text = decode(raw)
        if isinstance(text, Undecodable):
            raise HelmFailure(f"values file {path}: {text.reason}")
        data: Any = None
        for item in parse_stream(text, path):
            if isinstance(item, ParseProblem):
                raise HelmFailure(f"values file {item.origin.location()}: {item.message}")
            data = item.data
            break  # Helm reads the first document of a values file
        if data is None:
            continue
        if not isinstance(data, dict):
            raise HelmFailure(f"values file {path}: must be a mapping of values, not {type(data).__name__}")
        merged = merge_values(merged, data)
    return merged


# --- backends ---------------------------------------------------------------------------------

def _timeout() -> float:
    try:
        return max(float(os.environ.get("KCOMPAT_HELM_TIMEOUT", HELM_TIMEOUT_SECONDS)), 0.1)
    except ValueError:
        return HELM_TIMEOUT_SECONDS


def _bounded(command: list[str], stdin: bytes, what: str) -> Finished:
    try:
        return run_bounded(command, stdin=stdin, timeout=_timeout(), max_output=MAX_OUTPUT_BYTES + 65536,
                           address_space_bytes=HELM_ADDRESS_SPACE_BYTES, data_bytes=HELM_DATA_BYTES)
    except BoundExceeded as error:
        raise HelmFailure(f"{what} stopped: it {error} (a template that loops or grows without end? "
                          "KCOMPAT_HELM_TIMEOUT sets the time limit in seconds)") from None
    except OSError as error:
        raise HelmFailure(f"{what} failed: {error.strerror or error}") from None


def _out_of_memory(stderr: str) -> bool:
    return "out of memory" in stderr or "MemoryError" in stderr or "cannot allocate" in stderr


def _render_sdk(request: HelmRequest, copy: str, values: dict[str, Any], api_versions: list[str],
                target: KubeVersion, files: ChartFiles) -> tuple[str, str]:
    options = {"name": request.release_name, "namespace": request.namespace, "is_install": True,
               "kube_version": kube_version_text(target), "api_versions": api_versions}
    message = {"chart": copy, "values": values, "set_values": list(request.set_values),
               "release_name": request.release_name, "options": options, "max_output": MAX_OUTPUT_BYTES,
               "include_crds": request.include_crds}
    stdin = json.dumps(message, default=str).encode()
    done = _bounded([sys.executable, "-m", "kcompat.sources.helm_child"], stdin,
                    f"--helm {request.chart}: helm template")
    header_line, _newline, body = done.stdout.partition(b"\n")
    try:
        header = json.loads(header_line) if done.returncode == 0 else None
    except ValueError:
        header = None
    if not isinstance(header, dict):
        if _out_of_memory(done.stderr):
            raise HelmFailure(f"--helm {request.chart}: helm template ran out of memory "
                              f"(limit {HELM_DATA_BYTES >> 20} MiB)")
        raise HelmFailure(f"--helm {request.chart}: helm template failed (exit code {done.returncode})")
    where = header.get("where")
    error = _shown(str(header.get("error", "")), copy, request.chart)
    if where == "release":
        raise HelmFailure(f"--release-name {request.release_name}: {error}")
    if where == "set":
        raise HelmFailure(f"--set {header.get('expression')}: {error}")
    if where == "chart":
        raise HelmFailure(f"--helm {request.chart}: not a loadable chart: {error}")
    if where == "render":
        raise HelmFailure(files.describe_error(error))
    if where == "dependencies":
        raise HelmFailure(f"--helm {request.chart}: {error}; run `helm dependency build {request.chart}` "
                          "to fetch them (Helm refuses to render a chart whose dependencies are not vendored, "
                          "even ones disabled by a condition or tags)")
    if where == "output":
        raise HelmFailure(f"--helm {request.chart}: the rendered output is larger than "
                          f"{MAX_OUTPUT_BYTES >> 20} MiB; refused")
    return body.decode("utf-8", errors="replace"), str(header.get("name", ""))


def _shown(message: str, copy: str, chart: str) -> str:
    """Helm names the private copy in some messages; show the user's chart instead."""
    return message.replace(copy, chart.rstrip("/") or chart)


def _render_binary(request: HelmRequest, copy: str, values: dict[str, Any], api_versions: list[str],
                   target: KubeVersion, files: ChartFiles) -> tuple[str, str]:
    helm = shutil.which("helm") or "helm"
    values_file = os.path.join(os.path.dirname(copy), "values.kcompat.json")
    with open(values_file, "w", encoding="utf-8") as handle:
        json.dump(values, handle, default=str)
    command = [helm, "template", request.release_name, copy, "--namespace", request.namespace,
               "--kube-version", kube_version_text(target), "--values", values_file]
    if request.include_crds:
        command.append("--include-crds")
    for api in api_versions:
        command += ["--api-versions", api]
    for expression in request.set_values:
        command += ["--set", expression]
    done = _bounded(command, b"", f"--helm {request.chart}: helm template")
    stderr = _shown(done.stderr, copy, request.chart)
    if done.returncode != 0:
        if _out_of_memory(stderr):
            raise HelmFailure(f"--helm {request.chart}: helm template ran out of memory "
                              f"(limit {HELM_DATA_BYTES >> 20} MiB)")
        message = stderr.strip().removeprefix("Error: ") or f"exit code {done.returncode}"
        raise HelmFailure(files.describe_error(message))
    if len(done.stdout) > MAX_OUTPUT_BYTES:
        raise HelmFailure(f"--helm {request.chart}: the rendered output is larger than "
                          f"{MAX_OUTPUT_BYTES >> 20} MiB; refused")
    return done.stdout.decode("utf-8", errors="replace"), files.chart_name()


# --- chart files (template text for line mapping) -----------------------------------------------

class ChartFiles:
    """Reads a chart's template text (directory or .tgz, vendored subcharts under charts/)."""

    def __init__(self, chart: str) -> None:
        self.chart = chart.rstrip("/") or chart
        self._cache: dict[str, str | None] = {}

    def chart_name(self) -> str:
        text = self._read(["Chart.yaml"])
        try:
            data = yaml.safe_load(text) if text else None
        except yaml.YAMLError:
            data = None
        name = data.get("name") if isinstance(data, dict) else None
        return str(name) if name else os.path.basename(self.chart)

    @staticmethod
    def relative(source: str) -> str:
        """`CHART/templates/x.yaml` -> `templates/x.yaml` (subcharts keep `charts/SUB/`)."""
        return source.split("/", 1)[1] if "/" in source else source

    def shown_path(self, source: str) -> tuple[str, str]:
        relative = self.relative(source)
        on_disk = _on_disk(self.chart, relative.split("/")) if os.path.isdir(self.chart) else None
        if on_disk is not None:
            return on_disk, relative
        return f"{self.chart}!/{relative}", relative

    def text(self, source: str) -> str | None:
        if source not in self._cache:
            self._cache[source] = self._read(self.relative(source).split("/"))
        return self._cache[source]

    def rendered_stream(self, stream: str) -> RenderedStream:
        return RenderedStream(stream, self.text, self.shown_path)

    def describe_error(self, message: str) -> str:
        """Helm's message, led by the chart file and line it names (`path:line:col:`)."""
        message = message.strip()
        match = _HELM_POSITION.search(message)
        if match is None:
            return f"--helm {self.chart}: {message}"
        shown, _relative = self.shown_path(match.group("source"))
        where = f"{shown}:{match.group('line')}"
        if match.group("column"):
            where += f":{match.group('column')}"
        return f"{where}: chart error: {message}"

    def _read(self, parts: list[str]) -> str | None:
        try:
            if os.path.isdir(self.chart):
                return _from_dir(self.chart, parts)
            with open_input(self.chart) as handle:
                return _from_archive(handle.read(MAX_CHART_BYTES), parts, None)
        except (OSError, tarfile.TarError, EOFError, UnicodeDecodeError, ValueError):
            return None


def _decode(raw: bytes) -> str | None:
    if len(raw) > MAX_TEMPLATE_BYTES:
        return None
    return raw.decode("utf-8", errors="replace")


def _from_dir(root: str, parts: list[str]) -> str | None:
    path = os.path.join(root, *parts)
    if not _inside(os.path.realpath(root), os.path.realpath(path)):
        return None  # a link out of the chart: never read (see private_copy)
    if os.path.isfile(path):
        with open_input(path) as handle:
            return _decode(handle.read(MAX_TEMPLATE_BYTES + 1))
    if len(parts) > 2 and parts[0] == "charts":
        sub = os.path.join(root, "charts", parts[1])
        if os.path.isdir(sub):
            return _from_dir(sub, parts[2:])
        charts = os.path.join(root, "charts")
        if not os.path.isdir(charts):
            return None
        # Helm names a subchart's templates by its alias (or chart name), not by its folder or archive
        wanted = _aliased(root, parts[1])
        for name in sorted(os.listdir(charts)):
            candidate = os.path.join(charts, name)
            if not _inside(os.path.realpath(root), os.path.realpath(candidate)):
                continue
            if os.path.isdir(candidate) and _dir_chart_name(candidate) == wanted:
                return _from_dir(candidate, parts[2:])
            if name.endswith(".tgz") and fnmatch.fnmatch(name, f"{wanted}-*"):
                with open_input(candidate) as handle:
                    found = _from_archive(handle.read(MAX_CHART_BYTES), parts[2:], wanted)
                if found is not None:
                    return found
    return None


def _on_disk(root: str, parts: list[str]) -> str | None:
    """The file a rendered source names, inside the chart folder (subchart folders found by alias or name)."""
    path = os.path.join(root, *parts)
    if os.path.isfile(path):
        return path
    charts = os.path.join(root, "charts")
    if len(parts) > 2 and parts[0] == "charts" and os.path.isdir(charts):
        wanted = _aliased(root, parts[1])
        for name in sorted(os.listdir(charts)):
            candidate = os.path.join(charts, name)
            if os.path.isdir(candidate) and _dir_chart_name(candidate) == wanted:
                return _on_disk(candidate, parts[2:])
    return None


def _aliased(root: str, alias: str) -> str:
    """The chart name of the dependency that Chart.yaml (or requirements.yaml) gives this alias."""
    for manifest in ("Chart.yaml", "requirements.yaml"):
        text = _from_dir_plain(root, manifest)
        try:
            data = yaml.safe_load(text) if text else None
        except yaml.YAMLError:
            continue
        for dependency in (data.get("dependencies") if isinstance(data, dict) else None) or ():
            if isinstance(dependency, dict) and dependency.get("alias") == alias and dependency.get("name"):
                return str(dependency["name"])
    return alias


def _dir_chart_name(folder: str) -> str | None:
    text = _from_dir_plain(folder, "Chart.yaml")
    try:
        data = yaml.safe_load(text) if text else None
    except yaml.YAMLError:
        return None
    return str(data["name"]) if isinstance(data, dict) and data.get("name") else None


def _from_dir_plain(root: str, name: str) -> str | None:
    path = os.path.join(root, name)
    if not os.path.isfile(path) or not _inside(os.path.realpath(root), os.path.realpath(path)):
        return None
    with open_input(path) as handle:
        return _decode(handle.read(MAX_TEMPLATE_BYTES + 1))


def _from_archive(data: bytes, parts: list[str], expected_top: str | None) -> str | None:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        members = {}
        for count, member in enumerate(archive):
            if count > MAX_ARCHIVE_MEMBERS:
                break
            members[member.name] = member
        tops = {name.split("/", 1)[0] for name in members}
        if len(tops) != 1:
            return None
        top = tops.pop()
        if expected_top is not None and top != expected_top:
            return None
        wanted = members.get("/".join([top, *parts]))
        if wanted is not None and wanted.isfile() and wanted.size <= MAX_TEMPLATE_BYTES:
            extracted = archive.extractfile(wanted)
            return _decode(extracted.read()) if extracted else None
        if len(parts) > 2 and parts[0] == "charts":
            for name, member in sorted(members.items()):
                inner = name.split("/")
                if (len(inner) == 3 and inner[1] == "charts" and name.endswith(".tgz")
                        and member.isfile() and member.size <= 4 * MAX_TEMPLATE_BYTES):
                    extracted = archive.extractfile(member)
                    if extracted is None:
                        continue
                    found = _from_archive(extracted.read(), parts[2:], parts[1])
                    if found is not None:
                        return found
    return None


# --- capability probes that Helm cannot answer exactly ----------------------------------------

HELM_BUILTIN_CHECK = HELM_CAPABILITIES_PROBE


def probe_warnings(stream: RenderedStream, catalog: Catalog, target: KubeVersion,
                   helm_defaults: frozenset[str]) -> list[Finding]:
    """Info findings for `.Capabilities.APIVersions.Has "g/v"` where Helm's answer may differ.

    Helm always reports its built-in group/versions as present; a probe for one the target does
    not serve answers `true` although the target cluster would answer `false`.
    """
    served = set(capabilities(catalog, target))
    findings: list[Finding] = []
    sources = sorted({owner for owner in stream.owners if owner})
    seen: set[str] = set()
    for source in sources:
        relative = ChartFiles.relative(source)
        if relative in seen:
            continue
        seen.add(relative)
        text = stream.template_text(source)
        if not text:
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            for match in _PROBE.finditer(line):
                api = match.group("api")
                if api in helm_defaults and api not in served:
                    shown, rel = stream.template_path(source)
                    findings.append(Finding(
                        HELM_BUILTIN_CHECK, Severity.INFO,
                        f'.Capabilities.APIVersions.Has "{api}" is true when rendered by Helm, '
                        f"which always lists its built-in APIs, but a {target} cluster does not serve "
                        f'{api}; probe "{api}/KIND" or use semverCompare on .Capabilities.KubeVersion',
                        Origin(shown, None, number, match.start() + 1, rel),
                        details={"api": api}))
    return findings


HELM_DEFAULT_API_VERSIONS = frozenset({
    # Helm 4.2 (client-go 0.35) built-in set, from `{{ toJson .Capabilities.APIVersions }}`
    # rendered without --api-versions. Only versions some target may not serve matter here.
    "admissionregistration.k8s.io/v1alpha1", "admissionregistration.k8s.io/v1beta1",
    "apps/v1beta1", "apps/v1beta2", "authentication.k8s.io/v1alpha1", "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1beta1", "autoscaling/v2", "batch/v1beta1", "certificates.k8s.io/v1alpha1",
    "certificates.k8s.io/v1beta1", "coordination.k8s.io/v1alpha2", "coordination.k8s.io/v1beta1",
    "discovery.k8s.io/v1", "discovery.k8s.io/v1beta1", "events.k8s.io/v1", "events.k8s.io/v1beta1",
    "extensions/v1beta1", "flowcontrol.apiserver.k8s.io/v1", "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2", "flowcontrol.apiserver.k8s.io/v1beta3",
    "internal.apiserver.k8s.io/v1alpha1", "networking.k8s.io/v1beta1", "node.k8s.io/v1",
    "node.k8s.io/v1alpha1", "node.k8s.io/v1beta1", "policy/v1", "policy/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1", "rbac.authorization.k8s.io/v1beta1", "resource.k8s.io/v1",
    "resource.k8s.io/v1alpha3", "resource.k8s.io/v1beta1", "resource.k8s.io/v1beta2",
    "scheduling.k8s.io/v1alpha2", "scheduling.k8s.io/v1beta1", "storage.k8s.io/v1alpha1",
    "storage.k8s.io/v1beta1", "storagemigration.k8s.io/v1beta1", "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1", "certificates.k8s.io/v1", "coordination.k8s.io/v1",
    "scheduling.k8s.io/v1", "storage.k8s.io/v1", "networking.k8s.io/v1", "batch/v1", "apps/v1",
    "rbac.authorization.k8s.io/v1", "admissionregistration.k8s.io/v1", "authentication.k8s.io/v1",
    "authorization.k8s.io/v1", "autoscaling/v1", "v1",
})
