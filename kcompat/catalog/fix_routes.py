"""Which API kcompat fix can migrate to which replacement, and with which migration code.

The table says only what kcompat's code can do (which migration rewrites which kind between
which group/versions); which minors serve each replacement comes from the catalog. No YAML
library is imported, so `kcompat check` can call `fixable()` for every finding.
tests/test_fix_registry.py checks every route against the catalog's replacement chain.
"""

from __future__ import annotations

from kcompat.core.records import Record
from kcompat.core.versions import KubeVersion

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Final

# Migrations that change only the apiVersion line (the kinds' schemas are compatible). The
# others rewrite fields too; see kcompat/fix/migrations.py and docs/fix.md.
APIVERSION_ONLY = frozenset({"generic", "pdb", "event"})


class Route(Record):
    __slots__ = ("api_version", "migration")

    def __init__(self, api_version: str, migration: str) -> None:
        self.api_version: Final[str] = api_version
        """The replacement group/version; which minors serve it comes from the catalog."""
        self.migration: Final[str] = migration

    @property
    def apiversion_only(self) -> bool:
        return self.migration in APIVERSION_ONLY


def _r(api_version: str, migration: str = "generic") -> Route:
    return Route(api_version, migration)


_ADMISSION_V1 = _r("admissionregistration.k8s.io/v1", migration="webhook")
_APPS_V1 = _r("apps/v1", migration="workload")
_INGRESS_V1 = _r("networking.k8s.io/v1", migration="ingress")
_HPA_V2 = _r("autoscaling/v2", migration="hpa")
_HPA_V2BETA2 = _r("autoscaling/v2beta2", migration="hpa")
_FC = "flowcontrol.apiserver.k8s.io"
_FLOWCONTROL_NEW = (_r(f"{_FC}/v1", migration="flowcontrol"),
                    _r(f"{_FC}/v1beta3", migration="flowcontrol"))
_RBAC_V1 = _r("rbac.authorization.k8s.io/v1")

# (old apiVersion, kind) -> replacements, preferred first; the first one served at the target wins.
ROUTES: dict[tuple[str, str], tuple[Route, ...]] = {
    ("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration"): (_ADMISSION_V1,),
    ("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration"): (_ADMISSION_V1,),
    ("admissionregistration.k8s.io/v1alpha1", "ValidatingAdmissionPolicy"): (
        _r("admissionregistration.k8s.io/v1"), _r("admissionregistration.k8s.io/v1beta1")),
    ("admissionregistration.k8s.io/v1alpha1", "ValidatingAdmissionPolicyBinding"): (
        _r("admissionregistration.k8s.io/v1"), _r("admissionregistration.k8s.io/v1beta1")),
    ("admissionregistration.k8s.io/v1beta1", "ValidatingAdmissionPolicy"): (_r("admissionregistration.k8s.io/v1"),),
    ("admissionregistration.k8s.io/v1beta1", "ValidatingAdmissionPolicyBinding"): (
        _r("admissionregistration.k8s.io/v1"),),
    ("admissionregistration.k8s.io/v1beta1", "MutatingAdmissionPolicy"): (_r("admissionregistration.k8s.io/v1"),),
    ("admissionregistration.k8s.io/v1beta1", "MutatingAdmissionPolicyBinding"): (
        _r("admissionregistration.k8s.io/v1"),),
    ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition"): (
        _r("apiextensions.k8s.io/v1", migration="crd"),),
    ("apiregistration.k8s.io/v1beta1", "APIService"): (_r("apiregistration.k8s.io/v1"),),
    ("apps/v1beta1", "Deployment"): (_APPS_V1,),
    ("apps/v1beta1", "StatefulSet"): (_APPS_V1,),
    ("apps/v1beta1", "ControllerRevision"): (_r("apps/v1"),),
    ("apps/v1beta2", "Deployment"): (_APPS_V1,),
    ("apps/v1beta2", "DaemonSet"): (_APPS_V1,),
    ("apps/v1beta2", "ReplicaSet"): (_APPS_V1,),
    ("apps/v1beta2", "StatefulSet"): (_APPS_V1,),
    ("apps/v1beta2", "ControllerRevision"): (_r("apps/v1"),),
    ("extensions/v1beta1", "Deployment"): (_APPS_V1,),
    ("extensions/v1beta1", "DaemonSet"): (_APPS_V1,),
    ("extensions/v1beta1", "ReplicaSet"): (_APPS_V1,),
    ("extensions/v1beta1", "NetworkPolicy"): (_r("networking.k8s.io/v1"),),
    ("extensions/v1beta1", "Ingress"): (_INGRESS_V1, _r("networking.k8s.io/v1beta1")),
    ("networking.k8s.io/v1beta1", "Ingress"): (_INGRESS_V1,),
    ("networking.k8s.io/v1beta1", "IngressClass"): (_r("networking.k8s.io/v1"),),
    ("networking.k8s.io/v1alpha1", "IPAddress"): (
        _r("networking.k8s.io/v1"), _r("networking.k8s.io/v1beta1")),
    ("networking.k8s.io/v1alpha1", "ServiceCIDR"): (
        _r("networking.k8s.io/v1"), _r("networking.k8s.io/v1beta1")),
    ("networking.k8s.io/v1beta1", "IPAddress"): (_r("networking.k8s.io/v1"),),
    ("networking.k8s.io/v1beta1", "ServiceCIDR"): (_r("networking.k8s.io/v1"),),
    ("autoscaling/v2beta1", "HorizontalPodAutoscaler"): (_HPA_V2, _HPA_V2BETA2),
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler"): (_HPA_V2,),
    ("batch/v1beta1", "CronJob"): (_r("batch/v1"),),
    ("batch/v2alpha1", "CronJob"): (_r("batch/v1"), _r("batch/v1beta1")),
    ("certificates.k8s.io/v1alpha1", "ClusterTrustBundle"): (
        _r("certificates.k8s.io/v1"), _r("certificates.k8s.io/v1beta1")),
    ("certificates.k8s.io/v1beta1", "ClusterTrustBundle"): (_r("certificates.k8s.io/v1"),),
    ("coordination.k8s.io/v1beta1", "Lease"): (_r("coordination.k8s.io/v1"),),
    ("discovery.k8s.io/v1alpha1", "EndpointSlice"): (
        _r("discovery.k8s.io/v1", migration="endpointslice"), _r("discovery.k8s.io/v1beta1")),
    ("discovery.k8s.io/v1beta1", "EndpointSlice"): (_r("discovery.k8s.io/v1", migration="endpointslice"),),
    ("events.k8s.io/v1beta1", "Event"): (_r("events.k8s.io/v1", migration="event"),),
    (f"{_FC}/v1alpha1", "FlowSchema"): (
        *_FLOWCONTROL_NEW, _r(f"{_FC}/v1beta2"), _r(f"{_FC}/v1beta1")),
    (f"{_FC}/v1alpha1", "PriorityLevelConfiguration"): (
        *_FLOWCONTROL_NEW, _r(f"{_FC}/v1beta2"), _r(f"{_FC}/v1beta1")),
    (f"{_FC}/v1beta1", "FlowSchema"): (*_FLOWCONTROL_NEW, _r(f"{_FC}/v1beta2")),
    (f"{_FC}/v1beta1", "PriorityLevelConfiguration"): (*_FLOWCONTROL_NEW, _r(f"{_FC}/v1beta2")),
    (f"{_FC}/v1beta2", "FlowSchema"): _FLOWCONTROL_NEW,
    (f"{_FC}/v1beta2", "PriorityLevelConfiguration"): _FLOWCONTROL_NEW,
    (f"{_FC}/v1beta3", "FlowSchema"): (_r(f"{_FC}/v1", migration="flowcontrol"),),
    (f"{_FC}/v1beta3", "PriorityLevelConfiguration"): (_r(f"{_FC}/v1", migration="flowcontrol"),),
    ("node.k8s.io/v1alpha1", "RuntimeClass"): (
        _r("node.k8s.io/v1", migration="runtimeclass"),
        _r("node.k8s.io/v1beta1", migration="runtimeclass")),
    ("node.k8s.io/v1beta1", "RuntimeClass"): (_r("node.k8s.io/v1"),),
    ("policy/v1beta1", "PodDisruptionBudget"): (_r("policy/v1", migration="pdb"),),
    **{("rbac.authorization.k8s.io/" + version, kind): (_RBAC_V1,)
       for version in ("v1alpha1", "v1beta1") for kind in ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding")},
    ("scheduling.k8s.io/v1alpha1", "PriorityClass"): (_r("scheduling.k8s.io/v1"),),
    ("scheduling.k8s.io/v1beta1", "PriorityClass"): (_r("scheduling.k8s.io/v1"),),
    ("storage.k8s.io/v1alpha1", "CSIStorageCapacity"): (
        _r("storage.k8s.io/v1"), _r("storage.k8s.io/v1beta1")),
    ("storage.k8s.io/v1alpha1", "VolumeAttachment"): (_r("storage.k8s.io/v1"),),
    ("storage.k8s.io/v1alpha1", "VolumeAttributesClass"): (
        _r("storage.k8s.io/v1"), _r("storage.k8s.io/v1beta1")),
    ("storage.k8s.io/v1beta1", "CSIDriver"): (_r("storage.k8s.io/v1"),),
    ("storage.k8s.io/v1beta1", "CSINode"): (_r("storage.k8s.io/v1"),),
    ("storage.k8s.io/v1beta1", "CSIStorageCapacity"): (_r("storage.k8s.io/v1"),),
    ("storage.k8s.io/v1beta1", "StorageClass"): (_r("storage.k8s.io/v1"),),
    ("storage.k8s.io/v1beta1", "VolumeAttachment"): (_r("storage.k8s.io/v1"),),
    ("storage.k8s.io/v1beta1", "VolumeAttributesClass"): (_r("storage.k8s.io/v1"),),
}


def _minor(target: KubeVersion | int) -> int:
    return target if isinstance(target, int) else target.minor


def route(api_version: str, kind: str, target: KubeVersion | int) -> Route | None:
    """The replacement kcompat fix migrates to at target, or None when it cannot."""
    candidates = ROUTES.get((api_version, kind), ())
    if not candidates:
        return None
    from kcompat.catalog.lifecycle import load_catalog  # loaded once per process, already by check

    catalog = load_catalog()
    version = KubeVersion.of_minor(_minor(target))
    for candidate in candidates:
        replacement = catalog.lookup(candidate.api_version, kind)
        if replacement is not None and replacement.served_in(version):
            return candidate
    return None


def fixable(api_version: str, kind: str, target: KubeVersion | int) -> bool:
    """True when `kcompat fix` can rewrite this apiVersion/kind to a replacement served at target.

    Cheap (a dict lookup) and import-light: safe to call for every finding of `kcompat check`.
    A fixable object can still need hand work in rare cases the table cannot see (a workload
    without selector or pod template labels, a webhook that declares side effects); `kcompat fix`
    reports those.
    """
    if isinstance(target, KubeVersion) and target.major != 1:
        return False
    return route(api_version, kind, target) is not None
