"""`kcompat check PATH... --jobs N`: check files in worker processes, same result as one process.

1. discover the files (stable order); read stdin once, here;
2. gather CRDs from every input before any resource is checked (kcompat.engine.crds): only
   files whose bytes mention CustomResourceDefinition are parsed for that, by the workers when
   there are several;
3. check each file with pipeline.check_loaded, in this process or in a pool of N workers
   (`imap` keeps the input order); per-file results are merged in that order and the findings
   sorted exactly as check_inputs sorts them, so the output does not depend on N.

Workers receive the context once, at start (with fork, without pickling); each builds its own
validators on first use. Small runs stay in this process: starting workers costs more than it
saves below POOL_MIN_BYTES of input. Files parsed while gathering CRDs are kept (up to
PRELOAD_MAX_BYTES of input, without their node trees) and checked without a second parse;
forked workers inherit them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence

from kcompat.checks.context import CheckContext
from kcompat.core import limits
from kcompat.core.errors import InputError
from kcompat.core.model import Finding, Origin
from kcompat.core.result import CheckResult
from kcompat.engine.pipeline import Check, check_loaded, internal_error
from kcompat.sources.discover import STDIN, Missing, Tree, discover_tree
from kcompat.sources.load import LoadedInput, load_input
from kcompat.sources.reading import read_input

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from kcompat.schema.crds import Crd

POOL_MIN_BYTES = 1536 * 1024
"""Below this much input (and below 2 files) --jobs is not worth starting processes for. Measured on an
idle 2-core machine (benchmarks/pool_crossover.py, BENCHMARKS.md, 03:33 UTC 2026-12-02): a pool of 2
costs 0.1-0.2 s of CPU (fork, the multiprocessing imports, each worker building its own validators and
CEL programs); once one worker got faster (issue #19) it is slower than one process up to 660 KiB of
generated manifests (0.86x) and at 1.2 MB of Gateway API CRDs with routes (0.83x: CEL compiled in each
worker), about even at 1.4 MB (1.05x-1.15x) and ahead from 2.2 MB (1.51x). 1.5 MiB keeps every
measured input at or above 1x."""

PRELOAD_MAX_BYTES = 64 * 1024 * 1024
"""Input bytes of CRD files kept parsed between the passes (as data without node trees: about
3x the bytes; positions are found again by parsing the file when a finding needs one)."""

_worker: tuple[CheckContext, frozenset[str], Sequence[Check]] | None = None
_preloaded: dict[str, LoadedInput] = {}
_roles: dict[str, str] = {}
"""The role of files a kustomization of the walked tree names (sources.discover.Tree.roles)."""


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def run_paths(paths: Sequence[str], exclude: Sequence[str], context: CheckContext,
              ignore: frozenset[str], checks: Sequence[Check], jobs: int,
              discovered: tuple[list[str | Missing], Tree] | None = None) -> CheckResult:
    global _roles
    items, tree = discovered if discovered is not None else discover_tree(paths, exclude)
    _roles = tree.roles  # forked workers inherit it, as _preloaded
    stdin = load_input(STDIN) if STDIN in items else None
    files = [item for item in items if isinstance(item, str) and item != STDIN]
    workers = min(jobs, len(files)) if jobs > 1 and len(files) > 1 and _can_fork() and _enough_work(files) else 1
    preloaded: dict[str, LoadedInput] = {}
    settings = context.schema
    if settings is not None:
        crd_files = [path for path in files if _mentions_crd(path)]
        if workers > 1 and len(crd_files) > 1:
            found = _crds_in_parallel(crd_files, min(workers, len(crd_files)), preloaded)
        else:
            found = _crds_here(crd_files, preloaded)
        if stdin is not None:
            from kcompat.engine.crds import crds_in_documents

            found.extend(crds_in_documents(stdin.documents))
        if found:
            from kcompat.engine.crds import registry

            merged = registry(settings.known_crds(), found)
            context = context._replace(schema=settings.with_crds(merged))
        _freeze_long_lived()
    result = CheckResult(context.target, context.current)
    per_file = _results(files, context, ignore, checks, workers, preloaded)
    for item in items:
        if isinstance(item, Missing):
            result.input_errors.append(InputError(item.path, item.reason))
        elif item == STDIN:
            assert stdin is not None
            if stdin.unreadable is not None:
                result.input_errors.append(InputError(stdin.path, stdin.unreadable))
            else:
                check_loaded(result, stdin, context, ignore, checks)
        else:
            _merge(result, next(per_file))
    result.findings.sort(key=Finding.sort_key)
    return result


def _freeze_long_lived() -> None:
    """The CRDs and the files kept parsed live until the end of the run: when the process has
    opted into gc.freeze() (the CLI does, kcompat/cli.py), move them to the permanent generation
    too, so the full collections of the check pass do not walk them again and again (on the real
    corpus they are ~450k objects). In-process callers that never froze keep their own GC."""
    import gc

    if gc.isenabled() and gc.get_freeze_count() > 0:
        gc.freeze()


_MARKER = b"CustomResourceDefinition"
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _mentions_crd(path: str) -> bool:
    try:
        raw = read_input(path, limits.MAX_FILE_BYTES + 1)
    except OSError:
        return False
    return may_hold_crd(raw)


def may_hold_crd(raw: bytes) -> bool:
    """Whether a file's bytes may hold a CRD: a byte search (files with a BOM are always parsed)."""
    return _MARKER in raw or raw.startswith(_BOMS)


def _crds_here(crd_files: list[str], preloaded: dict[str, LoadedInput]) -> list[Crd]:
    found: list[Crd] = []
    kept = 0
    for path in crd_files:
        size = _size(path)
        keep = kept + size <= PRELOAD_MAX_BYTES
        crds, loaded = _crds_of_file(path, keep)
        found.extend(crds)
        if loaded is not None:
            preloaded[path] = loaded
            kept += size
    return found


def _crds_of_file(path: str, keep: bool) -> tuple[list[Crd], LoadedInput | None]:
    """The file's CRDs and, when keep, the file without node trees for the check pass."""
    from kcompat.engine.crds import crds_in_documents, detach

    loaded = load_input(path, _roles.get(os.path.normpath(path)))
    return crds_in_documents(loaded.documents), detach(loaded) if keep else None


def _crds_in_parallel(crd_files: list[str], jobs: int, preloaded: dict[str, LoadedInput]) -> list[Crd]:
    import multiprocessing

    found: list[Crd] = []
    budget, tasks = 0, []
    for path in crd_files:
        size = _size(path)
        tasks.append((path, budget + size <= PRELOAD_MAX_BYTES))
        budget += size if tasks[-1][1] else 0
    with multiprocessing.Pool(jobs) as pool:
        for (path, _), (crds, loaded) in zip(tasks, pool.starmap(_crds_of_file, tasks), strict=True):
            found.extend(crds)
            if loaded is not None:
                preloaded[path] = loaded
    return found


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _results(files: list[str], context: CheckContext, ignore: frozenset[str], checks: Sequence[Check],
             workers: int, preloaded: dict[str, LoadedInput]) -> Iterator[dict[str, Any] | InputError]:
    global _preloaded
    _preloaded = preloaded
    try:
        if workers > 1:
            yield from _pooled(files, context, ignore, checks, workers)
            return
        for path in files:
            yield _check_file(path, context, ignore, checks)
    finally:
        _preloaded = {}


def _can_fork() -> bool:
    """A daemonic process (a multiprocessing worker itself) may not start workers."""
    import multiprocessing

    return not multiprocessing.current_process().daemon


def _enough_work(files: list[str]) -> bool:
    total = 0
    for path in files:
        total += _size(path)
        if total >= POOL_MIN_BYTES:
            return True
    return False


def _pooled(files: list[str], context: CheckContext, ignore: frozenset[str], checks: Sequence[Check],
            jobs: int) -> Iterator[dict[str, Any] | InputError]:
    """Results in input order. A worker that dies (killed, out of memory, a crash in C) does not
    hang or lose the run: the first file without a result is checked again alone, in a process of
    its own, and reported as an internal error if that process dies too; a new pool takes the rest."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    chunk = max(1, min(32, len(files) // (jobs * 8)))
    start = 0
    while start < len(files):
        try:
            with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(), initializer=_init_worker,
                                     initargs=(context, ignore, tuple(checks))) as pool:
                for part in pool.map(_check_in_worker, files[start:], chunksize=chunk):
                    yield part
                    start += 1
            return
        except BrokenProcessPool:
            yield _isolated(files[start], context, ignore, checks)
            start += 1


def _isolated(path: str, context: CheckContext, ignore: frozenset[str],
              checks: Sequence[Check]) -> dict[str, Any] | InputError:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context(), initializer=_init_worker,
                                 initargs=(context, ignore, tuple(checks))) as pool:
            return pool.submit(_check_in_worker, path).result()
    except BrokenProcessPool:
        return _crashed(path, context, "the worker process checking this file died (killed, out of memory "
                        "or crashed)")


def _crashed(path: str, context: CheckContext, what: str) -> dict[str, Any]:
    part = CheckResult(context.target, context.current)
    part.files += 1
    part.checked_files.append(path)
    part.findings.append(internal_error(Origin(path, None, None, None), what))
    return _fields(part)


def _fields(part: CheckResult) -> dict[str, Any]:
    return {name: getattr(part, name) for name in CheckResult.FIELDS}


def _init_worker(context: CheckContext, ignore: frozenset[str], checks: Sequence[Check]) -> None:
    global _worker
    _worker = (context, ignore, checks)


def _check_in_worker(path: str) -> dict[str, Any] | InputError:
    assert _worker is not None
    return _check_file(path, *_worker)


def _check_file(path: str, context: CheckContext, ignore: frozenset[str],
                checks: Sequence[Check]) -> dict[str, Any] | InputError:
    """One file's share of a CheckResult, as plain fields (the context is not sent back)."""
    try:
        loaded = _preloaded.pop(path, None) or load_input(path, _roles.get(os.path.normpath(path)))
        if loaded.unreadable is not None:
            return InputError(loaded.path, loaded.unreadable)
        part = CheckResult(context.target, context.current)
        check_loaded(part, loaded, context, ignore, checks)
    except Exception as error:  # reported for this file, never a lost file or a traceback
        from kcompat.engine.pipeline import describe_crash

        return _crashed(path, context, f"checking this file failed: {describe_crash(error)}")
    return _fields(part)


def _merge(result: CheckResult, part: dict[str, Any] | InputError) -> None:
    if isinstance(part, InputError):
        result.input_errors.append(part)
        return
    for name, value in part.items():
        current = getattr(result, name)
        if isinstance(current, list):
            current.extend(value)
        elif isinstance(current, dict):
            for key, found in value.items():
                current.setdefault(key, []).extend(found)
        else:
            setattr(result, name, current + value)
