"""The index chapter's plumbing [00]: the chapter list, the contents table, the environment check.

Chapter 00's figures (AI ⊃ ML ⊃ DL, the two pipelines, the timeline) are in
:mod:`dlnotes.figures`, its one-neuron explorer in :mod:`dlnotes.explorers.neuron`.
"""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass
from pathlib import Path

from dlnotes.language import language, tr

__all__ = ["CHAPTERS", "Chapter", "contents_html", "environment_problems", "environment_report",
           "widget_frontend_installed"]

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"


@dataclass(frozen=True)
class Chapter:
    """One chapter: its number, notebook file, English and Chinese titles, and a one-line summary in each."""

    number: str
    file: str
    title: str
    chinese: str
    summary: str
    summary_zh: str


CHAPTERS = [
    Chapter("00", "00_index.ipynb", "Index", "目录", "What deep learning is, a short history, how to use this collection.", "深度学习是什么，简史，如何使用这套笔记。"),
    Chapter("01", "01_perceptron.ipynb", "Perceptron", "感知机", "Weighted sum + threshold; logic gates; the learning rule; why XOR needs two layers.", "加权和与阈值；逻辑门；学习规则；为什么异或需要两层。"),
    Chapter("02", "02_activation_functions.ipynb", "Activation functions", "激活函数", "Step, sigmoid, tanh, ReLU; why non-linearity; vanishing gradients.", "阶跃、sigmoid、tanh、ReLU；为什么需要非线性；梯度消失。"),
    Chapter("03", "03_softmax_loss_gradient_descent.ipynb", "Softmax, loss and gradient descent", "损失函数与梯度下降", "Stable softmax, MSE vs cross-entropy, numerical gradients, learning rate, mini-batches.", "数值稳定的 softmax，均方误差与交叉熵，数值梯度，学习率，小批量。"),
    Chapter("04", "04_backprop.ipynb", "Backprop by hand", "反向传播", "Computational graphs, layers with forward/backward, gradient checks, a live playground.", "计算图，带前向与反向传播的层，梯度检验，可交互的演练场。"),
    Chapter("05", "05_training_techniques.ipynb", "Training techniques", "训练技巧", "SGD to Adam, initialisation, batch norm, dropout, L2, early stopping.", "从 SGD 到 Adam，权重初始化，批量规范化，暂退法，L2 正则化，早停。"),
    Chapter("06", "06_convolutional_networks.ipynb", "Convolutional networks", "卷积神经网络", "Padding, stride, feature maps, pooling, im2col, a numpy CNN.", "填充、步幅、特征图、池化、im2col，用 numpy 实现的 CNN。"),
    Chapter("07", "07_tensorflow_basics.ipynb", "TensorFlow basics", "TensorFlow 基础", "Tensors, dtypes, graphs with tf.function, GradientTape.", "张量，数据类型，用 tf.function 构建计算图，GradientTape。"),
    Chapter("08", "08_keras_mnist.ipynb", "Keras on MNIST", "Keras 手写数字识别", "The seed-004 models, a hyperparameter explorer, confusion matrix.", "原笔记 004 的模型，超参数探索，混淆矩阵。"),
    Chapter("09", "09_keras_cnn.ipynb", "Keras CNN", "Keras 卷积网络", "A compact CNN: filters, feature maps, MLP vs CNN on MNIST and Fashion-MNIST; a CNN in under a minute with batch normalisation, image augmentation and a residual block.", "紧凑的 CNN：卷积核、特征图，MLP 与 CNN 在 MNIST 和 Fashion-MNIST 上的对比；一分钟内训练好的 CNN：批量规范化、图像增广和残差块。"),
    Chapter("10", "10_autoencoders_gans.ipynb", "Autoencoders and GANs", "自编码器与生成对抗网络", "A 2-D latent space you can walk, denoising, a GAN you can watch move by move, a GAN that draws digits.", "可以漫游的二维隐空间，去噪，一步一步观察 GAN 的训练，能画数字的 GAN。"),
    Chapter("11", "11_recurrent_networks.ipynb", "Recurrent networks", "循环神经网络", "A recurrent cell and BPTT in numpy, gradients through time, LSTM and GRU, MNIST read row by row.", "用 numpy 实现循环单元与通过时间反向传播，随时间传播的梯度，LSTM 与 GRU，逐行读取 MNIST。"),
]
"""Every chapter of the curriculum, in order."""


def contents_html(notebook_dir: Path = NOTEBOOK_DIR) -> str:
    """An HTML table of the chapters in the current language (:func:`dlnotes.language.set_language`),
    linking those present, marking the rest as coming, and linking each chapter's other edition.

    The English index (``notebooks/``) links the Chinese chapters in ``zh/``; the Chinese index
    (``notebooks/zh/``) links the English ones in ``../``."""
    zh = language() == "zh"
    here = notebook_dir / "zh" if zh else notebook_dir
    other = notebook_dir if zh else notebook_dir / "zh"
    prefix = "../" if zh else "zh/"
    rows = []
    for ch in CHAPTERS[1:]:
        title, twin = (ch.chinese, ch.title) if zh else (ch.title, ch.chinese)
        coming = " <i>（即将推出）</i>" if zh else " <i>(coming)</i>"
        name = f'<a href="{ch.file}">{title}</a>' if (here / ch.file).is_file() else f"{title}{coming}"
        twin = f'<a href="{prefix}{ch.file}">{twin}</a>' if (other / ch.file).is_file() else twin
        summary = ch.summary_zh if zh else ch.summary
        rows.append(f"<tr><td>{ch.number}</td><td>{name}</td><td>{twin}</td>"
                    f"<td style='text-align:left'>{summary}</td></tr>")
    head = ("<tr><th>#</th><th>章节</th><th>English edition</th><th style='text-align:left'>内容</th></tr>" if zh else
            "<tr><th>#</th><th>Chapter</th><th>中文版</th><th style='text-align:left'>What you do there</th></tr>")
    return f"<table>{head}{''.join(rows)}</table>"


def widget_frontend_installed() -> bool:
    """True when the ipywidgets JupyterLab extension is installed in this environment."""
    for base in {sys.prefix, getattr(sys, "base_prefix", sys.prefix)}:
        if (Path(base) / "share/jupyter/labextensions/@jupyter-widgets/jupyterlab-manager").is_dir():
            return True
    return False


_FRONT_END = "widget front-end"
"""The :func:`environment_report` entry that says whether the ipywidgets JupyterLab extension is installed."""


def environment_report() -> dict[str, str]:
    """Versions of Python and the libraries the chapters use; "missing" when not importable.

    Labels and words are in the current language (:func:`dlnotes.language.tr`); versions are numbers."""
    report = {"Python": platform.python_version()}
    for label, module in [("numpy", "numpy"), ("matplotlib", "matplotlib"), ("ipywidgets", "ipywidgets"),
                          ("TensorFlow", "tensorflow"), ("Keras", "keras"), ("JupyterLab", "jupyterlab")]:
        try:
            mod = __import__(module)
            report[label] = getattr(mod, "__version__", "?")
        except Exception:  # noqa: BLE001 - report, never fail
            report[label] = tr("missing")
    report[tr(_FRONT_END)] = tr("installed") if widget_frontend_installed() else tr("MISSING")
    return report


def environment_problems(report: dict[str, str]) -> list[str]:
    """Readable problems found in an :func:`environment_report` (empty when all is well), in the current language."""
    missing = {"missing", tr("missing")}
    problems = []
    if tuple(int(p) for p in report["Python"].split(".")[:2]) < (3, 10):
        problems.append(tr(f"Python {report['Python']} is too old; the collection needs 3.10 or newer."))
    for name, version in report.items():
        if version in missing:
            problems.append(tr(f"{name} is not installed: run `make lab` (it installs everything into .venv)."))
    keras = report.get("Keras", "0")
    if keras not in missing and keras.split(".")[0] != "3":
        problems.append(tr(f"Keras {keras} found; the chapters need Keras 3."))
    if report.get(tr(_FRONT_END), report.get(_FRONT_END)) not in ("installed", tr("installed")):
        problems.append(tr("The ipywidgets extension for JupyterLab is missing, so sliders will show as text. "
                           "Install ipywidgets 8 in the environment that runs JupyterLab (make lab does)."))
    return problems
