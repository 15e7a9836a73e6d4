"""Resource (plural) -> kind, pinned against the names real API servers serve."""

from __future__ import annotations

import pytest

from kcompat.clients.resources import plural_of, resource_map

SERVED = {
    ("", "endpoints"): "Endpoints", ("", "pods"): "Pod", ("", "componentstatuses"): "ComponentStatus",
    ("", "configmaps"): "ConfigMap", ("", "services"): "Service", ("", "persistentvolumeclaims"):
    "PersistentVolumeClaim", ("", "resourcequotas"): "ResourceQuota", ("", "limitranges"): "LimitRange",
    ("extensions", "ingresses"): "Ingress", ("extensions", "networkpolicies"): "NetworkPolicy",
    ("extensions", "podsecuritypolicies"): "PodSecurityPolicy", ("policy", "podsecuritypolicies"):
    "PodSecurityPolicy", ("networking.k8s.io", "ingressclasses"): "IngressClass",
    ("policy", "poddisruptionbudgets"): "PodDisruptionBudget", ("storage.k8s.io", "storageclasses"):
    "StorageClass", ("scheduling.k8s.io", "priorityclasses"): "PriorityClass",
    ("flowcontrol.apiserver.k8s.io", "flowschemas"): "FlowSchema",
    ("flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations"): "PriorityLevelConfiguration",
    ("apiextensions.k8s.io", "customresourcedefinitions"): "CustomResourceDefinition",
    ("autoscaling", "horizontalpodautoscalers"): "HorizontalPodAutoscaler", ("batch", "cronjobs"): "CronJob",
    ("discovery.k8s.io", "endpointslices"): "EndpointSlice", ("events.k8s.io", "events"): "Event",
    ("storage.k8s.io", "csistoragecapacities"): "CSIStorageCapacity",
    ("storage.k8s.io", "volumeattributesclasses"): "VolumeAttributesClass",
    ("networking.k8s.io", "ipaddresses"): "IPAddress", ("networking.k8s.io", "servicecidrs"): "ServiceCIDR",
    ("rbac.authorization.k8s.io", "clusterrolebindings"): "ClusterRoleBinding",
    ("admissionregistration.k8s.io", "validatingadmissionpolicies"): "ValidatingAdmissionPolicy",
    ("resource.k8s.io", "resourceclaims"): "ResourceClaim", ("resource.k8s.io", "deviceclasses"): "DeviceClass",
    ("coordination.k8s.io", "leases"): "Lease", ("node.k8s.io", "runtimeclasses"): "RuntimeClass",
    ("certificates.k8s.io", "certificatesigningrequests"): "CertificateSigningRequest",
}


@pytest.mark.parametrize(("group", "resource"), sorted(SERVED))
def test_served_resource_names_map_to_their_kind(group: str, resource: str) -> None:
    assert resource_map().kind(group, resource) == SERVED[(group, resource)]


def test_plural_rules_and_exceptions() -> None:
    assert plural_of("Endpoints") == "endpoints"
    assert plural_of("Ingress") == "ingresses"
    assert plural_of("NetworkPolicy") == "networkpolicies"
    assert plural_of("Gateway") == "gateways"


def test_subresources_resolve_to_their_own_kind_else_the_parent() -> None:
    rmap = resource_map()
    scale = rmap.lookup("extensions", "v1beta1", "deployments", "scale")
    assert scale is not None and scale.kind == "Scale"
    status = rmap.lookup("extensions", "v1beta1", "ingresses", "status")
    assert status is not None and status.kind == "Ingress"
    assert rmap.lookup("example.com", "v1", "widgets") is None
