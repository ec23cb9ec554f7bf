"""Evaluating a trained classifier (模型评估): confusion matrix, precision / recall, mistakes, inside a CNN.

Keras 3 has no ``predict_classes`` / ``predict_proba`` (seed 004 used them): the class
probabilities are ``model.predict(x)`` and the predicted class is their ``np.argmax``
along the last axis. Everything here works on those arrays:

- :func:`confusion_matrix` — counts ``cm[true, predicted]`` (混淆矩阵);
- :func:`precision_recall` — per-class precision (精确率) and recall (召回率);
- :func:`most_confident_mistakes` — wrong predictions the model was surest about;
- :func:`feature_maps` — what each layer of a Keras CNN computes (特征图).

Their figures are drawn by :mod:`dlnotes.figures` (``plot_confusion``, ``plot_mistakes``,
``plot_prediction``, ``mosaic``); chapter 09's explorer is
:func:`dlnotes.explorers.keras_cnn.cnn_feature_explorer`.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "as_labels",
    "confusion_matrix",
    "feature_maps",
    "most_confident_mistakes",
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


def as_labels(y, name: str = "y") -> np.ndarray:
    """Integer class labels (N,) from labels (N,) or one-hot rows (N, C); ``name`` is used in errors."""
    y = np.asarray(y)
    if y.ndim == 2:  # one-hot
        y = y.argmax(axis=1)
    if y.ndim != 1 or not (np.issubdtype(y.dtype, np.integer) or np.all(y == np.round(y))):
        raise ValueError(f"{name} must be integer labels of shape (N,) or one-hot (N, C), got shape {y.shape}")
    return y.astype(np.int64)


def confusion_matrix(y_true, y_pred, classes: int = 10) -> np.ndarray:
    """Counts ``cm[i, j]`` of samples with true class i predicted as j: (classes, classes) int."""
    t, p = as_labels(y_true, "y_true"), as_labels(y_pred, "y_pred")
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
    y = as_labels(y_true, "y_true")
    pred = predict_classes(probs)
    if len(pred) != len(y):
        raise ValueError(f"probs and y_true must have the same length, got {len(pred)} and {len(y)}")
    wrong = np.flatnonzero(pred != y)
    confidence = probs[wrong, pred[wrong]]
    return wrong[np.argsort(-confidence, kind="stable")[: int(k)]]


# --- inside a CNN -------------------------------------------------------------------------------
def feature_maps(model, images, layers=None) -> dict:
    """Outputs of the named layers for ``images`` (N, 28, 28, 1): name -> array (N, H, W, C)."""
    import keras  # TensorFlow is heavy: imported only when a Keras model is probed

    names = list(layers) if layers is not None else [l.name for l in model.layers if len(l.output.shape) == 4]
    probe = keras.Model(model.inputs, [model.get_layer(n).output for n in names])
    # A direct call, not predict(): predict traces a new function for every probe model, and
    # TensorFlow warns about retracing once an explorer cell has been run five times.
    outs = probe([np.asarray(images, dtype=np.float32)], training=False)
    outs = outs if isinstance(outs, (list, tuple)) else [outs]
    return {n: keras.ops.convert_to_numpy(o) for n, o in zip(names, outs)}
