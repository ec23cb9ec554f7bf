"""Fast explorer rendering by blitting (局部重绘): redraw only the artists that move.

Most of a figure's drawing time goes into text (tick labels, titles, boxes). When only a
few artists change per update, :class:`Blitter` draws the rest once into a cached
background and, on every later frame, restores it and draws just the moving artists.
:class:`BlitExplorer` is an :class:`~dlnotes.explorers.base.Explorer` that renders this way.

Blitting is kept where ``make bench`` shows it pays (a full redraw at least 1.5 times slower):
the playground's Play animation, the computational graph and the initialiser histograms.
A blitted frame must equal a full redraw (:meth:`Blitter.full_png`); the explorer contract
test compares the two.
"""

from __future__ import annotations

from matplotlib.backends.backend_agg import FigureCanvasAgg

from dlnotes.explorers.base import Explorer, canvas_png, freeze_layout

__all__ = ["BlitExplorer", "Blitter"]


class Blitter:
    """Renders ``fig`` to PNG, redrawing the static background only when ``stale`` is set."""

    def __init__(self, fig, dynamic):
        self.fig = fig
        # A full redraw paints an axes' spines over its content: so must a blitted frame.
        holders = {a.axes for a in dynamic}
        spines = [s for ax in fig.axes if ax in holders and ax.axison for s in ax.spines.values() if s not in dynamic]
        # Painted in the order of a full redraw: axes by axes, each by zorder (ties keep the given order).
        position = {ax: i for i, ax in enumerate(fig.axes)}
        self.dynamic = sorted([*dynamic, *spines], key=lambda a: (position.get(a.axes, len(position)), a.get_zorder()))
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
        for artist in self.dynamic:
            artist.draw(renderer)
        return canvas_png(canvas)

    def full_png(self) -> bytes:
        """The same frame drawn the plain way: every artist in z-order, no cached background.

        Tests compare it with :meth:`png`; ``make bench`` times both.
        """
        canvas = self.fig.canvas
        if self._background is None:
            freeze_layout(self.fig, canvas)  # as png() does, so both frames share one layout
        for artist in self.dynamic:
            artist.set_animated(False)
        try:
            canvas.draw()
        finally:
            for artist in self.dynamic:
                artist.set_animated(True)
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
