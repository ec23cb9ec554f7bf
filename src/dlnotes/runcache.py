"""An on-disk cache of training runs (训练记录缓存), so a run already trained is recalled at once.

A run is keyed by *everything* that changes its outcome: every setting, the data
(name, sizes, split seed), the random seed, and the versions of TensorFlow, Keras,
NumPy and dlnotes. The key is the sha256 of that description written as canonical
JSON; the entry is a JSON file ``<key>.json`` holding the description and the result
(history and final metrics).

Nothing trained is lost, and nothing wrong is trusted:

- **Writes are atomic.** The JSON goes to a temporary file in the same folder, is
  flushed to disk, then renamed over the final name with :func:`os.replace`. An
  interrupted run or write leaves no entry (or the old one), never a half-written
  one, and no temporary file behind.
- **A run that cannot be stored is still returned.** If the folder cannot be written
  (read-only, disk full, a file where the folder should be), :meth:`RunCache.run`
  returns the trained result with a :class:`RunCacheWarning` saying why it was not kept.
- **Entries are checked on read.** An entry that does not parse, belongs to another
  run, or holds a result without the expected fields (:func:`check_result`) is set
  aside as ``<key>.bad`` with a warning, so the next run trains once and stores a
  good entry instead of stumbling over the bad one every time.
- **The folder has a size limit** (``max_bytes``): after each store the least recently
  used entries (oldest modification time; a recall touches its entry) are deleted
  until the folder fits. :meth:`RunCache.clear` empties it.

Several processes may share one folder: each write is one atomic rename, so readers
see either the old or the new entry.

The folder is ``$DLNOTES_CACHE`` when set, else the repository's ``data/cache/``
(git-ignored); ``print(RunCache().summary())`` says where it is and what it holds.

**Shipped runs.** ``data/sweeps.json`` (committed; ``make sweeps`` writes it in full mode)
holds the hyperparameter explorer's default sweeps, trained once with the locked library
versions. The default cache falls back on them: a run missing from the folder is recalled
from that file when its full description (settings, data, seed, versions) matches, so
*Sweep* and *Train* answer at once for those settings on a fresh machine. The file says
how, where and with which versions it was made (:func:`write_shipped`).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import warnings
from pathlib import Path
from typing import Callable

from dlnotes.language import tr

__all__ = ["CACHE_ENV", "SHIPPED_RUNS", "RunCache", "RunCacheWarning", "check_result", "default_cache_dir",
           "library_versions", "make_key", "read_shipped", "write_shipped"]

CACHE_ENV = "DLNOTES_CACHE"
"""Environment variable naming the cache folder (default: the repository's data/cache/)."""
REPO_CACHE = Path(__file__).resolve().parents[2] / "data" / "cache"
SHIPPED_RUNS = Path(__file__).resolve().parents[2] / "data" / "sweeps.json"
"""Runs shipped with the course (``make sweeps``), recalled by the default cache when its folder lacks them."""
_DEFAULT = object()
FORMAT = 1
MAX_BYTES = 50 * 2**20
"""Default size limit of the cache folder: 50 MiB, some 20,000 runs of 20 epochs."""
ENTRY, BAD, TEMP = ".json", ".bad", ".tmp"
STALE_TEMP_SECONDS = 3600
"""A temporary file this old was left by a killed process (a live write takes milliseconds); eviction removes it."""


class RunCacheWarning(UserWarning):
    """Something went wrong with the run cache; the run itself is unaffected."""


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


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def check_result(result) -> None:
    """Raise ValueError saying what is wrong unless ``result`` looks like a training result.

    Required: ``history``, a dict of per-epoch lists of numbers (NaN allowed: a diverged
    run) that includes ``loss`` and ``accuracy``, all of one length of at least 1, and a
    number ``test_accuracy``. When present, ``test_loss`` and ``train_seconds`` are
    numbers, ``epoch_seconds`` a list of numbers and ``params`` an integer.
    """
    if not isinstance(result, dict):
        raise ValueError(f"the result is a {type(result).__name__}, not a dict")
    history = result.get("history")
    if not isinstance(history, dict):
        raise ValueError("the result has no 'history' dict")
    for name in ("loss", "accuracy"):
        if name not in history:
            raise ValueError(f"the history has no {name!r}")
    lengths = set()
    for name, values in history.items():
        if not isinstance(values, list) or not all(_is_number(v) for v in values):
            raise ValueError(f"history[{name!r}] is not a list of numbers")
        lengths.add(len(values))
    if len(lengths) != 1 or 0 in lengths:
        raise ValueError(f"the history's lists have lengths {sorted(lengths)}, not one length of at least 1")
    if not _is_number(result.get("test_accuracy")):
        raise ValueError("the result has no number 'test_accuracy'")
    for name in ("test_loss", "train_seconds"):
        if name in result and not _is_number(result[name]):
            raise ValueError(f"{name!r} is not a number")
    if "epoch_seconds" in result and not (isinstance(result["epoch_seconds"], list)
                                          and all(_is_number(v) for v in result["epoch_seconds"])):
        raise ValueError("'epoch_seconds' is not a list of numbers")
    if "params" in result and not (isinstance(result["params"], int) and not isinstance(result["params"], bool)):
        raise ValueError("'params' is not an integer")


def _remove(path: Path) -> bool:
    """Delete ``path``; True unless it could not be deleted (gone already counts as deleted)."""
    try:
        path.unlink(missing_ok=True)  # another process may have evicted it first
    except OSError:
        return False
    return True


def _warn(message: str) -> None:
    warnings.warn(tr(message), RunCacheWarning, stacklevel=3)


class RunCache:
    """A folder of ``<key>.json`` run records; ``get`` / ``put`` / ``run``, ``clear``, ``summary``, ``timings``.

    ``max_bytes`` bounds the folder's size (least recently used entries go first).
    """

    def __init__(self, directory=None, *, versions: dict | None = None, max_bytes: int = MAX_BYTES,
                 shipped=_DEFAULT):
        self.directory = Path(directory).expanduser() if directory is not None else default_cache_dir()
        self._versions = versions
        if shipped is _DEFAULT:  # the default cache recalls the shipped runs; a folder of one's own does not
            shipped = SHIPPED_RUNS if directory is None else None
        self.shipped = Path(shipped) if shipped is not None else None
        """A file of runs (:func:`write_shipped`) recalled when the folder lacks them; None: none."""
        self._shipped_runs: dict | None = None
        if not (isinstance(max_bytes, int) and max_bytes > 0):
            raise ValueError(f"max_bytes must be a positive number of bytes, got {max_bytes!r}")
        self.max_bytes = max_bytes

    def __repr__(self) -> str:
        return f"RunCache({str(self.directory)!r}, max_bytes={self.max_bytes})"

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
        return self.directory / f"{key}{ENTRY}"

    # -- reading ------------------------------------------------------------------------------
    def get(self, settings: dict, *, data: dict, seed: int) -> dict | None:
        """The stored result of this run, or None.

        A bad entry (unreadable, for another run, or failing :func:`check_result`) is
        renamed to ``<key>.bad`` with a :class:`RunCacheWarning` and None is returned.
        """
        description = self.describe(settings, data=data, seed=seed)
        path = self.path(make_key(description))
        try:
            text = path.read_text(encoding="utf-8")
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):  # not here (or no folder): shipped?
            return self._shipped_result(description)
        except (OSError, UnicodeDecodeError) as exc:
            self._set_aside(path, f"it cannot be read ({exc})")
            return None
        try:
            entry = json.loads(text)
            if not isinstance(entry, dict) or "description" not in entry or "result" not in entry:
                raise ValueError("it is not a {description, result} record")
            if entry["description"] != json.loads(_canonical(description)):
                raise ValueError("its description is not this run's")
            check_result(entry["result"])
        except ValueError as exc:
            self._set_aside(path, str(exc))
            return None
        try:
            os.utime(path)  # recency for the size limit: a recalled run is recently used
        except OSError:
            pass
        return entry["result"]

    def _shipped_result(self, description: dict) -> dict | None:
        if self.shipped is None:
            return None
        if self._shipped_runs is None:
            try:
                self._shipped_runs = {make_key(e["description"]): e["result"] for e in read_shipped(self.shipped)["runs"]}
            except FileNotFoundError:
                self._shipped_runs = {}
            except (OSError, ValueError) as exc:
                _warn(f"ignoring the shipped runs in {self.shipped}: {exc}")
                self._shipped_runs = {}
        result = self._shipped_runs.get(make_key(description))
        return json.loads(json.dumps(result)) if result is not None else None  # a copy: callers may change it

    def _shipped_count(self) -> int:
        """How many shipped runs this cache can recall: 0 without a shipped file, or when it was made
        with other library versions (then no run of it matches)."""
        if self.shipped is None or not self.shipped.is_file():
            return 0
        try:
            shipped = read_shipped(self.shipped)
        except (OSError, ValueError):
            return 0
        return len(shipped["runs"]) if shipped["versions"] == self.versions else 0

    def _set_aside(self, path: Path, why: str) -> None:
        bad = path.with_suffix(BAD)
        try:
            os.replace(path, bad)
        except OSError as exc:
            _warn(f"ignoring the bad run-cache entry {path} ({why}); it could not be set aside ({exc}), "
                  "so it will be ignored again next time")
            return
        _warn(f"ignoring the bad run-cache entry {path.name} ({why}); set aside as {bad.name}, "
              "the run will be trained again")

    # -- writing ------------------------------------------------------------------------------
    def put(self, settings: dict, result: dict, *, data: dict, seed: int) -> Path:
        """Store ``result`` for this run atomically (temp file + os.replace); returns the entry's path.

        Raises ValueError for a result that :func:`check_result` rejects, OSError when the
        folder cannot be written; then nothing is left behind. Evicts least recently used
        entries beyond ``max_bytes``.
        """
        check_result(result)
        description = self.describe(settings, data=data, seed=seed)
        path = self.path(make_key(description))
        text = json.dumps({"description": description, "result": result}, indent=1, allow_nan=True)
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem[:12]}.", suffix=TEMP, dir=self.directory)
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
        self.evict(keep=path)
        return path

    def run(self, settings: dict, train: Callable[[], dict], *, data: dict, seed: int) -> tuple[dict, bool]:
        """Recall the run, or call ``train()`` and store its result; returns ``(result, recalled)``.

        If the result cannot be stored (the folder cannot be written, or the result is not a
        valid record), it is returned all the same, with a :class:`RunCacheWarning`.
        """
        hit = self.get(settings, data=data, seed=seed)
        if hit is not None:
            return hit, True
        result = train()  # an interruption here stores nothing
        try:
            self.put(settings, result, data=data, seed=seed)
        except OSError as exc:
            _warn(f"this run could not be stored in the run cache at {self.directory} ({exc}); "
                  "its result is shown, but it will be trained again next time")
        except (ValueError, TypeError) as exc:  # a result check_result rejects, or not plain JSON
            _warn(f"this run was not stored in the run cache: its result is not a valid record ({exc}); "
                  "it will be trained again next time")
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

    # -- size, listing, clearing ---------------------------------------------------------------
    def _files(self, *suffixes: str) -> list[tuple[Path, os.stat_result]]:
        found = []
        try:
            names = os.listdir(self.directory)
        except OSError:  # no folder yet, or a file in its place
            return found
        for name in names:
            if name.endswith(suffixes):
                p = self.directory / name
                try:
                    found.append((p, p.stat()))
                except OSError:  # removed meanwhile by another process
                    pass
        return found

    def entries(self) -> list[Path]:
        """Paths of every stored entry, oldest use first."""
        return [p for p, st in sorted(self._files(ENTRY), key=lambda f: (f[1].st_mtime_ns, f[0].name))]

    def size(self) -> int:
        """Bytes the cache folder's entries (and set-aside bad entries) take."""
        return sum(st.st_size for _, st in self._files(ENTRY, BAD))

    def evict(self, *, keep: Path | None = None) -> int:
        """Delete least recently used entries (bad ones first) until the folder fits ``max_bytes``; returns how many.

        Also removes temporary files older than :data:`STALE_TEMP_SECONDS` (left by a killed process).
        """
        stale = time.time() - STALE_TEMP_SECONDS
        for p, st in self._files(TEMP):
            if st.st_mtime < stale:
                _remove(p)
        files = self._files(ENTRY, BAD)
        total = sum(st.st_size for _, st in files)
        files.sort(key=lambda f: (f[0].suffix != BAD, f[1].st_mtime_ns, f[0].name))
        removed = 0
        for p, st in files:
            if total <= self.max_bytes:
                break
            if p != keep and _remove(p):
                total -= st.st_size
                removed += 1
        return removed

    def clear(self) -> int:
        """Delete every entry, set-aside bad entry and leftover temporary file; returns how many entries went."""
        files = self._files(ENTRY, BAD, TEMP)
        for p, _ in files:
            p.unlink(missing_ok=True)
        return sum(1 for p, _ in files if p.suffix == ENTRY)

    def summary(self) -> str:
        """Where the cache is, how many runs it holds, its size and limit, and whether it can be written; and a
        second line with how many shipped runs it also recalls, if any (in the current language,
        :func:`dlnotes.language.tr`)."""
        n, size = len(self.entries()), self.size()
        line = (f"run cache: {self.directory} — {n} run{'s' if n != 1 else ''}, {_bytes(size)} "
                f"of at most {_bytes(self.max_bytes)} (set {CACHE_ENV} to move it)")
        if self.directory.exists() and not self.directory.is_dir():
            line += "; a file is in the folder's place, so new runs cannot be kept"
        elif self.directory.is_dir() and not os.access(self.directory, os.W_OK):
            line += "; the folder is read-only, so new runs cannot be kept"
        lines = [tr(line)]
        recalled = self._shipped_count()
        if recalled:
            repo = REPO_CACHE.parents[1]
            shipped = self.shipped.relative_to(repo) if self.shipped.is_relative_to(repo) else self.shipped
            lines.append(tr(f"also recalled: {recalled} runs shipped with the course in {shipped.as_posix()} "
                            f"(make sweeps)"))
        return "\n".join(lines)


def write_shipped(path, cache: RunCache, *, how: str, where: str) -> dict:
    """Write every entry of ``cache`` to the shipped-runs file ``path``; returns what was written.

    The file records ``how`` (the command), ``where`` (the machine), when, and the library versions.
    """
    import datetime as _dt

    runs = []
    for entry_path in sorted(cache.entries(), key=lambda p: p.name):
        entry = json.loads(entry_path.read_text(encoding="utf-8"))
        check_result(entry["result"])
        runs.append({"description": entry["description"], "result": entry["result"]})
    payload = {"format": FORMAT, "how": how, "where": where,
               "made": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
               "versions": cache.versions, "runs": runs}
    Path(path).write_text(json.dumps(payload, indent=None, separators=(",", ":"), allow_nan=True) + "\n",
                          encoding="utf-8")
    return payload


def read_shipped(path) -> dict:
    """The shipped-runs file at ``path``, checked: ValueError says what is wrong with it."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("runs"), list):
        raise ValueError("it is not a shipped-runs file of this format (format, how, where, made, versions, runs)")
    for key in ("how", "where", "made", "versions"):
        if key not in data:
            raise ValueError(f"it does not say {key!r}")
    for run in data["runs"]:
        if not isinstance(run, dict) or run.get("description", {}).get("versions") != data["versions"]:
            raise ValueError("a run was made with other library versions than the file says")
        check_result(run["result"])
    return data


def _bytes(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n / 2**10:.0f} KiB"
