"""Evaluating a trained classifier (模型评估): confusion matrix, precision / recall, mistakes, inside a CNN.

Keras 3 has no ``predict_classes`` / ``predict_proba`` (seed 004 used them): the class
probabilities are ``model.predict(x)`` and the predicted class is their ``np.argmax``
along the last axis. Everything here works on those arrays:

- :func:`confusion_matrix` — counts ``cm[true, predicted]`` (混淆矩阵);
- :func:`precision_recall` — per-class precision (精确率) and recall (召回率);
- :func:`most_confident_mistakes` — wrong predictions the model was surest about;
- plotting helpers that draw on axes you pass in;
- :func:`feature_maps` and :func:`feature_map_explorer` — what each CNN layer computes.
"""

from __future__ import annotations

import numpy as np

from dlnotes.explorer import Explorer, dropdown, figure, int_slider, register

__all__ = [
    "confusion_matrix",
    "feature_map_explorer",
    "feature_maps",
    "most_confident_mistakes",
    "mosaic",
    "plot_confusion",
    "plot_mistakes",
    "plot_prediction",
    "precision_recall",
    "predict_classes",
    "predict_proba",
]


def predict_proba(model, x, batch_size: int = 1024) -> np.ndarray:
    """Class probabilities (N, C) of ``model`` on inputs ``x`` (N, ...): ``model.predict``."""
    return np.asarray(model.predict(x, batch_size=batch_size, verbose=0))


def predict_classes(probs) -> np.ndarray:
    """Predicted classes (N,) from probabilities (N, C): ``np.argmax`` along the last axis."""
    probs = np.asarray(probs)
    if probs.ndim != 2:
        raise ValueError(f"expected class probabilities of shape (N, C), got shape {probs.shape}")
    return probs.argmax(axis=1)


def _labels(y, name) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim == 2:  # one-hot
        y = y.argmax(axis=1)
    if y.ndim != 1 or not (np.issubdtype(y.dtype, np.integer) or np.all(y == np.round(y))):
        raise ValueError(f"{name} must be integer labels of shape (N,) or one-hot (N, C), got shape {y.shape}")
    return y.astype(np.int64)


def confusion_matrix(y_true, y_pred, classes: int = 10) -> np.ndarray:
    """Counts ``cm[i, j]`` of samples with true class i predicted as j: (classes, classes) int."""
    t, p = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if t.shape != p.shape:
        raise ValueError(f"y_true and y_pred must have the same length, got {len(t)} and {len(p)}")
    if t.size and (min(t.min(), p.min()) < 0 or max(t.max(), p.max()) >= classes):
        raise ValueError(f"labels must lie in 0..{classes - 1}")
    cm = np.zeros((classes, classes), dtype=np.int64)
    np.add.at(cm, (t, p), 1)
    return cm


def precision_recall(cm) -> tuple[np.ndarray, np.ndarray]:
    """Per-class precision = TP / predicted and recall = TP / actual, each (C,); 0 where undefined."""
    cm = np.asarray(cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"a confusion matrix is square (C, C), got shape {cm.shape}")
    tp = np.diag(cm).astype(float)
    predicted, actual = cm.sum(axis=0).astype(float), cm.sum(axis=1).astype(float)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    recall = np.divide(tp, actual, out=np.zeros_like(tp), where=actual > 0)
    return precision, recall


def most_confident_mistakes(probs, y_true, k: int = 12) -> np.ndarray:
    """Indices (≤ k,) of wrong predictions, most confident first (highest probability of the wrong class)."""
    probs = np.asarray(probs)
    y = _labels(y_true, "y_true")
    pred = predict_classes(probs)
    if len(pred) != len(y):
        raise ValueError(f"probs and y_true must have the same length, got {len(pred)} and {len(y)}")
    wrong = np.flatnonzero(pred != y)
    confidence = probs[wrong, pred[wrong]]
    return wrong[np.argsort(-confidence, kind="stable")[: int(k)]]


# --- plots (on axes the caller owns) -------------------------------------------------------------
def plot_confusion(cm, ax, class_names=None):
    """Draw the confusion matrix with counts in the cells; returns the image artist."""
    cm = np.asarray(cm)
    n = cm.shape[0]
    names = list(class_names) if class_names is not None else [str(i) for i in range(n)]
    off = cm.astype(float).copy()
    np.fill_diagonal(off, np.nan)  # colour the mistakes; the diagonal would swamp the scale
    im = ax.imshow(off, cmap="Reds")
    for i in range(n):
        for j in range(n):
            ax.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=7,
                    color="black" if i != j else "#1a7f37", fontweight="bold" if i == j else "normal")
    ax.set(xticks=range(n), yticks=range(n), xlabel="predicted", ylabel="true")
    ax.set_xticklabels(names, rotation=45 if max(len(s) for s in names) > 2 else 0, fontsize=8)
    ax.set_yticklabels(names, fontsize=8)
    return im


def plot_mistakes(images, y_true, probs, indices, axes, class_names=None):
    """Show ``images[indices]`` on ``axes`` (flat array) titled 'true→pred (p)'."""
    y = _labels(y_true, "y_true")
    names = class_names or [str(i) for i in range(np.asarray(probs).shape[1])]
    pred = predict_classes(probs)
    axes = np.ravel(axes)
    for ax in axes:
        ax.axis("off")
    for ax, i in zip(axes, indices):
        ax.imshow(np.asarray(images[i]).reshape(28, 28), cmap="gray_r")
        ax.set_title(f"{names[y[i]]}→{names[pred[i]]} ({probs[i, pred[i]]:.2f})", fontsize=8, color="#b00020")


def plot_prediction(image, probs, ax_image, ax_bar, true_label=None, class_names=None):
    """One image beside the bar chart of its class probabilities (C,)."""
    probs = np.asarray(probs).ravel()
    names = class_names or [str(i) for i in range(len(probs))]
    ax_image.imshow(np.asarray(image).reshape(28, 28), cmap="gray_r")
    ax_image.axis("off")
    title = f"predicted {names[int(probs.argmax())]}"
    if true_label is not None:
        title += f" (true {names[int(true_label)]})"
    ax_image.set_title(title, fontsize=9)
    colors = ["#1f77b4"] * len(probs)
    colors[int(probs.argmax())] = "#d62728"
    ax_bar.bar(range(len(probs)), probs, color=colors)
    ax_bar.set(ylim=(0, 1), xticks=range(len(probs)), ylabel="probability")
    ax_bar.set_xticklabels(names, rotation=45 if max(len(s) for s in names) > 2 else 0, fontsize=8)


# --- inside a CNN -------------------------------------------------------------------------------
def feature_maps(model, images, layers=None) -> dict:
    """Outputs of the named layers for ``images`` (N, 28, 28, 1): name -> array (N, H, W, C)."""
    import keras

    names = list(layers) if layers is not None else [l.name for l in model.layers if len(l.output.shape) == 4]
    probe = keras.Model(model.inputs, [model.get_layer(n).output for n in names])
    # A direct call, not predict(): predict traces a new function for every probe model, and
    # TensorFlow warns about retracing once an explorer cell has been run five times.
    outs = probe([np.asarray(images, dtype=np.float32)], training=False)
    outs = outs if isinstance(outs, (list, tuple)) else [outs]
    return {n: keras.ops.convert_to_numpy(o) for n, o in zip(names, outs)}


def mosaic(maps, cols: int = 8, pad: int = 1) -> np.ndarray:
    """Tile channels (H, W, C) into one 2-D image (rows*(H+pad), cols*(W+pad)), each channel scaled to [0, 1]."""
    maps = np.asarray(maps, dtype=float)
    if maps.ndim != 3:
        raise ValueError(f"expected maps of shape (H, W, C), got {maps.shape}")
    h, w, c = maps.shape
    rows = -(-c // cols)
    out = np.full((rows * (h + pad) - pad, cols * (w + pad) - pad), np.nan)
    lo, hi = maps.min(axis=(0, 1)), maps.max(axis=(0, 1))
    span = np.where(hi - lo > 0, hi - lo, 1.0)
    scaled = (maps - lo) / span
    for k in range(c):
        r, q = divmod(k, cols)
        out[r * (h + pad): r * (h + pad) + h, q * (w + pad): q * (w + pad) + w] = scaled[:, :, k]
    return out


@register
def feature_map_explorer(model=None, images=None, labels=None) -> Explorer:
    """Pick a digit and a layer of the compact CNN; see its first-layer filters or feature maps (特征图).

    With no model, an untrained CNN (seeded random filters) is used, so the explorer runs
    anywhere; chapter 09 passes its trained network. ``images``: (N, 28, 28, 1) floats.
    """
    import keras

    from dlnotes.keras_models import cnn

    trained = model is not None
    if model is None:
        keras.utils.set_random_seed(0)
        model = cnn()
    if images is None:
        from dlnotes.data import load_mnist

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
        im_map.set_data(tiles)
        im_map.set_extent((-0.5, tiles.shape[1] - 0.5, tiles.shape[0] - 0.5, -0.5))
        ax_map.set_xlim(-0.5, tiles.shape[1] - 0.5)
        ax_map.set_ylim(tiles.shape[0] - 0.5, -0.5)
        map_title.set_text(what)

    controls = {"digit": int_slider("test digit", 0, len(images) - 1, 0), "view": dropdown("layer", options, conv_names[0])}
    explorer = Explorer(update, controls, fig, title="Inside the CNN" + ("" if trained else " (untrained)"))
    return explorer
