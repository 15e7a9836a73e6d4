"""Rules for custom resources and their CRDs: crd-version-unserved, crd-version-deprecated,
no-schema and crd-invalid, plus schema/unknown-field findings against a CRD's schema.

CRDs come from every input and every --crd path and are collected before any resource is
checked (kcompat.engine.crds), so a custom resource may come before its CRD.
"""

from __future__ import annotations

from collections.abc import Iterator

from kcompat.checks.api_lifecycle import is_custom
from kcompat.checks.cel_rules import check_cel
from kcompat.checks.context import CheckContext
from kcompat.checks.schema_rules import problem_findings
from kcompat.core.model import Finding, Severity
from kcompat.core.rules import CRD_INVALID, CRD_VERSION_DEPRECATED, CRD_VERSION_UNSERVED, NO_SCHEMA, severity_of
from kcompat.sources.resources import Resource

RULES = {rule: severity_of(rule) for rule in (CRD_VERSION_UNSERVED, CRD_VERSION_DEPRECATED, NO_SCHEMA, CRD_INVALID)}


def check_custom(resource: Resource, context: CheckContext) -> Iterator[Finding]:
    settings = context.schema
    if settings is None:
        return
    if resource.kind == "CustomResourceDefinition" and resource.group == "apiextensions.k8s.io":
        yield from _crd_itself(resource)
        return
    if not is_custom(resource, context):
        return
    crds = settings.crds
    crd = crds.for_version(resource.group, resource.kind, resource.version) if crds is not None else None
    if crd is None:
        severity = Severity.ERROR if settings.require_schemas else RULES["no-schema"]
        yield Finding("no-schema", severity,
                      f"no CRD for {resource.group} {resource.kind} was found in the inputs or --crd "
                      "paths; its fields were not validated", resource.origin_of(("apiVersion",)),
                      resource.ref())
        return
    version = crd.version(resource.version)
    where = f"{crd.origin.location()}"
    if version is None or not version.served:
        served = ", ".join(crd.served()) or "none"
        if version is None:
            why = f"does not define version {resource.version}"
        else:
            why = f"no longer serves version {resource.version} (served: false)"
        yield Finding("crd-version-unserved", RULES["crd-version-unserved"],
                      f"the CRD {crd.name} ({where}) {why}; it serves {served}",
                      resource.origin_of(("apiVersion",)), resource.ref(),
                      details={"crd": crd.name, "served": crd.served()})
        return
    if version.deprecated:
        text = version.deprecation_warning or f"{resource.api_version} {resource.kind} is deprecated"
        storage = next((v.name for v in crd.versions if v.storage), None)
        yield Finding("crd-version-deprecated", RULES["crd-version-deprecated"],
                      f"{text} (CRD {crd.name}, {where})", resource.origin_of(("apiVersion",)),
                      resource.ref(),
                      replacement=f"{crd.group}/{storage}" if storage and storage != resource.version
                      else None,
                      details={"crd": crd.name, "deprecationWarning": version.deprecation_warning})
    if version.schema_error is not None:
        yield Finding("no-schema", Severity.ERROR if settings.require_schemas else RULES["no-schema"],
                      f"the schema of {resource.api_version} in CRD {crd.name} ({where}) is invalid "
                      f"({version.schema_error}); fields were not validated",
                      resource.origin_of(("apiVersion",)), resource.ref())
        return
    from kcompat.catalog.schema_store import StoreError
    from kcompat.schema.builtin import version_schemas
    from kcompat.schema.crds import crd_validator, defaulted_object
    from kcompat.schema.validator import SchemaError, run

    try:
        object_meta = version_schemas(settings.version.minor).object_meta()
    except (StoreError, SchemaError):
        object_meta = None
    try:
        # Defaults first, as the API server does: required, oneOf/anyOf and list-map keys see
        # the defaulted object (a CEL evaluator would take it from defaulted_object too).
        obj = defaulted_object(version, resource.obj)
        problems = run(crd_validator(version, settings.version.minor, object_meta), obj)
    except (SchemaError, RecursionError) as error:
        yield Finding("no-schema", RULES["no-schema"],
                      f"the schema of {resource.api_version} in CRD {crd.name} cannot be used: {error}",
                      resource.origin_of(("apiVersion",)), resource.ref())
        return
    if problems and version.status_subresource:
        problems = [p for p in problems if p.path[:1] != ("status",)]  # the server ignores it
    if problems:
        yield from problem_findings(resource, problems, context,
                                    f"the schema of {resource.api_version} {resource.kind} "
                                    f"(CRD {crd.name})", history=False,
                                    short=f"CRD {crd.name} {resource.version}", builtin=False)
    yield from check_cel(resource, crd, version, problems or [], context)


def _crd_itself(resource: Resource) -> Iterator[Finding]:
    from kcompat.schema.crds import parse_crd

    _crd, problems = parse_crd(resource.obj, resource.api_version, resource.origin_of())
    for problem in problems:
        field = server_crd_field(resource.obj, problem.path)
        details: dict[str, str] = {"field": field}
        kind = next((kind for word, kind in _ERROR_TYPES if problem.message.startswith(word)), None)
        if kind is not None:  # worded as the API server: "<field>: Unsupported value: ..."
            details["errorType"] = kind
            message = f"invalid CRD: {field}: {problem.message}"
        else:
            message = f"invalid CRD: {problem.message}"
        yield Finding("crd-invalid", RULES["crd-invalid"], message, resource.origin_of(problem.path),
                      resource.ref(), details=details)


_ERROR_TYPES = (("Unsupported value: ", "FieldValueNotSupported"), ("Invalid value: ", "FieldValueInvalid"),
                ("Required value", "FieldValueRequired"), ("Forbidden: ", "FieldValueForbidden"))
_KEYED = frozenset({"properties", "patternProperties", "definitions", "dependencies"})


def server_crd_field(crd: object, path: tuple[str | int, ...]) -> str:
    """The API server's field path for a problem inside a CRD.

    The server validates its internal form of the CRD: when every version has the same schema it
    is hoisted to spec.validation, so a problem in the only (or a shared) schema is reported at
    spec.validation.openAPIV3Schema...; schema property names are keys (properties[spec]).
    """
    steps: list[str | int] = list(path)
    if steps[:2] == ["spec", "versions"] and len(steps) >= 5 and steps[3:5] == ["schema", "openAPIV3Schema"]:
        spec = crd.get("spec") if isinstance(crd, dict) else None
        versions = spec.get("versions") if isinstance(spec, dict) else None
        if isinstance(versions, list) and versions and all(isinstance(v, dict) for v in versions) and \
                all(v.get("schema") == versions[0].get("schema") for v in versions):
            steps = ["spec", "validation", "openAPIV3Schema", *steps[5:]]
    text = ""
    keyed = False
    for step in steps:
        if isinstance(step, int) or keyed:
            text += f"[{step}]"
            keyed = False
        else:
            text += f".{step}" if text else step
            keyed = step in _KEYED
    return text
