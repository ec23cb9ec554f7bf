"""Checks every chapter-01–03 explorer must pass (imported by their test files)."""

from __future__ import annotations

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np

from dlnotes.explorers.base import randomize


def other_value(widget):
    """A value different from the widget's current one (an extreme where possible)."""
    if isinstance(widget, (W.Dropdown, W.ToggleButtons)):
        opts = [o[1] if isinstance(o, tuple) else o for o in widget.options]
        return next(o for o in opts if o != widget.value)
    if isinstance(widget, W.FloatLogSlider):
        lo, hi = widget.base**widget.min, widget.base**widget.max
        return lo if abs(widget.value - lo) > abs(widget.value - hi) else hi
    if isinstance(widget, (W.FloatSlider, W.IntSlider)):
        return widget.min if widget.value - widget.min > widget.max - widget.value else widget.max
    if isinstance(widget, W.Checkbox):
        return not widget.value
    raise TypeError(f"no rule for {type(widget).__name__}")


def assert_each_control_changes_the_figure(factory):
    """Setting any one control to another value re-renders a different PNG."""
    for name in factory().controls:
        e = factory()
        before = e.png
        e.set(**{name: other_value(e.controls[name])})
        assert e.error is None, f"{factory.__name__}: setting {name} failed: {e.error}"
        assert e.png != before, f"{factory.__name__}: changing {name!r} did not change the figure"


def assert_survives_random_settings(factory, n=200, seed=0):
    """n random settings (extremes included): no error, no numpy warning, no leaked pyplot figure."""
    figs = len(plt.get_fignums())
    e = factory()
    rng = np.random.default_rng(seed)
    for _ in range(n):
        values = randomize(e, rng, extreme_prob=0.3)
        assert e.error is None, f"{factory.__name__} failed for {values}: {e.error}"
        assert not e.warnings, f"{factory.__name__} warned for {values}: {e.warnings}"
        assert e.png.startswith(b"\x89PNG")
    assert len(plt.get_fignums()) == figs, f"{factory.__name__} leaked pyplot figures"
