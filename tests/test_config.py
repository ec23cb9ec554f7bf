"""Smoke mode: one environment variable, read through one function."""

import pytest

import dlnotes
from dlnotes import config


@pytest.mark.parametrize("value", ["1", "true", "YES", " on "])
def test_smoke_mode_on(monkeypatch, value):
    monkeypatch.setenv(config.SMOKE_ENV, value)
    assert dlnotes.is_smoke() and dlnotes.mode() == "smoke"
    assert dlnotes.size(full=20, smoke=2) == 2


@pytest.mark.parametrize("value", [None, "", "0", "false", "no"])
def test_full_mode_is_the_default(monkeypatch, value):
    if value is None:
        monkeypatch.delenv(config.SMOKE_ENV, raising=False)
    else:
        monkeypatch.setenv(config.SMOKE_ENV, value)
    assert not dlnotes.is_smoke() and dlnotes.mode() == "full"
    assert dlnotes.size(full=20, smoke=2) == 20
