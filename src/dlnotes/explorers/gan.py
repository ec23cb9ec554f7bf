"""A GAN you can watch (chapter 10), after GAN Lab: a generator and a discriminator on 2-D toy data.

The main panel shows, like GAN Lab, the real points (green) and the generated points
(purple) over the discriminator's decision surface D(x) (green where D says "real",
purple where it says "fake"), the generator's warped noise grid (the image of a square
grid of noise vectors under G: the manifold it has learned) and, on some generated points,
an arrow −∂L_G/∂x: where the generator's loss pushes that point. Beside it: both players'
losses and the energy distance between generated and real samples, over the generator steps.

Every setting is reproducible: moving a control goes back to the same seeded start and
trains *train rounds* rounds at once (on release, with a progress bar). From there, *Play*
keeps training, and *D step* / *G step* make one move of one player, so the game can be
followed move by move. :class:`GanLab` caches one :class:`~dlnotes.generative.ToyGAN` per
(target, noise dimension, loss) and rewinds it with ``reset()``, so a move costs training
time only, not rebuilding and retracing the TensorFlow graphs.
"""

from __future__ import annotations

import time

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.ticker import MaxNLocator

from dlnotes.config import size
from dlnotes.explorers.base import (button, dropdown, few_log_ticks, free_figure, int_slider, log_slider, play_button,
                                   register)
from dlnotes.explorers.blit import BlitExplorer, Blitter

__all__ = ["GanLab", "LOSSES", "TARGET_LABELS", "gan_lab"]

TARGET_LABELS = {"ring of 8 Gaussians": "ring", "line": "line", "two moons": "moons"}
"""Dropdown label -> :data:`dlnotes.generative.TARGETS` name."""
LOSSES = {"non-saturating: −log D(G(z))": "nonsaturating", "minimax: log(1 − D(G(z)))": "minimax"}
"""Dropdown label -> generator loss of :func:`dlnotes.generative.generator_loss`."""

REAL_COLOR, FAKE_COLOR = "#1b7837", "#762a83"
SURFACE = LinearSegmentedColormap.from_list("gan_surface", ["#c2a5cf", "#f7f7f7", "#a6dba0"])  # fake .. real
EXTENT = (-1.6, 1.6, -1.6, 1.6)
N_SHOWN = 300
N_ARROWS = 60
ARROW_GAIN, ARROW_CAP = 0.08, 0.35  # arrow length = gain · |gradient|, at most cap (plot units)
TICK_ROUNDS = 10  # rounds trained per Play tick
MAX_CACHED = 6


class GanLabView:
    """The figure: the data plane (surface, points, warped grid, arrows) and the loss / distance curves."""

    def __init__(self, grid: int):
        self.fig = fig = free_figure(figsize=(10.0, 4.9))
        self.grid = grid
        self.xs = np.linspace(EXTENT[0], EXTENT[1], grid)
        self.ys = np.linspace(EXTENT[2], EXTENT[3], grid)
        self.ax = fig.add_axes([0.035, 0.07, 0.45, 0.83])
        self.ax.set_xlim(EXTENT[:2])
        self.ax.set_ylim(EXTENT[2:])
        self.ax.set_aspect("equal")
        self.ax.set_xticks([])
        self.ax.set_yticks([])
        self.surface = self.ax.imshow(np.full((grid, grid), 0.5), origin="lower", extent=EXTENT, cmap=SURFACE,
                                      vmin=0.0, vmax=1.0, interpolation="bilinear")
        self.manifold = LineCollection([], colors="#9e9ac8", linewidths=0.8, alpha=0.9)
        self.ax.add_collection(self.manifold)
        self.real = self.ax.scatter([], [], s=9, color=REAL_COLOR, alpha=0.7, linewidths=0)
        self.fake = self.ax.scatter([], [], s=9, color=FAKE_COLOR, alpha=0.8, linewidths=0)
        self.arrows = self.ax.quiver(np.zeros(N_ARROWS), np.zeros(N_ARROWS), np.zeros(N_ARROWS), np.zeros(N_ARROWS),
                                     angles="xy", scale_units="xy", scale=1.0, color="#40004b", width=0.004)
        self.banner = self.ax.text(0.5, 0.5, "", transform=self.ax.transAxes, ha="center", va="center", fontsize=11,
                                   color="#b00020", bbox=dict(fc="white", ec="#b00020"))
        self.ax.set_title("green: real · purple: generated · background: D(x) · lines: G(noise grid)", fontsize=9)
        self.settings = fig.text(0.035, 0.015, "", fontsize=9, color="#333333")

        self.ax_loss = fig.add_axes([0.56, 0.58, 0.42, 0.32])
        # Curves are blitted over the cached axes, so they sit above the axes' lines (zorder 2.5) in a full redraw too.
        (self.d_line,) = self.ax_loss.plot([], [], color=REAL_COLOR, lw=1.0, label="D loss", zorder=3)
        (self.g_line,) = self.ax_loss.plot([], [], color=FAKE_COLOR, lw=1.0, label="G loss", zorder=3)
        self.ax_loss.legend(fontsize=8, loc="upper right")
        self.ax_loss.set_title("what each player minimises", fontsize=9)
        self.ax_dist = fig.add_axes([0.56, 0.12, 0.42, 0.32])
        (self.dist_line,) = self.ax_dist.plot([], [], "o-", color="#333333", lw=1.0, ms=2.5, zorder=3)
        self.ax_dist.set_yscale("log")
        self.ax_dist.set_ylim(1e-3, 3.0)
        few_log_ticks(self.ax_dist.yaxis, [1e-3, 1e-2, 1e-1, 1.0])
        self.ax_dist.set_title("energy distance, generated vs real (lower is better)", fontsize=9)
        self.ax_dist.set_xlabel("generator steps", fontsize=8, labelpad=1)
        for a in (self.ax_loss, self.ax_dist):
            a.tick_params(labelsize=7, length=2, pad=1)
            a.xaxis.set_major_locator(MaxNLocator(4, integer=True))
            a.set_xlim(0, 100)
        self.ax_loss.set_ylim(-3, 3)
        self.ax_loss.yaxis.set_major_locator(MaxNLocator(4))
        self.counter = fig.text(0.56, 0.975, "", fontsize=10, weight="bold", va="top")
        # In the order a full redraw paints them (z-order, then insertion): the plane's spines over its contents.
        self.blitter = Blitter(fig, [self.surface, self.manifold, self.real, self.fake, self.arrows,
                                     *self.ax.spines.values(), self.banner, self.settings, self.d_line, self.g_line,
                                     self.dist_line, self.counter])

    def draw(self, lab: "GanLab") -> None:
        """Update every artist from the explorer's current GAN and histories."""
        gan = lab.gan
        with np.errstate(all="ignore"):
            self.surface.set_data(np.nan_to_num(gan.decision_surface(self.xs, self.ys), nan=0.5))
            self.real.set_offsets(gan.x_eval[:N_SHOWN])
            fake = gan.generate(gan.z_eval[:N_SHOWN])
            self.fake.set_offsets(np.nan_to_num(fake, nan=0.0, posinf=9.0, neginf=-9.0))
            self.manifold.set_segments(list(np.clip(np.nan_to_num(gan.manifold(), nan=0.0), -9, 9)))
            pts, grad = gan.sample_gradients(gan.z_eval[:N_ARROWS])
            norm = np.linalg.norm(grad, axis=1, keepdims=True)
            length = np.minimum(ARROW_GAIN * norm, ARROW_CAP)
            vec = np.where(norm > 0, grad / np.where(norm > 0, norm, 1.0), 0.0) * length
            self.arrows.set_offsets(np.nan_to_num(pts, nan=0.0))
            self.arrows.set_UVC(np.nan_to_num(vec[:, 0]), np.nan_to_num(vec[:, 1]))
        self.banner.set_text("training diverged (a loss is not finite):\nlower the learning rates" if gan.diverged else "")
        h = gan.history
        self.d_line.set_data(h["d_x"], h["d_loss"])
        self.g_line.set_data(h["g_x"], h["g_loss"])
        qx, qy = zip(*lab.quality_history) if lab.quality_history else ((), ())
        self.dist_line.set_data(qx, np.maximum(np.asarray(qy, float), 1.1e-3))
        right = max(100, gan.g_updates)
        top = 2.0 ** np.ceil(np.log2(right))
        for a in (self.ax_loss, self.ax_dist):
            if a.get_xlim()[1] != top:
                a.set_xlim(0, top)
                self.blitter.stale = True
        losses = np.asarray(h["d_loss"][-2000:] + h["g_loss"][-2000:], float)
        losses = losses[np.isfinite(losses)]
        lo, hi = (float(losses.min()), float(losses.max())) if losses.size else (0.0, 1.0)
        lo, hi = np.floor(min(lo, 0.0)), np.ceil(max(hi, 1.0))
        if self.ax_loss.get_ylim() != (lo, hi):
            self.ax_loss.set_ylim(lo, hi)
            self.blitter.stale = True
        lr = f"D: lr {gan.lr_d:.2g}, {gan.d_steps} step{'s' if gan.d_steps > 1 else ''} per round · G: lr {gan.lr_g:.2g}"
        grid = " (grid over z₁, z₂; the rest 0)" if gan.noise_dim > 2 else ""
        loss = "non-saturating" if gan.loss == "nonsaturating" else gan.loss
        self.settings.set_text(f"{lr} · {loss} loss · {gan.noise_dim}-D noise{grid}")
        self.counter.set_text(f"generator steps {gan.g_updates:,} · discriminator steps {gan.d_updates:,}")


class GanLab(BlitExplorer):
    """The GAN explorer: controls, Play and one-move buttons driving a cached :class:`~dlnotes.generative.ToyGAN`."""

    def __init__(self, seed: int = 0, interval_ms: int = 150):
        self.seed = int(seed)
        self._cache: dict = {}
        self.gan = None
        self.quality_history: list[tuple[int, float]] = []
        self.last_quality: dict = {}
        self.ms_per_round = float("nan")
        self.view = GanLabView(size(full=48, smoke=24))
        self.play = play_button(interval_ms)
        controls = {
            "target": dropdown("real data", list(TARGET_LABELS.items()), "ring"),
            "loss": dropdown("generator loss", list(LOSSES.items()), "nonsaturating"),
            "noise_dim": int_slider("noise dimension", 1, 4, 2),
            "lr_d": log_slider("D learning rate", 1e-4, 1e-1, 1e-3),
            "lr_g": log_slider("G learning rate", 1e-4, 1e-1, 1e-3),
            "d_steps": int_slider("D steps per G step", 1, 5, 1),
            "rounds": int_slider("train rounds", 0, size(full=3000, smoke=300), 0, step=100,
                                 unit="at once"),
        }
        buttons = {
            "d_step": (button("D step", "step-forward"), self._d_step),
            "g_step": (button("G step", "step-forward"), self._g_step),
            "reset": (button("reset", "refresh"), self._reset),
        }
        super().__init__(self._update, controls, self.view.fig, blitter=self.view.blitter, buttons=buttons,
                         expensive=True, title="A GAN on 2-D data (after GAN Lab)", extra=[self.play])
        self.animate(self.play, self._tick, stop=lambda: self.gan.diverged)

    # -- the GAN for a setting -----------------------------------------------------------------
    def _gan_for(self, target, noise_dim, loss, lr_d, lr_g, d_steps):
        from dlnotes.generative import ToyGAN  # TensorFlow loads with the first GAN, not on import

        key = (target, int(noise_dim), loss)
        gan = self._cache.pop(key, None)
        if gan is None:
            gan = ToyGAN(target, noise_dim=int(noise_dim), loss=loss, lr_d=lr_d, lr_g=lr_g, d_steps=int(d_steps),
                         seed=self.seed)
        self._cache[key] = gan  # most recently used last
        while len(self._cache) > MAX_CACHED:
            self._cache.pop(next(iter(self._cache)))
        gan.set(lr_d=lr_d, lr_g=lr_g, d_steps=int(d_steps))
        gan.reset()
        return gan

    def _measure(self):
        self.last_quality = self.gan.quality()
        self.quality_history.append((self.gan.g_updates, self.last_quality["energy"]))

    # -- actions (each runs inside Explorer's guard, then the figure is re-rendered) -------------
    def _update(self, target, loss, noise_dim, lr_d, lr_g, d_steps, rounds, progress=None):
        if getattr(self, "play", None) is not None:
            self.play.playing = False  # a new setting starts paused
        self.gan = self._gan_for(target, noise_dim, loss, lr_d, lr_g, d_steps)
        self.quality_history = []
        self._measure()
        self._train(int(rounds), progress)
        self.view.draw(self)
        status = self._status()
        if progress is not None:  # the bar ends full, also for 0 rounds or a run that diverged early
            progress(1, 1, status.split(" · ")[0])
        return status

    def _train(self, rounds, progress=None):
        if rounds <= 0:
            return
        t0 = time.perf_counter()

        def report(done, total, text):
            self._measure()
            if progress is not None:
                progress(done, total, text)

        done = self.gan.train(rounds, progress=report)
        if done:
            self.ms_per_round = (time.perf_counter() - t0) * 1e3 / done

    def _d_step(self, **values):
        self.gan.d_step()
        self.view.draw(self)
        return self._status("one discriminator step: the surface moved, the points did not")

    def _g_step(self, **values):
        self.gan.g_step()
        self._measure()
        self.view.draw(self)
        return self._status("one generator step: the points moved along the arrows, the surface did not")

    def _reset(self, **values):
        self.play.playing = False
        self.gan.reset()
        self.quality_history = []
        self._measure()
        self.view.draw(self)
        return self._status()

    def _tick(self, **values):
        self._train(TICK_ROUNDS)
        self.view.draw(self)
        return self._status()

    def _status(self, note: str = "") -> str:
        gan, q = self.gan, self.last_quality
        if gan.diverged:
            return "Training diverged (a loss became inf or NaN): lower the learning rates and move any control."
        text = f"generator steps {gan.g_updates}: energy distance {q.get('energy', float('nan')):.3g}"
        if "modes" in q:
            text += f", modes covered {q['modes']}/8, {q['near_share']:.0%} of points near a mode"
        if np.isfinite(self.ms_per_round):
            text += f" · {self.ms_per_round:.1f} ms per round"
        return f"{text}. {note}" if note else text


@register
def gan_lab() -> GanLab:
    """The chapter-10 GAN explorer: data, loss, noise dimension, learning rates, D steps → the game, move by move."""
    return GanLab()
