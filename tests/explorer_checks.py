"""Helpers of the explorer contract (tests/test_explorer_contract.py); ``make bench`` uses ``randomize`` too."""

from __future__ import annotations

import gc
import io

import ipywidgets as W
import numpy as np
import PIL.Image
from matplotlib.figure import Figure


def _options(widget) -> list:
    return [o[1] if isinstance(o, tuple) else o for o in widget.options]


def random_value(widget, rng: np.random.Generator, extreme_prob: float = 0.2):
    """A random allowed value of ``widget``; a slider's minimum or maximum with probability ``extreme_prob``."""
    w = widget
    if isinstance(w, W.FloatLogSlider):
        e = rng.choice([w.min, w.max]) if rng.random() < extreme_prob else rng.uniform(w.min, w.max)
        return float(w.base**e)
    if isinstance(w, (W.FloatSlider, W.IntSlider)):
        if rng.random() < extreme_prob:
            return w.min if rng.random() < 0.5 else w.max
        n = int(round((w.max - w.min) / w.step))
        v = w.min + w.step * rng.integers(0, n + 1)
        return int(v) if isinstance(w, W.IntSlider) else float(min(v, w.max))
    if isinstance(w, (W.Dropdown, W.ToggleButtons, W.RadioButtons, W.Select)):
        opts = _options(w)
        return opts[rng.integers(len(opts))]
    if isinstance(w, (W.Checkbox, W.ToggleButton)):
        return bool(rng.integers(2))
    raise TypeError(f"no rule for a random {type(w).__name__}: add one here")


def randomize(explorer, rng: np.random.Generator, *, extreme_prob: float = 0.2) -> dict:
    """Set every control of ``explorer`` to a random allowed value (extremes included), one redraw; returns them."""
    chosen = {name: random_value(w, rng, extreme_prob) for name, w in explorer.controls.items()}
    explorer.set(**chosen)
    return chosen


def other_values(widget) -> list:
    """Allowed values other than the widget's current one: each option, or the ends and middle of a slider."""
    w = widget
    if isinstance(w, (W.Dropdown, W.ToggleButtons, W.RadioButtons, W.Select)):
        candidates = _options(w)
    elif isinstance(w, (W.Checkbox, W.ToggleButton)):
        candidates = [not w.value]
    elif isinstance(w, W.FloatLogSlider):
        candidates = [w.base**w.max, w.base**w.min, w.base ** ((w.min + w.max) / 2)]
    elif isinstance(w, (W.FloatSlider, W.IntSlider)):
        mid = w.min + w.step * round((w.max - w.min) / w.step / 2)
        candidates = [w.max, w.min, int(mid) if isinstance(w, W.IntSlider) else mid]
    else:
        raise TypeError(f"no rule for another value of a {type(w).__name__}: add one here")
    others = []
    for v in candidates:
        if not any(_same(v, u) for u in [w.value, *others]):
            others.append(v)
    return others


def _same(a, b) -> bool:
    numbers = all(isinstance(x, (int, float, np.number)) and not isinstance(x, bool) for x in (a, b))
    return bool(np.isclose(a, b)) if numbers else a == b


def pixels(png: bytes) -> np.ndarray:
    """A PNG's pixels as an (H, W, 3) uint8 array."""
    return np.asarray(PIL.Image.open(io.BytesIO(png)).convert("RGB"))


def live_figures() -> int:
    """How many matplotlib Figures exist in this process (pyplot or not), after a garbage collection."""
    gc.collect()
    return sum(isinstance(o, Figure) for o in gc.get_objects())
