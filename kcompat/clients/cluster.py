"""`kcompat clients --cluster`: read-only evidence from a live cluster, with the official kubernetes client.

Only GET requests are sent: /version, discovery (/api, /apis), /metrics, Helm 3 release Secrets
(label owner=helm) and lists of the objects whose kinds have a deprecated or removed version.
Credentials never reach output: every message from the client library is passed through
`_Redactor`, which removes the token, password and key material of the loaded configuration.

How reliable each finding is differs by source (see model.RELIABILITY): the API server converts
objects to any served version, so listing objects proves nothing about the version a client used;
the evidence here is what clients *recorded* (Helm's stored manifest, kubectl's last-applied
configuration, managedFields' apiVersion per field manager) and what the server counted (/metrics).
"""

from __future__ import annotations

import base64
import json
import logging
import zlib
from typing import Any

from kcompat.catalog.lifecycle import Catalog
from kcompat.clients.metrics import read_exposition
from kcompat.clients.resources import SUBRESOURCE_KINDS, ResourceMap, plural_of
from kcompat.clients.usage import (
    HELM_RELEASE,
    LAST_APPLIED,
    MANAGED_FIELDS,
    ClientsReport,
    Identity,
    flagged,
    judge,
)
from kcompat.core.versions import KubeVersion, VersionError

TIMEOUT_SECONDS = 30
PAGE_SIZE = 500
LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration"


class ClusterError(Exception):
    """The cluster cannot be read at all (exit 2). The message never holds a credential."""


class _Redactor:
    def __init__(self, configuration: Any) -> None:
        secrets: set[str] = set()
        for value in (getattr(configuration, "api_key", None) or {}).values():
            if isinstance(value, str):
                secrets.add(value)
                secrets.update(part for part in value.split() if len(part) >= 6)
        for name in ("password", "username"):
            value = getattr(configuration, name, None)
            if isinstance(value, str) and len(value) >= 4:
                secrets.add(value)
        self.secrets = sorted(secrets, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[REDACTED]")
        return text


def _describe(error: BaseException, redact: _Redactor) -> str:
    status = getattr(error, "status", None)
    if status is not None:
        return redact(f"HTTP {status} {getattr(error, 'reason', '') or ''}".strip())
    # Connection errors: the type and the first line only (urllib3 messages carry no headers).
    text = str(error).splitlines()[0] if str(error) else ""
    return redact(f"{type(error).__name__}: {text}"[:300])


class _Cluster:
    def __init__(self, kubeconfig: str | None, context: str | None) -> None:
        try:
            from kubernetes import client, config
        except ImportError:
            raise ClusterError("--cluster needs the kubernetes client: pip install 'kcompat[cluster]'") from None
        self.client = client
        configuration = client.Configuration()
        self.redact = _Redactor(None)
        try:
            config.load_kube_config(  # type: ignore[no-untyped-call]
                config_file=kubeconfig, context=context,
                                    client_configuration=configuration, persist_config=False)
        except Exception as error:  # the loader raises many types; none may leak a credential
            self.redact = _Redactor(configuration)
            first = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise ClusterError(f"cannot load kubeconfig: {self.redact(first)}") from None
        configuration.retries = 1
        self.redact = _Redactor(configuration)
        self.api: Any = client.ApiClient(configuration)

    def get_json(self, path: str, query: list[tuple[str, str]] | None = None) -> Any:
        return json.loads(self.get_raw(path, query, "application/json"))

    def get_raw(self, path: str, query: list[tuple[str, str]] | None = None, accept: str = "*/*") -> str:
        """One GET request, by whichever calling convention the installed client has."""
        api = self.api
        if hasattr(api, "param_serialize"):  # kubernetes >= 32 (openapi-generator 7)
            method, url, headers, _body, _post = api.param_serialize(
                method="GET", resource_path=path, query_params=query or [], header_params={"Accept": accept},
                auth_settings=["BearerToken"])
            response = api.call_api(method, url, header_params=headers, _request_timeout=TIMEOUT_SECONDS)
            response.read()
            data = response.data
        else:  # pragma: no cover - older clients
            response = api.call_api(path, "GET", query_params=query or [], header_params={"Accept": accept},
                                    auth_settings=["BearerToken"], _preload_content=False,
                                    _return_http_data_only=True, _request_timeout=TIMEOUT_SECONDS)
            data = response.data
        if getattr(response, "status", 200) >= 400:
            raise self.client.ApiException(status=response.status, reason=getattr(response, "reason", ""))
        return data.decode("utf-8", errors="replace") if isinstance(data, bytes) else str(data)

    def list_all(self, path: str, query: list[tuple[str, str]] | None = None) -> Any:
        """Every item of a list, page by page."""
        token = ""
        while True:
            params = [*(query or []), ("limit", str(PAGE_SIZE))]
            if token:
                params.append(("continue", token))
            page = self.get_json(path, params)
            yield from page.get("items") or []
            token = (page.get("metadata") or {}).get("continue") or ""
            if not token:
                return


def _api_path(api_version: str) -> str:
    return f"/apis/{api_version}" if "/" in api_version else f"/api/{api_version}"


def _decode_release(value: str) -> dict[str, Any]:
    try:
        from kcompat.sources.helm_releases import decode_release
    except ImportError:  # pragma: no cover - the shared decoder ships with kcompat
        payload = base64.b64decode(base64.b64decode(value))
        if payload[:2] == b"\x1f\x8b":
            payload = zlib.decompressobj(wbits=31).decompress(payload, 64 * 1024 * 1024)
        release: dict[str, Any] = json.loads(payload)
        return release
    decoded: dict[str, Any] = decode_release(value, secret=True)
    return decoded


def read_cluster(report: ClientsReport, catalog: Catalog, resources: ResourceMap, *,
                 kubeconfig: str | None = None, context: str | None = None) -> None:
    previous = logging.getLogger("urllib3").level
    logging.getLogger("urllib3").setLevel(logging.ERROR)
    try:
        _read(_Cluster(kubeconfig, context), report, catalog, resources)
    finally:
        logging.getLogger("urllib3").setLevel(previous)


def _read(cluster: _Cluster, report: ClientsReport, catalog: Catalog, resources: ResourceMap) -> None:
    redact = cluster.redact
    try:
        version = cluster.get_json("/version")
    except Exception as error:
        raise ClusterError(f"cannot reach the API server: {_describe(error, redact)}") from None
    report.server_version = str(version.get("gitVersion") or f"{version.get('major')}.{version.get('minor')}")
    if report.current is None:
        try:
            current = KubeVersion.parse(report.server_version)
            report.current = current if current <= report.target else None
        except VersionError:
            pass

    served: list[str] = []
    try:
        served.extend(cluster.get_json("/api").get("versions") or [])
        for group in cluster.get_json("/apis").get("groups") or []:
            served.extend(v.get("groupVersion") for v in group.get("versions") or [] if v.get("groupVersion"))
    except Exception as error:
        report.errors.append(f"discovery: {_describe(error, redact)}")
    report.served_deprecated = sorted(
        gv for gv in served if any(flagged(api, report.target)
                                   for kind in catalog.kinds_of(gv) if (api := catalog.lookup(gv, kind))))

    try:
        text = cluster.get_raw("/metrics", accept="text/plain")
        read_exposition(text.splitlines(keepends=True), "cluster /metrics", report, catalog, resources)
    except Exception as error:
        report.errors.append(f"/metrics: {_describe(error, redact)} (needs RBAC: nonResourceURLs /metrics get)")

    try:
        _helm_releases(cluster, report, catalog)
    except Exception as error:
        report.errors.append(f"Helm release secrets: {_describe(error, redact)}")

    _applied_objects(cluster, report, catalog, set(served))
    report.notes.append(
        "The API server converts objects to any served version: listing objects through an old version "
        "proves nothing about the version a client used. Cluster evidence comes from what clients recorded "
        "(Helm release manifests, last-applied-configuration, managedFields) and from /metrics.")


def _helm_releases(cluster: _Cluster, report: ClientsReport, catalog: Catalog) -> None:
    from kcompat.sources.k8s_yaml import load_documents

    latest: dict[tuple[str, str], tuple[bool, int, dict[str, Any]]] = {}
    for secret in cluster.list_all("/api/v1/secrets", [("labelSelector", "owner=helm")]):
        meta = secret.get("metadata") or {}
        labels = meta.get("labels") or {}
        try:
            revision = int(labels.get("version", "0"))
        except ValueError:
            revision = 0
        key = (meta.get("namespace") or "", labels.get("name") or meta.get("name") or "")
        rank = (labels.get("status") == "deployed", revision)
        if key not in latest or rank > latest[key][:2]:
            latest[key] = (*rank, secret)
    for (namespace, name), (_, revision, secret) in sorted(latest.items()):
        value = (secret.get("data") or {}).get("release")
        if not isinstance(value, str):
            continue
        try:
            release = _decode_release(value)
            documents = load_documents(str(release.get("manifest") or ""))
        except Exception as error:
            report.errors.append(f"Helm release {namespace}/{name} v{revision}: cannot decode: {error}")
            continue
        for doc in documents:
            if not isinstance(doc, dict) or not isinstance(doc.get("apiVersion"), str):
                continue
            api = catalog.lookup(doc["apiVersion"], str(doc.get("kind")))
            verdict = judge(api, report.target, catalog)
            if api is None or verdict is None:
                continue
            client = report.client(HELM_RELEASE, Identity("helm-release", name, namespace))
            usage = client.usage(api.api_version, api.kind, verdict)
            meta = doc.get("metadata") or {}
            usage.count += 1
            usage.add_object(f"{api.kind} {meta.get('namespace') or namespace}/{meta.get('name')} "
                             f"(revision {revision})")


def _list_targets(catalog: Catalog, target: KubeVersion, served: set[str]) -> dict[str, str]:
    """Kind -> a served group/version to list it through, for every kind with a flagged version."""
    kinds = {api.kind for api in catalog.apis.values() if flagged(api, target)} - set(SUBRESOURCE_KINDS.values())
    chosen: dict[str, str] = {}
    for kind in sorted(kinds):
        candidates = [api for api in catalog.apis.values()
                      if api.kind == kind and api.api_version in served]
        candidates.sort(key=lambda api: (flagged(api, target), -api.introduced))
        if candidates:
            chosen[kind] = candidates[0].api_version
    return chosen


def _applied_objects(cluster: _Cluster, report: ClientsReport, catalog: Catalog, served: set[str]) -> None:
    for kind, api_version in _list_targets(catalog, report.target, served).items():
        path = f"{_api_path(api_version)}/{plural_of(kind)}"
        try:
            items = list(cluster.list_all(path))
        except Exception as error:
            report.errors.append(f"list {api_version} {kind}: {_describe(error, cluster.redact)}")
            continue
        for item in items:
            meta = item.get("metadata") or {}
            namespace = meta.get("namespace")
            where = f"{kind} {namespace + '/' if isinstance(namespace, str) else ''}{meta.get('name')}"
            applied = (meta.get("annotations") or {}).get(LAST_APPLIED_ANNOTATION)
            if isinstance(applied, str):
                try:
                    applied_version = json.loads(applied).get("apiVersion")
                except (ValueError, AttributeError):
                    applied_version = None
                if isinstance(applied_version, str):
                    _record(report, catalog, LAST_APPLIED, Identity("kubectl", "kubectl apply (client-side)"),
                            applied_version, kind, where)
            for entry in meta.get("managedFields") or []:
                if isinstance(entry, dict) and isinstance(entry.get("apiVersion"), str):
                    manager = str(entry.get("manager") or "(unknown manager)")
                    _record(report, catalog, MANAGED_FIELDS, Identity("field-manager", manager),
                            entry["apiVersion"], kind, f"{where} ({entry.get('operation', '?')})")


def _record(report: ClientsReport, catalog: Catalog, source: str, identity: Identity, api_version: str,
            kind: str, where: str) -> None:
    api = catalog.lookup(api_version, kind)
    verdict = judge(api, report.target, catalog)
    if api is None or verdict is None:
        return
    usage = report.client(source, identity).usage(api_version, kind, verdict)
    usage.count += 1
    usage.add_object(where)
