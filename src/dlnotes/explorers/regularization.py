"""Chapter 05 explorers: dropout and L2 on an overfitting task, batch norm on / off, early stopping.

They train the numpy :func:`dlnotes.network.MLP` (with the BatchNorm and Dropout layers of
:mod:`dlnotes.layers`) by :func:`dlnotes.training.train`, the loop chapter 04 taught, on
:func:`dlnotes.data.overfitting_data`, and draw the decision boundary with
:class:`dlnotes.figures.DecisionBoundary`.
"""

from __future__ import annotations

import numpy as np

from dlnotes.config import size
from dlnotes.data import Split, make_toy, overfitting_data
from dlnotes.explorers.base import Explorer, dropdown, figure, int_slider, log_slider, register, slider
from dlnotes.figures import DecisionBoundary, boundary_extent
from dlnotes.network import MLP
from dlnotes.optimizers import SGD, Momentum
from dlnotes.style import GOOD, GREY, NEUTRAL, TEST, TRAIN, log_axis
from dlnotes.training import EarlyStopping, train

__all__ = ["batchnorm_explorer", "early_stopping_explorer", "regularization_explorer"]


def _boundary(ax, data: Split) -> DecisionBoundary:
    """The decision boundary over ``data``: big dots the training set, faint small squares the test set."""
    boundary = DecisionBoundary(ax, boundary_extent(data.x_train, data.x_test), resolution=70, test_size=5,
                                test_alpha=0.35)
    boundary.set_points(data.x_train, data.y_train, data.x_test, data.y_test)
    boundary.test_points.set_linewidths(0)
    ax.set_xticks([])
    ax.set_yticks([])
    return boundary


def _loss_ylim(*curves):
    vals = np.concatenate([np.asarray(c, float) for c in curves if len(c)])
    vals = vals[np.isfinite(vals) & (vals > 0)]
    if vals.size == 0:
        return 1e-3, 10.0
    return max(vals.min() * 0.7, 1e-4), min(vals.max() * 1.4, 1e3)


@register
def regularization_explorer():
    """Dropout rate and L2 strength on a tiny noisy training set: train vs test loss and the decision boundary."""
    data = overfitting_data()
    fig, (ax_b, ax_c) = figure(1, 2, figsize=(5.8, 3.0))
    boundary = _boundary(ax_b, data)
    ax_b.set_title("boundary (dots: training set)")
    (l_train,) = ax_c.plot([], [], color=TRAIN, label="train")
    (l_test,) = ax_c.plot([], [], color=TEST, label="test")
    log_axis(ax_c.yaxis)
    ax_c.set_xlabel("epoch")
    ax_c.set_ylabel("loss (without the L2 term)")
    ax_c.legend(loc="lower left")

    def update(dropout, l2, epochs, progress):
        net = MLP(2, [100, 100], 2, activation="relu", dropout=dropout, l2=l2, seed=0)
        hist = train(net, data, Momentum(lr=0.05), epochs, batch_size=20, progress=progress)
        ep = np.arange(1, len(hist["train_loss"]) + 1)
        l_train.set_data(ep, hist["train_loss"])
        l_test.set_data(ep, hist["test_loss"])
        ax_c.set_xlim(0, max(epochs, 2))
        ax_c.set_ylim(*_loss_ylim(hist["train_loss"], hist["test_loss"]))
        with np.errstate(over="ignore", invalid="ignore"):
            boundary.show(net.probabilities(boundary.grid))
        tr, te = hist["train_loss"][-1], hist["test_loss"][-1]
        ax_c.set_title(f"dropout {dropout:.1f}, λ {l2:g}: gap {te - tr:.2f}")
        return (f"after {len(ep)} epochs: train loss {tr:.3f}, test loss {te:.3f} (gap {te - tr:.3f}); "
                f"train acc {hist['train_acc'][-1]:.0%}, test acc {hist['test_acc'][-1]:.0%}")

    controls = {
        "dropout": slider("dropout rate", 0.0, 0.8, 0.1, 0.0),
        "l2": slider("L2 strength λ", 0.0, 0.05, 0.001, 0.0, help="weight decay: λ/2·Σw² is added to the loss"),
        "epochs": int_slider("epochs", 20, 300, size(full=200, smoke=40), step=20),
    }
    return Explorer(update, controls, fig, expensive=True, title="Dropout and L2 vs overfitting")


@register
def batchnorm_explorer():
    """The same deep network trained with and without batch norm: loss and test accuracy per epoch."""
    data = make_toy("spiral3", n=450, noise=0.1, test_ratio=1 / 3, seed=0)
    fig, (ax_l, ax_a) = figure(1, 2, figsize=(5.8, 3.0))
    lines = {}
    for bn, color in ((False, GREY), (True, GOOD)):
        name = "with batch norm" if bn else "without"
        lines[bn] = (ax_l.plot([], [], color=color, label=name)[0], ax_a.plot([], [], color=color, label=name)[0])
    log_axis(ax_l.yaxis)
    ax_l.set_xlabel("epoch")
    ax_l.set_title("training loss")
    ax_a.set_xlabel("epoch")
    ax_a.set_ylim(0, 1.02)
    ax_a.axhline(1 / 3, color="k", lw=0.6, ls=":")
    ax_a.legend(loc="lower right")

    def update(initializer, lr, epochs, progress):
        notes, curves = [], []
        for i, bn in enumerate((False, True)):
            net = MLP(2, [50] * 5, 3, activation="relu", weight_init=initializer, batchnorm=bn, seed=0)

            def prog(done, total, text, i=i):
                progress(i * total + done, 2 * total, text)

            hist = train(net, data, SGD(lr=lr), epochs, batch_size=50, progress=prog,
                       label="with BN: " if bn else "without BN: ")
            ep = np.arange(1, len(hist["train_loss"]) + 1)
            ll, la = lines[bn]
            ll.set_data(ep, hist["train_loss"])
            la.set_data(ep, hist["test_acc"])
            curves.append(hist["train_loss"])
            name = "with BN" if bn else "without BN"
            if hist["diverged"]:
                notes.append(f"{name}: diverged at epoch {hist['diverged']}")
            else:
                notes.append(f"{name}: test acc {hist['test_acc'][-1]:.0%}")
        for ax in (ax_l, ax_a):
            ax.set_xlim(0, max(epochs, 2))
        ax_l.set_ylim(*_loss_ylim(*curves))
        ax_a.set_title(f"test accuracy, lr {lr:.2g}")
        return " · ".join(notes)

    controls = {
        "initializer": dropdown("kernel_initializer", ["random_normal", "random_uniform", "glorot_normal", "he_normal"],
                                "random_normal", help="how the weights of the five hidden layers are drawn"),
        "lr": log_slider("learning rate", 1e-3, 1.0, 0.05),
        "epochs": int_slider("epochs", 10, 150, size(full=60, smoke=10), step=10),
    }
    return Explorer(update, controls, fig, expensive=True, title="Batch normalization on / off")


@register
def early_stopping_explorer():
    """Patience and min_delta on a recorded overfitting run: where training stops and which weights come back."""
    full = overfitting_data()  # the same 40 training points as the dropout / L2 explorer
    half = len(full.x_test) // 2
    data = Split(full.x_train, full.y_train, full.x_test[:half], full.y_test[:half])  # test part = validation
    epochs = size(full=200, smoke=100)
    net = MLP(2, [100, 100], 2, activation="relu", seed=0)
    hist = train(net, data, Momentum(lr=0.05), epochs, batch_size=20, snapshots=True)
    val = np.array(hist["test_loss"])
    ep = np.arange(1, len(val) + 1)

    fig, (ax_c, ax_b) = figure(1, 2, figsize=(5.8, 3.2))
    ax_c.plot(ep, hist["train_loss"], color=TRAIN, label="train")
    ax_c.plot(ep, val, color=TEST, label="validation")
    log_axis(ax_c.yaxis)
    ax_c.set_ylim(*_loss_ylim(hist["train_loss"], val))
    ax_c.set_xlim(0, len(val) + 1)
    stop_line = ax_c.axvline(len(val), color="k", lw=1.2)
    (best_dot,) = ax_c.plot([], [], "o", ms=8, mfc="none", mec=GOOD, mew=2)
    shade = ax_c.axvspan(len(val), len(val) + 1, color=NEUTRAL, alpha=0.3, lw=0, zorder=2.2)  # greys the curves after the stop
    ax_c.set_xlabel("epoch")
    ax_c.set_ylabel("loss")
    ax_c.legend(loc="lower left")
    ax_c.locator_params(axis="x", nbins=5)
    c_title = ax_c.set_title("")
    boundary = _boundary(ax_b, data)
    b_title = ax_b.set_title("")
    restored = {}  # best epoch -> class-1 probability over the boundary's grid

    def update(patience, min_delta):
        es = EarlyStopping(patience=int(patience), min_delta=min_delta)
        stop = es.run(val)
        best = es.best_epoch
        stop_line.set_xdata([stop, stop])
        shade.set_x(stop)
        shade.set_width(max(len(val) + 1 - stop, 0))
        best_dot.set_data([best], [val[best - 1]])
        for k, v in net.params.items():
            v[...] = hist["snapshots"][best - 1][k]
        if best not in restored:  # each epoch's boundary is computed once (a third of an update's time)
            with np.errstate(over="ignore", invalid="ignore"):
                restored[best] = net.probabilities(boundary.grid)[:, 1].copy()
        boundary.show(restored[best])
        b_title.set_text(f"epoch {best} restored (stop: {stop})")
        c_title.set_text(f"patience {int(patience)}, min_delta {min_delta:.3f}")
        if not es.stopped:
            return f"never stopped within {len(val)} epochs; the best epoch was {best}"
        return (f"stops at epoch {stop} (saved {len(val) - stop} epochs) and restores epoch {best}: "
                f"validation loss {val[best - 1]:.3f} instead of {val[stop - 1]:.3f} at the stop "
                f"and {val[-1]:.3f} after all {len(val)} epochs")

    controls = {
        "patience": int_slider("patience", 0, 60, 10, unit="epochs",
                               help="epochs without improvement before training stops"),
        "min_delta": slider("min_delta", 0.0, 0.05, 0.001, 0.0,
                            help="a smaller drop of the validation loss does not count as an improvement"),
    }
    # A plain redraw: blitting saved only a quarter of the time here (make bench), not worth a cached background.
    return Explorer(update, controls, fig, title="Early stopping")
