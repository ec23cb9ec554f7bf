"""Chapter 03 explorers: softmax outputs and loss functions (损失函数) made visible — overflow,
temperature, MSE vs cross-entropy, and the push each loss gives a wrong logit.

The numerics (``softmax``, ``cross_entropy``, ``mse``) live in :mod:`dlnotes.functions`;
this module keeps what only these explorers need: the naive softmax they compare against
and :func:`prediction`, the probability vectors the loss explorer scores. The slopes behind
:func:`logit_gradient_explorer` (why cross-entropy trains faster than MSE) are
:func:`dlnotes.functions.logit_gradients`.
"""

from __future__ import annotations

import functools

import numpy as np

from dlnotes.explorers.base import Explorer, dropdown, figure, int_slider, log_slider, register, slider
from dlnotes.functions import cross_entropy, logit_gradients, mse, softmax
from dlnotes.style import BAD, BLUE, GOOD, GREY, ORANGE, log_axis

__all__ = ["logit_gradient_explorer", "loss_explorer", "naive_softmax", "prediction", "softmax_explorer"]


def naive_softmax(a):
    """exp(a) / sum(exp(a)) with no max subtraction (1-D ``a``): overflows to nan for large logits.

    Kept only to show *why* :func:`dlnotes.functions.softmax` subtracts the max; numpy's
    overflow warnings are silenced here so the demonstration stays quiet.
    """
    a = np.asarray(a, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(a)
        return e / np.sum(e)


_LOGITS = {
    "book example (0.3, 2.9, 4.0)": (0.3, 2.9, 4.0),
    "close call (1.0, 1.2, 0.8, 1.1)": (1.0, 1.2, 0.8, 1.1),
    "overflow example (1010, 1000, 990)": (1010.0, 1000.0, 990.0),
}


@register
def softmax_explorer():
    """Softmax of a few logits with a temperature slider and a shift slider: stable vs naive formula."""
    fig, ax = figure(figsize=(5.6, 3.4))
    k_max = 4
    bars = ax.bar(np.arange(k_max), np.zeros(k_max), color=BLUE, label="stable softmax")
    (naive_pts,) = ax.plot([], [], "D", color=ORANGE, ms=8, label="naive exp(a)/Σexp(a)")
    nan_text = [ax.text(i, 0.05, "", ha="center", color=BAD, fontweight="bold") for i in range(k_max)]
    value_text = [ax.text(i, 0, "", ha="center", va="bottom", fontsize=9) for i in range(k_max)]
    ax.set_ylim(0, 1.12)
    ax.set_ylabel("probability")
    ax.legend(loc="upper left")
    title = ax.set_title("")

    def update(logits, temperature, shift):
        a = (np.array(_LOGITS[logits]) + shift) / temperature
        k = a.size
        p = softmax(a)
        q = naive_softmax(a)
        ok = np.isfinite(q)
        for i, bar in enumerate(bars):
            bar.set_height(p[i] if i < k else 0)
            bar.set_visible(i < k)
            value_text[i].set_text(f"{p[i]:.3f}" if i < k else "")
            value_text[i].set_position((i, p[i] + 0.01 if i < k else 0))
            nan_text[i].set_text("nan" if i < k and not ok[i] else "")
        idx = np.arange(k)[ok]
        naive_pts.set_data(idx, q[ok])
        ax.set_xticks(range(k), [f"class {i}" for i in range(k)])
        ax.set_xlim(-0.6, k - 0.4)
        title.set_text(f"softmax((a + {shift:g}) / T),  T = {temperature:.3g}")
        msg = f"largest logit fed to exp: {a.max():.4g}; stable outputs sum to {p.sum():.6f}."
        if not ok.all():
            msg += " The naive formula overflowed (exp > 1.8e308 → inf, inf/inf = nan); subtracting the max fixes it."
        return msg

    controls = {
        "logits": dropdown("logits a", list(_LOGITS), "book example (0.3, 2.9, 4.0)"),
        "temperature": log_slider("temperature T", 0.05, 20, 1.0, help="every logit is divided by T"),
        "shift": slider("shift C", 0, 1000, 10, 0,
                        help="a constant C added to every logit: softmax does not change, the naive formula overflows"),
    }
    explorer = Explorer(update, controls, fig, title="Softmax: temperature and overflow")
    return explorer


def prediction(p_correct, k, spread="even", correct=0):
    """A probability vector (k,) giving ``p_correct`` to class ``correct`` and the rest to the others.

    ``spread="even"`` shares 1 − p among the k − 1 wrong classes; ``"one"`` gives it all to one wrong class.
    """
    if not 0 <= p_correct <= 1:
        raise ValueError(f"p_correct must lie in [0, 1], got {p_correct}")
    if k < 2:
        raise ValueError(f"need at least 2 classes, got {k}")
    y = np.zeros(k)
    if spread == "even":
        y[:] = (1 - p_correct) / (k - 1)
    elif spread == "one":
        y[(correct + 1) % k] = 1 - p_correct
    else:
        raise ValueError(f"spread must be 'even' or 'one', got {spread!r}")
    y[correct] = p_correct
    return y


@register
def loss_explorer():
    """MSE, cross-entropy and accuracy of the same prediction as the probability of the right class moves."""
    fig, (ax_p, ax_l) = figure(1, 2, figsize=(5.8, 3.1))
    k_max = 10
    bars = ax_p.bar(np.arange(k_max), np.zeros(k_max), color=[GOOD] + [GREY] * (k_max - 1))
    ax_p.set_ylim(0, 1)
    ax_p.set_xlabel("class (0 is right)")
    ps = np.linspace(0.001, 0.999, 300)
    (ce_line,) = ax_l.plot([], [], label="cross-entropy", color=BLUE)
    (mse_line,) = ax_l.plot([], [], label="MSE ½Σ(y−t)²", color=ORANGE)
    (acc_line,) = ax_l.plot([], [], label="accuracy", color="k", lw=1)
    (ce_dot,) = ax_l.plot([], [], "o", color=BLUE)
    (mse_dot,) = ax_l.plot([], [], "o", color=ORANGE)
    (acc_dot,) = ax_l.plot([], [], "o", color="k")
    ax_l.set_xlim(0, 1)
    ax_l.set_ylim(0, 4)
    ax_l.set_xlabel("p(right class)")
    ax_l.legend(loc="upper right")

    @functools.lru_cache(maxsize=1)  # moving only p(right class) re-uses the curves
    def curves(k, spread):
        ys = np.array([prediction(p, k, spread) for p in ps])
        t = np.zeros(k)
        t[0] = 1
        ce = -np.log(ps)
        ms = 0.5 * np.sum((ys - t) ** 2, axis=1)
        acc = (np.argmax(ys, axis=1) == 0).astype(float)
        return ce, ms, acc

    def update(p_correct, classes, spread):
        y = prediction(p_correct, classes, spread)
        t = np.zeros(classes)
        t[0] = 1
        for i, bar in enumerate(bars):
            bar.set_height(y[i] if i < classes else 0)
        ax_p.set_xlim(-0.6, classes - 0.4)
        ax_p.set_xticks(range(classes))
        ce_c, mse_c, acc_c = curves(classes, spread)
        ce_line.set_data(ps, ce_c)
        mse_line.set_data(ps, mse_c)
        acc_line.set_data(ps, acc_c)
        ce, ms = cross_entropy(y, t), mse(y, t)
        acc = float(np.argmax(y) == 0)
        ce_dot.set_data([p_correct], [min(ce, 3.95)])
        mse_dot.set_data([p_correct], [ms])
        acc_dot.set_data([p_correct], [acc])
        ax_p.set_title(f"prediction: p(class 0) = {p_correct:.3f}")
        ax_l.set_title(f"CE {ce:.2f} · MSE {ms:.2f} · accuracy {acc:.0f}")
        return (f"cross-entropy {ce:.3f}, MSE {ms:.3f}, accuracy {acc:.0f}. Accuracy is flat almost everywhere, "
                "so its derivative is 0 and cannot guide learning; both losses change smoothly.")

    controls = {
        "p_correct": slider("p(right class)", 0.001, 0.999, 0.001, 0.6),
        "classes": int_slider("classes", 2, k_max, 10, help="number of classes the prediction spreads over"),
        "spread": dropdown("rest of the probability", [("spread evenly", "even"), ("on one wrong class", "one")],
                           "even"),
    }
    explorer = Explorer(update, controls, fig, title="MSE vs cross-entropy")
    return explorer


@register
def logit_gradient_explorer():
    """Logit slider: the loss and the size of its gradient for cross-entropy vs MSE, target t = 1."""
    fig, (ax_l, ax_g) = figure(1, 2, figsize=(5.8, 3.1))
    a = np.linspace(-12, 6, 361)
    y, ce_g, mse_g = logit_gradients(a)
    ax_l.plot(a, np.logaddexp(0.0, -a), color=BLUE, label="cross-entropy −log y")   # -log sigmoid(a), overflow-free
    ax_l.plot(a, 0.5 * (y - 1.0) ** 2, color=ORANGE, label="MSE ½(y − 1)²")
    ax_g.plot(a, np.abs(ce_g), color=BLUE, label="cross-entropy")
    ax_g.plot(a, np.abs(mse_g), color=ORANGE, label="MSE")
    (dot_l_ce,) = ax_l.plot([], [], "o", color=BLUE)
    (dot_l_mse,) = ax_l.plot([], [], "o", color=ORANGE)
    (dot_g_ce,) = ax_g.plot([], [], "o", color=BLUE)
    (dot_g_mse,) = ax_g.plot([], [], "o", color=ORANGE)
    marks = [ax.axvline(0.0, color=GREY, lw=0.8, ls=":") for ax in (ax_l, ax_g)]
    log_axis(ax_g.yaxis, ticks=[1e-6, 1e-4, 0.01, 1])
    ax_l.set(xlabel="logit a of the true class", ylabel="loss", ylim=(-0.3, 12.5))
    ax_g.set(xlabel="logit a of the true class", ylabel="|dL/da|", ylim=(1e-6, 2.0))
    ax_l.legend(loc="upper right")
    ax_g.legend(loc="lower left")

    def update(logit):
        (p,), (ce,), (ms,) = logit_gradients([logit])
        dot_l_ce.set_data([logit], [np.logaddexp(0.0, -logit)])
        dot_l_mse.set_data([logit], [0.5 * (p - 1.0) ** 2])
        dot_g_ce.set_data([logit], [abs(ce)])
        dot_g_mse.set_data([logit], [max(abs(ms), 1e-300)])
        for m in marks:
            m.set_xdata([logit, logit])
        ax_l.set_title(f"loss at a = {logit:.1f} (y = {p:.2g})")
        ax_g.set_title(f"gradient: CE {abs(ce):.2g}, MSE {abs(ms):.2g}")
        msg = (f"y = {p:.4g}: cross-entropy pushes the logit with |dL/da| = {abs(ce):.3g}, "
               f"MSE with {abs(ms):.3g} ({abs(ce) / abs(ms):.3g}× weaker)")
        if p < 0.01:
            msg += " — confidently wrong: MSE's push has almost vanished, cross-entropy's is at full strength."
        return msg

    controls = {"logit": slider("true-class logit a", -12.0, 6.0, 0.1, -2.0)}
    return Explorer(update, controls, fig, title="Gradient on the logit: cross-entropy vs MSE (t = 1)")
