"""Node and edge vocabulary of the dependency graph, and the evidence every edge carries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SCHEMA_VERSION = "kcompat.graph/v1"

WORKLOAD_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob",
                            "Pod", "ReplicationController"})
ROUTE_KINDS = frozenset({"HTTPRoute", "GRPCRoute", "TCPRoute", "TLSRoute", "UDPRoute"})
WEBHOOK_KINDS = frozenset({"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"})

# Node kinds (the `kind` attribute of a node).
WORKLOAD = "workload"
SERVICE = "service"
INGRESS = "ingress"
ROUTE = "route"
CRD = "crd"
CRD_VERSION = "crd-version"
CUSTOM_RESOURCE = "custom-resource"
API_SERVICE = "apiservice"
WEBHOOK = "webhook"
APISERVER = "kube-apiserver"
BUILTIN_API = "builtin-api"
APP_API = "app-api"
AUTOSCALER = "autoscaler"
DISRUPTION_BUDGET = "disruption-budget"
OBJECT = "object"

# Edge types (the `type` attribute and the multigraph key of an edge).
SELECTS = "selects"                       # Service -> workload (label selector)
CALLS = "calls"                           # workload -> Service (address in env/args/command/ConfigMap)
ROUTES_TO = "routes-to"                   # Ingress / HTTPRoute / GRPCRoute -> Service
ADMISSION_WEBHOOK = "admission-webhook"   # kube-apiserver -> Service (via a webhook configuration)
AGGREGATED_API = "aggregated-api"         # kube-apiserver -> Service (via an APIService)
CONVERSION_WEBHOOK = "conversion-webhook"  # kube-apiserver -> Service (via a CRD)
DEFINES_VERSION = "defines-version"       # CRD -> CRD version
INSTANCE_OF = "instance-of"               # custom resource -> CRD version it is written in
USES_API = "uses-api"                     # object -> built-in group/version
SERVES = "serves"                         # Service or workload -> application API version
CONSUMES = "consumes"                     # client -> application API version
SCALES = "scales"                         # HPA -> target (secondary)
PROTECTS = "protects"                     # PDB -> workloads (secondary)

APISERVER_EDGES = frozenset({ADMISSION_WEBHOOK, AGGREGATED_API, CONVERSION_WEBHOOK})
SECONDARY_EDGES = frozenset({SCALES, PROTECTS})
APISERVER_ID = "kube-apiserver"


@dataclass(frozen=True)
class Evidence:
    """Where an edge was proved: a file, a 1-based line, and the text found there."""

    file: str
    line: int | None
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "text": self.text}

    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line is not None else self.file


@dataclass(frozen=True)
class Unresolved:
    """A value that looks like an in-cluster service address but names no Service in the input."""

    source: str
    """Node id of the object the value was found in."""
    value: str
    service: str
    namespace: str
    evidence: Evidence

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "value": self.value, "service": self.service,
                "namespace": self.namespace, "evidence": self.evidence.to_json()}


def object_id(kind: str, name: str, namespace: str | None) -> str:
    """Kind/namespace/name for namespaced objects, Kind/name for cluster-scoped ones."""
    return f"{kind}/{namespace}/{name}" if namespace is not None else f"{kind}/{name}"


def builtin_api_id(api_version: str) -> str:
    return f"api:{api_version}"


def app_api_id(name: str, version: str) -> str:
    return f"app-api:{name}/{version}"


def crd_version_id(crd_name: str, version: str) -> str:
    return f"CustomResourceDefinition/{crd_name}@{version}"
