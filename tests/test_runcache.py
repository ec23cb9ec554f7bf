"""The run cache: same key → same history, any change → new key, atomic writes, corrupt entries ignored."""

from __future__ import annotations

import json
import os

import pytest

from dlnotes.runcache import CACHE_ENV, RunCache, default_cache_dir, make_key

VERSIONS = {"tensorflow": "x", "keras": "y", "numpy": "z", "dlnotes": "0"}
DATA = {"name": "mnist", "train": 100, "val": 10, "test": 20}
SETTINGS = {"model": "mlp", "lr": 0.001, "dropout": 0.0, "hidden": 128, "batch_size": 128, "epochs": 2}


def _result(acc=0.9):
    return {"history": {"loss": [1.0, 0.5], "accuracy": [0.8, acc]}, "test_accuracy": acc}


@pytest.fixture
def cache(tmp_path):
    return RunCache(tmp_path / "cache", versions=VERSIONS)


def test_identical_key_returns_identical_history(cache):
    calls = []

    def train():
        calls.append(1)
        return _result()

    first, recalled1 = cache.run(SETTINGS, train, data=DATA, seed=0)
    second, recalled2 = cache.run(dict(SETTINGS), train, data=dict(DATA), seed=0)
    assert (recalled1, recalled2) == (False, True) and len(calls) == 1
    assert second == first


@pytest.mark.parametrize("change", [
    {"settings": {"lr": 0.002}}, {"settings": {"dropout": 0.1}}, {"settings": {"hidden": 64}},
    {"settings": {"batch_size": 64}}, {"settings": {"epochs": 3}}, {"data": {"train": 101}},
    {"data": {"name": "fashion_mnist"}}, {"seed": 1}, {"versions": {"keras": "other"}},
])
def test_any_change_of_setting_data_seed_or_version_changes_the_key(cache, tmp_path, change):
    cache.put(SETTINGS, _result(), data=DATA, seed=0)
    settings = {**SETTINGS, **change.get("settings", {})}
    data = {**DATA, **change.get("data", {})}
    other = RunCache(cache.directory, versions={**VERSIONS, **change.get("versions", {})})
    assert other.get(settings, data=data, seed=change.get("seed", 0)) is None
    assert other.key(settings, data=data, seed=change.get("seed", 0)) != cache.key(SETTINGS, data=DATA, seed=0)


def test_key_does_not_depend_on_dict_order():
    assert make_key({"a": 1, "b": [1, 2]}) == make_key({"b": [1, 2], "a": 1})


def test_interrupted_training_leaves_no_entry(cache):
    def interrupted():
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        cache.run(SETTINGS, interrupted, data=DATA, seed=0)
    assert cache.get(SETTINGS, data=DATA, seed=0) is None
    assert not cache.directory.exists() or not list(cache.directory.iterdir())


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


def test_corrupt_entry_is_ignored_with_a_warning_and_then_replaced(cache):
    path = cache.put(SETTINGS, _result(), data=DATA, seed=0)
    path.write_text('{"description": {"trunc')
    with pytest.warns(UserWarning, match="corrupt"):
        assert cache.get(SETTINGS, data=DATA, seed=0) is None
    with pytest.warns(UserWarning):
        result, recalled = cache.run(SETTINGS, lambda: _result(0.7), data=DATA, seed=0)
    assert not recalled and cache.get(SETTINGS, data=DATA, seed=0)["test_accuracy"] == 0.7


def test_entry_for_another_description_is_not_trusted(cache):
    path = cache.put(SETTINGS, _result(), data=DATA, seed=0)
    entry = json.loads(path.read_text())
    entry["description"]["seed"] = 99
    path.write_text(json.dumps(entry))
    with pytest.warns(UserWarning, match="corrupt"):
        assert cache.get(SETTINGS, data=DATA, seed=0) is None


def test_cache_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "elsewhere"))
    assert default_cache_dir() == tmp_path / "elsewhere"
    monkeypatch.delenv(CACHE_ENV)
    assert default_cache_dir().parts[-2:] == ("data", "cache")


def test_default_cache_is_git_ignored():
    from pathlib import Path

    gitignore = (Path(__file__).resolve().parents[1] / ".gitignore").read_text()
    assert "data/cache/" in gitignore


def test_real_versions_are_part_of_the_key(tmp_path):
    cache = RunCache(tmp_path)
    assert set(cache.versions) == {"tensorflow", "keras", "numpy", "dlnotes"}
