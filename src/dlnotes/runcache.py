"""An on-disk cache of training runs (训练记录缓存), so a run already trained is recalled at once.

A run is keyed by *everything* that changes its outcome: every setting, the data
(name, sizes, split seed), the random seed, and the versions of TensorFlow, Keras,
NumPy and dlnotes. The key is the sha256 of that description written as canonical
JSON; the entry is a JSON file ``<key>.json`` holding the description and the result
(history and final metrics).

Entries are written atomically: the JSON goes to a temporary file in the same folder,
is flushed to disk, then renamed over the final name with :func:`os.replace`. If the
kernel is interrupted mid-run or mid-write, no entry (or the old one) exists, never a
half-written one. An entry that cannot be read is ignored with a warning (and then
overwritten by the next run).

The folder is ``$DLNOTES_CACHE`` when set, else the repository's ``data/cache/``
(git-ignored).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from pathlib import Path
from typing import Callable

__all__ = ["CACHE_ENV", "RunCache", "default_cache_dir", "library_versions", "make_key"]

CACHE_ENV = "DLNOTES_CACHE"
"""Environment variable naming the cache folder (default: the repository's data/cache/)."""
REPO_CACHE = Path(__file__).resolve().parents[2] / "data" / "cache"
FORMAT = 1


def default_cache_dir() -> Path:
    """``$DLNOTES_CACHE`` if set, else ``<repo>/data/cache``."""
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else REPO_CACHE


def library_versions() -> dict:
    """Versions that can change a run's numbers: tensorflow, keras, numpy, dlnotes."""
    import keras
    import numpy
    import tensorflow

    import dlnotes

    return {"tensorflow": tensorflow.__version__, "keras": keras.__version__,
            "numpy": numpy.__version__, "dlnotes": dlnotes.__version__}


def _canonical(obj) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=False)


def make_key(description: dict) -> str:
    """sha256 hex digest of ``description`` written as canonical JSON (sorted keys)."""
    try:
        text = _canonical(description)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"a run description must be plain JSON (str, numbers, lists, dicts): {exc}") from exc
    return hashlib.sha256(text.encode()).hexdigest()


class RunCache:
    """A folder of ``<key>.json`` run records; ``get`` / ``put`` / ``run``; ``timings`` of the runs stored."""

    def __init__(self, directory=None, *, versions: dict | None = None):
        self.directory = Path(directory).expanduser() if directory is not None else default_cache_dir()
        self._versions = versions

    @property
    def versions(self) -> dict:
        """Library versions folded into every key."""
        if self._versions is None:
            self._versions = library_versions()
        return self._versions

    def describe(self, settings: dict, *, data: dict, seed: int) -> dict:
        """The full description of a run that the key is made from."""
        return {"format": FORMAT, "settings": settings, "data": data, "seed": int(seed), "versions": self.versions}

    def key(self, settings: dict, *, data: dict, seed: int) -> str:
        """The cache key of a run: sha256 over settings, data, seed and library versions."""
        return make_key(self.describe(settings, data=data, seed=seed))

    def path(self, key: str) -> Path:
        """Where the entry for ``key`` lives."""
        return self.directory / f"{key}.json"

    def get(self, settings: dict, *, data: dict, seed: int) -> dict | None:
        """The stored result of this run, or None (also, with a warning, when the entry is corrupt)."""
        description = self.describe(settings, data=data, seed=seed)
        path = self.path(make_key(description))
        if not path.is_file():
            return None
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            if entry.get("description") != json.loads(_canonical(description)) or "result" not in entry:
                raise ValueError("its description does not match its key")
            return entry["result"]
        except (OSError, ValueError, AttributeError) as exc:
            warnings.warn(f"ignoring the corrupt run-cache entry {path.name} ({exc}); the run will be trained again",
                          UserWarning, stacklevel=2)
            return None

    def put(self, settings: dict, result: dict, *, data: dict, seed: int) -> Path:
        """Store ``result`` for this run atomically (temp file + os.replace); returns the entry's path."""
        description = self.describe(settings, data=data, seed=seed)
        path = self.path(make_key(description))
        text = json.dumps({"description": description, "result": result}, indent=1, allow_nan=True)
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem[:12]}.", suffix=".tmp", dir=self.directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:  # KeyboardInterrupt included: never leave a partial entry behind
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        return path

    def run(self, settings: dict, train: Callable[[], dict], *, data: dict, seed: int) -> tuple[dict, bool]:
        """Recall the run, or call ``train()`` and store its result; returns ``(result, recalled)``."""
        hit = self.get(settings, data=data, seed=seed)
        if hit is not None:
            return hit, True
        result = train()  # an interruption here stores nothing
        self.put(settings, result, data=data, seed=seed)
        return result, False

    def timings(self) -> list[tuple[dict, dict, list]]:
        """``(settings, data, epoch_seconds)`` of every readable entry that recorded its epoch times
        (how long runs took on this machine: the hyperparameter explorer estimates from them)."""
        out = []
        for path in self.entries():
            try:
                entry = json.loads(path.read_text(encoding="utf-8"))
                description, result = entry["description"], entry["result"]
                seconds = [float(s) for s in result.get("epoch_seconds", [])]
                if seconds:
                    out.append((description["settings"], description["data"], seconds))
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                continue  # unreadable entries are skipped here; get() warns about them
        return out

    def entries(self) -> list[Path]:
        """Paths of every stored entry."""
        return sorted(self.directory.glob("*.json")) if self.directory.is_dir() else []

    def clear(self) -> int:
        """Delete every entry; returns how many were removed."""
        paths = self.entries()
        for p in paths:
            p.unlink(missing_ok=True)
        return len(paths)
