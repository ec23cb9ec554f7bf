"""Fast explorer rendering by blitting (局部重绘): redraw only the artists that move.

Most of a figure's drawing time goes into text (tick labels, titles, boxes). When only a
few artists change per update, :class:`Blitter` draws the rest once into a cached
background and, on every later frame, restores it and draws just the moving artists.
:class:`BlitExplorer` is an :class:`~dlnotes.explorer.Explorer` that renders this way.
"""

from __future__ import annotations

import io

import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg

from dlnotes.explorer import Explorer

__all__ = ["BlitExplorer", "Blitter"]


class Blitter:
    """Renders ``fig`` to PNG, redrawing the static background only when ``stale`` is set."""

    def __init__(self, fig, dynamic):
        self.fig = fig
        self.dynamic = list(dynamic)
        for artist in self.dynamic:
            artist.set_animated(True)  # skipped by a normal draw: they go on top of the background
        self.stale = True
        self.full_redraws = 0
        self._background = None
        self._size = None

    def png(self) -> bytes:
        """PNG bytes of the whole figure: cached background (redrawn if stale) plus the dynamic artists."""
        canvas = self.fig.canvas
        if not isinstance(canvas, FigureCanvasAgg):
            canvas = FigureCanvasAgg(self.fig)
        size = canvas.get_width_height(physical=True)
        if self.stale or self._background is None or self._size != size:
            if self._background is None and self.fig.get_layout_engine() is not None:
                canvas.draw()  # lay the figure out once, then freeze it so the background stays put
                try:
                    self.fig.set_layout_engine("none")
                except RuntimeError:  # a colorbar pins the engine
                    pass
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.fig.bbox)
            self._size = size
            self.stale = False
            self.full_redraws += 1
        else:
            canvas.restore_region(self._background)
        renderer = canvas.get_renderer()
        for artist in self.dynamic:
            artist.draw(renderer)
        rgba = PIL.Image.frombuffer("RGBA", size, canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buf = io.BytesIO()
        rgba.convert("RGB").save(buf, format="png", compress_level=1)
        return buf.getvalue()


class BlitExplorer(Explorer):
    """An Explorer whose figure is rendered by a :class:`Blitter` (pass ``blitter=``)."""

    def __init__(self, update, controls, fig, *, blitter: Blitter, **kwargs):
        self.blitter = blitter
        super().__init__(update, controls, fig, **kwargs)

    def _render(self) -> None:
        """Render through the blitter; sets ``png`` and the image widget like every explorer."""
        self.png = self.blitter.png()
        self.image.value = self.png
        self.renders += 1
