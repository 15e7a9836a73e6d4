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
import subprocess
import tarfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from kcompat.catalog.lifecycle import Catalog
from kcompat.core.model import Finding, Origin, Severity
from kcompat.core.rules import HELM_CAPABILITIES_PROBE
from kcompat.core.versions import KubeVersion
from kcompat.sources.k8s_yaml import load_document
from kcompat.sources.template_map import RenderedStream

MAX_TEMPLATE_BYTES = 8 * 1024 * 1024
"""Template files larger than this are not read for line mapping."""
MAX_ARCHIVE_MEMBERS = 20_000
HELM_TIMEOUT_SECONDS = 300

INSTALL_HINT = ("--helm needs Helm: install the extra with `pip install 'kcompat[helm]'` "
                "(Helm 4 in-process, no binary needed) or put a `helm` binary on PATH "
                "(https://helm.sh/docs/intro/install/)")

_DOCUMENT_START = re.compile(r"^---(?=[ \t\r\n]|$)", re.MULTILINE)
_CONTENT = re.compile(r"^[ \t]*[^\s#]", re.MULTILINE)
_HELM_POSITION = re.compile(r"\((?P<source>[^():\s]+):(?P<line>\d+)(?::(?P<column>\d+))?\)")
_PROBE = re.compile(r"\.Capabilities\.APIVersions\.Has\s+\"(?P<api>[^\"]+)\"")


class HelmFailure(Exception):
    """Helm is missing, or the chart, its values or --set could not be rendered (exit 2)."""


@dataclass(frozen=True)
class HelmRequest:
    chart: str
    values_files: tuple[str, ...] = ()
    set_values: tuple[str, ...] = ()
    release_name: str = "release-name"
    namespace: str = "default"


@dataclass
class Rendered:
    stream: str
    """The output as `helm template` prints it: `---`, `# Source: CHART/templates/x.yaml`, YAML."""
    backend: str
    chart_name: str
    helm_seconds: float
    files: ChartFiles = field(repr=False)

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
    if backend == "sdk":
        stream, name = _render_sdk(request, values, api_versions, target, files)
    else:
        stream, name = _render_binary(request, api_versions, target, files)
    return Rendered(stream, backend, name, time.perf_counter() - started, files)


# --- values -----------------------------------------------------------------------------------

def _values_from_files(paths: Sequence[str]) -> dict[str, Any]:
    """Read and merge -f files in order (later wins, maps merge), reporting YAML errors with lines."""
    merged: dict[str, Any] = {}
    for path in paths:
        try:
            with open(path, "rb") as handle:
                raw = handle.read(MAX_TEMPLATE_BYTES + 1)
        except OSError as error:
            raise HelmFailure(f"values file {path}: {error.strerror or error}") from None
        if len(raw) > MAX_TEMPLATE_BYTES:
            raise HelmFailure(f"values file {path}: larger than {MAX_TEMPLATE_BYTES >> 20} MiB")
        try:
            # Helm reads values files with sigs.k8s.io/yaml, as Kubernetes reads manifests.
            data = load_document(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise HelmFailure(f"values file {path}: not UTF-8") from None
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
            raise HelmFailure(f"values file {where}: invalid YAML: {error.problem or error}") from None
        except yaml.YAMLError as error:
            raise HelmFailure(f"values file {path}: invalid YAML: {error}") from None
        if data is None:
            continue
        if not isinstance(data, dict):
            raise HelmFailure(f"values file {path}: must be a mapping of values, not {type(data).__name__}")
        merged = merge_values(merged, data)
    return merged


def merge_values(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Helm's merge of values files: maps merge recursively, anything else is replaced."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge_values(result[key], value)
        else:
            result[key] = value
    return result


# --- backends ---------------------------------------------------------------------------------

def _render_sdk(request: HelmRequest, values: dict[str, Any], api_versions: list[str],
                target: KubeVersion, files: ChartFiles) -> tuple[str, str]:
    import helm_python as helm
    from helm_python import _native

    try:
        helm.validate_release_name(request.release_name)
    except helm.HelmError as error:
        raise HelmFailure(f"--release-name {request.release_name}: {error}") from None
    for expression in request.set_values:
        try:
            values = merge_values(values, helm.parse_set_string(expression))
        except helm.HelmError as error:
            raise HelmFailure(f"--set {expression}: {error}") from None
    try:
        chart = helm.Chart.load(request.chart)
    except helm.HelmError as error:
        raise HelmFailure(f"--helm {request.chart}: not a loadable chart: {error}") from None
    with chart:
        options = {"name": request.release_name, "namespace": request.namespace, "is_install": True,
                   "kube_version": kube_version_text(target), "api_versions": api_versions}
        try:
            # Chart.render() does not expose kube_version/api_versions; the C ABI accepts them.
            output = _native.call_string("helm_render", chart._raw(), json.dumps(values), json.dumps(options))
            manifests: dict[str, str] = json.loads(output)
            crds = chart.crds
            name = chart.name
        except helm.HelmError as error:
            raise HelmFailure(files.describe_error(str(error))) from None
    parts: list[tuple[str, str]] = [(crd["filename"], crd["data"]) for crd in crds]
    parts += sorted(manifests.items())
    return "".join(_helm_template_documents(parts)), name


def _helm_template_documents(parts: list[tuple[str, str]]) -> Iterator[str]:
    """Format rendered templates like `helm template`: one `# Source:` header per document."""
    for source, text in parts:
        base = source.rsplit("/", 1)[-1]
        if base.startswith("_") or base == "NOTES.txt":
            continue
        starts = [0] + [m.start() for m in _DOCUMENT_START.finditer(text) if m.start() > 0]
        for index, start in enumerate(starts):
            end = starts[index + 1] if index + 1 < len(starts) else len(text)
            body = text[start:end]
            if body.startswith("---"):
                body = body.split("\n", 1)[1] if "\n" in body else ""
            if not _CONTENT.search(body):
                continue
            yield f"---\n# Source: {source}\n{body.strip(chr(10))}\n"


def _render_binary(request: HelmRequest, api_versions: list[str], target: KubeVersion,
                   files: ChartFiles) -> tuple[str, str]:
    helm = shutil.which("helm") or "helm"
    command = [helm, "template", request.release_name, request.chart, "--namespace", request.namespace,
               "--include-crds", "--kube-version", kube_version_text(target)]
    for api in api_versions:
        command += ["--api-versions", api]
    for path in request.values_files:
        command += ["--values", path]
    for expression in request.set_values:
        command += ["--set", expression]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=HELM_TIMEOUT_SECONDS,
                              check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise HelmFailure(f"helm template failed: {error}") from None
    if done.returncode != 0:
        message = done.stderr.strip().removeprefix("Error: ") or f"exit code {done.returncode}"
        raise HelmFailure(files.describe_error(message))
    return done.stdout, files.chart_name()


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
        on_disk = os.path.join(self.chart, *relative.split("/"))
        if os.path.isdir(self.chart) and os.path.isfile(on_disk):
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
            with open(self.chart, "rb") as handle:
                return _from_archive(handle.read(), parts, None)
        except (OSError, tarfile.TarError, EOFError, UnicodeDecodeError, ValueError):
            return None


def _decode(raw: bytes) -> str | None:
    if len(raw) > MAX_TEMPLATE_BYTES:
        return None
    return raw.decode("utf-8", errors="replace")


def _from_dir(root: str, parts: list[str]) -> str | None:
    path = os.path.join(root, *parts)
    if os.path.isfile(path):
        if os.path.getsize(path) > MAX_TEMPLATE_BYTES:
            return None
        with open(path, "rb") as handle:
            return _decode(handle.read())
    if len(parts) > 2 and parts[0] == "charts":
        sub = os.path.join(root, "charts", parts[1])
        if os.path.isdir(sub):
            return _from_dir(sub, parts[2:])
        charts = os.path.join(root, "charts")
        if os.path.isdir(charts):
            for name in sorted(os.listdir(charts)):
                if name.endswith(".tgz") and fnmatch.fnmatch(name, f"{parts[1]}-*"):
                    with open(os.path.join(charts, name), "rb") as handle:
                        found = _from_archive(handle.read(), parts[2:], parts[1])
                    if found is not None:
                        return found
    return None


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
