"""Build the dependency graph (a networkx MultiDiGraph) from extracted resources.

Every edge is keyed by its type and carries a list of `Evidence`; a value that looks like a
service address but names no Service in the input becomes an `Unresolved` entry, never a node.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from kcompat.catalog.lifecycle import CLIENT_SIDE_KINDS, Catalog
from kcompat.core.selectors import expressions_match
from kcompat.graph import nodes as m
from kcompat.graph.addresses import (
    REDACTED,
    Address,
    find_addresses,
    is_version,
    parse_api_list,
    path_version,
    redact,
    secret_name,
    split_versioned_name,
)
from kcompat.sources.resources import Resource, dig

SERVES_ANNOTATION = "kcompat.io/serves"
CONSUMES_ANNOTATION = "kcompat.io/consumes"
DEFAULT_NAMESPACE = "default"

CLUSTER_SCOPED = frozenset({
    "Namespace", "Node", "PersistentVolume", "CustomResourceDefinition", "APIService", "ClusterRole",
    "ClusterRoleBinding", "StorageClass", "PriorityClass", "IngressClass", "RuntimeClass", "CSIDriver",
    "CSINode", "VolumeAttachment", "PodSecurityPolicy", "FlowSchema", "PriorityLevelConfiguration",
    "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding", "GatewayClass", "CertificateSigningRequest", "ComponentStatus",
})
_NODE_KIND = {"Service": m.SERVICE, "Ingress": m.INGRESS, "CustomResourceDefinition": m.CRD,
              "APIService": m.API_SERVICE, "HorizontalPodAutoscaler": m.AUTOSCALER,
              "PodDisruptionBudget": m.DISRUPTION_BUDGET}
_POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",), "CronJob": ("spec", "jobTemplate", "spec", "template", "spec")}
_POD_LABEL_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("metadata", "labels"), "CronJob": ("spec", "jobTemplate", "spec", "template", "metadata", "labels")}


@dataclass
class ServiceGraph:
    graph: Any  # networkx.MultiDiGraph (networkx ships no type information)
    unresolved: list[m.Unresolved] = field(default_factory=list)
    resources: dict[str, Resource] = field(default_factory=dict)
    """Node id -> the resource behind it (for rollout advice and rollout-risk checks)."""


@dataclass
class _Object:
    id: str
    resource: Resource
    namespace: str | None




def _items(value: Any) -> Iterator[tuple[int, Any]]:
    return enumerate(value) if isinstance(value, list) else iter(())


def _shown(name: str, value: str) -> str:
    """A configuration value as evidence may quote it: a secret-named one (*PASSWORD*, *TOKEN*, ...) not at all."""
    return REDACTED if secret_name(name) else value


def _str_map(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): str(v) for k, v in value.items() if isinstance(v, str | int | float | bool)}


def pod_spec_path(kind: str) -> tuple[str, ...]:
    return _POD_SPEC_PATHS.get(kind, ("spec", "template", "spec"))


def pod_labels(resource: Resource) -> dict[str, str]:
    path = _POD_LABEL_PATHS.get(resource.kind, ("spec", "template", "metadata", "labels"))
    return _str_map(dig(resource.obj, *path))


def selector_matches(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """A label selector (plain map or {matchLabels, matchExpressions}) against labels; empty matches nothing."""
    if "matchLabels" in selector or "matchExpressions" in selector:
        match_labels = _str_map(selector.get("matchLabels"))
        expressions = selector.get("matchExpressions") or []
    else:
        match_labels, expressions = _str_map(selector), []
    if not match_labels and not expressions:
        return False
    if any(labels.get(k) != v for k, v in match_labels.items()):
        return False
    return expressions_match(expressions if isinstance(expressions, list) else [], labels) is True


class _Builder:
    def __init__(self, resources: Iterable[Resource], catalog: Catalog) -> None:
        self.catalog = catalog
        self.graph = nx.MultiDiGraph(schema=m.SCHEMA_VERSION)
        self.unresolved: list[m.Unresolved] = []
        self._unresolved_seen: set[tuple[str, str, str, str | None, int | None]] = set()
        self.objects: list[_Object] = []
        self.services: dict[tuple[str, str], _Object] = {}
        self.config_maps: dict[tuple[str, str], _Object] = {}
        self.workloads: list[_Object] = []
        self.crds: dict[tuple[str, str], _Object] = {}
        self.namespaces: set[str] = {DEFAULT_NAMESPACE}
        # namespace -> (label, value) -> workload ids, for selector matching without a full scan
        self.label_index: dict[str, dict[tuple[str, str], set[str]]] = defaultdict(lambda: defaultdict(set))
        self.labels_of: dict[str, dict[str, str]] = {}
        self.by_id: dict[str, _Object] = {}
        self._index(resources)

    # -- indexing -------------------------------------------------------------------------

    def _index(self, resources: Iterable[Resource]) -> None:
        listed = list(resources)
        for resource in listed:
            if resource.kind == "CustomResourceDefinition":
                group, kind = dig(resource.obj, "spec", "group"), dig(resource.obj, "spec", "names", "kind")
                if isinstance(group, str) and isinstance(kind, str):
                    self.crds[(group, kind)] = _Object("", resource, None)
        for resource in listed:
            name = resource.name
            if name is None or (resource.api_version, resource.kind) in CLIENT_SIDE_KINDS:
                continue
            namespace = self._namespace_of(resource)
            obj = _Object(m.object_id(resource.kind, name, namespace), resource, namespace)
            if resource.kind == "CustomResourceDefinition":
                self.crds[(str(dig(resource.obj, "spec", "group")),
                           str(dig(resource.obj, "spec", "names", "kind")))] = obj
            self.objects.append(obj)
            self.by_id[obj.id] = obj
            if namespace is not None:
                self.namespaces.add(namespace)
            if resource.kind == "Namespace":
                self.namespaces.add(name)
            elif resource.kind == "Service" and namespace is not None:
                self.services[(namespace, name)] = obj
            elif resource.kind == "ConfigMap" and namespace is not None:
                self.config_maps[(namespace, name)] = obj
            elif resource.kind in m.WORKLOAD_KINDS and namespace is not None:
                self.workloads.append(obj)
                labels = pod_labels(resource)
                self.labels_of[obj.id] = labels
                for item in labels.items():
                    self.label_index[namespace][item].add(obj.id)

    def _namespace_of(self, resource: Resource) -> str | None:
        if resource.kind in CLUSTER_SCOPED:
            return None
        crd = self.crds.get((resource.group, resource.kind))
        if crd is not None and dig(crd.resource.obj, "spec", "scope") == "Cluster":
            return None
        return resource.namespace or DEFAULT_NAMESPACE

    # -- helpers ----------------------------------------------------------------------------

    def evidence(self, obj: _Object, path: tuple[str | int, ...], text: str) -> m.Evidence:
        """Evidence quoting text with its credentials redacted (URL userinfo, secret-named values)."""
        origin = obj.resource.origin_of(path)
        return m.Evidence(origin.path, origin.line, redact(text))

    def add_edge(self, source: str, target: str, kind: str, evidence: m.Evidence, key: str | None = None,
                 **attrs: Any) -> None:
        """One edge per (source, target, key); the key is the edge type unless given (API server edges
        are keyed by type and configuration, so each webhook configuration stays its own edge)."""
        key = key or kind
        if self.graph.has_edge(source, target, key=key):
            data = self.graph.edges[source, target, key]
            if evidence.to_json() not in data["evidence"]:
                data["evidence"].append(evidence.to_json())
            for name, value in attrs.items():
                data.setdefault(name, value)
            return
        self.graph.add_edge(source, target, key=key, type=kind, evidence=[evidence.to_json()], **attrs)

    def add_node(self, node_id: str, kind: str, **attrs: Any) -> None:
        if node_id not in self.graph:
            self.graph.add_node(node_id, kind=kind, **attrs)
        elif "kind" not in self.graph.nodes[node_id]:
            # created bare by an edge that came first (a custom resource before its CRD)
            self.graph.nodes[node_id].update(kind=kind, **attrs)

    def selected(self, namespace: str, selector: dict[str, Any]) -> list[str]:
        match_labels = _str_map(selector.get("matchLabels")) if (
            "matchLabels" in selector or "matchExpressions" in selector) else _str_map(selector)
        index = self.label_index.get(namespace, {})
        if match_labels:
            sets = [index.get(item, set()) for item in match_labels.items()]
            candidates = set.intersection(*sets) if sets else set()
        else:
            candidates = {w.id for w in self.workloads if w.namespace == namespace}
        return sorted(c for c in candidates if selector_matches(selector, self.labels_of[c]))

    # -- the graph --------------------------------------------------------------------------

    def build(self) -> ServiceGraph:
        self.graph.add_node(m.APISERVER_ID, kind=m.APISERVER, name="kube-apiserver", namespace=None)
        for obj in self.objects:
            self._node(obj)
        for obj in self.objects:
            if obj.resource.kind == "Service":
                self._service(obj)  # first, so every workload knows its own Services
        for obj in self.objects:
            resource = obj.resource
            self._uses_api(obj)
            if resource.kind in m.WORKLOAD_KINDS:
                self._workload_calls(obj)
            elif resource.kind == "Ingress":
                self._ingress(obj)
            elif resource.kind in m.ROUTE_KINDS:
                self._route(obj)
            elif resource.kind in m.WEBHOOK_KINDS:
                self._webhooks(obj)
            elif resource.kind == "APIService":
                self._api_service(obj)
            elif resource.kind == "CustomResourceDefinition":
                self._crd(obj)
            elif resource.kind == "HorizontalPodAutoscaler":
                self._hpa(obj)
            elif resource.kind == "PodDisruptionBudget":
                self._pdb(obj)
            if not self.catalog.is_builtin_group(resource.group):
                self._custom_resource(obj)
            self._annotations(obj)
        return ServiceGraph(self.graph, self.unresolved, {k: v.resource for k, v in self.by_id.items()})

    def _node(self, obj: _Object) -> None:
        resource = obj.resource
        kind = _NODE_KIND.get(resource.kind)
        if kind is None:
            if resource.kind in m.WORKLOAD_KINDS:
                kind = m.WORKLOAD
            elif resource.kind in m.ROUTE_KINDS:
                kind = m.ROUTE
            elif resource.kind in m.WEBHOOK_KINDS:
                kind = m.WEBHOOK
            elif not self.catalog.is_builtin_group(resource.group):
                kind = m.CUSTOM_RESOURCE
            else:
                kind = m.OBJECT
        origin = resource.origin_of()
        self.graph.add_node(obj.id, kind=kind, k8s_kind=resource.kind, api_version=resource.api_version,
                            name=resource.name, namespace=obj.namespace, file=origin.path, line=origin.line)

    def _uses_api(self, obj: _Object) -> None:
        resource = obj.resource
        if not self.catalog.is_builtin_group(resource.group):
            return
        node = m.builtin_api_id(resource.api_version)
        self.add_node(node, m.BUILTIN_API, name=resource.api_version, namespace=None,
                      group=resource.group, version=resource.version)
        self.add_edge(obj.id, node, m.USES_API,
                      self.evidence(obj, ("apiVersion",), f"apiVersion: {resource.api_version}"),
                      api_kind=resource.kind)

    def _service(self, obj: _Object) -> None:
        selector = dig(obj.resource.obj, "spec", "selector")
        if not isinstance(selector, dict) or obj.namespace is None:
            return
        text = "selector " + ", ".join(f"{k}={v}" for k, v in _str_map(selector).items())
        for workload in self.selected(obj.namespace, selector):
            self.add_edge(obj.id, workload, m.SELECTS, self.evidence(obj, ("spec", "selector"), text))
        version = _str_map(selector).get("version")
        if version is not None and is_version(version):
            base = _str_map(selector).get("app") or split_versioned_name(obj.resource.name or "")[0]
            self._serves(obj.id, base, version, self.evidence(obj, ("spec", "selector", "version"),
                                                              f"selector version={version}"))
        base, name_version = split_versioned_name(obj.resource.name or "")
        if name_version is not None:
            self._serves(obj.id, base, name_version,
                         self.evidence(obj, ("metadata", "name"), f"versioned Service name {obj.resource.name}"))

    def _serves(self, node: str, name: str, version: str, evidence: m.Evidence) -> None:
        api = m.app_api_id(name, version)
        self.add_node(api, m.APP_API, name=f"{name}/{version}", namespace=None, api=name, version=version)
        self.add_edge(node, api, m.SERVES, evidence)

    def _consumes(self, node: str, name: str, version: str, evidence: m.Evidence, via: str | None = None) -> None:
        api = m.app_api_id(name, version)
        self.add_node(api, m.APP_API, name=f"{name}/{version}", namespace=None, api=name, version=version)
        if via is not None:
            self.add_edge(node, api, m.CONSUMES, evidence, via=via)
        else:
            self.add_edge(node, api, m.CONSUMES, evidence)

    def _annotations(self, obj: _Object) -> None:
        annotations = _str_map(dig(obj.resource.obj, "metadata", "annotations"))
        for annotation, handler in ((SERVES_ANNOTATION, self._serves), (CONSUMES_ANNOTATION, self._consumes)):
            text = annotations.get(annotation)
            if text is None:
                continue
            for name, version in parse_api_list(text):
                handler(obj.id, name, version, self.evidence(
                    obj, ("metadata", "annotations", annotation), f'{annotation}: "{text}"'))

    # -- workload -> Service ----------------------------------------------------------------

    def _values(self, obj: _Object) -> Iterator[tuple[str | None, str, m.Evidence]]:
        """(key, value, evidence) for every string a workload's containers are configured with."""
        resource = obj.resource
        spec_path = pod_spec_path(resource.kind)
        spec = dig(resource.obj, *spec_path)
        if not isinstance(spec, dict):
            return
        for section in ("initContainers", "containers"):
            for index, container in _items(spec.get(section)):
                if not isinstance(container, dict):
                    continue
                base = (*spec_path, section, index)
                for field_name in ("command", "args"):
                    previous = ""
                    for position, arg in _items(container.get(field_name)):
                        if isinstance(arg, str):
                            # `--password hunter2`: the value after a secret-named flag is a secret too
                            shown = REDACTED if previous.startswith("-") and "=" not in previous \
                                and secret_name(previous.lstrip("-")) else arg
                            yield None, arg, self.evidence(obj, (*base, field_name, position),
                                                           f"{field_name}: {shown}")
                            previous = arg
                yield from self._env(obj, container, base)

    def _env(self, obj: _Object, container: dict[str, Any],
             base: tuple[str | int, ...]) -> Iterator[tuple[str | None, str, m.Evidence]]:
        for index, env in _items(container.get("env")):
            if not isinstance(env, dict):
                continue
            name = str(env.get("name", ""))
            value = env.get("value")
            if isinstance(value, str):
                yield name, value, self.evidence(obj, (*base, "env", index, "value"),
                                                 f"env {name}={_shown(name, value)}")
            ref = dig(env, "valueFrom", "configMapKeyRef")
            if isinstance(ref, dict) and obj.namespace is not None:
                config_map = self.config_maps.get((obj.namespace, str(ref.get("name"))))
                key = str(ref.get("key"))
                data = _str_map(dig(config_map.resource.obj, "data")) if config_map else {}
                if config_map is not None and key in data:
                    yield name, data[key], self.evidence(
                        config_map, ("data", key),
                        f"env {name} from ConfigMap {config_map.resource.name} key {key}="
                        f"{_shown(name, _shown(key, data[key]))}")
        for env_from in container.get("envFrom") or []:
            name = dig(env_from, "configMapRef", "name")
            if not isinstance(name, str) or obj.namespace is None:
                continue
            config_map = self.config_maps.get((obj.namespace, name))
            if config_map is None:
                continue
            prefix = str(env_from.get("prefix") or "")
            for key, value in _str_map(dig(config_map.resource.obj, "data")).items():
                yield prefix + key, value, self.evidence(
                    config_map, ("data", key), f"envFrom ConfigMap {name}: {key}={_shown(key, value)}")

    def _workload_calls(self, obj: _Object) -> None:
        namespace = obj.namespace or DEFAULT_NAMESPACE
        own_services = {s for s, _, kind in self.graph.in_edges(obj.id, keys=True) if kind == m.SELECTS}
        for key, value, evidence in self._values(obj):
            for address in find_addresses(value, key):
                self._resolve(obj, namespace, address, value, evidence, own_services)

    def _resolve(self, obj: _Object, namespace: str, address: Address, value: str, evidence: m.Evidence,
                 own_services: set[str]) -> None:
        target = self._service_name(address.labels, namespace)
        if target is None:
            return
        name, service_namespace = target
        service = self.services.get((service_namespace, name))
        if service is None:
            key = (obj.id, value, name, evidence.file, evidence.line)
            if key not in self._unresolved_seen:
                self._unresolved_seen.add(key)
                self.unresolved.append(m.Unresolved(obj.id, redact(value), name, service_namespace, evidence))
            return
        if service.id in own_services:
            return  # a workload naming its own Service (listen address, advertised name)
        attrs: dict[str, Any] = {}
        if address.port is not None:
            attrs["port"] = address.port
        self.add_edge(obj.id, service.id, m.CALLS, evidence, **attrs)
        version = path_version(address.path)
        if version is not None:
            self._consumes(obj.id, split_versioned_name(name)[0], version, m.Evidence(
                evidence.file, evidence.line, f"{evidence.text} (URL path names {version})"), via=service.id)
        base, name_version = split_versioned_name(name)
        if name_version is not None:
            self._consumes(obj.id, base, name_version, m.Evidence(
                evidence.file, evidence.line, f"{evidence.text} (versioned Service name {name})"),
                via=service.id)

    def _service_name(self, labels: tuple[str, ...], namespace: str) -> tuple[str, str] | None:
        """(service, namespace) that DNS labels name, or None when they name no in-cluster Service.

        svc -> own namespace; svc.ns (only for a namespace or Service in the input); svc.ns.svc and
        svc.ns.svc.<cluster domain>; pod.svc.ns.svc.<domain> for a headless Service's pod.
        """
        if len(labels) == 1:
            return labels[0], namespace
        for index in range(len(labels) - 1, 0, -1):
            if labels[index] == "svc" and index >= 2:
                return labels[index - 2], labels[index - 1]
        if len(labels) == 2 and (labels[1] in self.namespaces or (labels[1], labels[0]) in self.services):
            return labels[0], labels[1]
        return None

    # -- routes and the API server ----------------------------------------------------------

    def _backend(self, obj: _Object, name: Any, namespace: str | None, field_path: tuple[str | int, ...],
                 kind: str, text: str, source: str | None = None, **attrs: Any) -> None:
        if not isinstance(name, str) or namespace is None:
            return
        evidence = self.evidence(obj, field_path, text)
        service = self.services.get((namespace, name))
        if service is None:
            seen = (obj.id, text, name, evidence.file, evidence.line)
            if seen not in self._unresolved_seen:
                self._unresolved_seen.add(seen)
                self.unresolved.append(m.Unresolved(obj.id, text, name, namespace, evidence))
            return
        key = f"{kind} via {attrs['via']}" if attrs.get("via") else None
        self.add_edge(source or obj.id, service.id, kind, evidence, key,
                      **{k: v for k, v in attrs.items() if v is not None})

    def _ingress(self, obj: _Object) -> None:
        spec = dig(obj.resource.obj, "spec")
        spec = spec if isinstance(spec, dict) else {}
        backends: list[tuple[tuple[str | int, ...], Any]] = [
            (("spec", "defaultBackend"), spec.get("defaultBackend")), (("spec", "backend"), spec.get("backend"))]
        for r, rule in _items(spec.get("rules")):
            for p, item in _items(dig(rule, "http", "paths")):
                backends.append((("spec", "rules", r, "http", "paths", p, "backend"), dig(item, "backend")))
        for path, backend in backends:
            if not isinstance(backend, dict):
                continue
            name = dig(backend, "service", "name") or backend.get("serviceName")
            port = dig(backend, "service", "port", "number") or dig(backend, "service", "port", "name") \
                or backend.get("servicePort")
            self._backend(obj, name, obj.namespace, path, m.ROUTES_TO, f"Ingress backend {name}:{port}")

    def _route(self, obj: _Object) -> None:
        for r, rule in _items(dig(obj.resource.obj, "spec", "rules")):
            for b, ref in _items(dig(rule, "backendRefs")):
                if not isinstance(ref, dict) or ref.get("kind", "Service") != "Service" or ref.get("group", ""):
                    continue
                namespace = ref.get("namespace") or obj.namespace
                self._backend(obj, ref.get("name"), namespace, ("spec", "rules", r, "backendRefs", b),
                              m.ROUTES_TO, f"{obj.resource.kind} backendRef {ref.get('name')}:{ref.get('port')}")

    def _client_config(self, obj: _Object, service: Any, path: tuple[str | int, ...], kind: str) -> None:
        if not isinstance(service, dict):
            return
        name, namespace = service.get("name"), service.get("namespace")
        text = f"{obj.resource.kind} {obj.resource.name} -> service {namespace}/{name}"
        if service.get("path"):
            text += f" path {service['path']}"
        self._backend(obj, name, namespace if isinstance(namespace, str) else None, path, kind, text,
                      source=m.APISERVER_ID, via=obj.id, port=service.get("port"), path=service.get("path"))

    def _webhooks(self, obj: _Object) -> None:
        for index, webhook in _items(dig(obj.resource.obj, "webhooks")):
            self._client_config(obj, dig(webhook, "clientConfig", "service"),
                                ("webhooks", index, "clientConfig", "service"), m.ADMISSION_WEBHOOK)

    def _api_service(self, obj: _Object) -> None:
        self._client_config(obj, dig(obj.resource.obj, "spec", "service"), ("spec", "service"), m.AGGREGATED_API)

    def _crd(self, obj: _Object) -> None:
        spec = dig(obj.resource.obj, "spec")
        spec = spec if isinstance(spec, dict) else {}
        name = obj.resource.name or ""
        versions = crd_versions(obj.resource)
        for version, served, storage, index in versions:
            node = m.crd_version_id(name, version)
            self.add_node(node, m.CRD_VERSION, name=f"{spec.get('group')}/{version} {dig(spec, 'names', 'kind')}",
                          namespace=None, crd=obj.id, version=version, served=served, storage=storage)
            path: tuple[str | int, ...] = ("spec", "versions", index) if index is not None else ("spec", "version")
            self.add_edge(obj.id, node, m.DEFINES_VERSION, self.evidence(
                obj, path, f"version {version} served={served} storage={storage}"))
        for path in (("spec", "conversion", "webhook", "clientConfig", "service"),
                     ("spec", "conversion", "webhookClientConfig", "service")):
            self._client_config(obj, dig(obj.resource.obj, *path), path, m.CONVERSION_WEBHOOK)

    def _custom_resource(self, obj: _Object) -> None:
        resource = obj.resource
        crd = self.crds.get((resource.group, resource.kind))
        if crd is None or not crd.id:
            return
        versions = {version for version, *_ in crd_versions(crd.resource)}
        evidence = self.evidence(obj, ("apiVersion",), f"apiVersion: {resource.api_version}")
        if resource.version in versions:
            self.add_edge(obj.id, m.crd_version_id(crd.resource.name or "", resource.version), m.INSTANCE_OF, evidence)
        else:
            self.unresolved.append(m.Unresolved(obj.id, resource.api_version, crd.resource.name or "",
                                                "", evidence))

    def _hpa(self, obj: _Object) -> None:
        ref = dig(obj.resource.obj, "spec", "scaleTargetRef")
        if not isinstance(ref, dict) or obj.namespace is None:
            return
        target = m.object_id(str(ref.get("kind")), str(ref.get("name")), obj.namespace)
        if target in self.by_id:
            self.add_edge(obj.id, target, m.SCALES, self.evidence(
                obj, ("spec", "scaleTargetRef"), f"scaleTargetRef {ref.get('kind')}/{ref.get('name')}"),
                secondary=True)

    def _pdb(self, obj: _Object) -> None:
        selector = dig(obj.resource.obj, "spec", "selector")
        if not isinstance(selector, dict) or obj.namespace is None:
            return
        text = "selector " + ", ".join(f"{k}={v}" for k, v in _str_map(selector.get("matchLabels")).items())
        for workload in self.selected(obj.namespace, selector):
            self.add_edge(obj.id, workload, m.PROTECTS, self.evidence(obj, ("spec", "selector"), text), secondary=True)


def crd_versions(resource: Resource) -> list[tuple[str, bool, bool, int | None]]:
    """(version, served, storage, index in spec.versions) of a CRD (v1 and v1beta1 shapes)."""
    spec = dig(resource.obj, "spec")
    spec = spec if isinstance(spec, dict) else {}
    result: list[tuple[str, bool, bool, int | None]] = []
    for index, item in _items(spec.get("versions")):
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            result.append((item["name"], bool(item.get("served", True)), bool(item.get("storage", False)), index))
    if not result and isinstance(spec.get("version"), str):
        result.append((spec["version"], True, True, None))
    return result


def build_graph(resources: Iterable[Resource], catalog: Catalog) -> ServiceGraph:
    return _Builder(resources, catalog).build()
