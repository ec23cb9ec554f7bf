"""The index chapter's material: contents, environment check, and the overview figures.

Plumbing for ``00_index.ipynb``: the chapter list, a version report, the AI ⊃ ML ⊃ DL
diagram, the two pipelines (classic ML vs deep learning), the 1958–2016 timeline, and a
one-neuron explorer that shows how every slider in the collection behaves.
"""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dlnotes.explorer import Explorer, figure, register, slider, dropdown
from dlnotes.functions import ACTIVATIONS

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"


@dataclass(frozen=True)
class Chapter:
    number: str
    file: str
    title: str
    chinese: str
    summary: str


CHAPTERS = [
    Chapter("00", "00_index.ipynb", "Index", "目录", "What deep learning is, a short history, how to use this collection."),
    Chapter("01", "01_perceptron.ipynb", "Perceptron", "感知机", "Weighted sum + threshold; logic gates; the learning rule; why XOR needs two layers."),
    Chapter("02", "02_activation_functions.ipynb", "Activation functions", "激活函数", "Step, sigmoid, tanh, ReLU; why non-linearity; vanishing gradients."),
    Chapter("03", "03_softmax_loss_gradient_descent.ipynb", "Softmax, loss and gradient descent", "损失函数与梯度下降", "Stable softmax, MSE vs cross-entropy, numerical gradients, learning rate, mini-batches."),
    Chapter("04", "04_backprop.ipynb", "Backprop by hand", "反向传播", "Computational graphs, layers with forward/backward, gradient checks, a live playground."),
    Chapter("05", "05_training_techniques.ipynb", "Training techniques", "训练技巧", "SGD to Adam, initialisation, batch norm, dropout, L2, early stopping."),
    Chapter("06", "06_convolutional_networks.ipynb", "Convolutional networks", "卷积神经网络", "Padding, stride, feature maps, pooling, im2col, a numpy CNN."),
    Chapter("07", "07_tensorflow_basics.ipynb", "TensorFlow basics", "TensorFlow 基础", "Tensors, dtypes, graphs with tf.function, GradientTape."),
    Chapter("08", "08_keras_mnist.ipynb", "Keras on MNIST", "Keras 手写数字识别", "The seed-004 models, a hyperparameter explorer, confusion matrix."),
    Chapter("09", "09_keras_cnn.ipynb", "Keras CNN", "Keras 卷积网络", "A compact CNN: filters, feature maps, MLP vs CNN on MNIST and Fashion-MNIST."),
    Chapter("11", "11_recurrent_networks.ipynb", "Recurrent networks", "循环神经网络", "A recurrent cell and BPTT in numpy, gradients through time, LSTM and GRU, MNIST read row by row."),
]
"""Every chapter of the curriculum, in order."""


def contents_html(notebook_dir: Path = NOTEBOOK_DIR) -> str:
    """An HTML table of the chapters, linking those present and marking the rest as coming."""
    rows = []
    for ch in CHAPTERS[1:]:
        present = (notebook_dir / ch.file).is_file()
        name = f'<a href="{ch.file}">{ch.title}</a>' if present else f"{ch.title} <i>(coming)</i>"
        rows.append(f"<tr><td>{ch.number}</td><td>{name}</td><td>{ch.chinese}</td><td style='text-align:left'>{ch.summary}</td></tr>")
    head = "<tr><th>#</th><th>Chapter</th><th>中文</th><th style='text-align:left'>What you do there</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def widget_frontend_installed() -> bool:
    """True when the ipywidgets JupyterLab extension is installed in this environment."""
    for base in {sys.prefix, getattr(sys, "base_prefix", sys.prefix)}:
        if (Path(base) / "share/jupyter/labextensions/@jupyter-widgets/jupyterlab-manager").is_dir():
            return True
    return False


def environment_report() -> dict[str, str]:
    """Versions of Python and the libraries the chapters use; "missing" when not importable."""
    report = {"Python": platform.python_version()}
    for label, module in [("numpy", "numpy"), ("matplotlib", "matplotlib"), ("ipywidgets", "ipywidgets"),
                          ("TensorFlow", "tensorflow"), ("Keras", "keras"), ("JupyterLab", "jupyterlab")]:
        try:
            mod = __import__(module)
            report[label] = getattr(mod, "__version__", "?")
        except Exception:  # noqa: BLE001 - report, never fail
            report[label] = "missing"
    report["widget front-end"] = "installed" if widget_frontend_installed() else "MISSING"
    return report


def environment_problems(report: dict[str, str]) -> list[str]:
    """Readable problems found in an :func:`environment_report` (empty when all is well)."""
    problems = []
    if tuple(int(p) for p in report["Python"].split(".")[:2]) < (3, 10):
        problems.append(f"Python {report['Python']} is too old; the collection needs 3.10 or newer.")
    for name, version in report.items():
        if version == "missing":
            problems.append(f"{name} is not installed: run `make lab` (it installs everything into .venv).")
    if report.get("Keras", "0").split(".")[0] not in ("3", "missing"):
        problems.append(f"Keras {report['Keras']} found; the chapters need Keras 3.")
    if report["widget front-end"] != "installed":
        problems.append("The ipywidgets extension for JupyterLab is missing, so sliders will show as text. "
                        "Install ipywidgets 8 in the environment that runs JupyterLab (make lab does).")
    return problems


# --- figures ------------------------------------------------------------------------------
def draw_ai_ml_dl(ax) -> None:
    """AI ⊃ ML ⊃ DL as nested ellipses on ``ax``."""
    from matplotlib.patches import Ellipse

    for (w, h, y, color, label, sub) in [
        (9.0, 6.0, 3.0, "#dbe9f6", "Artificial intelligence (AI)", "machines that act intelligently"),
        (6.5, 4.2, 2.2, "#a9cbe8", "Machine learning (ML)", "learn rules from data"),
        (3.8, 2.3, 1.3, "#5b9bd5", "Deep learning (DL)", "many-layer neural networks"),
    ]:
        ax.add_patch(Ellipse((4.5, y), w, h, facecolor=color, edgecolor="#2f5597"))
        ax.text(4.5, y + h / 2 - 0.55, label, ha="center", fontsize=11, weight="bold")
        ax.text(4.5, y + h / 2 - 0.95, sub, ha="center", fontsize=9, style="italic")
    ax.set_xlim(0, 9)
    ax.set_ylim(0, 6.2)
    ax.set_aspect("equal")
    ax.axis("off")


PIPELINES = {
    "Classic machine learning": ["raw data", "hand-made features", "choose a model\n(SVM, trees…)", "train", "predict"],
    "Deep learning (DL)": ["raw pixels", "simple features\n(edges) — learned", "complex features\n(shapes) — learned", "train end to end", "predict"],
}


def draw_pipelines(ax) -> None:
    """The classic-ML and deep-learning pipelines as two rows of boxes on ``ax``."""
    for row, (title, steps) in enumerate(PIPELINES.items()):
        y = 1.6 - row * 1.5
        ax.text(-0.1, y + 0.55, title, fontsize=11, weight="bold")
        previous = None
        for i, step in enumerate(steps):
            learned = "learned" in step or "end to end" in step
            box = ax.text(i * 2.3 + 0.9, y, step, ha="center", va="center", fontsize=9,
                          bbox=dict(boxstyle="round", fc="#c6e0b4" if learned else "#fce4d6", ec="gray"))
            if previous is not None:
                ax.annotate("", xy=(0, 0.5), xycoords=box, xytext=(1, 0.5), textcoords=previous,
                            arrowprops=dict(arrowstyle="->", shrinkA=4, shrinkB=4))
            previous = box
    ax.text(11.2, -0.3, "green: learned from data", ha="right", fontsize=8, color="#548235")
    ax.set_xlim(-0.2, 11.3)
    ax.set_ylim(-0.4, 2.4)
    ax.axis("off")


HISTORY = [
    (1958, "Perceptron (linear model)", "感知机"),
    (1969, "Perceptrons cannot learn XOR", "感知机的局限"),
    (1980, "Multi-layer perceptron", "多层感知机"),
    (1986, "Backpropagation", "反向传播"),
    (1989, "One hidden layer is 'good enough'?", "万能近似"),
    (2006, "RBM pre-training", "RBM 预训练"),
    (2009, "GPUs for training", "GPU 训练"),
    (2011, "Speech recognition", "语音识别"),
    (2012, "AlexNet wins ILSVRC", "ImageNet 竞赛"),
    (2015.1, "Image recognition beats humans", "超越人类的图像识别"),
    (2016.2, "AlphaGo beats Lee Sedol", "AlphaGo"),
    (2016.8, "Speech recognition on par with humans", "语音识别达到人类水平"),
]
"""(year, event, 中文) — the 1958–2016 timeline of seed 003."""

DEPTH_ENABLERS = [
    (2010, "Glorot initialisation"),
    (2011, "ReLU in deep nets"),
    (2015.0, "He init, batch norm, ResNet (152 layers)"),
]
"""Why "only networks of a few layers can use BP" is outdated: what made depth trainable."""


def plot_timeline(ax) -> None:
    """The 1958–2016 history on ``ax``, one row per event, with what made deep nets trainable in orange."""
    events = [(y, e, "#2f5597") for y, e, _ in HISTORY] + [(y, e, "#c55a11") for y, e in DEPTH_ENABLERS]
    events.sort(key=lambda ev: ev[0])
    ax.axvspan(1970, 2005, color="gray", alpha=0.12)
    ax.text(1987.5, len(events) - 0.3, "decades when deep nets were hard to train", ha="center", fontsize=8, color="gray")
    for row, (year, event, color) in enumerate(events):
        y = len(events) - 1 - row
        ax.plot([1955, year], [y, y], color=color, lw=0.6, alpha=0.5)
        ax.plot(year, y, "o", color=color)
        right = year < 2000
        ax.text(year + (1 if right else -1), y, f"{int(year)}  {event}", va="center", fontsize=9,
                ha="left" if right else "right", color=color)
    ax.set_xlim(1955, 2019)
    ax.set_ylim(-0.8, len(events))
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("year (blue: milestones; orange: what made deep networks trainable)")


# --- the first explorer: one neuron ----------------------------------------------------------
@register
def neuron_explorer() -> Explorer:
    """One neuron y = f(w·x + b): sliders for w and b, a dropdown for f. Redraws on every move."""
    fig, ax = figure(figsize=(5.0, 3.2))
    x = np.linspace(-5, 5, 201)
    (line,) = ax.plot(x, x, lw=2)
    (mark,) = ax.plot([], [], "o", color="C3")
    ax.set_xlim(-5, 5)
    ax.set_ylim(-1.2, 5.2)
    ax.axhline(0, color="gray", lw=0.5)
    ax.set_xlabel("input x")
    ax.set_ylabel("output y")
    title = ax.set_title("")

    def update(w, b, activation):
        f, _ = ACTIVATIONS[activation]
        line.set_ydata(f(w * x + b))
        x0 = -b / w if w else np.nan
        mark.set_data([x0], [float(f(0.0))] if np.isfinite(x0) and -5 <= x0 <= 5 else [np.nan])
        title.set_text(f"y = {activation}({w:.2g}·x + {b:.2g})")
        return "The dot marks where w·x + b = 0 (the neuron's threshold)." if w else "w = 0: the output no longer depends on x."

    controls = {
        "w": slider("weight w", -3, 3, 0.1, 1.0),
        "b": slider("bias b", -3, 3, 0.1, 0.0),
        "activation": dropdown("activation f", ["sigmoid", "relu", "tanh", "step", "identity"], "sigmoid"),
    }
    return Explorer(update, controls, fig, title="One neuron (神经元)")
