"""The one helper behind every interactive figure: labelled controls beside a figure.

Everything an explorer module needs: :class:`Explorer`, the controls (:func:`slider`,
:func:`log_slider`, :func:`int_slider`, :func:`dropdown`, :func:`checkbox`,
:func:`toggle`, :func:`button`), :func:`figure`, :class:`Reply`, :func:`register` and
:data:`REGISTRY`, and :func:`discover`, which imports every module of :mod:`dlnotes.explorers`.

An :class:`Explorer` owns one matplotlib :class:`~matplotlib.figure.Figure` (created
without pyplot, so moving a slider never opens or leaks a figure) and an ``update``
function that changes the figure's artists in place. After every update the figure is
rendered to PNG bytes and shown in an ``ipywidgets.Image``; tests and benchmarks read
:attr:`Explorer.png` and :attr:`Explorer.error`. Displayed in a notebook, an explorer is the live
widget for JupyterLab plus a still of its current figure and status line for renderers with no
kernel (nbviewer, ``nbconvert``, the static book): :meth:`Explorer._repr_mimebundle_`.

**Look.** The controls form a column :data:`CONTROLS_WIDTH` px wide, each label on its
own line above its control (labels are never cut off; ``help=`` gives the long form as a
tooltip), so slider tracks are long enough for fine mouse control. The figure stands to
the right, at its natural size: 96 CSS px per inch of ``figsize`` (:data:`CSS_DPI`, so a
9-pt label reads as 9 pt), rendered with :data:`PIXEL_RATIO` device pixels per CSS pixel
so it stays crisp on high-density screens. :func:`figure` keeps every figure within
:data:`MAX_FIGSIZE`, so controls and figure sit side by side in JupyterLab's notebook at
1280 px with the file browser open; on a narrower screen the figure wraps below the
controls. The status line under the figure wraps at the figure's width and never moves it.

**Answering every move.** ``update`` returns a status string, or a :class:`Reply` that also
says which controls do nothing in the current state (they are greyed out, with the reason
in their tooltip), which slider ranges follow the state (a window count, a run length),
and a teaching *notice* — drawn differently from the red "cannot be drawn" error.

Cheap explorers redraw on every slider move. Expensive ones (training) use
``continuous_update=False`` so they act on release, and their ``update`` receives a
``progress(done, total, text)`` callback that drives a visible progress bar (cleared
at the start of every update, so it never shows an earlier run's numbers).

No exception ever escapes into the notebook: a failing update shows its message in
place of the plot and is kept in :attr:`Explorer.error`. Warnings raised during an
update (NumPy overflow, a library's deprecation, ...) are kept in
:attr:`Explorer.warnings`; tests assert that list stays empty.

Rendering is tuned once here for every explorer: text is rasterised once per string and
re-stamped on later frames (:class:`ExplorerCanvas`), and frames are PNG-encoded without
the row filters a file would use (:func:`encode_png`); ``make bench`` measures the result.

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
            ax.set_title(f"sin({freq:g}·2πt)")

        return Explorer(update, {"freq": slider("frequency", 0.5, 5, 0.5, 1, unit="Hz")}, fig)
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import functools
import importlib
import inspect
import math
import pkgutil
import struct
import threading
import time
import traceback
import unicodedata
import warnings
import weakref
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import ipywidgets as W
import numpy as np
import PIL.Image
from IPython import get_ipython
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.font_manager import fontManager, get_font
from matplotlib.figure import Figure
from matplotlib.image import AxesImage

from dlnotes.language import language, tr, tr_option
from dlnotes.style import CSS_DPI

try:  # ISA-L's deflate: the same zlib stream about five times faster than zlib at level 1 (make bench)
    from isal.isal_zlib import compress as _deflate
except ImportError:  # a platform without its wheel: zlib, slower, the same PNG
    from zlib import compress as _deflate

__all__ = [
    "ANIMATION_PIXEL_RATIO",
    "CONTROLS_WIDTH",
    "CSS_DPI",
    "DPI",
    "Explorer",
    "MAX_FIGSIZE",
    "PIXEL_RATIO",
    "REGISTRY",
    "Reply",
    "ExplorerCanvas",
    "button",
    "canvas_png",
    "checkbox",
    "discover",
    "dropdown",
    "encode_png",
    "figure",
    "free_figure",
    "freeze_layout",
    "int_slider",
    "log_slider",
    "play_button",
    "register",
    "show_image",
    "slider",
    "toggle",
]

PIXEL_RATIO = 2
"""Device pixels per CSS pixel a figure is rendered with: sharp on high-density (2×) screens."""
DPI = CSS_DPI * PIXEL_RATIO
"""The rendering resolution of every explorer figure (dots per inch of ``figsize``)."""
ANIMATION_PIXEL_RATIO = 1
"""Device pixels per CSS pixel while a Play animation runs (:meth:`Explorer.animate`): frames rate over sharpness."""
FRAME_PERIOD = 1 / 30
"""Seconds between the starts of two frames while the kernel clocks an animation (at most 30 per second)."""
FRAME_GAP = 0.004
"""Seconds the kernel stays free between two clocked frames, however long a frame took: a pause click or a
slider moved while playing is handled at once."""
CLOCKED_TICK_MS = 500
"""The Play widget's tick interval while the kernel clocks the frames: its ticks only keep it alive."""
CONTROLS_WIDTH = 250
"""Width of the controls column (CSS px)."""
MAX_FIGSIZE = (5.9, 5.5)
"""Largest ``figsize`` (inches) :func:`figure` accepts: at 96 px per inch the figure fits beside the
controls in JupyterLab's notebook (1280-px window, file browser open: about 848 px for a cell's output)."""
_GAP = 16  # px between the controls and the figure

REGISTRY: dict[str, Callable[[], "Explorer"]] = {}
"""Every explorer factory in the package, by name ("explorers.<module>.<factory>"); tests and
benchmarks iterate it after :func:`discover`."""


def register(factory: Callable[[], "Explorer"]) -> Callable[[], "Explorer"]:
    """Decorator: record an explorer factory (callable with no arguments) in :data:`REGISTRY`."""
    module = factory.__module__.removeprefix("dlnotes.")
    REGISTRY[f"{module}.{factory.__name__}"] = factory
    return factory


def _checked_size(figsize, caller: str) -> tuple:
    w, h = (float(v) for v in figsize)
    if not (0 < w <= MAX_FIGSIZE[0] and 0 < h <= MAX_FIGSIZE[1]):
        raise ValueError(f"{caller}: figsize must be at most {MAX_FIGSIZE} inches so the figure fits beside "
                         f"the controls, got {tuple(figsize)}")
    return w, h


def figure(nrows: int = 1, ncols: int = 1, figsize=(5.6, 3.4), **subplot_kw):
    """A pyplot-free Figure and its axes (like ``plt.subplots``, but nothing to close).

    ``figsize`` is the size shown on the page (96 px per inch), at most :data:`MAX_FIGSIZE`.
    """
    fig = Figure(figsize=_checked_size(figsize, "figure"), dpi=DPI, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=True, subplot_kw=subplot_kw or None)
    return fig, axes


def free_figure(figsize=(5.6, 3.4)) -> Figure:
    """A pyplot-free Figure with no axes and no layout engine: place axes by hand with ``fig.add_axes``.

    ``figsize`` as for :func:`figure`: at most :data:`MAX_FIGSIZE`.
    """
    return Figure(figsize=_checked_size(figsize, "free_figure"), dpi=DPI)


def show_image(ax, image, array) -> None:
    """Put ``array`` (h, w) or (h, w, 3) into the AxesImage ``image`` of ``ax``, fitting extent and limits to its shape."""
    h, w = np.shape(array)[:2]
    image.set_data(array)
    image.set_extent((-0.5, w - 0.5, h - 0.5, -0.5))
    ax.set_xlim(-0.5, w - 0.5)
    ax.set_ylim(h - 0.5, -0.5)


# --- controls ----------------------------------------------------------------------------------
def _label(text: str, unit: str | None) -> str:
    text = tr(text)
    if not unit:
        return text
    return f"{text}（{tr(unit)}）" if language() == "zh" else f"{text} ({unit})"


def _help(text: str | None) -> str | None:
    return tr(text) or None


def _options(options):
    """Option labels in the reader's language; the values (what ``update`` receives) stay as they are."""
    if language() == "en":
        return options
    # every option a (label, value) pair: ipywidgets reads a list that mixes pairs and plain names as values
    return [(tr_option(o[0]), o[1]) if isinstance(o, tuple) and len(o) == 2 else (tr_option(str(o)), o) for o in options]


def _control_layout() -> W.Layout:
    return W.Layout(width="100%")


def slider(label, min, max, step, value, *, unit=None, help=None, continuous=True) -> W.FloatSlider:
    """A labelled float slider; ``unit`` is shown in the label, ``help`` (the long form) as its tooltip."""
    return W.FloatSlider(
        value=value, min=min, max=max, step=step, description=_label(label, unit), tooltip=_help(help),
        continuous_update=continuous, layout=_control_layout(), readout_format=".3g",
    )


def int_slider(label, min, max, value, *, step=1, unit=None, help=None, continuous=True) -> W.IntSlider:
    """A labelled integer slider."""
    return W.IntSlider(
        value=value, min=min, max=max, step=step, description=_label(label, unit), tooltip=_help(help),
        continuous_update=continuous, layout=_control_layout(),
    )


def log_slider(label, min, max, value, *, unit=None, help=None, continuous=True) -> W.FloatLogSlider:
    """A log-scale slider from ``min`` to ``max`` (actual values, e.g. 1e-4 .. 1): use it for learning rates.

    Ten notches per decade (0.1, 0.13, 0.16, 0.2, 0.25, 0.32, 0.4, 0.5, 0.63, 0.79, 1), laid so
    that ``value`` is a notch: the browser never snaps the starting value to a neighbour.
    """
    step = 0.1
    start, lo, hi = np.log10(value), np.log10(min), np.log10(max)
    lo = start - np.floor((start - lo) / step + 1e-9) * step  # the first notch at or above min
    return W.FloatLogSlider(
        value=value, base=10, min=lo, max=hi, step=step, description=_label(label, unit),
        tooltip=_help(help), continuous_update=continuous, layout=_control_layout(), readout_format=".2g",
    )


def dropdown(label, options, value=None, *, help=None) -> W.Dropdown:
    """A labelled dropdown; ``options`` is a list of names or of (label, value) pairs."""
    dd = W.Dropdown(options=_options(options), description=tr(label), tooltip=_help(help), layout=_control_layout())
    if value is not None:
        dd.value = value
    return dd


def checkbox(label, value=False, *, help=None, color=None) -> W.Checkbox:
    """A labelled on/off box (consecutive boxes share a row); ``color`` puts a swatch of the colour
    it stands for in the figure before the label, so the boxes double as the legend."""
    description, allow_html = tr(label), False
    if color is not None:
        description = f"<span style='color:{color}'>■</span> {_escape(tr(label))}"
        allow_html = True
    return W.Checkbox(value=value, description=description, description_allow_html=allow_html,
                      tooltip=_help(help), layout=W.Layout(width="auto"), indent=False)


def toggle(label, options, value=None, *, help=None) -> W.ToggleButtons:
    """A row of mutually exclusive buttons (a dropdown you can see at once)."""
    tb = W.ToggleButtons(options=_options(options), description=tr(label), tooltip=_help(help), layout=_control_layout(),
                         style={"button_width": "auto"})
    if value is not None:
        tb.value = value
    return tb


def play_button(interval_ms: int = 100) -> W.Play:
    """A play / pause button whose value counts animation ticks; :meth:`Explorer.animate` runs a frame per tick."""
    return W.Play(value=0, min=0, max=10**9, step=1, interval=interval_ms, description=tr("play / pause"),
                  show_repeat=False)


def button(label, icon="", *, help=None) -> W.Button:
    """A push button; give it to :class:`Explorer` in ``buttons`` with its action."""
    return W.Button(description=tr(label), icon=icon, tooltip=_help(help), layout=W.Layout(width="auto"))


@dataclass
class Reply:
    """What ``update`` (or a button action) may return instead of a plain status string.

    status:   the line under the figure (what the picture shows now).
    notice:   a teaching note ("stride 3 does not fit: ..."), shown in the notice style, not as an error.
    inactive: controls (or buttons) that do nothing in this state, as names or {name: why};
              they are disabled until a later reply leaves them out.
    hidden:   controls that do nothing in this state and would only clutter the column (nine
              kernel sliders while a named kernel is chosen): hidden, and inactive as well.
    limits:   {name: (min, max)} for sliders whose range follows the state (a window count,
              a run length), in the slider's own units; a value outside is moved inside and
              ``update`` runs once more.
    """

    status: str = ""
    notice: str = ""
    inactive: Mapping[str, str] | tuple | list | set | frozenset = ()
    hidden: tuple | list | set | frozenset = ()
    limits: Mapping[str, tuple] = field(default_factory=dict)


_CSS = f"""<style>
.dlnotes-explorer {{ gap: 8px {_GAP}px; }}
.dlnotes-explorer-controls {{ flex: 0 0 {CONTROLS_WIDTH}px; }}
.dlnotes-explorer-controls .widget-inline-hbox:not(.widget-checkbox) {{ flex-wrap: wrap; height: auto; }}
.dlnotes-explorer-controls .widget-inline-hbox:not(.widget-checkbox) > .widget-label {{
  flex: 0 0 100%; width: 100% !important; max-width: 100%; text-align: left; margin: 2px 0 0 0;
  line-height: 18px; height: 18px; }}
.dlnotes-explorer-controls .widget-hslider .slider-container {{ flex: 1 1 auto; }}
.dlnotes-explorer-controls .widget-readout {{ min-width: 48px; max-width: 64px; }}
.dlnotes-explorer-controls .widget-dropdown > select {{ flex: 1 1 auto; }}
.dlnotes-explorer-controls .widget-toggle-buttons .widget-toggle-button {{ padding: 0 8px; }}
.dlnotes-explorer-controls .widget-checkbox {{ margin-right: 10px; }}
.dlnotes-explorer-controls .mod-disabled .widget-label,
.dlnotes-explorer-controls .widget-inline-hbox:has(:disabled) > .widget-label {{ opacity: 0.5; }}
.dlnotes-explorer-figure {{ flex: 0 0 auto; }}
.dlnotes-explorer-message, .dlnotes-explorer-message .widget-html-content {{ line-height: 1.45; }}
</style>"""
"""The explorers' own styles, scoped to their class names: labels above controls, the figure
at its natural size, greyed-out labels for controls that do nothing right now."""

_STATUS = "<div class='dlnotes-status'>{}</div>"
_NOTICE = ("<div class='dlnotes-notice' style='margin:4px 0;padding:3px 8px;border-left:4px solid #E69F00;"
           "background:#fdf3dc;color:#4a3800'><b>{}</b> · {}</div>")
_ERROR = ("<div class='dlnotes-error' style='margin:4px 0;padding:3px 8px;border-left:4px solid #b00020;"
          "background:#fdecee;color:#b00020'>⚠ {}: {}</div>")


class Explorer:
    """Controls beside one figure; ``update(**values)`` redraws the figure in place.

    Parameters
    ----------
    update : callable
        Called with one keyword per control (and ``progress=`` if it accepts one).
        It changes the artists of ``fig``; it may return a short status string shown
        under the figure, or a :class:`Reply`.
    controls : dict name -> widget
        Sliders and dropdowns, built with :func:`slider`, :func:`log_slider`, ...
    fig : Figure
        The figure to render; build it with :func:`figure`.
    expensive : bool
        If true, controls act on release and a progress bar is shown.
    buttons : dict name -> (widget, action)
        Extra buttons; ``action(**values)`` runs guarded (it may return a status or a
        :class:`Reply` too), then the figure is re-rendered.
    title : str
        Shown in bold above the controls.
    extra : list of widgets
        Shown below the buttons (a Play widget, a second dropdown).
    """

    closed = False
    """True once :meth:`close` has released everything."""

    def __init__(self, update, controls, fig, *, expensive=False, buttons=None, title=None, extra=None):
        self.figure: Figure = fig
        self._canvas = ExplorerCanvas(fig)
        self.controls: dict[str, W.Widget] = dict(controls)
        self.buttons: dict[str, W.Button] = {}
        self.expensive = expensive
        self._update = update
        self._takes_progress = "progress" in inspect.signature(update).parameters
        self.error: str | None = None
        self.warnings: list[str] = []
        self.status: str = ""
        self.notice: str = ""
        self.inactive: dict[str, str] = {}
        self.png: bytes = b""
        self.renders = 0
        self._lock = threading.RLock()
        """Held while an update runs: JupyterLab may deliver widget events on a kernel subshell's thread
        while a cell runs on the main thread, and two updates must never draw or train at once."""
        self._title = title or ""
        self.last_update_ms = float("nan")

        width, height = (round(v * CSS_DPI) for v in fig.get_size_inches())
        self.size_css = (width, height)
        """The figure's natural size on the page (CSS px): ``figsize`` × 96."""
        self.image = W.Image(format="png", layout=W.Layout(width=f"{width}px", max_width="100%", height="auto"))
        self.message = W.HTML(layout=W.Layout(width=f"{width}px", max_width="100%", min_height="1.5em"))
        self.progress = W.FloatProgress(value=0, min=0, max=1, layout=W.Layout(width="100%"))
        self.progress_text = W.HTML(layout=W.Layout(width="100%"))  # wraps: a long progress line is never cut
        self.progress.layout.visibility = "visible" if expensive else "hidden"

        if expensive:
            for w in self.controls.values():
                if hasattr(w, "continuous_update"):
                    w.continuous_update = False
        for w in self.controls.values():
            w.observe(self._on_change, names="value")
        for name, (widget, action) in (buttons or {}).items():
            if name in self.controls:
                raise ValueError(f"button {name!r} has the name of a control: a Reply could not tell them apart")
            self.buttons[name] = widget
            widget.on_click(self._make_click(action))
        self._help = {name: w.tooltip or "" for name, w in {**self.controls, **self.buttons}.items()}

        side = [W.HTML(_CSS, layout=W.Layout(display="none"))]
        side += [W.HTML(f"<b>{_escape(tr(title))}</b>")] if title else []
        side += _rows(list(self.controls.values()))
        if self.buttons:
            side.append(W.HBox(list(self.buttons.values()), layout=W.Layout(flex_flow="row wrap")))
        side += list(extra or [])
        if expensive:
            side += [self.progress, self.progress_text]
        self._side = W.VBox(side, layout=W.Layout(width=f"{CONTROLS_WIDTH}px"))
        self._figure_column = W.VBox([self.image, self.message], layout=W.Layout(align_items="flex-start"))
        self.widget = W.HBox([self._side, self._figure_column],
                             layout=W.Layout(flex_flow="row wrap", align_items="flex-start"))
        # Stable hooks for the styles above and for the real-browser tests.
        self.widget.add_class("dlnotes-explorer")
        self._side.add_class("dlnotes-explorer-controls")
        self._figure_column.add_class("dlnotes-explorer-figure")
        self.image.add_class("dlnotes-explorer-figure")
        self.message.add_class("dlnotes-explorer-message")
        self.refresh()
        _adopt_by_running_cell(self)

    # -- public -------------------------------------------------------------------
    @property
    def values(self) -> dict:
        """The current value of every control, by name (a float slider's to 12 significant digits: the
        browser's snapping arithmetic sends 0.030000000000000006 for 0.03, which is not a new setting)."""
        return {name: _clean(w.value) if isinstance(w, (W.FloatSlider, W.FloatLogSlider)) else w.value
                for name, w in self.controls.items()}

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

    def active(self, name: str) -> bool:
        """False while the control (or button) ``name`` does nothing in the current state (greyed out or hidden)."""
        widget = self.controls.get(name) or self.buttons.get(name)
        return name not in self.inactive and not (widget is not None and widget.disabled)

    def close(self) -> None:
        """Release the figure, its canvas and every widget; the explorer cannot be used afterwards.

        Re-running a cell calls this on the explorers the cell built before. Everything the
        explorer held (figure, data, callbacks) is dropped, so even a reference kept
        elsewhere (``Out[...]``, a variable) holds only an empty shell.
        """
        if self.closed:
            return
        with self._lock:  # not while an update draws (see _guarded)
            for w in _widget_tree(self.widget, self.progress, self.progress_text):  # progress: hidden if cheap
                w.close()
            self.figure.clear()
            vars(self).clear()
            self.closed = True

    def _repr_mimebundle_(self, include=None, exclude=None):
        """What a notebook shows: the live widget, and a still of it for renderers without a kernel.

        The bundle holds the widget view (``application/vnd.jupyter.widget-view+json``, from
        ipywidgets' own bundle) and a still of the current figure: ``image/png`` (:attr:`png`,
        shown at its natural size), ``text/html`` (the same picture with the status line under
        it) and ``text/plain`` (title and status line). JupyterLab ranks the widget view above
        every other type, so a learner gets the live explorer; nbviewer, ``nbconvert --to html``
        without widget state and the static book (``make book``) have no widget state and show
        the still. A closed explorer shows a note saying so.
        """
        if self.closed:
            return {"text/html": f"<i>{_escape(tr(_CLOSED_NOTE))}</i>", "text/plain": tr(_CLOSED_NOTE)}
        data = self.widget._repr_mimebundle_()
        line = " · ".join(tr(t) for t in (self.notice, self.status, self.error) if t)
        data["text/plain"] = ": ".join(t for t in (tr(self._title), line) if t) or tr("Explorer")
        metadata = {}
        if self.png:
            width, height = self.size_css
            data["image/png"] = base64.b64encode(self.png).decode("ascii")
            metadata["image/png"] = {"width": width, "height": height}
            data["text/html"] = _STILL.format(png=data["image/png"], width=width, height=height,
                                              alt=_escape(data["text/plain"]).replace('"', "&quot;"),
                                              message=self.message.value, note=_escape(tr(_STILL_NOTE)))
        return data, metadata

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

        While playing, frames are drawn at :data:`ANIMATION_PIXEL_RATIO` (one device pixel per CSS
        pixel: a quarter of the pixels to draw and encode, so twice the frame rate); on pause the
        figure is drawn once more at full resolution. Its size on the page never changes.

        In a live kernel (JupyterLab) the kernel clocks the frames itself: a tick travels from the
        browser only after the kernel has answered the last one, so ticks arrive about 70 ms apart
        whatever their interval (measured here), while a frame of the playground takes about 25 ms.
        When play is pressed, the kernel runs a frame every :data:`FRAME_PERIOD` on its event loop,
        staying free :data:`FRAME_GAP` between frames for a pause click or a slider; the Play
        widget's ticks (slowed to :data:`CLOCKED_TICK_MS`) are ignored meanwhile. Without a running
        event loop (a test, a script) every tick runs a frame, as before.
        """
        self.min_tick_gap = gap * play.interval / 1000.0
        ticking_ms = play.interval
        last_end = [0.0]
        # While the kernel clocks: "on"; "run" counts the clocked runs, so a frame still scheduled from
        # an earlier run (pause, then play again at once) ends instead of running a second clock.
        clock = {"on": False, "run": 0}

        def run_frame():
            if play.playing and self.figure.dpi != CSS_DPI * ANIMATION_PIXEL_RATIO:
                self.figure.set_dpi(CSS_DPI * ANIMATION_PIXEL_RATIO)
            t0 = time.perf_counter()
            self._guarded(frame, progress=False)
            last_end[0] = time.perf_counter()
            if after is not None:
                after((last_end[0] - t0) * 1e3)
            return last_end[0] - t0

        def clocked(loop, run):
            if run != clock["run"] or self.closed or not play.playing:
                return
            if stop is not None and stop():
                play.playing = False
                return
            seconds = run_frame()
            if run == clock["run"] and not self.closed and play.playing:
                loop.call_later(max(FRAME_GAP, FRAME_PERIOD - seconds), clocked, loop, run)

        def on_tick(change):
            if change["new"] <= change["old"]:
                return
            if clock["on"]:  # the kernel clocks the frames
                return
            if stop is not None and stop():
                play.playing = False
            if play.playing and time.perf_counter() - last_end[0] < self.min_tick_gap:
                return
            run_frame()

        def on_playing(change):
            if change["new"]:
                loop = None if clock["on"] or self.closed else _kernel_loop()
                if loop is not None:
                    clock["on"], clock["run"] = True, clock["run"] + 1
                    play.interval = CLOCKED_TICK_MS
                    loop.call_soon_threadsafe(clocked, loop, clock["run"])
                return
            clock["on"], clock["run"] = False, clock["run"] + 1  # paused: a frame still scheduled ends
            if not self.closed and play.interval != ticking_ms:
                play.interval = ticking_ms
            if not self.closed and self.figure.dpi != DPI:  # the crisp frame
                self.figure.set_dpi(DPI)
                self._guarded(lambda **_: Reply(self.status, self.notice, dict(self.inactive)), progress=False)

        play.observe(on_tick, names="value")
        play.observe(on_playing, names="playing")

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
        self.progress_text.value = _escape(tr(str(text)))

    def _guarded(self, fn, *, progress: bool, _again: bool = True) -> None:
        lock = None if self.closed else getattr(self, "_lock", None)
        if lock is None:  # a late event (slider, button, Play tick) after close(): nothing to draw on
            return
        with lock:
            if not self.closed:
                self._guarded_now(fn, progress=progress, _again=_again)

    def _guarded_now(self, fn, *, progress: bool, _again: bool) -> None:
        t0 = time.perf_counter()
        kwargs = self.values
        if progress:
            self._report(0, 1, "")  # never show an earlier run's numbers
            kwargs["progress"] = self._report
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", RuntimeWarning)
                result = fn(**kwargs)
            self.warnings = [f"{w.category.__name__}: {w.message}" for w in caught]
            reply = result if isinstance(result, Reply) else Reply(status=result if isinstance(result, str) else "")
            if self._apply(reply) and _again:
                return self._guarded(fn, progress=progress, _again=False)  # a value was moved into its new range
            self.error = None
            self.status, self.notice = tr(reply.status), tr(reply.notice)  # as shown: a notebook may print them
            self._render()
        except Exception as exc:  # noqa: BLE001 - nothing may escape into the notebook
            self.error = f"{type(exc).__name__}: {exc}"
            self._debug = traceback.format_exc()
        self.last_update_ms = (time.perf_counter() - t0) * 1e3
        if self.error:
            self.message.value = _ERROR.format(tr("This setting cannot be drawn"), _escape(tr(self.error)))
        else:
            self.message.value = ((_NOTICE.format(tr("Note"), _escape(tr(self.notice))) if self.notice else "")
                                  + (_STATUS.format(_escape(tr(self.status))) if self.status else ""))

    def _apply(self, reply: Reply) -> bool:
        """Disable inactive controls and move slider ranges; True if a control's value had to change."""
        reasons = dict(reply.inactive) if isinstance(reply.inactive, Mapping) else dict.fromkeys(reply.inactive, "")
        for name in reply.hidden:
            reasons.setdefault(name, "")
        unknown = set(reasons) - set(self.controls) - set(self.buttons)
        if unknown:
            raise ValueError(f"Reply names no control or button of this explorer: {sorted(unknown)}")
        previous, self.inactive = self.inactive, reasons
        for name, w in {**self.controls, **self.buttons}.items():
            off = name in reasons
            if name not in previous and not off:
                continue  # not this mechanism's: an explorer may grey a control out itself
            if w.disabled != off:
                w.disabled = off
            display = "none" if name in reply.hidden else None
            if w.layout.display != display:
                w.layout.display = display
            why = f"{self._help[name]} — {tr(reasons[name])}".strip(" —") if off and reasons[name] else self._help[name]
            if (w.tooltip or "") != why:
                w.tooltip = why or None
        moved = False
        with self._hold():
            for name, (lo, hi) in reply.limits.items():
                w = self.controls[name]
                before = w.value
                if hi < w.min:  # set the bound that keeps min <= max at every step first
                    w.min = lo
                    w.max = hi
                else:
                    w.max = hi
                    w.min = lo
                moved |= w.value != before
        return moved

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


def _clean(value: float) -> float:
    return float(f"{value:.12g}")


def _rows(widgets: list) -> list:
    """The controls column: consecutive checkboxes share a wrapping row, everything else has its own."""
    out, boxes = [], []
    for w in widgets + [None]:
        if isinstance(w, W.Checkbox):
            boxes.append(w)
            continue
        if boxes:
            out.append(W.HBox(boxes, layout=W.Layout(flex_flow="row wrap")) if len(boxes) > 1 else boxes[0])
            boxes = []
        if w is not None:
            out.append(w)
    return out


# --- rendering -------------------------------------------------------------------------------------
_FROZEN_ENGINES: "weakref.WeakKeyDictionary[Figure, object]" = weakref.WeakKeyDictionary()
"""The layout engine each frozen figure had: :class:`ExplorerCanvas` brings it back when a label no longer fits."""


def freeze_layout(fig: Figure, canvas: FigureCanvasAgg) -> None:
    """Lay ``fig`` out once with its layout engine, then switch the engine off (layouts are costly).

    If a later frame draws text past the figure's edge (longer tick labels after the limits
    changed), an :class:`ExplorerCanvas` lays the figure out once more.
    """
    engine = fig.get_layout_engine()
    if engine is None:
        return
    canvas.draw()
    try:
        fig.set_layout_engine(None)
        _FROZEN_ENGINES[fig] = engine
    except RuntimeError:  # a colorbar pins the engine
        fig.set_layout_engine("none")


_LAYOUTS: dict = {}
"""(font files, size, dpi, hinting) -> {"chars": ..., "pairs": ...}: see :meth:`_TextCachingRenderer._fast_layout`."""
_FONT_HEIGHTS: dict = {}
"""(hash of a FontProperties, dpi) -> (ascent, descent, line gap) in pixels."""
_FONT_FILES: dict = {}
"""hash of a FontProperties -> (its font files, size in points)."""
_COMMON_RANGES = ((0x20, 0x250), (0x2000, 0x2300), (0x3000, 0x3040), (0xFF00, 0xFF66))
"""Where the common characters laid out from cached metrics lie (with Latin, Greek and Chinese letters):
digits, punctuation, arrows and operators (ASCII, general punctuation, CJK and full-width punctuation)."""
_SCRIPT_CONTEXT = {"Latn": "n", "Grek": "ν", "Hani": "中", "Zyyy": ""}
"""A letter of each script: a pair's spacing is measured after it, so the pair lies in a run of that script."""
_PAIRED = {c: (i // 2, i % 2 == 0) for i, c in enumerate("()[]{}（）【】《》〈〉「」『』")}
"""Paired brackets: character -> (pair, opening?). A closing bracket takes its opening bracket's script."""
_MAYBE_PAIRED = frozenset("<>«»‹›“”‘’〔〕〖〗〘〙〚〛［］｛｝｟｠｢｣")
"""Other characters a layout engine may pair: a line with one of them and two scripts is left to FreeType."""


def _resolve_scripts(scripts: list, s: str) -> list:
    """The script each character is laid out in (common ones resolved), as libraqm resolves them:
    a common character takes the script before it (a closing bracket: its opening bracket's),
    and common characters before the first letter take the first letter's script."""
    out, last, started, stack = list(scripts), None, False, []
    for i, script in enumerate(scripts):
        if script == "Zyyy" and started:
            pair = _PAIRED.get(s[i])
            if pair is not None and pair[1]:
                stack.append((pair[0], last))
            elif pair is not None:
                while stack and stack[-1][0] != pair[0]:
                    stack.pop()
                if stack:
                    last = stack[-1][1]
            out[i] = last
        else:
            last, started = script, True
    after = None
    for i in range(len(out) - 1, -1, -1):  # what is still common takes the script after it
        if out[i] == "Zyyy":
            out[i] = after or "Zyyy"
        else:
            after = out[i]
    return out


@functools.lru_cache(maxsize=4096)
def _script(c: str) -> str | None:
    """The script a character is laid out in ("Zyyy": common, takes its neighbours'), or None: not handled."""
    o, category = ord(c), unicodedata.category(c)
    if category in ("Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Mc", "Me", "Zl", "Zp"):
        return None
    name = unicodedata.name(c, "")
    if category.startswith("L"):
        if name.startswith("LATIN ") and o < 0x250:
            return "Latn"
        if name.startswith(("GREEK SMALL LETTER", "GREEK CAPITAL LETTER")) and 0x370 <= o < 0x400:
            return "Grek"
        if name.startswith("CJK UNIFIED IDEOGRAPH"):
            return "Hani"
        return None
    return "Zyyy" if any(lo <= o < hi for lo, hi in _COMMON_RANGES) else None


class _TextCachingRenderer(RendererAgg):
    """Agg, but each distinct text is rasterised once and re-stamped on later frames, text is laid out
    from cached metrics (:meth:`_fast_layout`) and opaque images are copied (:meth:`draw_image`).

    Text is most of an explorer frame's drawing time, and most of it (tick labels, axis
    labels, legends) is the same on every frame. A text is cached by string, font, angle,
    antialiasing and dpi; it is placed at whole pixels (invisible at 2× resolution).
    """

    MAX_ENTRIES = 2048

    def __init__(self, width, height, dpi, stamps=None, glyphs=None):
        super().__init__(width, height, dpi)
        self._stamps: dict = {} if stamps is None else stamps
        self._glyphs: dict = {} if glyphs is None else glyphs
        """Glyph bitmaps: (font file, size, glyph, quarter-pixel phase, antialiasing) -> image."""
        self._scratch = None
        self.text_outside = False  # set when a text was drawn past the canvas edge (cut off)

    def scratch(self) -> "_TextCachingRenderer":
        """A cleared, transparent renderer of the same size that shares this one's text stamps."""
        if self._scratch is None:
            self._scratch = _TextCachingRenderer(int(self.width), int(self.height), self.dpi, self._stamps, self._glyphs)
        self._scratch.clear()
        return self._scratch

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        key = (s, hash(prop), float(angle), ismath, bool(gc.get_antialiased()))
        stamp = self._stamps.get(key)
        if stamp is None:
            if len(self._stamps) >= self.MAX_ENTRIES:
                self._stamps.clear()
                self._glyphs.clear()
            stamp = self._stamps[key] = self._rasterise(s, prop, angle, ismath, mtext, gc.get_antialiased())
        if stamp is not None:
            coverage, dx, dy = stamp  # dy: from the anchor down to the stamp's bottom row
            left, bottom = round(x) + dx, round(y) + dy
            self._renderer.draw_text_image(coverage, left, bottom, 0, gc)
            h, w = coverage.shape
            if left < 0 or bottom - h < 0 or left + w > self.width or bottom > self.height:
                self.text_outside = True

    def draw_image(self, gc, x, y, im, transform=None):
        """Copy an image whose pixels are opaque or fully transparent straight into the canvas buffer
        (Agg blends every pixel: about ten times slower for a large image); anything else goes to Agg.

        ``im`` is bottom row first, placed with its lower-left corner at (x, y) and clipped, as Agg
        does it, to the clip rectangle with its right and top edge pixels included.
        """
        im = np.asarray(im)
        if (transform is not None or im.dtype != np.uint8 or im.ndim != 3 or im.shape[2] != 4 or im.strides[2] != 1
                or im.strides[1] != 4 or gc.get_clip_path()[0] is not None or gc.get_alpha() not in (None, 1.0)):
            return super().draw_image(gc, x, y, im, transform) if transform is not None else \
                super().draw_image(gc, x, y, im)
        H, Wd = int(self.height), int(self.width)
        h, w = im.shape[:2]
        x, y = math.floor(x + 0.5), math.floor(y + 0.5)
        x0, x1, y0, y1 = x, x + w, y, y + h  # y counted from the bottom
        clip = gc.get_clip_rectangle()
        if clip is not None:
            x0, x1 = max(x0, math.floor(clip.x0 + 0.5)), min(x1, math.floor(clip.x1 + 0.5) + 1)
            y0, y1 = max(y0, math.ceil(clip.y0 - 0.5) - 1), min(y1, math.ceil(clip.y1 - 0.5))
        x0, x1, y0, y1 = max(x0, 0), min(x1, Wd), max(y0, 0), min(y1, H)
        if x1 <= x0 or y1 <= y0:
            return
        src = im[y0 - y:y1 - y, x0 - x:x1 - x][::-1]  # top row first, as the buffer is
        alpha = src[..., 3]
        dst = np.asarray(self.buffer_rgba())[H - y1:H - y0, x0:x1]
        low = alpha.min()
        if low == 255:
            dst[...] = src
        elif alpha.max() == low == 0:
            pass
        elif np.all((alpha == 0) | (alpha == 255)):
            np.copyto(dst, src, where=(alpha == 255)[..., None])
        else:
            return super().draw_image(gc, x, y, im)

    def get_text_width_height_descent(self, s, prop, ismath):
        if ismath is False:
            layout = self._fast_layout(s, prop)
            if layout is not None:
                w, h, d = layout[1]
                return w / 64.0, h / 64.0, d / 64.0
        return super().get_text_width_height_descent(s, prop, ismath)

    def _get_font_height_metrics(self, prop):
        """(ascent, descent, line gap) of ``prop``'s font, in pixels, cached: the font's tables, as
        :meth:`matplotlib.text.Text._get_layout` reads them (it asks a renderer for this first)."""
        key = (hash(prop), self.dpi)
        metrics = _FONT_HEIGHTS.get(key)
        if metrics is None:
            metrics = (None, None, None)
            font = get_font(fontManager._find_fonts_by_props(prop))
            for table_name, gap, ascent, descent in (("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
                                                     ("hhea", "lineGap", "ascent", "descent")):
                table = font.get_sfnt_table(table_name)
                if table is not None:
                    scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * prop.get_size_in_points() * self.dpi / 72
                    metrics = (table[ascent] * scale, -table[descent] * scale, table[gap] * scale)
                    break
            if len(_FONT_HEIGHTS) > 1024:
                _FONT_HEIGHTS.clear()
            _FONT_HEIGHTS[key] = metrics
        return metrics

    def _fast_layout(self, s, prop):
        """``(glyphs, (w, h, d))`` of a line of text: per glyph (font file, FT2Font, glyph index, x), x and the
        box in 1/64 pixel, as FreeType lays the line out; None where FreeType must lay it out itself.

        FreeType (with libraqm) lays out a string glyph by glyph, about 14 µs a character here,
        so a title with a new number costs about a millisecond, twice: once to measure it,
        once to draw it. Laid out here instead: each glyph moves the pen by its character's
        advance plus the kerning with the next character; both are cached per font, size and
        dpi, so a new string costs a few microseconds a character. Kerning applies within a
        run of one script (digits, punctuation and brackets join a run as libraqm decides:
        :func:`_resolve_scripts`) and one font; each pair's spacing is measured once, after a
        letter of its run's script. A test compares the result with FreeType's on random
        Latin, Greek and Chinese text. Other scripts, combining marks, control characters, a
        ligature ("fl"), quotation marks or angle brackets in a line that mixes scripts: None.
        """
        if not s:
            return None
        scripts = [_script(c) for c in s]
        if None in scripts:
            return None
        if len({x for x in scripts if x != "Zyyy"}) > 1 and not _MAYBE_PAIRED.isdisjoint(s):
            return None
        runs = _resolve_scripts(scripts, s)
        pkey = hash(prop)
        font_files = _FONT_FILES.get(pkey)
        if font_files is None:
            if len(_FONT_FILES) > 1024:
                _FONT_FILES.clear()
            files = fontManager._find_fonts_by_props(prop)
            font_files = _FONT_FILES[pkey] = (tuple(files), prop.get_size_in_points())
        flags = get_hinting_flag()
        key = (*font_files, self.dpi, flags)
        cache = _LAYOUTS.get(key)
        if cache is None:
            if len(_LAYOUTS) > 64:
                _LAYOUTS.clear()
            cache = _LAYOUTS[key] = {"chars": {}, "pairs": {}}
        chars, pairs = cache["chars"], cache["pairs"]
        font = None
        info = []
        for c in s:
            v = chars.get(c)
            if v is None:
                font = font or self._prepare_font(prop)
                items = font._layout(c, flags=flags)
                v = False
                if len(items) == 1 and items[0].glyph_index:
                    glyph = items[0].ft_object.load_glyph(items[0].glyph_index, flags)
                    v = (items[0].ft_object, items[0].glyph_index, glyph.horiAdvance, glyph.bbox[1], glyph.bbox[3])
                chars[c] = v
            if v is False:
                return None
            info.append(v)
        x, xs = 0, [0]
        for i in range(1, len(s)):
            run = runs[i]
            if run != runs[i - 1]:  # a new run: no kerning across it
                x += info[i - 1][2]
            else:
                step = pairs.get((run, s[i - 1], s[i]))
                if step is None:
                    font = font or self._prepare_font(prop)
                    context = _SCRIPT_CONTEXT[run]
                    items = font._layout(context + s[i - 1] + s[i], flags=flags)
                    n = len(context)
                    step = round((items[n + 1].x - items[n].x) * 64) if len(items) == n + 2 else False
                    pairs[(run, s[i - 1], s[i])] = step
                if step is False:
                    return None
                x += step
            xs.append(x)
        low, high = min(v[3] for v in info), max(v[4] for v in info)
        glyphs = [(v[0].fname, v[0], v[1], gx) for v, gx in zip(info, xs)]
        return glyphs, (x + info[-1][2], high - low, -low)

    def _rasterise(self, s, prop, angle, ismath, mtext, antialiased):
        """(coverage (h, w) uint8, dx, dy) of ``s`` drawn at an integer anchor, or None for blank text."""
        if angle == 0 and not ismath and (mtext is None or not (mtext.get_fontfeatures() or mtext.get_language())):
            try:
                return self._compose(s, prop, antialiased)
            except AttributeError:  # a matplotlib without the glyph layout API (< 3.11): draw it whole
                pass
        return self._draw_on_scratch(s, prop, angle, ismath, mtext, antialiased)

    def _compose(self, s, prop, antialiased):
        """Lay ``s`` out and paste cached glyph bitmaps (rendered once per quarter-pixel phase) into one image.

        A new string (a title that changes on every move) then costs its layout, not a
        FreeType rendering of every glyph.
        """
        from matplotlib.ft2font import RenderMode

        flags = get_hinting_flag()
        size = prop.get_size_in_points()
        pieces = []
        fast = self._fast_layout(s, prop)
        if fast is not None:
            items = [(fname, font, index, x / 64.0, 0.0) for fname, font, index, x in fast[0]]
        else:
            items = [(item.ft_object.fname, item.ft_object, item.glyph_index, item.x, item.y)
                     for item in self._prepare_font(prop)._layout(s, flags=flags)]
        for fname, font, glyph_index, gx, gy in items:
            whole = math.floor(gx)
            phase = round((gx - whole) * 4) / 4
            key = (fname, size, self.dpi, glyph_index, phase, bool(antialiased))
            glyph = self._glyphs.get(key)
            if glyph is None:
                font.set_size(size, self.dpi)
                font._set_transform([[0x10000, 0], [0, 0x10000]], [round(0x40 * phase), 0])
                bitmap = font._render_glyph(glyph_index, flags,
                                            RenderMode.NORMAL if antialiased else RenderMode.MONO)
                buffer = np.array(bitmap.buffer, dtype=np.uint8)
                if not antialiased:
                    buffer *= 0xFF
                glyph = self._glyphs[key] = (buffer, bitmap.left, bitmap.top)
            buffer, left, top = glyph
            if buffer.size:
                pieces.append((buffer, whole + left, round(-gy) - top))  # (image, x, y of its top row, y down)
        if not pieces:
            return None
        x0 = min(x for _, x, _ in pieces)
        y0 = min(y for _, _, y in pieces)
        x1 = max(x + b.shape[1] for b, x, _ in pieces)
        y1 = max(y + b.shape[0] for b, _, y in pieces)
        out = np.zeros((y1 - y0, x1 - x0), np.uint8)
        for b, x, y in pieces:
            region = out[y - y0:y - y0 + b.shape[0], x - x0:x - x0 + b.shape[1]]
            np.maximum(region, b, out=region)
        return out, int(x0), int(y1)

    def _draw_on_scratch(self, s, prop, angle, ismath, mtext, antialiased):
        """The text drawn by Agg itself on a small transparent canvas, cropped to its ink."""
        w, h, d = self.get_text_width_height_descent(s, prop, ismath)
        pad = 2 + math.ceil(prop.get_size_in_points() * self.dpi / 72 * 0.4)
        c, sn = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        # The text box in y-up coordinates from the anchor (baseline start), rotated by angle.
        xs, ys = zip(*[(px * c - py * sn, px * sn + py * c) for px, py in ((0, -d), (w, -d), (w, h - d), (0, h - d))])
        left, right = math.floor(min(xs)) - pad, math.ceil(max(xs)) + pad
        top, bottom = math.ceil(max(ys)) + pad, math.floor(min(ys)) - pad
        scratch = RendererAgg(right - left, top - bottom, self.dpi)
        gc = scratch.new_gc()
        gc.set_foreground((0, 0, 0, 1), isRGBA=True)
        gc.set_antialiased(antialiased)
        ax, ay = -left, top  # the anchor in the scratch canvas (y down)
        RendererAgg.draw_text(scratch, gc, ax, ay, s, prop, angle, ismath, mtext)
        gc.restore()
        alpha = np.asarray(scratch.buffer_rgba())[:, :, 3]
        rows, cols = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
        if rows.size == 0:
            return None
        r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
        return np.ascontiguousarray(alpha[r0:r1, c0:c1]), int(c0 - ax), int(r1 - ay)


class _CachedAxisDrawing:
    """Draws one :class:`~matplotlib.axis.Axis` (ticks, tick labels, axis label) from a raster of itself
    while nothing it shows has changed: the tick machinery is most of a frame's drawing time.

    "Nothing changed" means the same canvas, axes box, view limits, scale, locator and formatter
    objects and label, and the axis not marked stale (``set_ticks``, ``tick_params``,
    ``set_xlabel`` mark it). A raster is made the second time the axis is drawn in a state, so
    an axis whose limits move on every frame costs nothing extra; the rasters of the last
    :attr:`KEEP` states are kept, so an axis that goes back and forth between a few limits
    (a loss plot after each restart) is drawn from its raster again.
    """

    KEEP = 8

    def __init__(self, axis):
        self.axis = axis
        self.original = axis.draw
        self.rasters: dict = {}
        """key -> raster (None: drawn once in that state, no raster yet); the most recent last."""

    def _key(self, renderer):
        a = self.axis
        shared = a.axes.get_shared_x_axes() if a.axis_name == "x" else a.axes.get_shared_y_axes()
        if len(shared.get_siblings(a.axes)) > 1:  # shared axes lay their labels out together: draw directly
            return None
        return (renderer.width, renderer.height, renderer.dpi, a.axes.bbox.bounds, tuple(a.get_view_interval()),
                a.get_scale(), a.get_major_locator(), a.get_major_formatter(), a.get_minor_locator(),
                a.label.get_text(), a.label.get_visible(), hash(a.label.get_fontproperties()), str(a.label.get_color()),
                a.get_label_position(), a.get_ticks_position(),
                repr(sorted(getattr(a, "_major_tick_kw", {}).items())),  # what tick_params set
                repr(sorted(getattr(a, "_minor_tick_kw", {}).items())))

    def __call__(self, renderer, *args, **kwargs):
        key = None if not self.axis.get_visible() else self._key(renderer)
        if key is None or not isinstance(renderer, _TextCachingRenderer):
            return self.original(renderer, *args, **kwargs)
        if self.axis.stale and self.rasters and key == next(reversed(self.rasters)):
            del self.rasters[key]  # marked changed, yet nothing the key sees moved: draw it afresh
        if key not in self.rasters:  # first time in this state: draw it directly
            self.rasters[key] = None
            while len(self.rasters) > self.KEEP:
                del self.rasters[next(iter(self.rasters))]
            return self.original(renderer, *args, **kwargs)
        raster = self.rasters.pop(key)
        if raster is None:
            scratch = renderer.scratch()
            scratch.text_outside = False
            self.original(scratch, *args, **kwargs)
            renderer.text_outside |= scratch.text_outside
            raster = _crop_to_ink(np.asarray(scratch.buffer_rgba())) or False
        self.rasters[key] = raster  # the most recent last
        if raster is not False:
            rgba, x, y = raster
            gc = renderer.new_gc()
            renderer.draw_image(gc, x, y, rgba)
            gc.restore()
        self.axis.stale = False


def _crop_to_ink(rgba):
    """(the non-transparent part of ``rgba``, bottom row first as Agg's ``draw_image`` takes it, its left x,
    its bottom y counted from the canvas bottom), or None."""
    alpha = rgba[:, :, 3]
    rows, cols = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
    if rows.size == 0:
        return None
    r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    return rgba[r0:r1, c0:c1][::-1].copy(), int(c0), int(rgba.shape[0] - r1)


class _ResizedImage:
    """``make_image`` of an axes-aligned :class:`~matplotlib.image.AxesImage`: the small array is colour-mapped,
    scaled up by Pillow (nearest or bilinear) and cropped to the axes, several times faster than
    matplotlib's general resampler at 2× resolution. Anything else (log axes, rotations,
    masked data, shrinking, other interpolations) is left to matplotlib."""

    def __init__(self, image):
        self.image = image
        self.original = image.make_image

    def __call__(self, renderer, magnification=1.0, unsampled=False):
        im = self.image
        ax = im.axes
        A = im.get_array()
        interpolation = im.get_interpolation()
        resample = {"nearest": PIL.Image.NEAREST, "none": PIL.Image.NEAREST, "antialiased": PIL.Image.NEAREST,
                    "auto": PIL.Image.NEAREST, "bilinear": PIL.Image.BILINEAR}.get(interpolation)
        if (unsampled or magnification != 1.0 or resample is None or ax is None or A is None
                or im.get_transform() is not ax.transData or ax.get_xscale() != "linear"
                or ax.get_yscale() != "linear" or A.ndim not in (2, 3) or np.ma.is_masked(A)):
            return self.original(renderer, magnification, unsampled)
        left, right, bottom, top = im.get_extent()
        row0 = top if im.origin == "upper" else bottom  # the data edge of A's first row
        rowN = bottom if im.origin == "upper" else top
        (x0, y0), (x1, y1) = ax.transData.transform([(left, row0), (right, rowN)])
        if not np.all(np.isfinite([x0, y0, x1, y1])):
            return self.original(renderer, magnification, unsampled)
        X0, X1, Y0, Y1 = (round(v) for v in (min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)))
        w, h = X1 - X0, Y1 - Y0
        if w < A.shape[1] or h < A.shape[0] or w * h > 16_000_000:  # shrinking: matplotlib antialiases properly
            return self.original(renderer, magnification, unsampled)
        if A.ndim == 2:
            rgba = im.to_rgba(A, bytes=True)
        elif A.dtype == np.uint8:
            rgba = A if A.shape[2] == 4 else np.dstack([A, np.full(A.shape[:2], 255, np.uint8)])
        else:
            if not np.isfinite(A).all():
                return self.original(renderer, magnification, unsampled)
            rgb = (np.clip(A, 0, 1) * 255 + 0.5).astype(np.uint8)
            rgba = rgb if rgb.shape[2] == 4 else np.dstack([rgb, np.full(A.shape[:2], 255, np.uint8)])
        alpha = im.get_alpha()
        if alpha is not None:
            if np.ndim(alpha):
                return self.original(renderer, magnification, unsampled)
            rgba = rgba.copy()
            rgba[..., 3] = (rgba[..., 3] * float(alpha) + 0.5).astype(np.uint8)
        out = np.asarray(PIL.Image.fromarray(np.ascontiguousarray(rgba), "RGBA").resize((w, h), resample))
        if y0 < y1:  # A's first row at the bottom of the screen: already bottom row first, as Agg takes it
            pass
        else:
            out = out[::-1]
        if x1 < x0:
            out = out[:, ::-1]
        clip = (im.get_clip_box() or ax.bbox) if im.get_clip_on() else im.get_figure(root=True).bbox
        cx0, cx1 = max(X0, math.floor(clip.x0)), min(X1, math.ceil(clip.x1))
        cy0, cy1 = max(Y0, math.floor(clip.y0)), min(Y1, math.ceil(clip.y1))
        if cx1 <= cx0 or cy1 <= cy0:
            return None, 0, 0, None
        out = out[cy0 - Y0:cy1 - Y0, cx0 - X0:cx1 - X0]
        return np.array(out, order="C"), cx0, cy0, None  # a writable copy, as Agg requires


class ExplorerCanvas(FigureCanvasAgg):
    """The Agg canvas of every explorer: text is laid out from cached pair metrics and stamped from a
    cache, opaque images are copied rather than blended (:class:`_TextCachingRenderer`),
    each axis is drawn from a raster of itself while it is unchanged (:class:`_CachedAxisDrawing`),
    images are scaled up by Pillow (:class:`_ResizedImage`), and a frozen layout is redone when
    a text would be cut off at the figure's edge."""

    def get_renderer(self):
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = _TextCachingRenderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer

    def draw(self):
        for ax in self.figure.axes:
            for axis in (ax.xaxis, ax.yaxis):
                if not isinstance(axis.__dict__.get("draw"), _CachedAxisDrawing):
                    axis.draw = _CachedAxisDrawing(axis)
            for image in ax.images:
                if type(image) is AxesImage and not isinstance(image.__dict__.get("make_image"), _ResizedImage):
                    image.make_image = _ResizedImage(image)
        renderer = self.get_renderer()
        renderer.text_outside = False
        super().draw()
        engine = _FROZEN_ENGINES.get(self.figure)
        if renderer.text_outside and engine is not None and self.figure.get_layout_engine() is None:
            # A label grew past the edge (new limits, a longer title): lay the figure out again, once.
            self.figure.set_layout_engine(engine)
            super().draw()
            self.figure.set_layout_engine(None)


def encode_png(rgba) -> bytes:
    """PNG bytes of an (h, w, 4) uint8 image, alpha dropped, for the screen.

    No row filters and deflate level 1, by ISA-L (the ``isal`` package) where it is installed: an
    explorer frame travels on every move and is never stored, so speed beats the last few percent of
    size. A 1132 × 1056 playground frame: 1.9 ms and 229 KB, against zlib's 10.5 ms and 220 KB
    (zlib level 1 was itself about twice as fast as Pillow's adaptive filtering at the same size).
    Pillow drops the alpha channel (0.8 ms; numpy's strided copy of three bytes in four took 5.3 ms).
    """
    rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
    h, w = rgba.shape[:2]
    rgb = PIL.Image.frombuffer("RGBA", (w, h), rgba, "raw", "RGBA", 0, 1).tobytes("raw", "RGB")
    raw = np.empty((h, 1 + 3 * w), np.uint8)
    raw[:, 0] = 0  # filter type "none" for every row
    raw[:, 1:] = np.frombuffer(rgb, np.uint8).reshape(h, 3 * w)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", _deflate(raw, 1)) + chunk(b"IEND", b""))


def canvas_png(canvas: FigureCanvasAgg) -> bytes:
    """The canvas' current pixels as PNG bytes (:func:`encode_png`)."""
    return encode_png(np.asarray(canvas.buffer_rgba()))


def _kernel_loop():
    """The event loop of a live IPython kernel handling this message; None in a test or a script."""
    if getattr(get_ipython(), "kernel", None) is None:
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# -- re-running a cell ---------------------------------------------------------------------
_CLOSED_NOTE = "This explorer was closed (its cell ran again). Run its cell to get a new one."
_STILL_NOTE = "A still of this explorer: run the notebook to move its controls."
_STILL = ("<div class='dlnotes-explorer-still'><img src=\"data:image/png;base64,{png}\" width=\"{width}\" "
          "height=\"{height}\" style=\"max-width:100%;height:auto\" alt=\"{alt}\"/>{message}"
          "<div style='color:#666;font-size:90%'><i>{note}</i></div></div>")
"""An explorer's still for renderers without a kernel or widget state (:meth:`Explorer._repr_mimebundle_`)."""
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
    """The roots, every widget inside them, and their layout/style widgets (each control has its own)."""
    out, todo = [], list(roots)
    while todo:
        w = todo.pop()
        out.append(w)
        todo += list(getattr(w, "children", ()))
        todo += [x for x in (getattr(w, "layout", None), getattr(w, "style", None)) if isinstance(x, W.Widget)]
    return out


def discover() -> dict[str, Callable[[], Explorer]]:
    """Import every module of :mod:`dlnotes.explorers`, so that every factory is in :data:`REGISTRY`."""
    for mod in pkgutil.iter_modules([str(Path(__file__).parent)]):
        importlib.import_module(f"{__package__}.{mod.name}")
    return dict(sorted(REGISTRY.items()))
