"""A cache of validated banks, keyed by the file's SHA-256, in the user cache folder.

Parsing YAML is the slow part of loading (a 3 MB bank takes over a second even with the
C parser). A file that validated once is stored as JSON and read back with pydantic's
Rust JSON parser, which still validates it, so a damaged cache entry is simply ignored.
The key includes the app version, so a new release never trusts an old model's output.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from pathlib import Path

from pydantic import ValidationError

from mockinspect import __version__
from mockinspect.banks.loader import MODELS, LoadedFile, build, load_text, read_text
from mockinspect.banks.problems import BankFileError
from mockinspect.domain.bank import Bank
from mockinspect.paths import user_cache_dir

FORMAT_REVISION = 4
MAX_ENTRIES = 256
STALE_TMP_SECONDS = 300  # a *.tmp older than this is a leftover of a crashed write


class BankCache:
    """Validated files as JSON, least recently used pruned first (a hit touches the entry)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder if folder is not None else user_cache_dir() / "banks"

    def _entry(self, sha256: str) -> Path:
        salt = hashlib.sha256(f"{__version__}:{FORMAT_REVISION}".encode()).hexdigest()[:12]
        return self.folder / f"{sha256}-{salt}.json"

    def load(self, path: Path) -> LoadedFile:
        """Load ``path``, from the cache when its content was validated before."""
        text, raw = read_text(path)
        sha256 = hashlib.sha256(raw).hexdigest()
        entry = self._entry(sha256)
        try:
            payload = entry.read_bytes()
            raw_tag, _, body = payload.partition(b"\n")
            tag = raw_tag.decode()
            if tag == "bank2":  # stored as the domain bank: no second conversion on a hit
                loaded = LoadedFile(path, Bank.model_validate_json(body), sha256, tag=tag)
            else:
                loaded = build(path, tag, MODELS[tag].model_validate_json(body), sha256)
            self._touch(entry)
            return loaded
        except (OSError, KeyError, UnicodeDecodeError, ValidationError, BankFileError):
            pass
        loaded = load_text(path, text, sha256)
        self._store(entry, loaded)
        return loaded

    def _store(self, entry: Path, loaded: LoadedFile) -> None:
        body = loaded.doc.model_dump_json(by_alias=True, exclude_defaults=True)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as out:
                out.write((loaded.tag or loaded.doc.kind).encode() + b"\n" + body.encode("utf-8"))
            os.replace(tmp, entry)
            self._prune()
        except OSError:
            pass  # a cache that cannot be written only costs speed

    @staticmethod
    def _touch(entry: Path) -> None:
        """Mark an entry as just used, so pruning removes the least recently used first."""
        with contextlib.suppress(OSError):  # a read-only cache still serves hits
            os.utime(entry)

    def _prune(self) -> None:
        def mtime(p: Path) -> float:
            try:
                return p.stat().st_mtime
            except OSError:
                return 0.0

        entries = sorted(self.folder.glob("*.json"), key=mtime)
        for old in entries[:-MAX_ENTRIES]:
            old.unlink(missing_ok=True)
        cutoff = time.time() - STALE_TMP_SECONDS
        for tmp in self.folder.glob("*.tmp"):
            if mtime(tmp) < cutoff:
                tmp.unlink(missing_ok=True)
