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
        yield Finding("crd-invalid", RULES["crd-invalid"], f"invalid CRD: {problem.message}",
                      resource.origin_of(problem.path), resource.ref())
