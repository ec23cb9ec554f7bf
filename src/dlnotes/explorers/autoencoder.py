"""Autoencoder explorers (chapter 10): walk the 2-D latent space; watch a denoising autoencoder clean digits.

- :func:`latent_explorer`: two sliders (z₁, z₂) move a point over the test digits' codes,
  coloured by digit; the decoder's image of that point is drawn beside it as you drag.
- :func:`denoise_explorer`: a noise slider corrupts a row of test digits; the denoising
  autoencoder's outputs are drawn under them, with both errors against the clean images.

Called without arguments, the factories train small models on MNIST once per session
(:func:`default_autoencoders`); the notebook passes the models it trained.

:mod:`dlnotes.generative` (TensorFlow) is imported inside the functions that use it, so that
discovering the explorers does not load TensorFlow.
"""

from __future__ import annotations

import functools

import numpy as np
from matplotlib import colormaps

from dlnotes.config import size
from dlnotes.explorers.base import figure, free_figure, int_slider, register, slider
from dlnotes.explorers.blit import BlitExplorer, Blitter
from dlnotes.figures import mosaic

__all__ = ["DenoiseExplorer", "LatentExplorer", "default_autoencoders", "denoise_explorer", "latent_explorer"]

DIGIT_COLORS = np.array([[0.12, 0.47, 0.71], [1.0, 0.5, 0.05], [0.17, 0.63, 0.17], [0.84, 0.15, 0.16],
                         [0.58, 0.4, 0.74], [0.55, 0.34, 0.29], [0.89, 0.47, 0.76], [0.5, 0.5, 0.5],
                         [0.74, 0.74, 0.13], [0.09, 0.75, 0.81]])
"""One colour per digit 0-9 (matplotlib's tab10)."""


@functools.lru_cache(maxsize=1)
def default_autoencoders():
    """``(encoder, decoder, denoiser, x_test, y_test)``: a 2-D autoencoder and a denoising one, trained once.

    The same recipes as the chapter (sizes through :func:`dlnotes.size`), on the first training
    images of MNIST; the test images and labels are the first 2,000 of the test set.
    """
    from dlnotes.data import load_mnist
    from dlnotes.generative import dense_autoencoder, train_autoencoder
    from dlnotes.keras_models import normalize

    (x_tr, _), (x_te, y_te) = load_mnist()
    x = normalize(x_tr[: size(full=20000, smoke=2000)])
    epochs = size(full=5, smoke=2)
    auto, encoder, decoder = dense_autoencoder(code_dim=2)
    train_autoencoder(auto, x, epochs=epochs, batch_size=64, lr=3e-3)
    denoiser, _, _ = dense_autoencoder(code_dim=32, hidden=(256,), seed=1)
    train_autoencoder(denoiser, x, epochs=epochs, batch_size=64, lr=3e-3, noise=0.5, seed=1)
    return encoder, decoder, denoiser, normalize(x_te[:2000]), np.asarray(y_te[:2000]).astype(int)


class LatentExplorer(BlitExplorer):
    """Sliders z₁, z₂ over the 2-D code space; the decoded image of (z₁, z₂) beside the test codes."""

    def __init__(self, encoder, decoder, x, y, *, n_points: int = 2000, neighbours: int = 15):
        x = np.asarray(x, dtype=np.float32)[:n_points]
        y = np.asarray(y).astype(int)[:n_points]
        if x.ndim != 2 or len(x) != len(y):
            raise ValueError(f"x must be images (N, 784) with N labels y; got x {x.shape} and y {y.shape}")
        from dlnotes.generative import outputs

        self.codes = outputs(encoder, x)
        if self.codes.ndim != 2 or self.codes.shape[1] != 2:
            raise ValueError(f"the latent explorer needs an encoder with a 2-D code; this one gives {self.codes.shape[1:]}")
        self.decoder, self.labels, self.neighbours = decoder, y, min(int(neighbours), len(y))
        lo, hi = np.percentile(self.codes, [0.5, 99.5], axis=0)
        pad = 0.08 * (hi - lo)
        lo, hi = lo - pad, hi + pad
        start = np.median(self.codes[y == y[0]], axis=0)

        fig = free_figure(figsize=(8.6, 4.2))
        ax_codes = fig.add_axes([0.07, 0.11, 0.5, 0.8])
        ax_img = fig.add_axes([0.62, 0.16, 0.36, 0.7])
        ax_codes.scatter(self.codes[:, 0], self.codes[:, 1], s=5, c=DIGIT_COLORS[y], alpha=0.6, linewidths=0)
        for d in range(10):
            if np.any(y == d):
                cx, cy = np.median(self.codes[y == d], axis=0)
                ax_codes.text(cx, cy, str(d), fontsize=13, weight="bold", color=DIGIT_COLORS[d], ha="center",
                              va="center", bbox=dict(boxstyle="circle,pad=0.15", fc="white", ec="none", alpha=0.7))
        ax_codes.set_xlim(lo[0], hi[0])
        ax_codes.set_ylim(lo[1], hi[1])
        ax_codes.set_xlabel("z₁", fontsize=10)
        ax_codes.set_ylabel("z₂", fontsize=10)
        ax_codes.set_title("codes of test digits (coloured by label)", fontsize=10)
        ax_codes.tick_params(labelsize=8)
        # Blitted over the cached scatter: above the axes' lines (zorder 2.5) in a full redraw too.
        (self.marker,) = ax_codes.plot([], [], marker="X", ms=14, color="black", mec="white", mew=1.5, zorder=3)
        self.picture = ax_img.imshow(np.zeros((28, 28)), cmap="gray_r", vmin=0.0, vmax=1.0, interpolation="nearest")
        ax_img.set_axis_off()
        self.caption = ax_img.set_title("", fontsize=10)
        self.near = ax_img.text(0.5, -0.06, "", transform=ax_img.transAxes, ha="center", va="top", fontsize=10)
        blitter = Blitter(fig, [self.marker, self.picture, self.caption, self.near])
        controls = {
            "z1": slider("z₁", float(lo[0]), float(hi[0]), float((hi[0] - lo[0]) / 100), float(start[0])),
            "z2": slider("z₂", float(lo[1]), float(hi[1]), float((hi[1] - lo[1]) / 100), float(start[1])),
        }
        super().__init__(self._update, controls, fig, blitter=blitter, title="The 2-D latent space")

    def decode(self, z1: float, z2: float) -> np.ndarray:
        """The decoder's 28×28 image of the code (z1, z2)."""
        from dlnotes.generative import outputs

        return outputs(self.decoder, [[z1, z2]]).reshape(28, 28)

    def _update(self, z1, z2):
        from dlnotes.generative import nearest_labels

        self.decoded = self.decode(z1, z2)
        self.picture.set_data(self.decoded)
        self.marker.set_data([z1], [z2])
        self.caption.set_text(f"decoder(z) at z = ({z1:.2f}, {z2:.2f})")
        d, count = nearest_labels(self.codes, self.labels, [z1, z2], self.neighbours)
        self.near.set_text(f"nearest {self.neighbours} test codes: {count} are {d}s")
        return f"z = ({z1:.2f}, {z2:.2f}); the {self.neighbours} nearest test codes are mostly {d}s ({count} of them)"


class DenoiseExplorer(BlitExplorer):
    """A noise slider over a row of test digits: clean, noisy, and the denoising autoencoder's output."""

    def __init__(self, denoiser, x, *, per_row: int = 6, seed: int = 0):
        self.x = np.asarray(x, dtype=np.float32)
        if self.x.ndim != 2 or self.x.shape[1] != 784 or len(self.x) < per_row:
            raise ValueError(f"x must hold at least {per_row} flattened images (N, 784), got shape {self.x.shape}")
        self.denoiser, self.per_row, self.seed = denoiser, int(per_row), int(seed)
        fig, ax = figure(figsize=(7.2, 3.6))
        self.picture = ax.imshow(np.zeros((3 * 28 + 2, per_row * 28 + per_row - 1)), vmin=0, vmax=1,
                                 cmap=colormaps["gray_r"].with_extremes(bad="white"), interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([14, 14 + 29, 14 + 58], ["clean x", "noisy input", "output y"], fontsize=10)
        ax.tick_params(length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        self.caption = ax.set_title("", fontsize=10)
        controls = {
            "noise": slider("noise σ", 0.0, 1.0, 0.05, 0.5),
            "page": int_slider("test images", 0, len(self.x) // per_row - 1, 0, unit="page"),
        }
        blitter = Blitter(fig, [self.picture, self.caption])
        super().__init__(self._update, controls, fig, blitter=blitter, title="A denoising autoencoder")

    def _update(self, noise, page):
        from dlnotes.generative import add_noise, outputs, pixel_error

        clean = self.x[page * self.per_row:(page + 1) * self.per_row]
        noisy = add_noise(clean, noise, seed=self.seed + page)
        out = outputs(self.denoiser, noisy)
        rows = np.concatenate([clean, noisy, out]).reshape(-1, 28, 28).transpose(1, 2, 0)
        self.picture.set_data(mosaic(rows, cols=self.per_row, scale=False))
        self.errors = (pixel_error(noisy, clean), pixel_error(out, clean))
        self.caption.set_text(f"noise σ = {noise:.2f}: squared error per pixel, noisy {self.errors[0]:.4f} · "
                              f"denoised {self.errors[1]:.4f}")
        return (f"noise σ {noise:.2f}: the noisy images differ from the clean ones by {self.errors[0]:.4f} per pixel "
                f"(squared), the denoised ones by {self.errors[1]:.4f}")


@register
def latent_explorer(encoder=None, decoder=None, x=None, y=None) -> LatentExplorer:
    """Explore a 2-D autoencoder's code space; without arguments, a small autoencoder trained on MNIST."""
    if encoder is None:
        encoder, decoder, _, x, y = default_autoencoders()
    return LatentExplorer(encoder, decoder, x, y)


@register
def denoise_explorer(denoiser=None, x=None) -> DenoiseExplorer:
    """Add noise to test digits and see a denoising autoencoder remove it; without arguments, a small one on MNIST."""
    if denoiser is None:
        _, _, denoiser, x, _ = default_autoencoders()
    return DenoiseExplorer(denoiser, x)
