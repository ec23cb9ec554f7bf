"""Chapter 09 explorer: inside a Keras CNN — its first-layer filters and every conv/pool layer's feature maps (特征图).

The numbers come from :func:`dlnotes.evaluation.feature_maps`; the tiles from
:func:`dlnotes.figures.mosaic`. TensorFlow is imported when the explorer is built, not
when this module is imported (it takes seconds).
"""

from __future__ import annotations

import numpy as np

from dlnotes.data import load_mnist
from dlnotes.evaluation import feature_maps
from dlnotes.explorers.base import Explorer, dropdown, figure, int_slider, register, show_image
from dlnotes.figures import mosaic
from dlnotes.keras_models import cnn

__all__ = ["cnn_feature_explorer"]


@register
def cnn_feature_explorer(model=None, images=None, labels=None) -> Explorer:
    """Pick a digit and a layer of the compact CNN; see its first-layer filters or feature maps (特征图).

    With no model, an untrained CNN (seeded random filters) is used, so the explorer runs
    anywhere; chapter 09 passes its trained network. ``images``: (N, 28, 28, 1) floats.
    """
    import keras  # TensorFlow is heavy: imported only when the explorer is built

    trained = model is not None
    if model is None:
        keras.utils.set_random_seed(0)
        model = cnn()
    if images is None:
        _, (x_test, y_test) = load_mnist()
        images, labels = x_test[:16].astype(np.float32)[..., None] / 255.0, y_test[:16]
    images = np.asarray(images, dtype=np.float32)
    if images.ndim == 3:
        images = images[..., None]
    conv_names = [l.name for l in model.layers if len(l.output.shape) == 4]
    maps = feature_maps(model, images, conv_names)
    first_conv = next(l for l in model.layers if isinstance(l, keras.layers.Conv2D))
    kernels = np.asarray(first_conv.get_weights()[0])[:, :, 0, :]  # (3, 3, filters)

    fig, ax_img = figure(1, 1, figsize=(6.2, 2.3))
    grid = fig.add_gridspec(1, 2, width_ratios=[1, 2.6])  # a small input beside a wide mosaic
    ax_img.set_subplotspec(grid[0])
    ax_map = fig.add_subplot(grid[1])
    im_digit = ax_img.imshow(images[0, :, :, 0], cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    im_map = ax_map.imshow(mosaic(maps[conv_names[0]][0]), cmap="viridis", vmin=0, vmax=1, interpolation="nearest")
    for ax in (ax_img, ax_map):  # no ticks, and titles as plain text artists: both keep redraws cheap
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_frame_on(False)
    img_title = ax_img.text(0.5, 1.02, "", transform=ax_img.transAxes, ha="center", va="bottom", fontsize=9)
    map_title = ax_map.text(0.5, 1.02, "", transform=ax_map.transAxes, ha="center", va="bottom", fontsize=9)
    options = [(f"{n} feature maps {maps[n].shape[1]}×{maps[n].shape[2]}×{maps[n].shape[3]}", n) for n in conv_names]
    options.append((f"{first_conv.name} filters 3×3 ({kernels.shape[-1]})", "filters"))

    def update(digit, view):
        if not 0 <= digit < len(images):
            raise ValueError(f"digit index must be in 0..{len(images) - 1}")
        im_digit.set_data(images[digit, :, :, 0])
        img_title.set_text(f"input #{digit}" + (f" (label {int(labels[digit])})" if labels is not None else ""))
        if view == "filters":
            tiles = mosaic(kernels)
            what = f"the {kernels.shape[-1]} learned 3×3 filters of {first_conv.name}" if trained else "random (untrained) 3×3 filters"
        else:
            tiles = mosaic(maps[view][digit])
            what = f"{view}: {maps[view].shape[3]} channels of {maps[view].shape[1]}×{maps[view].shape[2]}"
        show_image(ax_map, im_map, tiles)
        map_title.set_text(what)

    controls = {"digit": int_slider("test digit", 0, len(images) - 1, 0), "view": dropdown("layer", options, conv_names[0])}
    return Explorer(update, controls, fig, title="Inside the CNN" + ("" if trained else " (untrained)"))
