"""Options that several commands share, declared once, and the typed requests built from them.

Every option a user may repeat is repeatable (`action="append"`); every other option refuses a
second value with exit 2 instead of silently keeping the last one (`Once`).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from kcompat.commands.common import UsageError, target_and_current

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from kcompat.core.versions import KubeVersion
    from kcompat.engine.request import CheckRequest, SchemaRequest

PATHS_HELP = "files or directories (recursive: *.yaml, *.yml, *.json); - for stdin"


class Once(argparse.Action):
    """A single-valued option given twice is a usage error, not 'the last one wins'."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: str | Sequence[Any] | None, option_string: str | None = None) -> None:
        if getattr(namespace, f"_seen_{self.dest}", False):
            parser.error(f"{option_string} can be given only once")
        setattr(namespace, f"_seen_{self.dest}", True)
        setattr(namespace, self.dest, values)


class OnceFlag(argparse.Action):
    """A store_true flag; giving it twice is harmless, so it is accepted."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=False, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: str | Sequence[Any] | None, option_string: str | None = None) -> None:
        setattr(namespace, self.dest, True)


def add_paths(parser: argparse.ArgumentParser, required: bool = True) -> None:
    parser.add_argument("paths", nargs="+" if required else "*", metavar="PATH", help=PATHS_HELP)


def add_target(parser: argparse.ArgumentParser,
               help: str = "Kubernetes version to check against (default: the newest bundled)") -> None:
    parser.add_argument("-t", "--target-version", action=Once, help=help)


def add_current(parser: argparse.ArgumentParser, required: bool = False,
                help: str = "version the cluster runs now; findings then name the hop that breaks") -> None:
    parser.add_argument("-c", "--current-version", action=Once, required=required, help=help)


def add_output(parser: argparse.ArgumentParser, choices: Sequence[str], default: str,
               help: str | None = None) -> None:
    parser.add_argument("-o", "--output", action=Once, choices=tuple(choices), default=default,
                        help=help or f"output format (default: {default})")


def add_exclude(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                        help="skip paths matching GLOB (repeatable)")


def add_ignore(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ignore", action="append", default=[], metavar="RULE",
                        help="suppress a rule everywhere (repeatable, or comma-separated; `kcompat rules` "
                        "lists them)")


def add_schema_arguments(parser: argparse.ArgumentParser, jobs: bool = True) -> None:
    group = parser.add_argument_group("schema validation (docs/schema-validation.md)")
    group.add_argument("--skip-schema", action=OnceFlag,
                       help="do not validate resources against the Kubernetes and CRD schemas")
    group.add_argument("--schema-version", action=Once, metavar="VERSION",
                       help="validate against this version's schemas (default: --target-version)")
    group.add_argument("--strict", action=OnceFlag,
                       help="unknown fields, removed fields and duplicate keys are errors "
                       "(as kubectl --validate=strict), not warnings")
    group.add_argument("--crd", action="append", default=[], metavar="PATH",
                       help="file or folder of CustomResourceDefinitions that provide schemas for "
                       "custom resources (repeatable; CRDs among the inputs are used too)")
    group.add_argument("--require-schemas", action=OnceFlag,
                       help="a custom resource whose CRD is not known is an error (default: info)")
    if jobs:
        group.add_argument("-j", "--jobs", action=Once, type=_jobs, default=None, metavar="N",
                           help="worker processes (default: the number of CPUs); output is the same for any N")


def add_client_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--audit-log", action="append", default=[], metavar="FILE",
                        help="API server audit log (JSON lines, plain or gzip): its clients of deprecated "
                        "APIs join the graph; repeatable")
    parser.add_argument("--clients-json", action="append", default=[], metavar="FILE",
                        help="the JSON of `kcompat clients -o json`: its clients join the graph; repeatable")


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def jobs_of(args: argparse.Namespace) -> int:
    jobs: int | None = getattr(args, "jobs", None)
    if jobs is not None:
        return jobs
    from kcompat.engine.jobs import default_jobs

    return default_jobs()


def ignored_rules(values: Sequence[str]) -> frozenset[str]:
    """--ignore values (repeatable, comma-separated), each a rule the registry knows (else exit 2)."""
    from kcompat.core.rules import UnknownRule, check_ids

    ids = [rule.strip() for value in values for rule in value.split(",") if rule.strip()]
    try:
        return check_ids(ids)
    except UnknownRule as error:
        raise UsageError(f"--ignore: {error}") from None


def stdin_once(*groups: Sequence[str]) -> None:
    """stdin (-) can feed one input only, across PATHs and file options such as --audit-log."""
    if sum(list(group).count("-") for group in groups) > 1:
        raise UsageError("stdin (-) can be given only once")


def schema_request(args: argparse.Namespace) -> SchemaRequest | None:
    from kcompat.core.versions import KubeVersion, VersionError
    from kcompat.engine.request import SchemaRequest

    if getattr(args, "skip_schema", False):
        return None
    version = None
    if getattr(args, "schema_version", None):
        try:
            version = KubeVersion.parse(args.schema_version)
        except VersionError as error:
            raise UsageError(f"--schema-version: {error}") from None
    return SchemaRequest(version, strict=bool(getattr(args, "strict", False)),
                         require_schemas=bool(getattr(args, "require_schemas", False)),
                         crd_paths=tuple(getattr(args, "crd", None) or ()))


def versions_of(args: argparse.Namespace, need_current: bool = False) -> tuple[KubeVersion, KubeVersion | None]:
    target, current = target_and_current(getattr(args, "target_version", None),
                                         getattr(args, "current_version", None))
    if need_current and current is None:
        raise UsageError("--current-version is required")
    return target, current


def check_request(args: argparse.Namespace, **overrides: Any) -> CheckRequest:
    """The CheckRequest of a command's arguments (paths, versions, exclude, ignore, schema options)."""
    from kcompat.engine.request import CheckRequest

    target, current = versions_of(args)
    paths = tuple(getattr(args, "paths", ()) or ())
    stdin_once(paths, getattr(args, "audit_log", None) or (), getattr(args, "clients_json", None) or ())
    fields: dict[str, Any] = {
        "paths": paths, "target": target, "current": current,
        "exclude": tuple(getattr(args, "exclude", ()) or ()),
        "ignore": ignored_rules(getattr(args, "ignore", ()) or ()),
        "schema": schema_request(args),
    }
    fields.update(overrides)
    return CheckRequest(**fields)
