"""Shared fixtures: the course data copy, a no-download guard, a headless matplotlib."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[1]


def _shared_data_dir() -> Path | None:
    env = os.environ.get("DLNOTES_DATA")
    for cand in ([Path(env)] if env else []) + [REPO.parent / "shared" / "data"]:
        if (cand / "mnist.npz").is_file():
            return cand
    return None


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder holding the course copies of mnist.npz / fashion_mnist.npz (skip if absent)."""
    d = _shared_data_dir()
    if d is None:
        pytest.skip("no local MNIST copy: set DLNOTES_DATA to a folder holding mnist.npz")
    return d


@pytest.fixture(autouse=True)
def _never_download(monkeypatch):
    """Tests never download: any attempt to fetch a dataset fails loudly."""
    import dlnotes.data

    def refuse(name, mirror):
        raise AssertionError(f"a test tried to download {name}; tests must use local files")

    monkeypatch.setattr(dlnotes.data, "_download", refuse)


@pytest.fixture(autouse=True)
def _tmp_run_cache(monkeypatch, tmp_path_factory):
    """Training runs cached by tests go to a temporary folder, never to the repo's data/cache/."""
    monkeypatch.setenv("DLNOTES_CACHE", str(tmp_path_factory.getbasetemp() / "runcache"))
