"""The one helper behind every interactive figure: labelled controls beside a figure.

Everything an explorer module needs: :class:`Explorer`, the controls (:func:`slider`,
:func:`log_slider`, :func:`int_slider`, :func:`dropdown`, :func:`checkbox`,
:func:`toggle`, :func:`button`), :func:`figure`, :func:`register` and :data:`REGISTRY`,
and :func:`discover`, which imports every module of :mod:`dlnotes.explorers`.

An :class:`Explorer` owns one matplotlib :class:`~matplotlib.figure.Figure` (created
without pyplot, so moving a slider never opens or leaks a figure) and an ``update``
function that changes the figure's artists in place. After every update the figure is
rendered to PNG bytes and shown in an ``ipywidgets.Image``; tests and benchmarks read
:attr:`Explorer.png` and :attr:`Explorer.error`.

Cheap explorers redraw on every slider move. Expensive ones (training) use
``continuous_update=False`` so they act on release, and their ``update`` receives a
``progress(done, total, text)`` callback that drives a visible progress bar.

No exception ever escapes into the notebook: a failing update shows its message in
place of the plot and is kept in :attr:`Explorer.error`. Warnings raised during an
update (NumPy overflow, a library's deprecation, ...) are kept in
:attr:`Explorer.warnings`; tests assert that list stays empty.

Re-running a notebook cell closes the explorers that cell built in its previous run
(:meth:`Explorer.close` releases the figure, its canvas and every widget), so a cell
run five times holds one live explorer, not five. Explorers built by *other* cells stay
live, even when they come from the same factory: two cells showing the same explorer
(say, to compare two settings) both keep working.

Typical use inside a module of :mod:`dlnotes.explorers`::

    @register
    def sine_explorer():
        fig, ax = figure()
        (line,) = ax.plot([], [])
        x = np.linspace(0, 2 * np.pi, 200)

        def update(freq):
            line.set_data(x, np.sin(freq * x))

        return Explorer(update, {"freq": slider("frequency", 0.5, 5, 0.5, 1, unit="Hz")}, fig)
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import pkgutil
import time
import traceback
import warnings
from pathlib import Path
from typing import Callable

import ipywidgets as W
import numpy as np
import PIL.Image
from IPython import get_ipython
from IPython.display import HTML, display
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

__all__ = [
    "Explorer",
    "REGISTRY",
    "button",
    "checkbox",
    "discover",
    "dropdown",
    "few_log_ticks",
    "figure",
    "free_figure",
    "int_slider",
    "log_slider",
    "play_button",
    "register",
    "show_image",
    "slider",
    "toggle",
]

DPI = 80
_STYLE = {"description_width": "150px"}
_LAYOUT = W.Layout(width="360px")

REGISTRY: dict[str, Callable[[], "Explorer"]] = {}
"""Every explorer factory in the package, by name ("explorers.<module>.<factory>"); tests and
benchmarks iterate it after :func:`discover`."""


def register(factory: Callable[[], "Explorer"]) -> Callable[[], "Explorer"]:
    """Decorator: record an explorer factory (callable with no arguments) in :data:`REGISTRY`."""
    module = factory.__module__.removeprefix("dlnotes.")
    REGISTRY[f"{module}.{factory.__name__}"] = factory
    return factory


def figure(nrows: int = 1, ncols: int = 1, figsize=(6.0, 4.0), **subplot_kw):
    """A pyplot-free Figure and its axes (like ``plt.subplots``, but nothing to close)."""
    fig = Figure(figsize=figsize, dpi=DPI, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=True, subplot_kw=subplot_kw or None)
    return fig, axes


def free_figure(figsize=(6.0, 4.0)) -> Figure:
    """A pyplot-free Figure with no axes and no layout engine: place axes by hand with ``fig.add_axes``."""
    return Figure(figsize=figsize, dpi=DPI)


_DECADE = FuncFormatter(lambda v, _pos: f"1e{round(np.log10(v)):d}" if v > 0 else "0")
"""Plain-text decade labels (1e-8): much cheaper to render than mathtext 10^{-8}."""


def few_log_ticks(axis, ticks=None, numticks: int = 5) -> None:
    """At most ``numticks`` labelled decades (or the given ``ticks``) and no minor ticks on a log axis.

    Tick labels are most of an explorer's drawing time; plain "1e-8" labels are the cheapest.
    """
    if ticks is None:
        axis.set_major_locator(LogLocator(numticks=numticks))
    else:
        axis.set_ticks(ticks)
    axis.set_minor_locator(NullLocator())
    axis.set_major_formatter(_DECADE)


def show_image(ax, image, array) -> None:
    """Put ``array`` (h, w) or (h, w, 3) into the AxesImage ``image`` of ``ax``, fitting extent and limits to its shape."""
    h, w = np.shape(array)[:2]
    image.set_data(array)
    image.set_extent((-0.5, w - 0.5, h - 0.5, -0.5))
    ax.set_xlim(-0.5, w - 0.5)
    ax.set_ylim(h - 0.5, -0.5)


def _label(text: str, unit: str | None) -> str:
    return f"{text} ({unit})" if unit else text


def slider(label, min, max, step, value, *, unit=None, continuous=True) -> W.FloatSlider:
    """A labelled float slider; ``unit`` is shown in the label."""
    return W.FloatSlider(
        value=value, min=min, max=max, step=step, description=_label(label, unit),
        continuous_update=continuous, style=_STYLE, layout=_LAYOUT, readout_format=".3g",
    )


def int_slider(label, min, max, value, *, step=1, unit=None, continuous=True) -> W.IntSlider:
    """A labelled integer slider."""
    return W.IntSlider(
        value=value, min=min, max=max, step=step, description=_label(label, unit),
        continuous_update=continuous, style=_STYLE, layout=_LAYOUT,
    )


def log_slider(label, min, max, value, *, unit=None, continuous=True) -> W.FloatLogSlider:
    """A log-scale slider from ``min`` to ``max`` (actual values, e.g. 1e-4 .. 1): use it for learning rates."""
    lo, hi = np.log10(min), np.log10(max)
    return W.FloatLogSlider(
        value=value, base=10, min=lo, max=hi, step=(hi - lo) / 40, description=_label(label, unit),
        continuous_update=continuous, style=_STYLE, layout=_LAYOUT, readout_format=".2g",
    )


def dropdown(label, options, value=None) -> W.Dropdown:
    """A labelled dropdown; ``options`` is a list of names or of (label, value) pairs."""
    dd = W.Dropdown(options=options, description=label, style=_STYLE, layout=_LAYOUT)
    if value is not None:
        dd.value = value
    return dd


def checkbox(label, value=False) -> W.Checkbox:
    """A labelled on/off box."""
    return W.Checkbox(value=value, description=label, style=_STYLE, layout=_LAYOUT, indent=False)


def toggle(label, options, value=None) -> W.ToggleButtons:
    """A row of mutually exclusive buttons (a dropdown you can see at once)."""
    tb = W.ToggleButtons(options=options, description=label, style=_STYLE)
    if value is not None:
        tb.value = value
    return tb


def play_button(interval_ms: int = 100) -> W.Play:
    """A play / pause button whose value counts animation ticks; :meth:`Explorer.animate` runs a frame per tick."""
    return W.Play(value=0, min=0, max=10**9, step=1, interval=interval_ms, description="play / pause",
                  show_repeat=False)


def button(label, icon="") -> W.Button:
    """A push button; give it to :class:`Explorer` in ``buttons`` with its action."""
    return W.Button(description=label, icon=icon, layout=W.Layout(width="auto"))


class Explorer:
    """Controls beside one figure; ``update(**values)`` redraws the figure in place.

    Parameters
    ----------
    update : callable
        Called with one keyword per control (and ``progress=`` if it accepts one).
        It changes the artists of ``fig``; it may return a short status string shown
        under the figure.
    controls : dict name -> widget
        Sliders and dropdowns, built with :func:`slider`, :func:`log_slider`, ...
    fig : Figure
        The figure to render; build it with :func:`figure`.
    expensive : bool
        If true, controls act on release and a progress bar is shown.
    buttons : dict name -> (widget, action)
        Extra buttons; ``action(**values)`` runs guarded, then the figure is re-rendered.
    """

    closed = False
    """True once :meth:`close` has released everything."""

    def __init__(self, update, controls, fig, *, expensive=False, buttons=None, title=None, extra=None):
        self.figure: Figure = fig
        self._canvas = FigureCanvasAgg(fig)
        self.controls: dict[str, W.Widget] = dict(controls)
        self.buttons: dict[str, W.Button] = {}
        self.expensive = expensive
        self._update = update
        self._takes_progress = "progress" in inspect.signature(update).parameters
        self.error: str | None = None
        self.warnings: list[str] = []
        self.status: str = ""
        self.png: bytes = b""
        self.renders = 0
        self.last_update_ms = float("nan")

        self.image = W.Image(format="png", layout=W.Layout(max_width="100%"))
        self.message = W.HTML(layout=W.Layout(min_height="1.5em"))
        self.progress = W.FloatProgress(value=0, min=0, max=1, layout=W.Layout(width="360px"))
        self.progress_text = W.Label()
        self.progress.layout.visibility = "visible" if expensive else "hidden"

        if expensive:
            for w in self.controls.values():
                if hasattr(w, "continuous_update"):
                    w.continuous_update = False
        for w in self.controls.values():
            w.observe(self._on_change, names="value")
        for name, (widget, action) in (buttons or {}).items():
            self.buttons[name] = widget
            widget.on_click(self._make_click(action))

        side = [W.HTML(f"<b>{title}</b>")] if title else []
        side += list(self.controls.values())
        if self.buttons:
            side.append(W.HBox(list(self.buttons.values())))
        side += list(extra or [])
        if expensive:
            side += [self.progress, self.progress_text]
        self.widget = W.HBox(
            [W.VBox(side, layout=W.Layout(min_width="370px")), W.VBox([self.image, self.message])],
            layout=W.Layout(flex_flow="row wrap", align_items="flex-start"),
        )
        # Stable hooks for the real-browser tests.
        self.widget.add_class("dlnotes-explorer")
        self.image.add_class("dlnotes-explorer-figure")
        self.message.add_class("dlnotes-explorer-message")
        self.refresh()
        _adopt_by_running_cell(self)

    # -- public -------------------------------------------------------------------
    @property
    def values(self) -> dict:
        """The current value of every control, by name."""
        return {name: w.value for name, w in self.controls.items()}

    def set(self, **values) -> "Explorer":
        """Set several controls and redraw once (a test and notebook convenience)."""
        with self._hold():
            for name, v in values.items():
                self.controls[name].value = v
        self.refresh()
        return self

    def refresh(self) -> None:
        """Run ``update`` with the current values and re-render; never raises."""
        if self.closed:
            return
        self._guarded(self._update, progress=self._takes_progress)

    def close(self) -> None:
        """Release the figure, its canvas and every widget; the explorer cannot be used afterwards.

        Re-running a cell calls this on the explorers the cell built before. Everything the
        explorer held (figure, data, callbacks) is dropped, so even a reference kept
        elsewhere (``Out[...]``, a variable) holds only an empty shell.
        """
        if self.closed:
            return
        for w in _widget_tree(self.widget, self.progress, self.progress_text):  # progress: hidden if cheap
            w.close()
        self.figure.clear()
        vars(self).clear()
        self.closed = True

    def _ipython_display_(self):
        display(HTML(_CLOSED_NOTE) if self.closed else self.widget)

    # -- internals ------------------------------------------------------------------
    def _on_change(self, change):
        if getattr(self, "_held", False):
            return
        self.refresh()

    def animate(self, play: W.Play, frame, *, stop=None, gap: float = 0.5, after=None) -> None:
        """Run ``frame(**values)`` on every tick of ``play`` (a :func:`play_button`), guarded and rendered like a button.

        The browser sends a tick every ``play.interval`` ms whatever the kernel is doing; when frames
        take longer, ticks queue up and arrive in a burst right after a frame. While playing, ticks
        within ``min_tick_gap`` (``gap`` intervals) of the last frame's end are dropped, so pause acts
        at once. The stop button rewinds the value to 0: not a frame. When ``stop()`` is true, playing
        is switched off. ``after(ms)`` is called with each frame's wall time (update + render).
        """
        self.min_tick_gap = gap * play.interval / 1000.0
        last_end = [0.0]

        def on_tick(change):
            if change["new"] <= change["old"]:
                return
            if stop is not None and stop():
                play.playing = False
            if play.playing and time.perf_counter() - last_end[0] < self.min_tick_gap:
                return
            t0 = time.perf_counter()
            self._guarded(frame, progress=False)
            last_end[0] = time.perf_counter()
            if after is not None:
                after((last_end[0] - t0) * 1e3)

        play.observe(on_tick, names="value")

    def _make_click(self, action):
        takes_progress = "progress" in inspect.signature(action).parameters

        def on_click(_button):
            self._guarded(action, progress=takes_progress)

        return on_click

    @contextlib.contextmanager
    def _hold(self):
        self._held = True
        try:
            yield
        finally:
            self._held = False

    def _report(self, done, total, text=""):
        self.progress.max = max(float(total), 1e-12)
        self.progress.value = float(done)
        self.progress_text.value = str(text)

    def _guarded(self, fn, *, progress: bool) -> None:
        if self.closed:  # a late event (slider, button, Play tick) after close(): nothing to draw on
            return
        t0 = time.perf_counter()
        kwargs = self.values
        if progress:
            kwargs["progress"] = self._report
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", RuntimeWarning)
                result = fn(**kwargs)
            self.warnings = [f"{w.category.__name__}: {w.message}" for w in caught]
            self.error = None
            self.status = result if isinstance(result, str) else ""
            self._render()
        except Exception as exc:  # noqa: BLE001 - nothing may escape into the notebook
            self.error = f"{type(exc).__name__}: {exc}"
            self._debug = traceback.format_exc()
        self.last_update_ms = (time.perf_counter() - t0) * 1e3
        if self.error:
            self.message.value = (
                "<span style='color:#b00020'>⚠ This setting cannot be drawn: "
                f"{_escape(self.error)}</span>"
            )
        else:
            self.message.value = _escape(self.status)

    def _render(self) -> None:
        if self.renders == 0:
            freeze_layout(self.figure, self._canvas)
        self._canvas.draw()
        self._show(canvas_png(self._canvas))

    def _show(self, png: bytes) -> None:
        """Publish a rendered frame: ``png``, the image widget and the render count."""
        self.png = png
        self.image.value = png
        self.renders += 1


def freeze_layout(fig: Figure, canvas: FigureCanvasAgg) -> None:
    """Lay ``fig`` out once with its layout engine, then switch the engine off (layouts are costly)."""
    if fig.get_layout_engine() is None:
        return
    canvas.draw()
    try:
        fig.set_layout_engine(None)
    except RuntimeError:  # a colorbar pins the engine
        fig.set_layout_engine("none")


def canvas_png(canvas: FigureCanvasAgg) -> bytes:
    """The canvas' current pixels as PNG bytes, fast-compressed (a frame travels on every move)."""
    width, height = canvas.get_width_height(physical=True)
    rgba = PIL.Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    buf = io.BytesIO()
    rgba.convert("RGB").save(buf, format="png", compress_level=1)
    return buf.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# -- re-running a cell ---------------------------------------------------------------------
_CLOSED_NOTE = "<i>This explorer was closed (its cell ran again). Run its cell to get a new one.</i>"
_BY_CELL: dict[str, tuple[str, list[Explorer]]] = {}
"""cell id -> (id of the run that built them, the explorers it built)."""


def _running_cell() -> tuple[str, str] | None:
    """``(cell id, run id)`` of the notebook cell executing now; None outside a notebook kernel.

    JupyterLab sends the cell's id with every execute request; each request has its own id.
    """
    kernel = getattr(get_ipython(), "kernel", None)
    try:
        parent = kernel.get_parent()
        cell, run = parent["metadata"].get("cellId"), parent["header"]["msg_id"]
    except (AttributeError, KeyError, TypeError):
        return None
    return (cell, run) if cell and run else None


def _adopt_by_running_cell(explorer: Explorer) -> None:
    """Record ``explorer`` under the running cell, closing what that cell built in an earlier run."""
    where = _running_cell()
    if where is None:  # a script or a test: nothing is closed behind the caller's back
        return
    cell, run = where
    last_run, built = _BY_CELL.get(cell, (None, []))
    if last_run != run:
        for old in built:
            old.close()
        built = []
    built.append(explorer)
    _BY_CELL[cell] = (run, built)


def _widget_tree(*roots: W.Widget) -> list[W.Widget]:
    """The roots, every widget inside them, and their own layout/style widgets (not the shared layout)."""
    out, todo = [], list(roots)
    while todo:
        w = todo.pop()
        out.append(w)
        todo += list(getattr(w, "children", ()))
        todo += [x for x in (getattr(w, "layout", None), getattr(w, "style", None))
                 if isinstance(x, W.Widget) and x is not _LAYOUT]
    return out


def discover() -> dict[str, Callable[[], Explorer]]:
    """Import every module of :mod:`dlnotes.explorers`, so that every factory is in :data:`REGISTRY`."""
    for mod in pkgutil.iter_modules([str(Path(__file__).parent)]):
        importlib.import_module(f"{__package__}.{mod.name}")
    return dict(sorted(REGISTRY.items()))
