"""The run cache: same key → same history, any change → new key; nothing trained is lost, nothing bad is trusted.

Covered: atomic writes that leave no partial entry or temporary file (interrupted, disk
full), a folder that cannot be written (read-only, a file in its place) still returning
the trained result with a warning, bad entries of several kinds set aside as ``*.bad``,
the size limit's least-recently-used eviction, ``clear()``, and two processes writing
one folder at once.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import dlnotes
from dlnotes.runcache import CACHE_ENV, RunCache, RunCacheWarning, check_result, default_cache_dir, make_key

VERSIONS = {"tensorflow": "x", "keras": "y", "numpy": "z", "dlnotes": "0"}
DATA = {"name": "mnist", "train": 100, "val": 10, "test": 20}
SETTINGS = {"model": "mlp", "lr": 0.001, "dropout": 0.0, "hidden": 128, "batch_size": 128, "epochs": 2}


def _result(acc=0.9):
    return {"history": {"loss": [1.0, 0.5], "accuracy": [0.8, acc]}, "test_accuracy": acc}


@pytest.fixture
def cache(tmp_path):
    return RunCache(tmp_path / "cache", versions=VERSIONS)


def _files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir()) if directory.is_dir() else []


def _counting(result=None):
    calls = []

    def train():
        calls.append(1)
        return result or _result()

    return train, calls


# --- keys -------------------------------------------------------------------------------------------
def test_identical_key_returns_identical_history(cache):
    train, calls = _counting()
    first, recalled1 = cache.run(SETTINGS, train, data=DATA, seed=0)
    second, recalled2 = cache.run(dict(SETTINGS), train, data=dict(DATA), seed=0)
    assert (recalled1, recalled2) == (False, True) and len(calls) == 1
    assert second == first


@pytest.mark.parametrize("change", [
    {"settings": {"lr": 0.002}}, {"settings": {"dropout": 0.1}}, {"settings": {"hidden": 64}},
    {"settings": {"batch_size": 64}}, {"settings": {"epochs": 3}}, {"data": {"train": 101}},
    {"data": {"name": "fashion_mnist"}}, {"seed": 1}, {"versions": {"keras": "other"}},
])
def test_any_change_of_setting_data_seed_or_version_changes_the_key(cache, change):
    cache.put(SETTINGS, _result(), data=DATA, seed=0)
    settings = {**SETTINGS, **change.get("settings", {})}
    data = {**DATA, **change.get("data", {})}
    other = RunCache(cache.directory, versions={**VERSIONS, **change.get("versions", {})})
    assert other.get(settings, data=data, seed=change.get("seed", 0)) is None
    assert other.key(settings, data=data, seed=change.get("seed", 0)) != cache.key(SETTINGS, data=DATA, seed=0)


def test_key_does_not_depend_on_dict_order():
    assert make_key({"a": 1, "b": [1, 2]}) == make_key({"b": [1, 2], "a": 1})


# --- atomic writes, no orphans -----------------------------------------------------------------------
def test_interrupted_training_leaves_no_entry(cache):
    def interrupted():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        cache.run(SETTINGS, interrupted, data=DATA, seed=0)
    assert cache.get(SETTINGS, data=DATA, seed=0) is None
    assert _files(cache.directory) == []


def test_interruption_during_the_write_leaves_no_partial_file(cache, monkeypatch):
    cache.put(SETTINGS, _result(0.9), data=DATA, seed=0)

    def interrupted_replace(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted_replace)
    with pytest.raises(KeyboardInterrupt):
        cache.put(SETTINGS, _result(0.95), data=DATA, seed=0)
    monkeypatch.undo()
    # the old entry is intact, and no temporary file is left behind
    assert cache.get(SETTINGS, data=DATA, seed=0)["test_accuracy"] == 0.9
    assert [p.suffix for p in cache.directory.iterdir()] == [".json"]


def test_a_full_disk_keeps_the_result_and_leaves_no_temporary_file(cache, monkeypatch):
    def disk_full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    train, calls = _counting()
    with pytest.warns(RunCacheWarning, match="could not be stored.*No space left"):
        result, recalled = cache.run(SETTINGS, train, data=DATA, seed=0)
    assert result == _result() and not recalled and len(calls) == 1
    assert _files(cache.directory) == []


# --- a folder that cannot be written ----------------------------------------------------------------
def test_a_read_only_folder_keeps_the_result_with_a_warning(cache):
    cache.directory.mkdir()
    os.chmod(cache.directory, 0o555)
    try:
        probe = cache.directory / "probe"
        try:
            probe.write_text("x")
        except PermissionError:
            pass
        else:
            probe.unlink()
            pytest.skip("this user (root) may write into a read-only folder; see the simulated EROFS test")
        train, calls = _counting()
        with pytest.warns(RunCacheWarning, match="could not be stored"):
            result, recalled = cache.run(SETTINGS, train, data=DATA, seed=0)
        assert result == _result() and not recalled
        assert _files(cache.directory) == []
    finally:
        os.chmod(cache.directory, 0o755)


@pytest.mark.parametrize("err", [errno.EROFS, errno.EACCES])
def test_a_read_only_file_system_keeps_the_result_with_a_warning(cache, monkeypatch, err):
    import tempfile

    def refuse(*args, **kwargs):
        raise OSError(err, os.strerror(err))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    train, calls = _counting()
    with pytest.warns(RunCacheWarning, match=f"could not be stored.*{os.strerror(err)}"):
        result, recalled = cache.run(SETTINGS, train, data=DATA, seed=0)
    assert result == _result() and not recalled


@pytest.mark.parametrize("where", ["folder", "parent"])
def test_a_file_where_the_folder_should_be_keeps_the_result_with_a_warning(tmp_path, where):
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    cache = RunCache(blocker if where == "folder" else blocker / "cache", versions=VERSIONS)
    assert cache.get(SETTINGS, data=DATA, seed=0) is None
    train, calls = _counting()
    with pytest.warns(RunCacheWarning, match="could not be stored") as caught:
        result, recalled = cache.run(SETTINGS, train, data=DATA, seed=0)
    assert result == _result() and not recalled and len(calls) == 1
    assert str(cache.directory) in str(caught[0].message)
    assert blocker.read_text() == "not a folder" and cache.entries() == [] and cache.size() == 0


# --- bad entries --------------------------------------------------------------------------------------
def _entry(result):
    return {"description": RunCache(versions=VERSIONS).describe(SETTINGS, data=DATA, seed=0), "result": result}


BAD_ENTRIES = {
    "truncated JSON": '{"description": {"trunc',
    "not UTF-8": b"\xff\xfe\x00bad",
    "a list": "[]",
    "no description": json.dumps({"result": _result()}),
    "another run's description": json.dumps({**_entry(_result()), "description": {"seed": 99}}),
    "result is a number": json.dumps(_entry(5)),
    "no history": json.dumps(_entry({"test_accuracy": 0.9})),
    "history without accuracy": json.dumps(_entry({"history": {"loss": [1.0]}, "test_accuracy": 0.9})),
    "empty history": json.dumps(_entry({"history": {"loss": [], "accuracy": []}, "test_accuracy": 0.9})),
    "history lists of two lengths": json.dumps(
        _entry({"history": {"loss": [1.0, 0.5], "accuracy": [0.8]}, "test_accuracy": 0.9})),
    "text in the history": json.dumps(_entry({"history": {"loss": ["1.0"], "accuracy": [0.8]}, "test_accuracy": 0.9})),
    "no test accuracy": json.dumps(_entry({"history": {"loss": [1.0], "accuracy": [0.8]}})),
    "params not an integer": json.dumps(_entry({**_result(), "params": "many"})),
}


@pytest.mark.parametrize("content", BAD_ENTRIES.values(), ids=BAD_ENTRIES.keys())
def test_a_bad_entry_is_set_aside_once_with_a_warning_then_replaced(cache, content):
    path = cache.put(SETTINGS, _result(), data=DATA, seed=0)
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.warns(RunCacheWarning, match="bad run-cache entry.*set aside"):
        assert cache.get(SETTINGS, data=DATA, seed=0) is None
    raw = content if isinstance(content, bytes) else content.encode()
    assert not path.exists() and path.with_suffix(".bad").read_bytes() == raw, "kept as it was, for a look"
    # trained once more, stored, then recalled: not retrained every time
    train, calls = _counting(_result(0.7))
    result, recalled = cache.run(SETTINGS, train, data=DATA, seed=0)
    again, recalled_again = cache.run(SETTINGS, train, data=DATA, seed=0)
    assert (recalled, recalled_again) == (False, True) and len(calls) == 1 and again["test_accuracy"] == 0.7
    assert _files(cache.directory) == [path.with_suffix(".bad").name, path.name]


def test_a_bad_entry_that_cannot_be_set_aside_says_so(cache, monkeypatch):
    path = cache.put(SETTINGS, _result(), data=DATA, seed=0)
    path.write_text(json.dumps(_entry(5)))

    def refuse(src, dst):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.warns(RunCacheWarning, match="could not be set aside.*ignored again"):
        assert cache.get(SETTINGS, data=DATA, seed=0) is None


def test_a_diverged_run_with_nan_losses_is_a_good_entry(cache):
    nan = float("nan")
    result = {"history": {"loss": [nan], "accuracy": [0.1], "val_loss": [nan], "val_accuracy": [0.1]},
              "test_accuracy": 0.1, "test_loss": nan, "epoch_seconds": [0.5], "train_seconds": 0.5, "params": 7850}
    cache.put(SETTINGS, result, data=DATA, seed=0)
    got = cache.get(SETTINGS, data=DATA, seed=0)
    assert got["history"]["accuracy"] == [0.1] and got["test_loss"] != got["test_loss"]  # NaN survives


def test_a_trained_result_that_is_not_a_valid_record_is_still_returned(cache):
    odd = {"history": {"loss": [1.0, 0.5], "accuracy": [0.8]}, "test_accuracy": 0.9}
    with pytest.warns(RunCacheWarning, match="not a valid record.*lengths"):
        result, recalled = cache.run(SETTINGS, lambda: odd, data=DATA, seed=0)
    assert result is odd and not recalled and _files(cache.directory) == []


def test_a_bad_result_is_refused_before_anything_is_written(cache):
    with pytest.raises(ValueError, match="history"):
        cache.put(SETTINGS, {"test_accuracy": 0.9}, data=DATA, seed=0)
    with pytest.raises(ValueError, match="not a dict"):
        check_result(5)
    assert _files(cache.directory) == []


# --- size limit, eviction, clear ---------------------------------------------------------------------
def _put(cache, i, when):
    path = cache.put({**SETTINGS, "hidden": i}, _result(), data=DATA, seed=0)
    os.utime(path, (when, when))
    return path


def test_the_size_limit_evicts_the_least_recently_used_entries(tmp_path):
    probe = RunCache(tmp_path / "probe", versions=VERSIONS)
    one = probe.put(SETTINGS, _result(), data=DATA, seed=0).stat().st_size
    cache = RunCache(tmp_path / "cache", versions=VERSIONS, max_bytes=3 * one + one // 2)  # room for three
    t0 = time.time() - 1000
    a, b, c = (_put(cache, i, t0 + 10 * i) for i in range(3))
    assert cache.entries() == [a, b, c]
    assert cache.get({**SETTINGS, "hidden": 0}, data=DATA, seed=0) is not None  # a is now the most recent
    d = cache.put({**SETTINGS, "hidden": 3}, _result(), data=DATA, seed=0)
    assert cache.entries() == [c, a, d], "b was used least recently"
    assert cache.size() <= cache.max_bytes
    bad = c.with_suffix(".bad")
    c.rename(bad)
    e = cache.put({**SETTINGS, "hidden": 4}, _result(), data=DATA, seed=0)
    assert not bad.exists() and cache.entries() == [a, d, e], "set-aside bad entries go first"


def test_an_entry_larger_than_the_limit_is_kept_alone(tmp_path):
    cache = RunCache(tmp_path, versions=VERSIONS, max_bytes=10)
    _put(cache, 0, time.time() - 100)
    newest = cache.put({**SETTINGS, "hidden": 1}, _result(), data=DATA, seed=0)
    assert cache.entries() == [newest]


def test_stale_temporary_files_of_killed_processes_are_removed(cache):
    cache.directory.mkdir()
    stale, fresh = cache.directory / ".abc.stale.tmp", cache.directory / ".abc.fresh.tmp"
    for p in (stale, fresh):
        p.write_text("{")
    old = time.time() - 2 * 3600
    os.utime(stale, (old, old))
    cache.put(SETTINGS, _result(), data=DATA, seed=0)
    assert not stale.exists() and fresh.exists(), "a fresh temporary file may be another process' write in flight"


def test_clear_removes_entries_bad_entries_and_temporary_files(cache):
    for i in range(3):
        cache.put({**SETTINGS, "hidden": i}, _result(), data=DATA, seed=0)
    cache.entries()[0].rename(cache.entries()[0].with_suffix(".bad"))
    (cache.directory / ".x.tmp").write_text("{")
    (cache.directory / "notes.txt").write_text("not ours")
    assert cache.clear() == 2
    assert _files(cache.directory) == ["notes.txt"] and cache.size() == 0
    assert RunCache(cache.directory / "missing", versions=VERSIONS).clear() == 0


def test_max_bytes_must_be_positive(tmp_path):
    with pytest.raises(ValueError, match="max_bytes"):
        RunCache(tmp_path, versions=VERSIONS, max_bytes=0)


# --- two processes, one folder -------------------------------------------------------------------------
WRITER = textwrap.dedent("""
    import sys, time, warnings
    warnings.simplefilter("error")  # any RunCacheWarning fails the writer
    start = time.time()
    from dlnotes.runcache import RunCache
    directory, me, rounds, max_bytes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    versions = {"tensorflow": "x", "keras": "y", "numpy": "z", "dlnotes": "0"}
    cache = RunCache(directory, versions=versions, max_bytes=max_bytes)
    data = {"name": "mnist", "train": 100}
    for i in range(rounds):
        shared = {"hidden": i % 10}                 # both processes write these keys
        own = {"hidden": 1000 * (me + 1) + i}       # only this process writes these
        for settings in (shared, own):
            result = {"history": {"loss": [1.0, 0.5], "accuracy": [0.8, 0.9]}, "test_accuracy": 0.9,
                      "writer": me, "round": i}
            got, recalled = cache.run(settings, lambda: result, data=data, seed=0)
            assert got["history"]["accuracy"] == [0.8, 0.9], got
    print("ok", me, start, time.time())
""")


def test_two_processes_writing_one_cache_at_once(tmp_path):
    directory = tmp_path / "shared"
    max_bytes = 20 * 700  # a few dozen small entries: eviction runs all the time
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(dlnotes.__file__).parents[1]),
                                                        os.environ.get("PYTHONPATH", "")])}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(directory), str(me), "150", str(max_bytes)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for me in (0, 1)]
    outs = []
    try:
        for p in procs:
            outs.append(p.communicate(timeout=60))
    finally:
        for p in procs:
            p.kill()
    spans = []
    for me, (p, (out, err)) in enumerate(zip(procs, outs)):
        assert p.returncode == 0 and out.startswith(f"ok {me} "), f"writer {me} failed:\n{err}"
        spans.append([float(v) for v in out.split()[2:]])
    (a0, a1), (b0, b1) = spans
    assert a0 < b1 and b0 < a1, f"the writers did not overlap in time: {spans}"
    cache = RunCache(directory, versions=VERSIONS, max_bytes=max_bytes)
    assert not list(directory.glob("*.tmp")) and not list(directory.glob("*.bad"))
    assert 0 < len(cache.entries()) and cache.size() <= max_bytes
    for path in cache.entries():
        entry = json.loads(path.read_text())
        check_result(entry["result"])
        assert path.stem == make_key(entry["description"])


# --- where it is ---------------------------------------------------------------------------------------
def test_the_summary_says_where_the_cache_is_and_what_it_holds(cache):
    assert f"{cache.directory} — 0 runs" in cache.summary()
    cache.put(SETTINGS, _result(), data=DATA, seed=0)
    line = cache.summary()
    assert "1 run," in line and "KiB of at most 50.0 MiB" in line and CACHE_ENV in line and "\n" not in line
    blocked = RunCache(cache.entries()[0], versions=VERSIONS)  # a file, not a folder
    assert "a file is in the folder's place" in blocked.summary()


def test_cache_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "elsewhere"))
    assert default_cache_dir() == tmp_path / "elsewhere"
    assert RunCache().directory == tmp_path / "elsewhere"
    monkeypatch.delenv(CACHE_ENV)
    assert default_cache_dir().parts[-2:] == ("data", "cache")


def test_default_cache_is_git_ignored():
    gitignore = (Path(__file__).resolve().parents[1] / ".gitignore").read_text()
    assert "data/cache/" in gitignore


def test_real_versions_are_part_of_the_key(tmp_path):
    cache = RunCache(tmp_path)
    assert set(cache.versions) == {"tensorflow", "keras", "numpy", "dlnotes"}
