"""Fast explorer rendering by blitting (局部重绘): redraw only the artists that move.

Most of a figure's drawing time goes into text (tick labels, titles, boxes). When only a
few artists change per update, :class:`Blitter` draws the rest once into a cached
background and, on every later frame, restores it and draws just the moving artists.
:class:`BlitExplorer` is an :class:`~dlnotes.explorers.base.Explorer` that renders this way.
"""

from __future__ import annotations

from matplotlib.backends.backend_agg import FigureCanvasAgg

from dlnotes.explorers.base import Explorer, canvas_png, freeze_layout

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
            if self._background is None:
                freeze_layout(self.fig, canvas)  # so the cached background stays put
            canvas.draw()
            self._background = canvas.copy_from_bbox(self.fig.bbox)
            self._size = size
            self.stale = False
            self.full_redraws += 1
        else:
            canvas.restore_region(self._background)
        renderer = canvas.get_renderer()
        for artist in sorted(self.dynamic, key=lambda a: a.get_zorder()):  # as a full draw would order them
            artist.draw(renderer)
        return canvas_png(canvas)


class BlitExplorer(Explorer):
    """An Explorer whose figure is rendered by a :class:`Blitter` (pass ``blitter=``)."""

    def __init__(self, update, controls, fig, *, blitter: Blitter, **kwargs):
        self.blitter = blitter
        super().__init__(update, controls, fig, **kwargs)

    def _render(self) -> None:
        """Render through the blitter; sets ``png`` and the image widget like every explorer."""
        self._show(self.blitter.png())
