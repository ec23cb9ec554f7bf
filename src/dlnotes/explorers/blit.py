"""Fast explorer rendering by blitting (局部重绘): redraw only the artists that move.

Most of a figure's drawing time goes into text (tick labels, titles, boxes). When only a
few artists change per update, :class:`Blitter` draws the rest once into a cached
background and, on every later frame, restores it and draws just the moving artists.
:class:`BlitExplorer` is an :class:`~dlnotes.explorers.base.Explorer` that renders this way.
:class:`PixelImage` is an image for such frames: Pillow scales it to its exact pixel box
once per frame and the renderer only copies it (no general image pipeline).

Blitting pays where a move changes a few artists and leaves the rest: ``make bench``'s blitting
table compares each blitted explorer with a plain redraw (the README's Performance section: the
latent space, the computational graph and the gradients through time about 2-2.6 times faster,
the playground's Play frames 1.35 times). A move that changes the background (new settings)
is a plain redraw either way.
A blitted frame must equal a full redraw (:meth:`Blitter.full_png`); the explorer contract
test compares the two.
"""

from __future__ import annotations

import time

import numpy as np
import PIL.Image
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg

from dlnotes.explorers.base import Explorer, _crop_to_ink, canvas_png, freeze_layout

__all__ = ["BlitExplorer", "Blitter", "PixelImage"]


class Blitter:
    """Renders ``fig`` to PNG: a cached background and, over it, only the artists that change.

    Set ``stale`` when something in the background changed (a title, the axes' limits, the data
    points): the next frame is one plain redraw, and the background is cached again when it is
    next needed (see :meth:`png`).

    ``dynamic`` artists are drawn on every frame over the cached background. ``overlay`` artists
    do not change from frame to frame but lie *on top of* dynamic ones (data points over a
    heat-map): they are drawn once (when stale) into a transparent layer that every frame
    composites over the dynamic artists, instead of drawing them again.
    """

    def __init__(self, fig, dynamic, overlay=()):
        self.fig = fig
        # A full redraw paints an axes' spines over its content: so must a blitted frame.
        holders = {a.axes for a in dynamic}
        self.overlay = list(overlay)
        spines = [s for ax in fig.axes if ax in holders and ax.axison for s in ax.spines.values()
                  if s not in dynamic and s not in self.overlay]
        self.dynamic = [*dynamic, *spines]
        for artist in self.dynamic + self.overlay:
            artist.set_animated(True)  # skipped by a normal draw: they go on top of the background
        self._layer = None
        self.stale = True
        self.full_redraws = 0
        """Frames that drew the whole figure: after a static change, or to cache the background."""
        self.last_draw_ms = 0.0
        self.last_encode_ms = 0.0
        """Milliseconds the last :meth:`png` spent drawing (background and artists) and encoding the PNG."""
        self._background = None
        self._size = None
        self._frozen = False

    def png(self) -> bytes:
        """PNG bytes of the whole figure.

        A frame after a static change (``stale``) is one plain redraw of everything: caching the
        background would cost a second pass over the dynamic artists and the overlay, and the next
        change may make it stale again (a learner trying settings). The first frame that is not
        stale draws the background without the dynamic artists and caches it; from then on each
        frame restores it and draws only the dynamic artists.
        """
        t0 = time.perf_counter()
        canvas = self.fig.canvas
        if not isinstance(canvas, FigureCanvasAgg):
            canvas = FigureCanvasAgg(self.fig)
        size = canvas.get_width_height(physical=True)
        if self.stale or self._size != size:
            self._draw_everything(canvas)
            self._background, self._layer, self._size = None, None, size
            self.stale = False
            self.full_redraws += 1
        else:
            if self._background is None:
                canvas.draw()
                self._background = canvas.copy_from_bbox(self.fig.bbox)
                self._layer = self._draw_overlay(canvas) if self.overlay else None
                self.full_redraws += 1
            else:
                canvas.restore_region(self._background)
            renderer = canvas.get_renderer()
            for artist in sorted(self.dynamic, key=lambda a: a.get_zorder()):  # as a full draw would order them
                artist.draw(renderer)
            if self._layer is not None:
                gc = renderer.new_gc()
                rgba, x, y = self._layer
                renderer.draw_image(gc, x, y, rgba)
                gc.restore()
        t1 = time.perf_counter()
        png = canvas_png(canvas)
        self.last_draw_ms, self.last_encode_ms = (t1 - t0) * 1e3, (time.perf_counter() - t1) * 1e3
        return png

    def _draw_overlay(self, canvas):
        """(rgba, x, y): the overlay artists alone on a transparent layer, cropped to where they are
        (as :func:`~dlnotes.explorers.base._crop_to_ink` gives it), or None."""
        renderer = canvas.get_renderer()
        renderer.clear()
        for artist in sorted(self.overlay, key=lambda a: a.get_zorder()):  # as a full draw would order them
            artist.draw(renderer)
        layer = _crop_to_ink(np.asarray(renderer.buffer_rgba()))
        canvas.restore_region(self._background)
        return layer

    def _draw_everything(self, canvas) -> None:
        """Every artist in z-order, no cached background (the layout frozen first, as for every frame)."""
        if not self._frozen:
            freeze_layout(self.fig, canvas)  # so that every frame, blitted or not, shares one layout
            self._frozen = True
        for artist in self.dynamic + self.overlay:
            artist.set_animated(False)
        try:
            canvas.draw()
        finally:
            for artist in self.dynamic + self.overlay:
                artist.set_animated(True)

    def full_png(self) -> bytes:
        """The same frame drawn the plain way: every artist in z-order, no cached background.

        Tests compare it with :meth:`png`; ``make bench`` times both.
        """
        canvas = self.fig.canvas
        self._draw_everything(canvas)
        return canvas_png(canvas)


class BlitExplorer(Explorer):
    """An Explorer whose figure is rendered by a :class:`Blitter` (pass ``blitter=``)."""

    blitting = True
    """False: every frame is a plain full redraw (``make bench`` compares the two)."""

    def __init__(self, update, controls, fig, *, blitter: Blitter, **kwargs):
        self.blitter = blitter
        super().__init__(update, controls, fig, **kwargs)

    def _render(self) -> None:
        """Render through the blitter; sets ``png`` and the image widget like every explorer."""
        self._show(self.blitter.png() if self.blitting else self.blitter.full_png())


class PixelImage(Artist):
    """An RGB(A) image in data coordinates of ``ax`` (like ``imshow``), scaled by Pillow to exactly the
    pixels it covers and drawn with ``renderer.draw_image`` unscaled: many times cheaper than an
    ``AxesImage`` for an image that changes every frame.

    ``data`` (h, w, 3 or 4) floats in [0, 1], or (h, w, 4) uint8; ``extent`` (x0, x1, y0, y1); ``origin``
    "upper" (row 0 at the top, y0 below) or "lower"; ``interpolation`` "nearest" or "bilinear" (pixel
    centres, edges clamped). Transparent pixels (alpha < 1) let what is below show through. Same
    interface as an ``AxesImage`` for :meth:`set_data` / :meth:`set_extent` / :meth:`get_array`.
    """

    def __init__(self, ax, data=None, extent=(0.0, 1.0, 0.0, 1.0), *, origin="upper", interpolation="nearest",
                 zorder=0.5):
        super().__init__()
        if interpolation not in ("nearest", "bilinear") or origin not in ("upper", "lower"):
            raise ValueError(f"PixelImage: interpolation must be 'nearest' or 'bilinear' and origin 'upper' or "
                             f"'lower', got {interpolation!r}, {origin!r}")
        self.axes = ax
        self.set_figure(ax.figure)
        self.set_zorder(zorder)
        self.origin, self.interpolation = origin, interpolation
        self._data = np.ones((1, 1, 3)) if data is None else data
        self._extent = tuple(float(v) for v in extent)
        ax.add_artist(self)

    def set_data(self, data) -> None:
        """New pixels: (h, w, 3) or (h, w, 4), floats in [0, 1], or (h, w, 4) uint8."""
        data = np.asarray(data)
        self._data = data if data.dtype == np.uint8 and data.shape[2] == 4 else np.asarray(data, dtype=float)
        self.stale = True

    def get_array(self) -> np.ndarray:
        """The data last set."""
        return self._data

    def set_extent(self, extent) -> None:
        """(x0, x1, y0, y1) in data coordinates."""
        self._extent = tuple(float(v) for v in extent)
        self.stale = True

    def get_extent(self) -> tuple:
        return self._extent

    def _rgba(self) -> np.ndarray:
        """The data as (h, w, 4) uint8, top row first on the screen."""
        data = self._data
        if data.dtype != np.uint8:
            rgba = np.empty(data.shape[:2] + (4,), np.uint8)
            rgba[..., :3] = np.clip(np.nan_to_num(data[..., :3]), 0.0, 1.0) * 255.0 + 0.5
            rgba[..., 3] = 255 if data.shape[2] == 3 else np.clip(np.nan_to_num(data[..., 3]), 0.0, 1.0) * 255.0 + 0.5
            data = rgba
        return data if self.origin == "upper" else data[::-1]

    def draw(self, renderer) -> None:
        if not self.get_visible():
            return
        h, w = self._data.shape[:2]
        x0, x1, y0, y1 = self._extent
        (ox0, oy0), (ox1, oy1) = self.axes.transData.transform([(x0, y0), (x1, y1)])
        ox0, ox1 = min(ox0, ox1), max(ox0, ox1)
        oy0, oy1 = min(oy0, oy1), max(oy0, oy1)
        clip = self.axes.bbox
        px0, px1 = int(round(max(ox0, clip.x0))), int(round(min(ox1, clip.x1)))
        py0, py1 = int(round(max(oy0, clip.y0))), int(round(min(oy1, clip.y1)))
        if px1 <= px0 or py1 <= py0 or h == 0 or w == 0 or not ox1 > ox0 or not oy1 > oy0:
            return
        # The source region the pixel box covers, in source pixels from the top-left corner, shifted by
        # one for the edge row and column added around the image (so a box that pokes half a pixel
        # past the image reads its edge, as clamping would).
        sx, sy = w / (ox1 - ox0), h / (oy1 - oy0)
        box = ((px0 - ox0) * sx + 1, (oy1 - py1) * sy + 1, (px1 - ox0) * sx + 1, (oy1 - py0) * sy + 1)
        src = np.pad(self._rgba(), ((1, 1), (1, 1), (0, 0)), mode="edge")
        box = (max(box[0], 0.0), max(box[1], 0.0), min(box[2], w + 2.0), min(box[3], h + 2.0))
        resample = PIL.Image.NEAREST if self.interpolation == "nearest" else PIL.Image.BILINEAR
        out = PIL.Image.fromarray(src, "RGBA").resize((px1 - px0, py1 - py0), resample, box=box)
        gc = renderer.new_gc()
        gc.set_clip_rectangle(clip)
        renderer.draw_image(gc, px0, py0, np.asarray(out)[::-1])  # Agg takes the bottom row first
        gc.restore()
        self.stale = False
