"""ConfigMap, Secret and PersistentVolumeClaim."""

from __future__ import annotations

from kcompat.checks.builtin import formats as f
from kcompat.checks.builtin.errors import (
    FieldErrors,
    Key,
    absent,
    as_dict,
    as_list,
    as_str,
)
from kcompat.sources.resources import Resource

_MAX_DATA = 1024 * 1024


def _decoded_size(value: str) -> int:
    text = value.strip()
    return max(0, len(text) * 3 // 4 - text[-2:].count("="))


def check_config_map(errors: FieldErrors, resource: Resource) -> None:
    """core/validation ValidateConfigMap: IsConfigMapKey keys, no key in both data and binaryData,
    at most 1 MiB (MaxSecretSize) in all."""
    data = as_dict(resource.obj.get("data")) or {}
    binary = as_dict(resource.obj.get("binaryData")) or {}
    total = 0
    for key, value in data.items():
        if not isinstance(key, str):
            continue
        errors.invalid_each(("data", Key(key)), key, f.is_config_map_key(key))
        if key in binary:
            errors.invalid(("data", Key(key)), key, "duplicate of key present in binaryData")
        if isinstance(value, str):
            total += len(value.encode())
    for key, value in binary.items():
        if not isinstance(key, str):
            continue
        errors.invalid_each(("binaryData", Key(key)), key, f.is_config_map_key(key))
        if isinstance(value, str):
            total += _decoded_size(value)
    if total > _MAX_DATA:
        errors.too_long((), _MAX_DATA, ("data",) if data else ("binaryData",))


_SECRET_KEYS = {
    "kubernetes.io/tls": ("tls.crt", "tls.key"),
    "kubernetes.io/dockerconfigjson": (".dockerconfigjson",),
    "kubernetes.io/dockercfg": (".dockercfg",),
    "kubernetes.io/ssh-auth": ("ssh-privatekey",),
}


def check_secret(errors: FieldErrors, resource: Resource) -> None:
    """core/validation ValidateSecret: IsConfigMapKey keys (stringData is merged into data first),
    the keys each type requires, at most 1 MiB. Values are never echoed."""
    obj = resource.obj
    data = as_dict(obj.get("data")) or {}
    string_data = as_dict(obj.get("stringData")) or {}
    total = 0
    keys: set[str] = set()
    for source, values in (("data", data), ("stringData", string_data)):
        for key, value in values.items():
            if not isinstance(key, str):
                continue
            if key not in keys:
                errors.invalid_each(("data", Key(key)), key, f.is_config_map_key(key), (source, key))
            keys.add(key)
            if isinstance(value, str):
                total += _decoded_size(value) if source == "data" else len(value.encode())
    secret_type = as_str(obj.get("type")) or "Opaque"
    if secret_type == "kubernetes.io/basic-auth" and not {"username", "password"} & keys:
        for key in ("username", "password"):
            errors.required(("data", Key(key)), at=("data",) if "data" in obj else ("type",))
    for required in _SECRET_KEYS.get(secret_type, ()):
        if required not in keys:
            errors.required(("data", Key(required)), at=("data",) if "data" in obj else ("type",))
    if secret_type == "kubernetes.io/service-account-token":
        annotations = as_dict((as_dict(obj.get("metadata")) or {}).get("annotations")) or {}
        if absent(annotations.get("kubernetes.io/service-account.name")):
            errors.required(("metadata", "annotations", Key("kubernetes.io/service-account.name")),
                            at=("metadata",))
    if total > _MAX_DATA:
        errors.too_long(("data",), _MAX_DATA)


_ACCESS_MODES = ("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod")


def check_pvc(errors: FieldErrors, resource: Resource) -> None:
    """core/validation ValidatePersistentVolumeClaimSpec: access modes and a storage request."""
    spec = as_dict(resource.obj.get("spec")) or {}
    modes = spec.get("accessModes")
    if modes is None or modes == []:
        errors.required(("spec", "accessModes"), "at least 1 access mode is required")
    for mode in as_list(modes) or ():
        if isinstance(mode, str) and mode not in _ACCESS_MODES:
            errors.unsupported(("spec", "accessModes"), mode, _ACCESS_MODES)
    requests = as_dict((as_dict(spec.get("resources")) or {}).get("requests")) or {}
    if "storage" not in requests:
        errors.required(("spec", "resources", Key("storage")), at=("spec", "resources"))
