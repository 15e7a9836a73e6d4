"""Service, Ingress and NetworkPolicy."""

from __future__ import annotations

import json

from kcompat.checks.builtin import formats as f
from kcompat.checks.builtin.errors import (
    FieldErrors,
    Path,
    Raw,
    as_dict,
    as_int,
    as_list,
    as_str,
)
from kcompat.checks.builtin.meta import (
    validate_labels,
    validate_selector,
)
from kcompat.checks.builtin.pods import (
    check_protocol,
    port_num_or_name,
)
from kcompat.sources.resources import Resource

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_SERVICE_TYPES = ("ClusterIP", "ExternalName", "LoadBalancer", "NodePort")


def check_service(errors: FieldErrors, resource: Resource) -> None:
    """core/validation ValidateService and validateServicePort."""
    spec = as_dict(resource.obj.get("spec")) or {}
    service_type = spec.get("type")
    kind = service_type if isinstance(service_type, str) and service_type else "ClusterIP"
    if kind not in _SERVICE_TYPES:
        errors.unsupported(("spec", "type"), kind, _SERVICE_TYPES)
    cluster_ip = spec.get("clusterIP")
    cluster_ips = as_list(spec.get("clusterIPs"))
    first_ip = cluster_ip if isinstance(cluster_ip, str) and cluster_ip else (
        cluster_ips[0] if cluster_ips and isinstance(cluster_ips[0], str) else "")
    headless = first_ip == "None"
    ip_at: Path = ("spec", "clusterIP") if cluster_ip is not None else ("spec", "clusterIPs", 0)
    ports = as_list(spec.get("ports"))
    if not ports and spec.get("ports") in (None, []) and not headless and kind != "ExternalName":
        errors.required(("spec", "ports"))
    if kind in ("LoadBalancer", "NodePort") and headless:
        errors.invalid(("spec", "clusterIPs", 0), "None", f"may not be set to 'None' for {kind} services", ip_at)
    if kind == "ExternalName":
        if first_ip:
            errors.forbidden(("spec", "clusterIPs"), "may not be set for ExternalName services", ip_at)
        external = as_str(spec.get("externalName"))
        cname = (external or "").removesuffix(".")
        if cname:
            errors.invalid_each(("spec", "externalName"), cname, f.is_dns1123_subdomain(cname))
        elif external is not None or spec.get("externalName") is None:
            errors.required(("spec", "externalName"))
    names: set[str] = set()
    pairs: set[tuple[str, int]] = set()
    node_ports: set[tuple[str, int]] = set()
    for index, port in enumerate(ports or ()):
        port = as_dict(port)
        if port is None:
            continue
        at = ("spec", "ports", index)
        name = port.get("name")
        if (name is None or name == "") and len(ports or ()) > 1:
            errors.required((*at, "name"))
        elif isinstance(name, str) and name:
            errors.invalid_each((*at, "name"), name, f.is_dns1123_label(name))
            if name in names:
                errors.duplicate((*at, "name"), name)
            names.add(name)
        number = port.get("port")
        value = as_int(number)
        if number is None:
            errors.invalid_each((*at, "port"), 0, f.is_valid_port_num(0), at)
        elif value is not None:
            errors.invalid_each((*at, "port"), value, f.is_valid_port_num(value))
        protocol = check_protocol(errors, (*at, "protocol"), port.get("protocol")) or "TCP"
        if "targetPort" in port:
            port_num_or_name(errors, port["targetPort"], (*at, "targetPort"))
        app_protocol = as_str(port.get("appProtocol"))
        if app_protocol is not None:
            errors.invalid_each((*at, "appProtocol"), app_protocol, f.is_qualified_name(app_protocol))
        node_port = as_int(port.get("nodePort"))
        if node_port and kind == "ClusterIP":
            errors.forbidden((*at, "nodePort"), "may not be used when `type` is 'ClusterIP'")
        if node_port:
            if (protocol, node_port) in node_ports:
                errors.duplicate((*at, "nodePort"), node_port)
            node_ports.add((protocol, node_port))
        if value is not None or number is None:
            pair = (protocol, value or 0)
            if pair in pairs:
                errors.duplicate(at, Raw(f'core.ServicePort{{Name:"", Protocol:"{protocol}", AppProtocol:(*string)'
                                         f'(nil), Port:{value or 0}, TargetPort:intstr.IntOrString{{Type:0, '
                                         f'IntVal:0, StrVal:""}}, NodePort:0}}'))
            pairs.add(pair)
    if "selector" in spec:
        validate_labels(errors, spec["selector"], ("spec", "selector"))
    affinity = as_str(spec.get("sessionAffinity"))
    if affinity and affinity not in ("ClientIP", "None"):
        errors.unsupported(("spec", "sessionAffinity"), affinity, ("ClientIP", "None"))
    external_ips = as_list(spec.get("externalIPs"))
    accessible = kind in ("LoadBalancer", "NodePort") or (kind == "ClusterIP" and bool(external_ips))
    traffic = as_str(spec.get("externalTrafficPolicy"))
    if traffic:
        if not accessible:
            errors.invalid(("spec", "externalTrafficPolicy"), traffic,
                           "may only be set for externally-accessible services")
        elif traffic not in ("Cluster", "Local"):
            errors.unsupported(("spec", "externalTrafficPolicy"), traffic, ("Cluster", "Local"))
    if as_list(spec.get("loadBalancerSourceRanges")) and kind != "LoadBalancer":
        errors.forbidden(("spec", "LoadBalancerSourceRanges"), "may only be used when `type` is 'LoadBalancer'",
                         ("spec", "loadBalancerSourceRanges"))
    if spec.get("allocateLoadBalancerNodePorts") is not None and kind != "LoadBalancer":
        errors.forbidden(("spec", "allocateLoadBalancerNodePorts"), "may only be used when `type` is 'LoadBalancer'")
    internal = as_str(spec.get("internalTrafficPolicy"))
    if internal and internal not in ("Cluster", "Local"):
        errors.unsupported(("spec", "internalTrafficPolicy"), internal, ("Cluster", "Local"))


_PATH_TYPES = ("Exact", "ImplementationSpecific", "Prefix")
_BAD_PATH_PARTS = ("//", "/./", "/../", "%2f", "%2F")


def check_ingress(errors: FieldErrors, resource: Resource) -> None:
    """networking/validation ValidateIngressSpec, validateIngressRules, validateHTTPIngressPath,
    validateIngressBackend (networking.k8s.io/v1 only: v1beta1 had no pathType rule)."""
    if resource.api_version != "networking.k8s.io/v1":
        return
    spec = as_dict(resource.obj.get("spec")) or {}
    rules = as_list(spec.get("rules"))
    default = spec.get("defaultBackend")
    if default is None and not rules:
        errors.invalid(("spec",), Raw("[]networking.IngressRule(nil)"),
                       "either `defaultBackend` or `rules` must be specified")
    if as_dict(default) is not None:
        _ingress_backend(errors, default, ("spec", "defaultBackend"))
    class_name = as_str(spec.get("ingressClassName"))
    if class_name is not None:
        errors.invalid_each(("spec", "ingressClassName"), class_name, f.is_dns1123_subdomain(class_name))
    for index, tls in enumerate(as_list(spec.get("tls")) or ()):
        tls = as_dict(tls)
        if tls is None:
            continue
        for number, host in enumerate(as_list(tls.get("hosts")) or ()):
            if isinstance(host, str):
                hosts_path = ("spec", "tls", index, "hosts", number)
                if "*" in host:
                    errors.invalid_each(hosts_path, host, f.is_wildcard_dns1123_subdomain(host))
                else:
                    errors.invalid_each(hosts_path, host, f.is_dns1123_subdomain(host))
        secret = as_str(tls.get("secretName"))
        if secret:
            errors.invalid_each(("spec", "tls", index, "secretName"), secret, f.is_dns1123_subdomain(secret))
    for index, rule in enumerate(rules or ()):
        rule = as_dict(rule)
        if rule is None:
            continue
        at = ("spec", "rules", index)
        host = as_str(rule.get("host"))
        if host:
            _ingress_host(errors, host, (*at, "host"))
        http = rule.get("http")
        if http is None:
            continue
        http = as_dict(http)
        if http is None:
            continue
        paths = as_list(http.get("paths"))
        if http.get("paths") is None or paths == []:
            errors.required((*at, "http", "paths"))
        for number, item in enumerate(paths or ()):
            item = as_dict(item)
            if item is not None:
                _ingress_path(errors, item, (*at, "http", "paths", number))


def _ingress_host(errors: FieldErrors, host: str, path: Path) -> None:
    """validateIngressRules / validateIngressTLS: a DNS name (a wildcard one when it has '*'), not an IP."""
    import ipaddress  # Ingress hosts only: not on the path of a check that has none

    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        errors.invalid(path, host, "must be a DNS name, not an IP address")
    if "*" in host:
        errors.invalid_each(path, host, f.is_wildcard_dns1123_subdomain(host))
    else:
        errors.invalid_each(path, host, f.is_dns1123_subdomain(host))


def _ingress_path(errors: FieldErrors, item: dict[str, Any], path: Path) -> None:
    path_type = item.get("pathType")
    text = item.get("path")
    if path_type is None or path_type == "":
        errors.required((*path, "pathType"), "pathType must be specified")
        return  # upstream stops here: the backend is not checked either
    if isinstance(path_type, str):
        if path_type not in _PATH_TYPES:
            errors.unsupported((*path, "pathType"), path_type, _PATH_TYPES)
        elif path_type in ("Exact", "Prefix"):
            value = text if isinstance(text, str) else ""
            if not value.startswith("/"):
                errors.invalid((*path, "path"), value, "must be an absolute path")
            for part in _BAD_PATH_PARTS if value else ():
                if part in value:
                    errors.invalid((*path, "path"), value, f"must not contain '{part}'")
            for end in ("/..", "/."):
                if value.endswith(end):
                    errors.invalid((*path, "path"), value, f"cannot end with '{end}'")
        elif isinstance(text, str) and text and not text.startswith("/"):
            errors.invalid((*path, "path"), text, "must be an absolute path")
    backend = item.get("backend")
    _ingress_backend(errors, {} if backend is None else backend, (*path, "backend"))


def _ingress_backend(errors: FieldErrors, backend: Any, path: Path) -> None:
    backend = as_dict(backend)
    if backend is None:
        return
    service = backend.get("service")
    resource = backend.get("resource")
    if service is not None and resource is not None:
        errors.invalid(path, "", "cannot set both resource and service backends")
        return
    if resource is not None:
        return
    if service is None:
        errors.invalid(path, "", "resource or service backend is required")
        return
    service = as_dict(service)
    if service is None:
        return
    name = service.get("name")
    if name is None or name == "":
        errors.required((*path, "service", "name"))
    elif isinstance(name, str):
        errors.invalid_each((*path, "service", "name"), name, f.is_dns1035_label(name))
    port = as_dict(service.get("port")) or {}
    port_name = as_str(port.get("name")) or ""
    number = as_int(port.get("number")) or 0
    if port_name and number:
        errors.invalid(path, "", "cannot set both port name & port number")
    elif port_name:
        errors.invalid_each((*path, "service", "port", "name"), port_name, f.is_valid_port_name(port_name))
    elif number:
        errors.invalid_each((*path, "service", "port", "number"), number, f.is_valid_port_num(number))
    elif port.get("number") is None or port.get("number") == 0:
        errors.required(path, "port name or number is required", (*path, "service", "port"))


def check_network_policy(errors: FieldErrors, resource: Resource) -> None:
    """networking/validation ValidateNetworkPolicySpec, ValidateNetworkPolicyPort,
    ValidateNetworkPolicyPeer."""
    spec = as_dict(resource.obj.get("spec")) or {}
    selector = as_dict(spec.get("podSelector"))
    if selector is not None:
        validate_selector(errors, selector, ("spec", "podSelector"))
    for direction, peers_key in (("ingress", "from"), ("egress", "to")):
        for index, rule in enumerate(as_list(spec.get(direction)) or ()):
            rule = as_dict(rule)
            if rule is None:
                continue
            at = ("spec", direction, index)
            for number, port in enumerate(as_list(rule.get("ports")) or ()):
                port = as_dict(port)
                if port is not None:
                    _policy_port(errors, port, (*at, "ports", number))
            for number, peer in enumerate(as_list(rule.get(peers_key)) or ()):
                peer = as_dict(peer)
                if peer is None:
                    continue
                where = (*at, peers_key, number)
                count = sum(1 for key in ("podSelector", "namespaceSelector", "ipBlock") if peer.get(key) is not None)
                if count == 0:
                    errors.required(where, "must specify a peer")
                elif count > 1 and peer.get("ipBlock") is not None:
                    errors.forbidden(where, "may not specify both ipBlock and another peer")
                for key in ("podSelector", "namespaceSelector"):
                    inner = as_dict(peer.get(key))
                    if inner is not None:
                        validate_selector(errors, inner, (*where, key))
    types = as_list(spec.get("policyTypes"))
    if types is not None and len(types) > 2:
        shown = ", ".join(json.dumps(str(item)) for item in types)
        errors.invalid(("spec", "policyTypes"), Raw(f"&[]networking.PolicyType{{{shown}}}"),
                       "may not specify more than two policyTypes")
        return
    for index, policy_type in enumerate(types or ()):
        if isinstance(policy_type, str) and policy_type not in ("Ingress", "Egress"):
            errors.unsupported(("spec", "policyTypes", index), policy_type, ("Ingress", "Egress"))


def _policy_port(errors: FieldErrors, port: dict[str, Any], path: Path) -> None:
    """networking/validation ValidateNetworkPolicyPort."""
    check_protocol(errors, (*path, "protocol"), port.get("protocol"), ("TCP", "UDP", "SCTP"))
    value = port.get("port")
    end = as_int(port.get("endPort"))
    number = as_int(value)
    if number is not None:
        errors.invalid_each((*path, "port"), number, f.is_valid_port_num(number))
        if end is not None:
            if end < number:
                errors.invalid((*path, "endPort"), number, "must be greater than or equal to `port`")
            errors.invalid_each((*path, "endPort"), end, f.is_valid_port_num(end))
    elif isinstance(value, str):
        if end is not None:
            errors.invalid((*path, "endPort"), end, "may not be specified when `port` is non-numeric")
        errors.invalid_each((*path, "port"), value, f.is_valid_port_name(value))
    elif value is None and end is not None:
        errors.invalid((*path, "endPort"), end, "may not be specified when `port` is not specified")
