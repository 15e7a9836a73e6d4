"""Read the bundled schema store (schemas/store/, built by scripts/build_schema_store.py).

Only what is asked for is read: a version's index (definition name -> offset in the shared
pool) when that version is first used, and one pool line per definition when a validator
needs it. Pool lines are shared between versions, so a parsed definition is cached by its
offset and reused by every version that contains it.
"""

from __future__ import annotations

import _thread
import json
import os
from functools import cache

from kcompat.catalog.store import schemas_dir
from kcompat.core.records import Record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Final

STORE_FORMAT = 1


class StoreError(Exception):
    """The schema store is missing or damaged (reinstalling kcompat fixes it)."""


class VersionIndex(Record):
    __slots__ = ("definitions", "kinds", "minor")

    def __init__(self, minor: int, definitions: dict[str, list[int]], kinds: dict[str, str]) -> None:
        self.minor: Final[int] = minor
        self.definitions: Final[dict[str, list[int]]] = definitions
        """name -> [pool offset, length] or [pool offset, length, docs offset, length]."""
        self.kinds: Final[dict[str, str]] = kinds
        """"group/version/Kind" ("v1/Pod" for the core group) -> definition name."""


def kind_key(api_version: str, kind: str) -> str:
    return f"{api_version}/{kind}"


class SchemaStore:
    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = os.fspath(folder)
        self._manifest: dict[str, Any] | None = None
        self._minors: tuple[int, ...] | None = None
        self._indexes: dict[int, VersionIndex] = {}
        self._pool_cache: dict[tuple[str, int], Any] = {}
        self._fds: dict[str, int] = {}
        self._lock = _thread.allocate_lock()  # threading's import is not needed for a lock

    # ------------------------------------------------------------------ manifest
    @property
    def manifest(self) -> dict[str, Any]:
        if self._manifest is None:
            manifest = self._load_json(os.path.join(self.folder, "manifest.json"))
            if manifest.get("format") != STORE_FORMAT:
                raise StoreError(f"{self.folder}/manifest.json: unsupported store format "
                                 f"{manifest.get('format')!r}")
            self._manifest = manifest
        return self._manifest

    @property
    def minors(self) -> tuple[int, ...]:
        if self._minors is None:
            self._minors = tuple(self.manifest["minors"])
        return self._minors

    def has(self, minor: int) -> bool:
        return minor in self.minors

    def resource_kinds(self, minor: int) -> int:
        count: int = self.manifest["resource_kinds"][str(minor)]
        return count

    # ------------------------------------------------------------------ versions
    def index(self, minor: int) -> VersionIndex:
        found = self._indexes.get(minor)
        if found is None:
            raw = self._load_json(os.path.join(self.folder, f"v1.{minor}.json"))
            try:
                found = VersionIndex(minor, raw["definitions"], raw["kinds"])
            except KeyError as error:
                raise StoreError(f"{self.folder}/v1.{minor}.json: missing {error}") from None
            self._indexes[minor] = found
        return found

    def kind_definition(self, minor: int, api_version: str, kind: str) -> str | None:
        return self.index(minor).kinds.get(kind_key(api_version, kind))

    def definition(self, minor: int, name: str) -> dict[str, Any] | None:
        entry = self.index(minor).definitions.get(name)
        if entry is None:
            return None
        value: dict[str, Any] = self._line("pool.jsonl", entry[0], entry[1])
        return value

    def docs(self, minor: int, name: str) -> dict[str, Any]:
        entry = self.index(minor).definitions.get(name)
        if entry is None or len(entry) < 4:
            return {}
        value: dict[str, Any] = self._line("docs.jsonl", entry[2], entry[3])
        return value

    # ------------------------------------------------------------------ files
    def _load_json(self, path: str) -> dict[str, Any]:
        try:
            with open(path, "rb") as handle:
                value = json.load(handle)
        except FileNotFoundError:
            raise StoreError(f"{path} is missing; reinstall kcompat") from None
        except (OSError, ValueError) as error:
            raise StoreError(f"{path} cannot be read: {error}") from None
        if not isinstance(value, dict):
            raise StoreError(f"{path} is not a JSON object")
        return value

    def _line(self, file: str, offset: int, length: int) -> Any:
        key = (file, offset)
        cached = self._pool_cache.get(key)
        if cached is not None:
            return cached
        path = os.path.join(self.folder, file)
        try:
            data = self._read(path, file, offset, length)
            value = json.loads(data)
        except OSError as error:
            raise StoreError(f"{path} cannot be read: {error.strerror or error}") from None
        except ValueError as error:
            raise StoreError(f"{path} is damaged at offset {offset}: {error}") from None
        if len(data) != length:
            raise StoreError(f"{path} is truncated at offset {offset}")
        self._pool_cache[key] = value
        return value

    def _read(self, path: str, file: str, offset: int, length: int) -> bytes:
        """One line of a pool; pread keeps an inherited descriptor safe in forked workers."""
        with self._lock:
            fd = self._fds.get(file)
            if fd is None:
                fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
                self._fds[file] = fd
            if hasattr(os, "pread"):
                return os.pread(fd, length, offset)
            os.lseek(fd, offset, os.SEEK_SET)
            return os.read(fd, length)


@cache
def default_store() -> SchemaStore:
    return SchemaStore(os.path.join(schemas_dir(), "store"))
