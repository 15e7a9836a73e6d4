"""A deterministic, realistic corpus of Kubernetes manifests for kcompat's benchmarks.

Stable API (other benchmarks import it; keep the signature):

    generate(out_dir: Path, n_docs: int = 10_000, seed: int = 1) -> list[Path]

writes exactly `n_docs` YAML/JSON documents into many files below `out_dir` (about one file
per four documents; 1 to 8 documents a file) and returns the files in sorted order. Every
document is one Kubernetes object with a string apiVersion and kind (no empty documents, no
`kind: List`), so for kcompat `documents == objects == n_docs`. The same (n_docs, seed)
always gives byte-identical files on any machine: one seeded `random.Random`, no sets, no
clock, and a small emitter here instead of a YAML dumper whose output could vary by version.

The mix imitates a GitOps repository: teams with apps (Deployment or StatefulSet, Service,
ConfigMap, Secret, ServiceAccount, RBAC, Ingress, HPA, PDB, CronJob, NetworkPolicy and custom
resources such as ServiceMonitor and Certificate) plus per-team platform files (Namespace,
quotas, ClusterRoles, StorageClass, CRDs). Some objects use APIs that Kubernetes removed:
extensions/v1beta1 and networking.k8s.io/v1beta1 Ingress, batch/v1beta1 CronJob,
policy/v1beta1 PodDisruptionBudget, autoscaling/v2beta1 and v2beta2 HPA,
rbac.authorization.k8s.io/v1beta1. Files carry header comments, Helm `# Source:` comments,
trailing comments and literal block scalars; about 2% of files are JSON and 5% use `.yml`.

Command line: python benchmarks/corpus.py OUT_DIR [--docs N] [--seed S]
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from yaml.resolver import Resolver

__all__ = ["generate"]

# --------------------------------------------------------------------------- emitter


class Comment(str):
    """A mapping key that is emitted as a full-line `# comment` (its value is ignored)."""

    __slots__ = ()


@dataclass(frozen=True)
class Note:
    """A scalar value followed by a trailing `# comment` on the same line."""

    value: Any
    text: str


_PLAIN_START = re.compile(r"[A-Za-z0-9_/.$(=^]")
_RESOLVER = Resolver()


@cache
def _plain_ok(text: str) -> bool:
    if not text or not _PLAIN_START.match(text) or text != text.strip():
        return False
    if any(c in text for c in "\n\t\r\"'") or ": " in text or " #" in text or text.endswith(":"):
        return False
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str"


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    return text if _plain_ok(text) else json.dumps(text)


def _emit_mapping(mapping: dict[Any, Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for key, raw in mapping.items():
        if isinstance(key, Comment):
            out.append(f"{pad}# {key}")
            continue
        value, note = (raw.value, f"  # {raw.text}") if isinstance(raw, Note) else (raw, "")
        head = f"{pad}{_scalar(key)}:"
        if isinstance(value, dict) and value:
            out.append(head + note)
            _emit_mapping(value, indent + 2, out)
        elif isinstance(value, list) and value:
            out.append(head + note)
            _emit_sequence(value, indent, out)  # kubectl style: dashes level with the key
        elif isinstance(value, str) and "\n" in value.rstrip("\n"):
            chomp = "" if value.endswith("\n") else "-"
            out.append(f"{head} |{chomp}{note}")
            out.extend(f"{pad}  {line}" if line else "" for line in value.rstrip("\n").split("\n"))
        elif isinstance(value, dict | list):
            out.append(f"{head} {'{}' if isinstance(value, dict) else '[]'}{note}")
        else:
            out.append(f"{head} {_scalar(value)}{note}")


def _emit_sequence(items: list[Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, dict) and item:
            start = len(out)
            _emit_mapping(item, indent + 2, out)
            out[start] = pad + "- " + out[start][indent + 2:]
        elif isinstance(item, list) and item:
            raise ValueError("nested sequences are not generated")
        else:
            out.append(f"{pad}- {_scalar(item)}")


def to_yaml(document: dict[str, Any]) -> str:
    out: list[str] = []
    _emit_mapping(document, 0, out)
    return "\n".join(out) + "\n"


def _plain_data(value: Any) -> Any:
    """The document without Comment keys and Note wrappers (what a YAML loader returns)."""
    if isinstance(value, Note):
        return _plain_data(value.value)
    if isinstance(value, dict):
        return {k: _plain_data(v) for k, v in value.items() if not isinstance(k, Comment)}
    if isinstance(value, list):
        return [_plain_data(v) for v in value]
    return value


# --------------------------------------------------------------------------- vocabulary

TEAMS = ("payments", "checkout", "search", "identity", "platform", "data", "ml", "growth",
         "messaging", "media", "catalog", "billing", "risk", "support")
NOUNS = ("api", "gateway", "worker", "frontend", "backend", "cache", "indexer", "scheduler",
         "notifier", "exporter", "ingest", "router", "auth", "ledger", "profile", "session",
         "reporter", "sync", "web", "admin", "events", "feed", "orders", "inventory", "pricing")
ENVS = ("base", "dev", "staging", "prod")
REGISTRIES = ("registry.example.com", "ghcr.io/example", "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
              "quay.io/example")
SIDECARS = (("envoy", "envoyproxy/envoy:v1.27.2"), ("fluent-bit", "fluent/fluent-bit:2.2.0"),
            ("oauth2-proxy", "quay.io/oauth2-proxy/oauth2-proxy:v7.5.1"),
            ("cloudsql-proxy", "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.8.1"))
LOG_LEVELS = ("debug", "info", "warn", "error")
HEADER_COMMENTS = (
    "Managed by Argo CD. Do not edit by hand; change the source repository instead.",
    "Generated by kustomize build. Edit the base or an overlay.",
    "Owner: {team} team (#{team}-oncall). Runbook: https://runbooks.example.com/{app}",
    "Copyright 2021 Example Corp. Licensed under the Apache License, Version 2.0.",
    "This file is applied by the deploy pipeline for the {env} environment.",
    "TODO(ops-1234): migrate to the new ingress controller before the next cluster upgrade.",
)
KEY_COMMENTS = (
    "keep in sync with the HPA minReplicas",
    "see https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/",
    "values below are tuned for the {env} environment",
    "do not remove: required by the service mesh",
    "changed after incident INC-{n}",
)


class _Gen:
    """All random choices go through self.rng, in a fixed order: the output is deterministic."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.serial = 0

    # small helpers -----------------------------------------------------------------
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, items: tuple[Any, ...] | list[Any]) -> Any:
        return items[self.rng.randrange(len(items))]

    def weighted(self, pairs: tuple[tuple[Any, float], ...]) -> Any:
        values = [v for v, _ in pairs]
        return self.rng.choices(values, weights=[w for _, w in pairs])[0]

    def token(self, n: int = 8) -> str:
        return "".join(self.pick("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))

    def version(self) -> str:
        return f"{self.rng.randint(0, 4)}.{self.rng.randint(0, 30)}.{self.rng.randint(0, 12)}"

    def comment(self, ctx: dict[str, str]) -> str:
        self.serial += 1
        return self.pick(KEY_COMMENTS).format(n=1000 + self.serial, **ctx)

    # metadata ----------------------------------------------------------------------
    def labels(self, ctx: dict[str, str], component: str | None = None) -> dict[str, Any]:
        labels = {"app.kubernetes.io/name": ctx["app"], "app.kubernetes.io/part-of": ctx["team"],
                  "app.kubernetes.io/managed-by": ctx["managed_by"]}
        if component:
            labels["app.kubernetes.io/component"] = component
        if self.chance(0.5):
            labels["app.kubernetes.io/version"] = ctx["version"]
        if self.chance(0.3):
            labels["team"] = ctx["team"]
        return labels

    def metadata(self, ctx: dict[str, str], name: str, component: str | None = None,
                 namespaced: bool = True, annotations: dict[str, Any] | None = None) -> dict[str, Any]:
        meta: dict[str, Any] = {"name": name}
        if namespaced:
            meta["namespace"] = ctx["namespace"]
        meta["labels"] = self.labels(ctx, component)
        if annotations:
            meta["annotations"] = annotations
        return meta

    # pod spec ----------------------------------------------------------------------
    def env(self, ctx: dict[str, str]) -> list[dict[str, Any]]:
        app, ns = ctx["app"], ctx["namespace"]
        pool: list[Callable[[], dict[str, Any]]] = [
            lambda: {"name": "LOG_LEVEL", "value": self.pick(LOG_LEVELS)},
            lambda: {"name": "PORT", "value": "8080"},
            lambda: {"name": "ENVIRONMENT", "value": ctx["env"]},
            lambda: {"name": "DATABASE_URL", "valueFrom": {"secretKeyRef": {"name": f"{app}-db",
                                                                             "key": "url"}}},
            lambda: {"name": "REDIS_ADDR", "value": f"redis-master.{ns}.svc.cluster.local:6379"},
            lambda: {"name": "UPSTREAM_URL",
                     "value": f"http://{self.pick(NOUNS)}.{ns}.svc.cluster.local:8080/v1"},
            lambda: {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
            lambda: {"name": "POD_NAMESPACE",
                     "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
            lambda: {"name": "NODE_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.hostIP"}}},
            lambda: {"name": "GOMAXPROCS", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu"}}},
            lambda: {"name": "FEATURE_FLAGS", "value": ",".join(self.token(6) for _ in range(3))},
            lambda: {"name": "API_KEY", "valueFrom": {"secretKeyRef": {"name": f"{app}-secrets",
                                                                        "key": "api-key",
                                                                        "optional": True}}},
            lambda: {"name": "CACHE_TTL_SECONDS", "value": str(self.pick((30, 60, 300, 3600)))},
            lambda: {"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": "http://otel-collector.observability:4317"},
            lambda: {"name": "JAVA_OPTS", "value": "-XX:MaxRAMPercentage=75.0 -XX:+UseG1GC"},
            lambda: {"name": "ENABLE_TRACING", "value": self.pick(("true", "false"))},
        ]
        count = self.rng.randint(3, 14)
        chosen = self.rng.sample(range(len(pool)), count)
        return [pool[i]() for i in sorted(chosen)]

    def probe(self, path: str) -> dict[str, Any]:
        probe: dict[str, Any] = {"httpGet": {"path": path, "port": "http"}}
        if self.chance(0.15):
            probe = {"tcpSocket": {"port": 8080}}
        probe.update({"initialDelaySeconds": self.pick((0, 5, 10, 15, 30)),
                      "periodSeconds": self.pick((5, 10, 15, 20)),
                      "timeoutSeconds": self.pick((1, 2, 3, 5)),
                      "failureThreshold": self.pick((3, 5, 6))})
        return probe

    def resources(self) -> dict[str, Any]:
        cpu = self.pick((50, 100, 200, 250, 500, 1000))
        mem = self.pick((64, 128, 256, 512, 1024, 2048))
        res: dict[str, Any] = {"requests": {"cpu": f"{cpu}m", "memory": f"{mem}Mi"}}
        if self.chance(0.8):
            res["limits"] = {"cpu": f"{cpu * 2}m" if cpu < 1000 else "2", "memory": f"{mem * 2}Mi"}
        return res

    def main_container(self, ctx: dict[str, str]) -> dict[str, Any]:
        c: dict[str, Any] = {
            "name": ctx["app"],
            "image": f"{ctx['registry']}/{ctx['team']}/{ctx['app']}:{ctx['version']}",
            "imagePullPolicy": self.pick(("IfNotPresent", "Always", "IfNotPresent")),
        }
        if self.chance(0.35):
            c["args"] = [f"--config=/etc/{ctx['app']}/config.yaml", "--port=8080",
                         f"--log-level={self.pick(LOG_LEVELS)}"]
        ports = [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]
        if self.chance(0.5):
            ports.append({"name": "metrics", "containerPort": 9090, "protocol": "TCP"})
        if self.chance(0.15):
            ports.append({"name": "grpc", "containerPort": 9000, "protocol": "TCP"})
        c["ports"] = ports
        c["env"] = self.env(ctx)
        if self.chance(0.4):
            c["envFrom"] = [{"configMapRef": {"name": f"{ctx['app']}-config"}}]
        c["resources"] = self.resources()
        c["livenessProbe"] = self.probe("/healthz")
        c["readinessProbe"] = self.probe("/ready")
        if self.chance(0.2):
            c["startupProbe"] = self.probe("/healthz")
        mounts = [{"name": "config", "mountPath": f"/etc/{ctx['app']}", "readOnly": True},
                  {"name": "tmp", "mountPath": "/tmp"}]
        if self.chance(0.3):
            mounts.append({"name": "tls", "mountPath": "/etc/tls", "readOnly": True})
        c["volumeMounts"] = mounts
        c["securityContext"] = {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                "runAsNonRoot": True, "capabilities": {"drop": ["ALL"]}}
        return c

    def sidecar(self) -> dict[str, Any]:
        name, image = self.pick(SIDECARS)
        return {"name": name, "image": image,
                "ports": [{"name": f"{name[:6]}-admin", "containerPort": self.pick((9901, 2020, 4180))}],
                "resources": {"requests": {"cpu": "50m", "memory": "64Mi"},
                              "limits": {"cpu": "200m", "memory": "128Mi"}}}

    def pod_spec(self, ctx: dict[str, str]) -> dict[str, Any]:
        containers = [self.main_container(ctx)]
        if self.chance(0.3):
            containers.append(self.sidecar())
        spec: dict[str, Any] = {}
        if self.chance(0.7):
            spec["serviceAccountName"] = ctx["app"]
        if self.chance(0.25):
            spec["initContainers"] = [{"name": "migrate", "image": containers[0]["image"],
                                       "command": ["/app/migrate", "--up"],
                                       "envFrom": [{"secretRef": {"name": f"{ctx['app']}-db"}}]}]
        spec["containers"] = containers
        volumes: list[dict[str, Any]] = [{"name": "config", "configMap": {"name": f"{ctx['app']}-config"}},
                                         {"name": "tmp", "emptyDir": {}}]
        if any(m["name"] == "tls" for m in containers[0]["volumeMounts"]):
            volumes.append({"name": "tls", "secret": {"secretName": f"{ctx['app']}-tls"}})
        spec["volumes"] = volumes
        if self.chance(0.4):
            spec["imagePullSecrets"] = [{"name": "registry-credentials"}]
        spec["securityContext"] = {"runAsUser": 10001, "runAsGroup": 10001, "fsGroup": 10001}
        if self.chance(0.3):
            spec["nodeSelector"] = {"kubernetes.io/os": "linux",
                                    "node.kubernetes.io/instance-type": self.pick(("m5.large", "c5.xlarge"))}
        if self.chance(0.25):
            spec["tolerations"] = [{"key": "dedicated", "operator": "Equal", "value": ctx["team"],
                                    "effect": "NoSchedule"}]
        if self.chance(0.3):
            spec["affinity"] = {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": 100, "podAffinityTerm": {
                    "labelSelector": {"matchLabels": {"app.kubernetes.io/name": ctx["app"]}},
                    "topologyKey": "kubernetes.io/hostname"}}]}}
        spec["terminationGracePeriodSeconds"] = self.pick((30, 30, 60, 120))
        return spec

    def pod_template(self, ctx: dict[str, str]) -> dict[str, Any]:
        meta: dict[str, Any] = {"labels": {"app.kubernetes.io/name": ctx["app"],
                                           "app.kubernetes.io/part-of": ctx["team"]}}
        if self.chance(0.5):
            meta["annotations"] = {"prometheus.io/scrape": "true", "prometheus.io/port": "9090",
                                   "checksum/config": self.token(40)}
        return {"metadata": meta, "spec": self.pod_spec(ctx)}

    # objects -----------------------------------------------------------------------
    def deployment(self, ctx: dict[str, str]) -> dict[str, Any]:
        api = "extensions/v1beta1" if self.chance(0.02) else "apps/v1"
        spec: dict[str, Any] = {}
        replicas = self.pick((1, 2, 3, 3, 5))
        spec["replicas"] = Note(replicas, self.comment(ctx)) if self.chance(0.2) else replicas
        spec["revisionHistoryLimit"] = self.pick((3, 5, 10))
        spec["selector"] = {"matchLabels": {"app.kubernetes.io/name": ctx["app"]}}
        spec["strategy"] = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}}
        spec["template"] = self.pod_template(ctx)
        return {"apiVersion": api, "kind": "Deployment",
                "metadata": self.metadata(ctx, ctx["app"], "server",
                                          annotations={"deployment.kubernetes.io/revision": str(
                                              self.rng.randint(1, 40))} if self.chance(0.3) else None),
                "spec": spec}

    def statefulset(self, ctx: dict[str, str]) -> dict[str, Any]:
        spec: dict[str, Any] = {"serviceName": f"{ctx['app']}-headless", "replicas": 3,
                                "podManagementPolicy": "Parallel",
                                "selector": {"matchLabels": {"app.kubernetes.io/name": ctx["app"]}},
                                "template": self.pod_template(ctx)}
        spec["volumeClaimTemplates"] = [{"metadata": {"name": "data"},
                                         "spec": {"accessModes": ["ReadWriteOnce"],
                                                  "storageClassName": "gp3",
                                                  "resources": {"requests": {"storage": self.pick(
                                                      ("10Gi", "50Gi", "100Gi"))}}}}]
        return {"apiVersion": "apps/v1", "kind": "StatefulSet",
                "metadata": self.metadata(ctx, ctx["app"], "database"), "spec": spec}

    def service(self, ctx: dict[str, str], headless: bool = False) -> dict[str, Any]:
        ports = [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]
        if self.chance(0.4):
            ports.append({"name": "metrics", "port": 9090, "targetPort": 9090, "protocol": "TCP"})
        spec: dict[str, Any] = {"type": "ClusterIP" if headless or self.chance(0.85) else "LoadBalancer"}
        if headless:
            spec["clusterIP"] = "None"
        spec.update({"selector": {"app.kubernetes.io/name": ctx["app"]}, "ports": ports})
        name = f"{ctx['app']}-headless" if headless else ctx["app"]
        return {"apiVersion": "v1", "kind": "Service", "metadata": self.metadata(ctx, name), "spec": spec}

    def configmap(self, ctx: dict[str, str]) -> dict[str, Any]:
        lines = [f"# {ctx['app']} configuration ({ctx['env']})", "server:", "  port: 8080",
                 f"  readTimeout: {self.pick((5, 10, 30))}s", "logging:",
                 f"  level: {self.pick(LOG_LEVELS)}", "  format: json", "upstreams:"]
        for _ in range(self.rng.randint(1, 12)):
            lines += [f"  - name: {self.pick(NOUNS)}",
                      f"    url: http://{self.pick(NOUNS)}.{ctx['namespace']}.svc:8080",
                      f"    timeout: {self.pick((1, 2, 5))}s", "    retries: 3"]
        data: dict[str, Any] = {"config.yaml": "\n".join(lines) + "\n"}
        if self.chance(0.4):
            data["application.properties"] = "\n".join(
                f"{self.pick(NOUNS)}.{self.pick(NOUNS)}.{self.token(4)}={self.token(10)}"
                for _ in range(self.rng.randint(3, 20))) + "\n"
        for _ in range(self.rng.randint(0, 6)):
            data[f"{self.pick(NOUNS).upper()}_{self.token(4).upper()}"] = self.pick(
                ("true", "false", "30", "info", f"{ctx['app']}.example.com"))
        return {"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": self.metadata(ctx, f"{ctx['app']}-config"), "data": data}

    def secret(self, ctx: dict[str, str]) -> dict[str, Any]:
        data = {key: base64.b64encode(self.token(self.rng.randint(12, 48)).encode()).decode()
                for key in ("url", "username", "password")[: self.rng.randint(1, 3)]}
        return {"apiVersion": "v1", "kind": "Secret", "metadata": self.metadata(ctx, f"{ctx['app']}-db"),
                "type": "Opaque", "data": data}

    def service_account(self, ctx: dict[str, str]) -> dict[str, Any]:
        meta = self.metadata(ctx, ctx["app"])
        if self.chance(0.3):
            meta["annotations"] = {"eks.amazonaws.com/role-arn":
                                   f"arn:aws:iam::123456789012:role/{ctx['team']}-{ctx['app']}"}
        return {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta}

    def rbac(self, ctx: dict[str, str]) -> list[dict[str, Any]]:
        api = "rbac.authorization.k8s.io/v1beta1" if self.chance(0.05) else "rbac.authorization.k8s.io/v1"
        rules = [{"apiGroups": [""], "resources": ["configmaps", "secrets"], "verbs": ["get", "list", "watch"]}]
        if self.chance(0.5):
            rules.append({"apiGroups": ["coordination.k8s.io"], "resources": ["leases"],
                          "verbs": ["get", "create", "update"]})
        role = {"apiVersion": api, "kind": "Role", "metadata": self.metadata(ctx, ctx["app"]), "rules": rules}
        binding = {"apiVersion": api, "kind": "RoleBinding", "metadata": self.metadata(ctx, ctx["app"]),
                   "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": ctx["app"]},
                   "subjects": [{"kind": "ServiceAccount", "name": ctx["app"], "namespace": ctx["namespace"]}]}
        return [role, binding]

    def ingress(self, ctx: dict[str, str]) -> dict[str, Any]:
        api = self.weighted((("networking.k8s.io/v1", 0.75), ("extensions/v1beta1", 0.2),
                             ("networking.k8s.io/v1beta1", 0.05)))
        host = f"{ctx['app']}.{ctx['env']}.example.com"
        if api == "networking.k8s.io/v1":
            backend: dict[str, Any] = {"service": {"name": ctx["app"], "port": {"name": "http"}}}
            path = {"path": "/", "pathType": "Prefix", "backend": backend}
        else:
            path = {"path": "/", "backend": {"serviceName": ctx["app"], "servicePort": 80}}
        annotations = {"cert-manager.io/cluster-issuer": "letsencrypt-prod",
                       "nginx.ingress.kubernetes.io/proxy-body-size": "8m"}
        spec: dict[str, Any] = {}
        if api == "networking.k8s.io/v1":
            spec["ingressClassName"] = "nginx"
        else:
            annotations["kubernetes.io/ingress.class"] = "nginx"
        spec["tls"] = [{"hosts": [host], "secretName": f"{ctx['app']}-tls"}]
        spec["rules"] = [{"host": host, "http": {"paths": [path]}}]
        return {"apiVersion": api, "kind": "Ingress",
                "metadata": self.metadata(ctx, ctx["app"], annotations=annotations), "spec": spec}

    def hpa(self, ctx: dict[str, str]) -> dict[str, Any]:
        api = self.weighted((("autoscaling/v2", 0.6), ("autoscaling/v1", 0.2),
                             ("autoscaling/v2beta2", 0.15), ("autoscaling/v2beta1", 0.05)))
        spec: dict[str, Any] = {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment",
                                                   "name": ctx["app"]},
                                "minReplicas": 2, "maxReplicas": self.pick((5, 10, 20))}
        if api == "autoscaling/v1":
            spec["targetCPUUtilizationPercentage"] = 70
        elif api == "autoscaling/v2beta1":
            spec["metrics"] = [{"type": "Resource", "resource": {"name": "cpu", "targetAverageUtilization": 70}}]
        else:
            spec["metrics"] = [{"type": "Resource", "resource": {
                "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}]
        return {"apiVersion": api, "kind": "HorizontalPodAutoscaler",
                "metadata": self.metadata(ctx, ctx["app"]), "spec": spec}

    def pdb(self, ctx: dict[str, str]) -> dict[str, Any]:
        api = "policy/v1beta1" if self.chance(0.25) else "policy/v1"
        return {"apiVersion": api, "kind": "PodDisruptionBudget", "metadata": self.metadata(ctx, ctx["app"]),
                "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app.kubernetes.io/name": ctx["app"]}}}}

    def cronjob(self, ctx: dict[str, str]) -> dict[str, Any]:
        api = "batch/v1beta1" if self.chance(0.3) else "batch/v1"
        name = f"{ctx['app']}-{self.pick(('cleanup', 'report', 'backup', 'sync'))}"
        container = {"name": "job", "image": f"{ctx['registry']}/{ctx['team']}/{ctx['app']}:{ctx['version']}",
                     "command": ["/app/job", f"--task={name}"],
                     "env": self.env(ctx)[:4], "resources": self.resources()}
        return {"apiVersion": api, "kind": "CronJob", "metadata": self.metadata(ctx, name, "job"),
                "spec": {"schedule": self.pick(("*/15 * * * *", "0 3 * * *", "30 1 * * 0", "@hourly")),
                         "concurrencyPolicy": "Forbid", "successfulJobsHistoryLimit": 3,
                         "failedJobsHistoryLimit": 1,
                         "jobTemplate": {"spec": {"backoffLimit": 2, "template": {"spec": {
                             "restartPolicy": "OnFailure", "containers": [container]}}}}}}

    def network_policy(self, ctx: dict[str, str]) -> dict[str, Any]:
        return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                "metadata": self.metadata(ctx, f"{ctx['app']}-ingress"),
                "spec": {"podSelector": {"matchLabels": {"app.kubernetes.io/name": ctx["app"]}},
                         "policyTypes": ["Ingress"],
                         "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {
                             "kubernetes.io/metadata.name": "ingress-nginx"}}}],
                             "ports": [{"protocol": "TCP", "port": 8080}]}]}}

    def custom_resource(self, ctx: dict[str, str]) -> dict[str, Any]:
        kind = self.pick(("ServiceMonitor", "Certificate", "VirtualService", "ExternalSecret", "PrometheusRule"))
        meta = self.metadata(ctx, ctx["app"])
        if kind == "ServiceMonitor":
            return {"apiVersion": "monitoring.coreos.com/v1", "kind": kind, "metadata": meta,
                    "spec": {"selector": {"matchLabels": {"app.kubernetes.io/name": ctx["app"]}},
                             "endpoints": [{"port": "metrics", "interval": "30s", "path": "/metrics"}]}}
        if kind == "Certificate":
            return {"apiVersion": self.pick(("cert-manager.io/v1", "cert-manager.io/v1alpha2")), "kind": kind,
                    "metadata": meta,
                    "spec": {"secretName": f"{ctx['app']}-tls", "dnsNames": [f"{ctx['app']}.example.com"],
                             "issuerRef": {"name": "letsencrypt-prod", "kind": "ClusterIssuer"}}}
        if kind == "VirtualService":
            return {"apiVersion": "networking.istio.io/v1beta1", "kind": kind, "metadata": meta,
                    "spec": {"hosts": [ctx["app"]], "http": [{"route": [{"destination": {
                        "host": ctx["app"], "subset": "v1"}, "weight": 90}, {"destination": {
                            "host": ctx["app"], "subset": "v2"}, "weight": 10}],
                        "timeout": "5s", "retries": {"attempts": 3, "perTryTimeout": "2s"}}]}}
        if kind == "ExternalSecret":
            return {"apiVersion": "external-secrets.io/v1beta1", "kind": kind, "metadata": meta,
                    "spec": {"refreshInterval": "1h",
                             "secretStoreRef": {"name": "vault", "kind": "ClusterSecretStore"},
                             "target": {"name": f"{ctx['app']}-db"},
                             "data": [{"secretKey": "url", "remoteRef": {
                                 "key": f"{ctx['team']}/{ctx['app']}/db", "property": "url"}}]}}
        rules = [{"alert": f"{ctx['app'].title().replace('-', '')}{name}",
                  "expr": f'sum(rate(http_requests_total{{app="{ctx["app"]}",code=~"5.."}}[5m])) > {n}',
                  "for": "10m", "labels": {"severity": sev},
                  "annotations": {"summary": f"{ctx['app']} {name.lower()}",
                                  "runbook_url": f"https://runbooks.example.com/{ctx['app']}"}}
                 for name, n, sev in (("HighErrorRate", 1, "critical"), ("ElevatedErrors", 0.1, "warning"))]
        return {"apiVersion": "monitoring.coreos.com/v1", "kind": kind, "metadata": meta,
                "spec": {"groups": [{"name": ctx["app"], "rules": rules}]}}

    # bundles -----------------------------------------------------------------------
    def app_documents(self, ctx: dict[str, str]) -> list[dict[str, Any]]:
        docs: list[dict[str, Any]] = []
        if self.chance(0.75):
            docs.append(self.service_account(ctx))
        if self.chance(0.4):
            docs.extend(self.rbac(ctx))
        docs.append(self.configmap(ctx))
        if self.chance(0.4):
            docs.append(self.secret(ctx))
        stateful = self.chance(0.12)
        docs.append(self.statefulset(ctx) if stateful else self.deployment(ctx))
        docs.append(self.service(ctx))
        if stateful:
            docs.append(self.service(ctx, headless=True))
        if self.chance(0.55):
            docs.append(self.ingress(ctx))
        if not stateful and self.chance(0.5):
            docs.append(self.hpa(ctx))
        if self.chance(0.45):
            docs.append(self.pdb(ctx))
        for _ in range(self.weighted(((0, 0.6), (1, 0.3), (2, 0.1)))):
            docs.append(self.cronjob(ctx))
        if self.chance(0.3):
            docs.append(self.network_policy(ctx))
        for _ in range(self.weighted(((0, 0.5), (1, 0.35), (2, 0.15)))):
            docs.append(self.custom_resource(ctx))
        return docs

    def platform_documents(self, ctx: dict[str, str]) -> list[dict[str, Any]]:
        ns = ctx["namespace"]
        docs: list[dict[str, Any]] = [
            {"apiVersion": "v1", "kind": "Namespace",
             "metadata": {"name": ns, "labels": {"team": ctx["team"], "istio-injection": "enabled",
                                                 "pod-security.kubernetes.io/enforce": "restricted"}}},
            {"apiVersion": "v1", "kind": "ResourceQuota", "metadata": self.metadata(ctx, f"{ns}-quota"),
             "spec": {"hard": {"requests.cpu": "40", "requests.memory": "80Gi", "limits.cpu": "80",
                               "limits.memory": "160Gi", "pods": "200"}}},
            {"apiVersion": "v1", "kind": "LimitRange", "metadata": self.metadata(ctx, f"{ns}-limits"),
             "spec": {"limits": [{"type": "Container", "default": {"cpu": "500m", "memory": "512Mi"},
                                  "defaultRequest": {"cpu": "100m", "memory": "128Mi"}}]}},
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
             "metadata": self.metadata(ctx, f"{ctx['team']}-viewer", namespaced=False),
             "rules": [{"apiGroups": ["", "apps", "batch"], "resources": ["pods", "pods/log", "deployments",
                                                                         "jobs", "cronjobs"],
                        "verbs": ["get", "list", "watch"]}]},
            {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
             "metadata": self.metadata(ctx, f"{ctx['team']}-viewer", namespaced=False),
             "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole",
                         "name": f"{ctx['team']}-viewer"},
             "subjects": [{"kind": "Group", "apiGroup": "rbac.authorization.k8s.io",
                           "name": f"oidc:{ctx['team']}-engineers"}]},
        ]
        if self.chance(0.5):
            docs.append({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass",
                         "metadata": self.metadata(ctx, f"{ctx['team']}-gp3", namespaced=False),
                         "provisioner": "ebs.csi.aws.com", "reclaimPolicy": "Retain",
                         "volumeBindingMode": "WaitForFirstConsumer", "allowVolumeExpansion": True,
                         "parameters": {"type": "gp3", "encrypted": "true"}})
        if self.chance(0.5):
            docs.append(self.crd(ctx))
        if self.chance(0.3):
            docs.append({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass",
                         "metadata": self.metadata(ctx, f"{ctx['team']}-critical", namespaced=False),
                         "value": 100000, "globalDefault": False,
                         "description": f"Critical workloads of the {ctx['team']} team."})
        return docs

    def crd(self, ctx: dict[str, str]) -> dict[str, Any]:
        kind = self.pick(("Widget", "Pipeline", "Tenant", "Backup", "Route"))
        group = f"{ctx['team']}.example.com"
        props = {f"{self.pick(NOUNS)}{i}": {"type": self.pick(("string", "integer", "boolean")),
                                            "description": f"Setting {i} of the {kind}."}
                 for i in range(self.rng.randint(4, 20))}
        schema = {"type": "object", "properties": {
            "spec": {"type": "object", "properties": props, "required": sorted(props)[:2]},
            "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}}}
        return {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                "metadata": {"name": f"{kind.lower()}s.{group}"},
                "spec": {"group": group, "scope": "Namespaced",
                         "names": {"kind": kind, "listKind": f"{kind}List", "plural": f"{kind.lower()}s",
                                   "singular": kind.lower()},
                         "versions": [{"name": "v1", "served": True, "storage": True,
                                       "schema": {"openAPIV3Schema": schema},
                                       "subresources": {"status": {}}}]}}


# --------------------------------------------------------------------------- files

# Documents per file (weights). Apps are cut into files, so the last file of an app is often
# shorter: about 2,600 files for 10,000 documents (mean 3.8 a file).
FILE_SIZES = ((1, 10), (2, 6), (3, 6), (4, 8), (5, 8), (6, 10), (7, 12), (8, 16))


def _decorate(gen: _Gen, doc: dict[str, Any], ctx: dict[str, str]) -> dict[str, Any]:
    """Sprinkle full-line comments between top-level keys of some documents."""
    if not gen.chance(0.25) or "spec" not in doc:
        return doc
    out: dict[Any, Any] = {}
    for key, value in doc.items():
        if key == "spec":
            out[Comment(gen.comment(ctx))] = None
        out[key] = value
    return out


def _render_file(gen: _Gen, docs: list[dict[str, Any]], ctx: dict[str, str], as_json: bool,
                 chart: str | None) -> str:
    if as_json:
        return json.dumps(_plain_data(docs[0]), indent=2) + "\n"
    parts: list[str] = []
    if gen.chance(0.35):
        parts.append("# " + gen.pick(HEADER_COMMENTS).format(**ctx) + "\n")
    lead = gen.chance(0.3)
    for index, doc in enumerate(docs):
        head = "---\n" if index > 0 or lead else ""
        if chart is not None:
            head += f"# Source: {chart}/templates/{doc['kind'].lower()}.yaml\n"
        parts.append(head + to_yaml(_decorate(gen, doc, ctx)))
    return "".join(parts)


def _file_name(docs: list[dict[str, Any]], used: set[str], suffix: str) -> str:
    kinds = [d["kind"].lower() for d in docs]
    stem = kinds[0] if len(docs) == 1 else ("all" if len(set(kinds)) > 2 else "-".join(dict.fromkeys(kinds)))
    name, n = f"{stem}{suffix}", 2
    while name in used:
        name, n = f"{stem}-{n}{suffix}", n + 1
    used.add(name)
    return name


def generate(out_dir: Path, n_docs: int = 10_000, seed: int = 1) -> list[Path]:
    """Write exactly n_docs Kubernetes documents into files below out_dir; return them sorted.

    out_dir is created if needed and must be empty (stale files would skew counts).
    """
    if n_docs < 1:
        raise ValueError("n_docs must be at least 1")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if any(out_dir.iterdir()):
        raise FileExistsError(f"{out_dir} is not empty; generate() writes into an empty directory")
    gen = _Gen(seed)
    written: list[Path] = []
    remaining = n_docs
    team_apps: Counter[str] = Counter()
    platform_done: set[str] = set()
    while remaining > 0:
        team = gen.pick(TEAMS)
        env = gen.pick(ENVS)
        ctx = {"team": team, "env": env, "namespace": f"{team}-{env}" if env != "base" else team,
               "version": gen.version(), "registry": gen.pick(REGISTRIES),
               "managed_by": gen.pick(("Helm", "kustomize", "argocd", "kubectl"))}
        if f"{team}/{env}" not in platform_done:
            platform_done.add(f"{team}/{env}")
            ctx["app"] = "platform"
            directory = out_dir / team / "_platform" / env
            docs = gen.platform_documents(ctx)
        else:
            team_apps[team] += 1
            app = f"{gen.pick(NOUNS)}-{gen.pick(NOUNS)}"
            ctx["app"] = app
            directory = out_dir / team / f"{app}-{team_apps[team]}" / env
            docs = gen.app_documents(ctx)
        docs = docs[:remaining]
        remaining -= len(docs)
        chart = f"{ctx['app']}" if ctx["managed_by"] == "Helm" else None
        directory.mkdir(parents=True, exist_ok=True)
        used: set[str] = set()
        while docs:
            size = min(gen.weighted(FILE_SIZES), len(docs))
            chunk, docs = docs[:size], docs[size:]
            as_json = size == 1 and gen.chance(0.1)
            suffix = ".json" if as_json else (".yml" if gen.chance(0.05) else ".yaml")
            path = directory / _file_name(chunk, used, suffix)
            path.write_text(_render_file(gen, chunk, ctx, as_json, chart), encoding="utf-8")
            written.append(path)
    return sorted(written)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out_dir", type=Path, help="directory to create (must be empty)")
    parser.add_argument("--docs", type=int, default=10_000, help="number of documents (default 10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--verify", action="store_true",
                        help="re-load every file with PyYAML and check the document count")
    args = parser.parse_args(argv)
    try:
        paths = generate(args.out_dir, args.docs, args.seed)
    except (FileExistsError, ValueError) as error:
        print(f"corpus.py: error: {error}", file=sys.stderr)
        return 2
    size = sum(p.stat().st_size for p in paths)
    print(f"wrote {len(paths)} files, {args.docs} documents, {size / 1e6:.1f} MB to {args.out_dir}")
    if args.verify:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        kinds: Counter[str] = Counter()
        count = 0
        for path in paths:
            for doc in yaml.load_all(path.read_text(encoding="utf-8"), Loader=loader):
                count += 1
                kinds[f"{doc['apiVersion']} {doc['kind']}"] += 1
        print(f"verified: {count} documents")
        for name, n in kinds.most_common():
            print(f"  {n:6d}  {name}")
        if count != args.docs:
            print("document count mismatch", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
