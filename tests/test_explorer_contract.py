"""The explorer contract: every explorer in the registry passes the same checks.

For each registered factory (test ids are registry names):

- it builds without error or warning and renders a PNG;
- each control, moved to another allowed value, changes the picture (exceptions below; a
  control the explorer greys out or hides in that state is not moved: it says it does nothing);
- random settings (extremes included) never give an error or a warning, Python's or
  the explorer's own, and open no pyplot figure; buttons are pressed along the way; a
  training explorer acts on release and its progress bar is never left part-way;
- a blitted explorer's frames equal a plain full redraw, pixel for pixel;
- it has the collection's look: its figure fits beside its controls, no text under 9 pt,
  plain-number ticks, labels short enough to show whole (the long form goes in ``help=``);
- building it again in the same notebook cell (re-running the cell) keeps the number
  of live figures and widgets and the memory flat.

Chapter tests keep only what is specific to one explorer.
"""

from __future__ import annotations

import gc
import inspect
import re
import tracemalloc
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from ipywidgets.widgets.widget import _instances as live_widgets

from dlnotes.explorers import base
from explorer_checks import live_figures, other_values, pixels, randomize

REGISTRY = base.discover()
NAMES = sorted(REGISTRY)

SETTINGS = 80
"""Random settings per explorer that redraws on every move (the same 80 each run: seed 0)."""
TRAINING_SETTINGS = 4
"""Random settings per explorer that trains on every move (``expensive``): each one is a training run."""
BLIT_CHECK_EVERY = 25
"""A blitted frame is compared with a full redraw every this many random settings."""
BLIT_TOLERANCE = (4, 1e-4, 8)
"""A blitted frame may differ from a full redraw by at most 4 levels (of 255) anywhere, and by up to
8 levels in at most 0.01 % of its pixels. Cached layers are blended in 8 bits: where the playground's
data points (a cached overlay layer) have antialiased edges, a few thousand pixels differ by 1-4
levels. The axes' ticks stay in the cached background, under the moving artists, while a full redraw
paints them on top: where the end of a tick mark touches a bar at the axes' edge, a few pixels differ
by a few levels (seen: 10 pixels by 7 levels in the initialiser explorer); redrawing the axes on
every frame would cost the text rendering that blitting saves. An artist drawn in the wrong order
or place differs by far more."""

IN_MODE = {"feature_map_explorer": ({f"k{i}{j}" for i in range(3) for j in range(3)}, {"kernel": "custom"})}
"""Factory name -> (controls, the setting they act in): chapter 06's nine sliders edit the
"custom" kernel (their labels say "custom k[i,j]"); with a named kernel they are not used."""


def build(name: str, request):
    """``REGISTRY[name]()``; a factory with parameters (chapter 08/09: MNIST) gets small test fixtures."""
    factory = REGISTRY[name]
    params = inspect.signature(factory).parameters
    if not params:
        return factory()
    request.getfixturevalue("shared_data")  # skips the test without a local MNIST copy
    kwargs = {}
    if "cache" in params:  # a fresh run cache: training happens, nothing is recalled from other tests
        from dlnotes.runcache import RunCache

        kwargs["cache"] = RunCache(request.getfixturevalue("tmp_path") / "runs")
    if "model" in params:  # chapter 09 passes its trained CNN and test digits
        kwargs.update(request.getfixturevalue("cnn_and_digits"))
    unknown = set(params) - set(kwargs)
    assert all(params[p].default is not inspect.Parameter.empty for p in unknown), (
        f"{name} needs arguments {sorted(unknown)}: give build() a fixture for them")
    return factory(**kwargs)


@pytest.fixture(scope="module")
def cnn_and_digits(shared_data):
    """Chapter 09's arguments, small: the compact CNN (seeded weights; its training is chapter 09's test) and 16 test digits."""
    import keras

    from dlnotes.data import load_mnist
    from dlnotes.keras_models import cnn

    keras.utils.set_random_seed(0)
    _, (x_test, y_test) = load_mnist()
    return {"model": cnn(), "images": x_test[:16, :, :, None] / np.float32(255), "labels": y_test[:16]}


@pytest.fixture
def no_python_warnings():
    """Every warning raised in the test (outside an explorer's own guard) fails it."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    assert not caught, [f"{w.category.__name__}: {w.message} ({w.filename}:{w.lineno})" for w in caught]


def _fail_if_broken(e, name, what):
    assert e.error is None, f"{name} failed {what}: {e.error}"
    assert not e.warnings, f"{name} warned {what}: {e.warnings}"


@pytest.mark.parametrize("name", NAMES)
def test_each_control_changes_the_picture(name, request, no_python_warnings):
    e = build(name, request)
    _fail_if_broken(e, name, "on its default settings")
    in_mode, mode = IN_MODE.get(REGISTRY[name].__name__, (set(), {}))
    start = e.values
    for control, widget in e.controls.items():
        if control in in_mode:
            e.set(**mode)
        if not e.active(control):
            continue  # greyed out or hidden: it says it does nothing in this state
        was, tried = widget.value, []
        for value in other_values(widget):
            before = e.png
            e.set(**{control: value})
            _fail_if_broken(e, name, f"at {control}={value!r}")
            tried.append(value)
            if e.png != before:
                break
        else:
            pytest.fail(f"{name}: moving {control!r} from {was!r} to {tried} never changed the picture")
        e.set(**start)


@pytest.mark.parametrize("name", NAMES)
def test_random_settings_never_fail_warn_or_leak(name, request, no_python_warnings):
    figures = plt.get_fignums()
    e = build(name, request)
    assert e.png.startswith(b"\x89PNG"), f"{name} rendered no PNG"
    _fail_if_broken(e, name, "on its default settings")
    if e.expensive:  # training acts on release, not on every pixel of a drag
        assert not any(getattr(w, "continuous_update", False) for w in e.controls.values())
    rng = np.random.default_rng(0)
    n = TRAINING_SETTINGS if e.expensive else SETTINGS
    for i in range(n):
        values = randomize(e, rng, extreme_prob=0.3)
        _fail_if_broken(e, name, f"at {values}")
        if e.expensive:  # its buttons train more (a sweep trains a grid): not pressed here
            # full after a run; empty when the move only says what training would cost (chapter 08)
            assert e.progress.value in (0, e.progress.max), f"{name}: the progress bar stopped short at {values}"
        else:
            for button in e.buttons.values():
                if rng.random() < 0.2:
                    button.click()
                    _fail_if_broken(e, name, f"pressing {button.description!r} at {values}")
        blitter = getattr(e, "blitter", None)
        if blitter is not None and (i % BLIT_CHECK_EVERY == 0 or i == n - 1):
            # the first frame after a change is a plain redraw; the next one is blitted (background cached)
            fast, full = pixels(blitter.png()), pixels(blitter.full_png())
            gap = np.abs(fast.astype(int) - full).max(axis=-1)
            blend, share, levels = BLIT_TOLERANCE
            wrong = gap > blend
            assert wrong.mean() <= share and gap.max() <= levels, (
                f"{name}: the blitted frame differs from a full redraw in {wrong.sum()} pixels by up to "
                f"{gap.max()} levels (rows {np.flatnonzero(wrong.any(1))[[0, -1]]}, columns "
                f"{np.flatnonzero(wrong.any(0))[[0, -1]]}) at {values}")
    assert e.png.startswith(b"\x89PNG")
    assert plt.get_fignums() == figures, f"{name} opened pyplot figures"


RERUNS = 4
TRACED_RERUNS = 2
"""The last re-runs also trace Python memory (tracemalloc makes building three to five times slower)."""
MEMORY_TOLERANCE_MIB = 0.5
"""Python memory an explorer may gain over its traced re-run (the memory after the second traced build
against the first). Measured: usually under 0.05 MiB; the Keras-backed chapter-08 explorer once kept
0.254 MiB over two re-runs (Keras's own name and function caches grow with every model built). An
explorer that is not released keeps far more: one kept explorer costs 0.57 MiB (the perceptron's
decision line, the smallest) to 18 MiB (early stopping)."""


@pytest.mark.parametrize("name", NAMES)
def test_rerunning_a_cell_releases_the_previous_explorer(name, request, monkeypatch):
    runs = iter(range(10**6))  # what JupyterLab sends: the same cell id, a new request id per run
    monkeypatch.setattr(base, "_running_cell", lambda: ("the cell", f"run {next(runs)}"))
    first = build(name, request)  # the cell's first run warms caches up
    figures, widgets = live_figures(), len(live_widgets)
    for _ in range(RERUNS - TRACED_RERUNS):
        e = build(name, request)
    assert first.closed, f"{name}: re-running its cell left the previous explorer open"
    tracemalloc.start()
    try:
        e = build(name, request)  # traced, so that the live explorer counts at both ends
        gc.collect()  # figures hold reference cycles: count only what is still reachable
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(TRACED_RERUNS - 1):
            e = build(name, request)
        gc.collect()
        grown = (tracemalloc.get_traced_memory()[0] - before) / 2**20
    finally:
        tracemalloc.stop()
    assert e.error is None and not e.closed
    assert live_figures() == figures, f"{name}: re-running its cell leaves figures alive"
    assert len(live_widgets) == widgets, f"{name}: re-running its cell leaves widgets alive"
    assert grown < MEMORY_TOLERANCE_MIB, f"{name}: {TRACED_RERUNS - 1} re-run(s) kept {grown:.2f} MiB"


@pytest.mark.parametrize("name", NAMES)
def test_the_explorer_has_the_collections_look(name, request):
    from matplotlib.text import Text

    from dlnotes.style import MIN_FONT_PT

    e = build(name, request)
    w, h = e.figure.get_size_inches()
    assert w <= base.MAX_FIGSIZE[0] and h <= base.MAX_FIGSIZE[1], f"{name}: figsize {w}x{h} does not fit beside the controls"
    small = {t.get_text()[:30] for t in e.figure.findobj(Text)
             if t.get_visible() and t.get_text() and t.get_fontsize() < MIN_FONT_PT}
    assert not small, f"{name}: text smaller than {MIN_FONT_PT} pt: {sorted(small)}"
    ticks = [t.get_text() for ax in e.figure.axes for t in (*ax.get_xticklabels(), *ax.get_yticklabels())]
    assert not [t for t in ticks if "1e" in t or "$" in t], f"{name}: scientific tick labels {ticks}"
    for widget in e.controls.values():
        text = re.sub(r"<[^>]+>", "", widget.description)  # a colour swatch is markup, not text
        assert len(text) <= 30, f"{name}: label {text!r} is too long to show whole; use help="
