"""The language of figures and explorers: English (the default) or Chinese (中文).

A notebook's first code cell chooses it with :func:`set_language` (``"en"`` or ``"zh"``); the
Chinese edition in ``notebooks/zh/`` says ``set_language("zh")``. The package's code and its
tests are written in English; in Chinese, :func:`tr` turns each text a learner reads into
Chinese at the one place it reaches the screen:

- figure text (titles, axis labels, legends, annotations): every matplotlib ``Text`` passes
  through :func:`tr` when its text is set, so a figure is laid out with the Chinese it shows;
- explorer controls, buttons, titles, status lines, notices, errors and progress lines:
  ``dlnotes.explorers.base`` passes them through :func:`tr`;
- the exercises' verdicts (``dlnotes.exercises.check``).

The Chinese text is the table :data:`ZH` (whole strings) and :data:`ZH_PATTERNS` (strings with
numbers or names in them, as regular expressions). Multi-part text ("a · b", several lines) is
translated part by part. Terms follow the glossary (``dlnotes.glossary``). Chinese glyphs come
from the CJK font that :mod:`dlnotes.style` adds to every figure's font list.
"""

from __future__ import annotations

import re
from functools import lru_cache

import matplotlib.text

LANGUAGES = ("en", "zh")
"""The languages the collection is written in: English and Simplified Chinese."""

_current = "en"


def set_language(lang: str) -> None:
    """Show figures, explorers and self-check verdicts in ``lang``: ``"en"`` or ``"zh"`` (中文)."""
    global _current
    if not isinstance(lang, str) or lang not in LANGUAGES:
        raise ValueError(f"set_language: lang must be one of {LANGUAGES}, got {lang!r}")
    _current = lang
    if lang != "en":
        _translate_figure_text()


def language() -> str:
    """The current language: ``"en"`` or ``"zh"``."""
    return _current


def tr(text):
    """``text`` in the current language: itself in English; in Chinese, its entry in :data:`ZH`.

    Anything that is not a string, or has no English words (numbers, tick labels, Chinese
    already), comes back unchanged, and so does text the tables do not know."""
    if _current == "en" or not isinstance(text, str) or not _ENGLISH.search(text):
        return text
    return _zh(text)


def tr_option(label):
    """A dropdown or toggle option's label in the current language: as :func:`tr`, except where an
    option's Chinese differs from the same word elsewhere (:data:`ZH_OPTIONS`: "step" the activation
    function is 阶跃函数, "step" the count is 步)."""
    if _current != "en" and isinstance(label, str) and label in ZH_OPTIONS:
        return ZH_OPTIONS[label]
    return tr(label)


def untranslated(text: str) -> list[str]:
    """The English words left in ``text`` once translated (tests use it): none for a known text."""
    return english_words(_zh(text) if isinstance(text, str) else "")


def english_words(shown: str) -> list[str]:
    """The English words in ``shown``, text as it is on screen, other than names in :data:`KEPT`
    (mathtext, HTML tags, `code`, URLs, paths, file names and keyword arguments are not words). Tests use
    it on what a Chinese explorer or message shows."""
    shown = re.sub(r"\$[^$]*\$", " ", shown)  # mathtext: symbols, not words
    shown = re.sub(r"<[^>]+>", " ", shown)  # HTML tags
    shown = re.sub(r"`[^`]*`", " ", shown)  # code
    shown = re.sub(r"\b\w+://[\w.~/+@%:?=&#-]*", " ", shown)  # a URL
    shown = re.sub(r"(?<![\w/])[~.…]*/[\w.~/+@%-]*|\b\w+/(?!\w)", " ", shown)  # a path; a folder: data/
    shown = re.sub(r"\b\w+\.\w+\([^()]*\)", " ", shown)  # a method call: a.sum(axis=0)
    shown = re.sub(r"[\w-]*\.(?:npz|json|bad|tmp|keras|ipynb|py|png)\b|\b\w+=\S*", " ", shown)  # a file; path=...
    shown = re.sub(r"\w*(_|[A-Za-z]\d)\w*", " ", shown)  # identifiers: random_normal, conv2d, x0
    shown = re.sub(r"[\w-]*\d[\w-]*", " ", shown)  # names with numbers: 784-H-H-10, seed-000
    return [w for w in re.findall(r"[A-Za-z][A-Za-z'-]{2,}", shown) if w not in KEPT]


_ENGLISH = re.compile(r"[A-Za-z]{2}")
_MATH = re.compile(r"\$[^$]*\$")
_SEPARATORS = [re.compile(p) for p in (r"(\n)", r"( · )", r"(; )", r"(: (?=[A-Za-z]))")]
"""Where multi-part text is cut, outermost first: lines, then " · " items, then clauses."""


@lru_cache(maxsize=8192)
def _zh(text: str) -> str:
    if text in ZH:
        return ZH[text]
    stripped = text.strip()
    if stripped != text and stripped:
        return text.replace(stripped, _zh(stripped))
    for pattern, template, verbatim in _COMPILED:
        m = pattern.fullmatch(text)
        if m:
            return template.format(*(g if i in verbatim else _zh(g) if g else ""
                                     for i, g in enumerate(m.groups())))
    if _MATH.search(text):  # only whole entries: a Chinese word inside mathtext would have no glyph
        return text
    for separator in _SEPARATORS:
        parts = separator.split(text)
        if len(parts) > 1:
            return "".join(_zh(p) if i % 2 == 0 else _SEPARATOR_ZH.get(p, p) for i, p in enumerate(parts))
    return text


_SEPARATOR_ZH = {"; ": "；", ": ": "："}

# --- figure text --------------------------------------------------------------------------------
_original_set_text = matplotlib.text.Text.set_text


def _set_text(self, s):
    return _original_set_text(self, tr(s) if isinstance(s, str) else s)


def _translate_figure_text() -> None:
    """Route every matplotlib text through :func:`tr` (once; English passes through unchanged)."""
    if matplotlib.text.Text.set_text is not _set_text:
        matplotlib.text.Text.set_text = _set_text


# --- the tables -----------------------------------------------------------------------------------
KEPT = frozenset("""
ReLU Leaky GELU ELU SELU Sigmoid sigmoid tanh Tanh softmax Softmax MSE MAE SGD Momentum AdaGrad
Adagrad RMSProp RMSprop Adam AdamW Nesterov Xavier Glorot He LeCun MNIST Fashion-MNIST CIFAR XOR AND
NAND NOR XNOR MLP CNN RNN LSTM GRU GAN DCGAN Keras TensorFlow NumPy numpy TF Conv2D MaxPool2D
AvgPool2D Dense Dropout BatchNorm Affine SimpleRNN Flatten im2col col2im dtype float16 float32 float64
int8 int32 int64 bfloat16 GPU CPU PNG API argmax logits logit max min exp log sin cos sqrt abs relu inf nan Sobel Grace Hopper mlp adam sgd rmsprop adagrad Lab Playground SVM AlexNet ILSVRC AlphaGo RBM ResNet col
Python matplotlib ipywidgets JupyterLab Jupyter eps KiB MiB True False mnist JSON
""".split())
"""English words that stay English in the Chinese edition: names of functions, layers,
optimisers, datasets and formats (code identifiers, as in 动手学深度学习)."""

ZH: dict[str, str] = {
    # explorers/base.py: what every explorer shows
    "Note": "注意",
    "This setting cannot be drawn": "无法绘制这个设置",
    "play / pause": "播放 / 暂停",
    "Explorer": "探索器",
    "A still of this explorer: run the notebook to move its controls.": "这是探索器的静态图：运行本笔记本即可拖动它的控件。",
    # exercises.check
    "not attempted yet — fill in `answer` above and run this cell again.":
        "尚未作答——请在上面填写 `answer`，然后重新运行本单元格。",
    "not attempted yet — replace the `raise NotImplementedError` with your code.":
        "尚未作答——请把 `raise NotImplementedError` 换成你的代码。",
    "correct!": "正确！",
    "exercise": "练习",
    # explorers/activations.py
    "identity": "恒等函数",
    "activation": "激活函数",
    "point x0": "点 x0",
    "Activation and its derivative": "激活函数及其导数",
    " — zero slope everywhere: gradient descent gets no signal.": "——处处斜率为 0：梯度下降得不到任何信号。",
    "zero slope everywhere: gradient descent gets no signal.": "处处斜率为 0：梯度下降得不到任何信号。",
    "saturated: the slope is almost 0, so gradients vanish here.": "饱和：斜率几乎为 0，梯度在这里消失。",
    "layer l (1 = next to the input)": "第 l 层（1 = 紧挨输入）",
    "gradient size $\\|\\partial L/\\partial W_l\\|$": "梯度大小 ‖∂L/∂W_l‖",
    "weights drawn by": "权重的初始化",
    "the initialiser that draws each layer's weights": "抽取每层权重的初始化方法",
    "depth (layers)": "深度（层数）",
    "Vanishing gradients in a deep chain": "深层链中的梯度消失",
    "Every gradient is exactly 0: all units are dead (ReLU outputs 0 everywhere).":
        "所有梯度都恰好为 0：所有单元都死了（ReLU 处处输出 0）。",
    "The first layer gets an exactly zero gradient: nothing reaches it.": "第一层的梯度恰好为 0：什么也传不到它。",
    "vanishing: the early layers barely learn.": "梯度消失：前面几层几乎学不到东西。",
    "exploding: the early layers get huge updates.": "梯度爆炸：前面几层得到巨大的更新。",
    "the gradient reaches the early layers.": "梯度能传到前面几层。",
    "target": "目标",
    "network": "网络",
    "kinks c_j": "折点 c_j",
    "hidden units": "隐藏单元",
    "target function": "目标函数",
    "the 1-D function the hidden units approximate": "隐藏单元要逼近的一维函数",
    "One hidden layer approximates a function": "一个隐藏层逼近一个函数",
    "a jump is not continuous: the error next to it never goes away, it only gets narrower.":
        "跳跃处不连续：它旁边的误差永远不会消失，只会变窄。",
    "sin(8x): fast wiggles": "sin(8x)：快速振荡",
    # explorers/neuron.py
    "input x": "输入 x",
    "output y": "输出 y",
    "The dot marks where w·x + b = 0 (the neuron's threshold).": "圆点标出 w·x + b = 0 的位置（神经元的阈值）。",
    "w = 0: the output no longer depends on x.": "w = 0：输出不再依赖于 x。",
    "weight w": "权重 w",
    "bias b": "偏置 b",
    "activation f": "激活函数 f",
    "One neuron (神经元)": "一个神经元",
    # explorers/perceptron.py
    "gate": "逻辑门",
    "weight w1": "权重 w1",
    "weight w2": "权重 w2",
    "bias b (= −θ)": "偏置 b（= −θ）",
    "the bias is minus the threshold θ": "偏置等于阈值 θ 的相反数",
    "Perceptron decision line": "感知机的决策边界",
    "No single line gets all four XOR points right — that is the point.":
        "没有一条直线能把 XOR 的四个点全部分对——这正是要点。",
    "zeros": "全零",
    "small random (seed 0)": "小随机数（种子 0）",
    "learning rate η": "学习率 η",
    "initial weights": "初始权重",
    "how many single-sample updates have been made": "已经做了多少次单样本更新",
    "one more single-sample update": "再做一次单样本更新",
    "step ▶": "下一步 ▶",
    "the run has ended": "训练已结束",
    "Perceptron learning rule": "感知机学习规则",
    # explorers/softmax_loss.py
    "prediction": "预测",
    "book example (0.3, 2.9, 4.0)": "书中的例子 (0.3, 2.9, 4.0)",
    "close call (1.0, 1.2, 0.8, 1.1)": "难分高下 (1.0, 1.2, 0.8, 1.1)",
    "overflow example (1010, 1000, 990)": "溢出的例子 (1010, 1000, 990)",
    "stable softmax": "稳定的 softmax",
    "naive exp(a)/Σexp(a)": "朴素的 exp(a)/Σexp(a)",
    "probability": "概率",
    "The naive formula overflowed (exp > 1.8e308 → inf, inf/inf = nan); subtracting the max fixes it.":
        "朴素公式溢出了（exp > 1.8e308 → inf，inf/inf = nan）；减去最大值就能解决。",
    "logits a": "logits a",
    "every logit is divided by T": "每个 logit 都除以 T",
    "temperature T": "温度 T",
    "shift C": "平移 C",
    "a constant C added to every logit: softmax does not change, the naive formula overflows":
        "每个 logit 都加上常数 C：softmax 不变，朴素公式却会溢出",
    "Softmax: temperature and overflow": "Softmax：温度与溢出",
    "class (0 is right)": "类别（0 是正确类别）",
    "MSE ½Σ(y−t)²": "MSE ½Σ(y−t)²",
    "accuracy": "准确率",
    "p(right class)": "p(正确类别)",
    "classes": "类别数",
    "number of classes the prediction spreads over": "预测分布在多少个类别上",
    "spread evenly": "平均分给其余类别",
    "on one wrong class": "全给一个错误类别",
    "rest of the probability": "其余的概率",
    "MSE vs cross-entropy": "MSE 与交叉熵",
    "cross-entropy −log y": "交叉熵 −log y",
    "MSE ½(y − 1)²": "MSE ½(y − 1)²",
    "logit a of the true class": "正确类别的 logit a",
    "loss": "损失",
    "cross-entropy": "交叉熵",
    "true-class logit a": "正确类别的 logit a",
    "Gradient on the logit: cross-entropy vs MSE (t = 1)": "logit 上的梯度：交叉熵与 MSE（t = 1）",
    "confidently wrong: MSE's push has almost vanished, cross-entropy's is at full strength.":
        "自信地犯错：MSE 的推力几乎消失，交叉熵的推力却是满格。",
    "Accuracy is flat almost everywhere, so its derivative is 0 and cannot guide learning; both losses change smoothly.":
        "准确率几乎处处平坦，导数为 0，无法引导学习；两种损失都平滑地变化。",
    # explorers/descent.py
    "secant (numerical)": "割线（数值）",
    "tangent (true)": "切线（真实）",
    "step h": "步长 h",
    "x0 + h rounds back to x0 in float64: h is below the rounding step, so the difference is 0.":
        "在 float64 中 x0 + h 舍入回 x0：h 小于舍入间隔，所以差分为 0。",
    "The error is exactly 0 here (lucky rounding); it is drawn at the bottom edge.":
        "这里误差恰好为 0（舍入碰巧抵消）；画在底边上。",
    "h is tiny: rounding error (≈ 1e-16 / h) dominates.": "h 太小：舍入误差（≈ 1e-16 / h）占主导。",
    "h is large: the secant is not the tangent (truncation error).": "h 太大：割线不是切线（截断误差）。",
    "function f": "函数 f",
    "central": "中心差分",
    "forward": "前向差分",
    "difference": "差分方法",
    "Numerical differentiation": "数值微分",
    "step": "步",
    "f(x) at each step": "每一步的 f(x)",
    "x0² + x1²": "x0² + x1²",
    "x0²/20 + x1² (a long valley)": "x0²/20 + x1²（狭长的山谷）",
    "steps": "步数",
    "Gradient descent and the learning rate": "梯度下降与学习率",
    "(f reached exactly 0: with η = 0.5 one step lands on the minimum of x0² + x1².)":
        "（f 恰好到达 0：η = 0.5 时一步就落在 x0² + x1² 的最小值上。）",
    "slope w": "斜率 w",
    "intercept b": "截距 b",
    "iteration (one update)": "迭代（一次更新）",
    "loss on all N points": "全部 N 个点上的损失",
    "batch size": "批量大小",
    "epochs": "迭代周期数",
    "Mini-batch gradient descent": "小批量梯度下降",
    # explorers/backprop.py
    # (Chinese text and mathtext never share a string: mathtext has no Chinese glyphs; plain Unicode does)
    "chain rule: $\\partial L/\\partial u = \\partial L/\\partial v \\cdot \\partial v/\\partial u$ along every arrow u → v":
        "链式法则：沿每条箭头 u → v，∂L/∂u = ∂L/∂v · ∂v/∂u",
    "grad ?": "梯度 ?",
    "target t": "目标 t",
    "backward pass": "反向传播",
    # explorers/optimizers.py
    "Tick at least one optimiser to draw its path.": "至少勾选一个优化器来画出它的路径。",
    "bowl": "碗形",
    "elongated bowl": "狭长的碗形",
    "saddle": "鞍点",
    "elongated bowl f = x²/20 + y²": "狭长的碗形 f = x²/20 + y²",
    "saddle f = x²/2 + y⁴/4 − y²/2": "鞍点 f = x²/2 + y⁴/4 − y²/2",
    "surface": "曲面",
    "learning rate": "学习率",
    "Optimiser trajectories": "优化器的轨迹",
    # explorers/initializers.py
    "dL/dW ÷ scale": "dL/dW ÷ 尺度",
    "activation ÷ scale": "激活值 ÷ 尺度",
    "activations": "激活值",
    "initializer": "初始化方法",
    "how each layer's weights are drawn (Keras names)": "每层权重的抽取方式（Keras 名称）",
    "depth": "深度",
    "depth of the stack of dense layers": "全连接层堆叠的深度",
    "layers": "层",
    "Initialisation × activation": "初始化 × 激活函数",
    # explorers/conv.py
    "vertical edge (Sobel x)": "竖直边缘（Sobel x）",
    "horizontal edge (Sobel y)": "水平边缘（Sobel y）",
    "edge (Laplacian)": "边缘（拉普拉斯）",
    "box blur": "均值模糊",
    "vertical edge": "竖直边缘",
    "horizontal edge": "水平边缘",
    "edge": "边缘",
    "no": "否",
    "yes": "是",
    "Gaussian blur": "高斯模糊",
    "sharpen": "锐化",
    "photo (Grace Hopper, 96×96)": "照片（Grace Hopper，96×96）",
    "MNIST digit (28×28)": "MNIST 数字（28×28）",
    "no output": "没有输出",
    "no window fits": "一个窗口都放不下",
    "there is only one window": "只有一个窗口",
    "The kernel is larger than": "卷积核比填充后的",
    "the padded input:": "输入还大：",
    "no window fits.": "一个窗口都放不下。",
    "Shaded cells are never covered;": "阴影格子永远不会被覆盖；",
    "frameworks drop them": "框架会丢掉它们，",
    "input size H = W": "输入大小 H = W",
    "height and width of the (square) input": "（正方形）输入的高和宽",
    "kernel size FH = FW": "卷积核大小 FH = FW",
    "height and width of the (square) kernel": "（正方形）卷积核的高和宽",
    "padding P": "填充 P",
    "rows / columns of zeros added on every side": "每条边上补零的行数 / 列数",
    "stride S": "步幅 S",
    "how far the window moves per step": "窗口每次移动多远",
    "highlighted window": "高亮的窗口",
    "which window (row by row) is drawn in red; the range follows the window count":
        "哪个窗口（逐行编号）画成红色；范围随窗口个数变化",
    "Output size (输出大小)": "输出大小",
    "input": "输入",
    "custom": "自定义",
    "kernel": "卷积核",
    "image": "图像",
    "then ReLU": "再接 ReLU",
    "Feature maps (特征图)": "特征图",
    "average": "平均",
    "window": "窗口",
    "Pooling (池化)": "池化",
    "the last rows / columns are dropped.": "最后的几行 / 几列被丢掉。",
    "px": "像素",
    # explorers/rnn.py
    "k: steps back from the step T where the loss is read": "k：从读出损失的时间步 T 往回数的步数",
    "How much of the gradient reaches k steps back": "梯度有多少能传到 k 步之前",
    "With one step there is nothing to go back through: choose T > 1.": "只有一步时没有可以回传的路径：请选 T > 1。",
    "vanishing: what came first barely influences learning.": "梯度消失：最先出现的内容几乎不影响学习。",
    "exploding: updates from what came first would be huge (clip the gradient).": "梯度爆炸：来自最先出现的内容的更新会非常大（请裁剪梯度）。",
    "the gradient reaches the first step.": "梯度能传到第一步。",
    "(Beyond the plot's range: drawn at its edge.)": "（超出了图的范围：画在边缘上。）",
    "The simple cell has no gate: the keep-gate bias moves only the LSTM and GRU curves.":
        "简单的循环单元没有门：保持门的偏置只影响 LSTM 和 GRU 的曲线。",
    "cell": "循环单元",
    "sequence length T": "序列长度 T",
    "recurrent weight scale": "循环权重的尺度",
    "keep-gate bias": "保持门的偏置",
    "the bias of the LSTM's forget gate f and of the GRU's update gate z": "LSTM 遗忘门 f 与 GRU 更新门 z 的偏置",
    "Gradients through time": "沿时间传播的梯度",
    # explorers/regularization.py
    "boundary (dots: training set)": "决策边界（圆点：训练集）",
    "train": "训练",
    "test": "测试",
    "epoch": "迭代周期",
    "loss (without the L2 term)": "损失（不含 L2 项）",
    "dropout rate": "暂退概率",
    "L2 strength λ": "L2 强度 λ",
    "weight decay: λ/2·Σw² is added to the loss": "权重衰减：把 λ/2·Σw² 加到损失上",
    "Dropout and L2 vs overfitting": "暂退法和 L2 对抗过拟合",
    "with batch norm": "使用批量规范化",
    "without": "不使用",
    "training loss": "训练损失",
    "with BN": "使用 BN",
    "without BN": "不使用 BN",
    "how the weights of the five hidden layers are drawn": "五个隐藏层的权重如何抽取",
    "Batch normalization on / off": "批量规范化：开 / 关",
    "validation": "验证",
    "patience": "耐心值",
    "epochs without improvement before training stops": "在停止训练之前容许多少轮没有改进",
    "a smaller drop of the validation loss does not count as an improvement": "验证损失下降得比这更少就不算改进",
    "Early stopping": "早停",
    # explorers/keras_cnn.py
    "random (untrained) 3×3 filters": "随机（未训练）的 3×3 卷积核",
    "test digit": "测试数字",
    "layer": "层",
    "Inside the CNN": "CNN 的内部",
    "Inside the CNN (untrained)": "CNN 的内部（未训练）",
    # explorers/autoencoder.py
    "codes of test digits, by label": "测试数字的编码（按标签着色）",
    "The 2-D latent space": "二维潜在空间",
    "decoder(z)": "解码器(z)",
    "clean x": "干净的 x",
    "noisy input": "加噪的输入",
    "noise σ": "噪声 σ",
    "test images": "测试图像",
    "test images (page)": "测试图像（页）",
    "page": "页",
    "A denoising autoencoder": "去噪自编码器",
    # explorers/gan.py
    "ring of 8 Gaussians": "8 个高斯分布围成的环",
    "line": "直线",
    "two moons": "双月形",
    "non-saturating: −log D(G(z))": "非饱和：−log D(G(z))",
    "minimax: log(1 − D(G(z)))": "极小极大：log(1 − D(G(z)))",
    "green: real · purple: generated": "绿色：真实数据 · 紫色：生成数据",
    "background: D(x) · lines: G(noise grid)": "背景：D(x) · 线条：G(噪声网格)",
    "D loss": "D 的损失",
    "G loss": "G 的损失",
    "energy distance": "能量距离",
    "(lower: closer to real)": "（越低越接近真实数据）",
    "generator steps": "生成器步数",
    "training diverged (a loss is not finite):": "训练发散（损失不再有限）：",
    "lower the learning rates": "请降低学习率",
    "the rest 0)": "其余为 0）",
    "non-saturating loss": "非饱和损失",
    "minimax loss": "极小极大损失",
    "real data": "真实数据",
    "generator loss": "生成器损失",
    "noise dimension": "噪声维数",
    "D learning rate": "D 的学习率",
    "G learning rate": "G 的学习率",
    "D steps per G step": "每个 G 步对应的 D 步数",
    "train rounds": "训练轮数",
    "rounds trained at once when the slider is released": "松开滑块时一次训练的轮数",
    "D step": "D 走一步",
    "G step": "G 走一步",
    "reset": "重置",
    "A GAN on 2-D data (after GAN Lab)": "二维数据上的 GAN（仿 GAN Lab）",
    "one discriminator step: the surface moved, the points did not": "判别器走一步：曲面动了，点没有动",
    "one generator step: the points moved along the arrows, the surface did not": "生成器走一步：点沿箭头移动，曲面没有动",
    "Training diverged (a loss became inf or NaN): lower the learning rates and move any control.":
        "训练发散（损失变成了 inf 或 NaN）：请降低学习率，然后移动任意一个控件。",
    # explorers/playground.py
    "circle": "圆形",
    "gaussian": "高斯分布",
    "spiral": "螺旋",
    "3-class spiral": "3 类螺旋",
    "4-class spiral": "4 类螺旋",
    "5 blobs": "5 个团簇",
    "seed-000 eight points": "seed-000 的八个点",
    "plane (regression)": "平面（回归）",
    "multi-Gaussian (regression)": "多个高斯分布（回归）",
    "linear": "线性",
    "none": "无",
    "data set": "数据集",
    "noise": "噪声",
    "test share": "测试集比例",
    "share of the points held out as the test set (squares)": "留作测试集的点所占比例（方块）",
    "applies from the next training step; the weights are kept": "从下一个训练步起生效；权重保留",
    "applies from the next training step; the weights are kept.": "从下一个训练步起生效；权重保留。",
    "hidden layers": "隐藏层",
    "neurons per layer": "每层神经元数",
    "every hidden layer; + neuron and − neuron change one layer": "所有隐藏层；“+ 神经元”和“− 神经元”只改一层",
    "+ neuron": "+ 神经元",
    "edit weight": "修改权重",
    "weight value": "权重的值",
    "choose one weight (its line is outlined), then set it with weight value; TensorFlow Playground: click a weight line":
        "选一个权重（它的连线会被描出），再用“权重的值”设定它；TensorFlow Playground 中是点击一条权重连线",
    "the chosen weight; training goes on from it": "所选的权重；训练从这个值继续",
    "− neuron": "− 神经元",
    "one more neuron in the layer of the neuron chosen in large picture": "在“大图显示”所选神经元的那一层加一个神经元",
    "one neuron less in the layer of the neuron chosen in large picture": "在“大图显示”所选神经元的那一层减一个神经元",
    "optimiser": "优化器",
    "optimizer": "优化器",
    "regularisation": "正则化",
    "regularisation rate": "正则化率",
    "discretize output": "离散化输出",
    "show test data": "显示测试数据",
    "large picture": "大图显示",
    "output (the network)": "输出（整个网络）",
    "output": "输出",
    "new data": "新数据",
    "Playground: train a network on 2-D data": "Playground：在二维数据上训练网络",
    "loss: train (blue), test (red)": "损失：训练（蓝），测试（红）",
    "neurons": "神经元",
    "regression": "回归",
    "no regularisation": "无正则化",
    "training diverged:": "训练发散：",
    "lower the learning rate": "请降低学习率",
    "and press reset": "然后按“重置”",
    "output ŷ over the plane (orange −1 … blue +1)": "平面上的输出 ŷ（橙 −1 … 蓝 +1）",
    "input feature": "输入特征",
    "train loss": "训练损失",
    "test loss": "测试损失",
    "weights = 0": "权重 = 0",
    "Playing: one epoch per frame (pause for accuracy and the exact numbers).": "播放中：每帧一轮（暂停后显示准确率和精确数值）。",
    "Lower the learning rate and press reset.": "请降低学习率，然后按“重置”。",
    "No input feature is on: x₁ is used until you turn one on.": "没有打开任何输入特征：在你打开一个之前先用 x₁。",
    # explorers/hyperparameters.py
    "about a second": "约 1 秒",
    "accuracy (— validation, -- train)": "准确率（— 验证，-- 训练）",
    "sweep: final accuracy": "扫描：最终准确率",
    "Sweep trains a grid over the setting chosen in 'sweep over'": "“扫描”会在“扫描参数”所选的设置上训练一组网格",
    "and plots the final accuracy here.": "并在这里画出最终准确率。",
    "units in each of the two hidden layers": "两个隐藏层中每层的单元数",
    "sweep over": "扫描参数",
    "the setting the Sweep button trains a grid over": "“扫描”按钮在哪个设置上训练一组网格",
    "Train": "训练",
    "train this setting (moving a control only recalls)": "训练这个设置（移动控件只会调出已有结果）",
    "Sweep": "扫描",
    "sweep": "扫描",
    "train a grid over the setting in 'sweep over'": "在“扫描参数”所选的设置上训练一组网格",
    "Clear runs": "清除曲线",
    "remove the overlaid runs (the cache keeps them)": "移除叠加的曲线（缓存仍保留它们）",
    "not trained yet": "尚未训练",
    "a rough guess, since nothing has been trained on this machine yet": "只是粗略估计，因为这台机器上还没训练过",
    "recalled from the cache": "从缓存中调出",
    "the loss became NaN (diverged): the learning rate is too large for this optimiser.": "损失变成了 NaN（发散）：对这个优化器来说学习率太大。",
    "this setting is trained: its curves are shown": "这个设置已训练：图中显示的就是它的曲线",
    "runs cleared from the plots (the cache keeps them: moving a control recalls them)": "已从图中清除曲线（缓存仍保留：移动控件会重新调出）",
    "No runs yet.": "还没有训练记录。",
    "hidden": "隐藏单元",
    "batch": "批量",
    "train acc": "训练准确率",
    "val acc": "验证准确率",
    "test acc": "测试准确率",
    "s / epoch": "秒 / 轮",
    "source": "来源",
    "cache": "缓存",
    "trained": "训练",
    "dropout": "暂退概率",
    # figures.py
    "Artificial intelligence (AI)": "人工智能（AI）",
    "machines that act intelligently": "能智能地行动的机器",
    "Machine learning (ML)": "机器学习（ML）",
    "learn rules from data": "从数据中学习规则",
    "Deep learning (DL)": "深度学习（DL）",
    "many-layer neural networks": "多层神经网络",
    "Classic machine learning": "经典机器学习",
    "raw data": "原始数据",
    "hand-made features": "人工设计的特征",
    "choose a model": "选择模型",
    "(SVM, trees…)": "（SVM、决策树…）",
    "predict": "预测",
    "raw pixels": "原始像素",
    "simple features": "简单特征",
    "(edges) — learned": "（边缘）——学出来的",
    "complex features": "复杂特征",
    "(shapes) — learned": "（形状）——学出来的",
    "train end to end": "端到端训练",
    "green: learned from data": "绿色：从数据中学到的",
    "Perceptron (linear model)": "感知机（线性模型）",
    "Perceptrons cannot learn XOR": "感知机学不会 XOR",
    "Multi-layer perceptron": "多层感知机",
    "Backpropagation": "反向传播",
    "One hidden layer is 'good enough'?": "一个隐藏层就“够用”？",
    "RBM pre-training": "RBM 预训练",
    "GPUs for training": "用 GPU 训练",
    "Speech recognition": "语音识别",
    "AlexNet wins ILSVRC": "AlexNet 赢得 ILSVRC",
    "Image recognition beats humans": "图像识别超越人类",
    "AlphaGo beats Lee Sedol": "AlphaGo 战胜李世石",
    "Speech recognition on par with humans": "语音识别达到人类水平",
    "Glorot initialisation": "Glorot 初始化",
    "ReLU in deep nets": "深层网络用上 ReLU",
    "He init, batch norm, ResNet (152 layers)": "He 初始化、批量规范化、ResNet（152 层）",
    "decades when deep nets were hard to train": "深层网络难以训练的几十年",
    "year (blue: milestones; orange: what made deep networks trainable)": "年份（蓝：里程碑；橙：让深层网络能够训练的进展）",
    "input space x": "输入空间 x",
    "hidden space s = (NAND, OR)": "隐藏空间 s = (NAND, OR)",
    "a.sum(axis=0): down each column (collapses the rows)": "a.sum(axis=0)：沿每一列向下（消去行）",
    "a.sum(axis=1): along each row (collapses the columns)": "a.sum(axis=1)：沿每一行（消去列）",
    "input: two of the windows": "输入：其中两个窗口",
    "col: one window per row": "col：每行一个窗口",
    "predicted": "预测",
    "true": "真实",
    # data.py: Fashion-MNIST's classes (figure titles) and the loaders' messages
    "T-shirt/top": "T 恤/上衣",
    "Trouser": "裤子",
    "Pullover": "套头衫",
    "Dress": "连衣裙",
    "Coat": "外套",
    "Sandal": "凉鞋",
    "Shirt": "衬衫",
    "Sneaker": "运动鞋",
    "Bag": "包",
    "Ankle boot": "短靴",
    "the Keras host": "Keras 的服务器",
    # contents.py: the environment check
    "widget front-end": "ipywidgets 前端",
    "missing": "未安装",
    "MISSING": "缺失",
    "installed": "已安装",
    "The ipywidgets extension for JupyterLab is missing, so sliders will show as text. "
    "Install ipywidgets 8 in the environment that runs JupyterLab (make lab does).":
        "JupyterLab 缺少 ipywidgets 扩展，滑块会显示成文字。请在运行 JupyterLab 的环境中安装 ipywidgets 8"
        "（`make lab` 会安装）。",
    # runcache.py: the summary line and the warnings
    "; a file is in the folder's place, so new runs cannot be kept": "；文件夹的位置上是一个文件，所以新的运行无法保存",
    "; the folder is read-only, so new runs cannot be kept": "；文件夹是只读的，所以新的运行无法保存",
    "it is not a {description, result} record": "它不是 `{description, result}` 形式的记录",
    "its description is not this run's": "它描述的不是这次运行",
    "the result has no 'history' dict": "结果中没有 `history` 字典",
    "the result has no number 'test_accuracy'": "结果中没有数值 'test_accuracy'",
    "'epoch_seconds' is not a list of numbers": "'epoch_seconds' 不是由数组成的列表",
    "'params' is not an integer": "`params` 不是整数",
    # explorers/base.py: a closed explorer
    "This explorer was closed (its cell ran again). Run its cell to get a new one.":
        "这个探索器已经关闭（它的单元格又运行了一次）。重新运行它的单元格，就能得到一个新的。",
    # keras_models.SEED_TABLE: the seed's model names (chapter 08)
    "1-layer softmax": "单层 softmax",
    "same + dropout 0.3": "同上 + 暂退法 0.3",
    "same + dropout, RMSprop": "同上 + 暂退法，RMSprop",
    "same + dropout, Adam": "同上 + 暂退法，Adam",
    # tfbasics.markdown_table: the dtype tables (chapter 07)
    "same as": "等同于",
    "kind": "种类",
    "bits": "位数",
    "digits": "有效位数",
    "layout": "位布局",
    "float": "浮点数",
    "int": "整数",
    "unsigned int": "无符号整数",
    "complex": "复数",
    "quantized int": "量化整数",
    "bool": "布尔值",
    "bytes": "字节串",
    "variable-length byte strings": "变长字节串",
    # notebooks: names that chapters use as dictionary keys and print or draw (chapter 10)
    "other real test digits": "其他真实测试数字",
    "untrained generator": "未训练的生成器",
    "G lr = 10 × D lr": "G 的学习率 = 10 × D 的学习率",
    "default": "默认",
}
"""English text -> its Chinese, for whole strings."""

ZH_PATTERNS: list[tuple[str, str]] = [
    # (regular expression over the whole English text, Chinese template). In the template,
    # {0}, {1}, ... are the groups, each translated in turn (a number stays a number); a group
    # written `{0}` (as code) is copied as it is: text from outside the package, such as an
    # operating-system or library error, quoted.
    (r"Exercise (\d+\.\d+)", "练习 {0}"),
    (r"after (\d+) rounds", "训练 {0} 轮之后"),  # chapter 10's GAN, a dictionary key
    (r"(Exercise \d+\.\d+|exercise): (.+)", "{0}：{1}"),
    # explorers/activations.py
    (r"leaky ReLU \(α=(.+)\)", "Leaky ReLU（α={0}）"),
    (r"step: f\((.+)\) = (.+)", "阶跃函数：f({0}) = {1}"),
    (r"slope f'\((.+)\) = (.+)", "斜率 f'({0}) = {1}"),
    (r"f\((\S+)\) = (\S+), slope f'\((\S+)\) = (\S+)", "f({0}) = {1}，斜率 f'({2}) = {3}"),
    (r"At x = 0 the (step|relu|leaky_relu) has a kink/jump: the derivative is undefined there; code uses (\S+)\.",
     "在 x = 0 处 {0} 有折点/跳跃：导数在那里没有定义；代码取 {1}。"),
    (r"step, (.+), depth (\d+)", "阶跃函数，{0}，深度 {1}"),
    (r"(.+), (.+), depth (\d+)", "{0}，{1}，深度 {2}"),
    (r"N\(0, 0\.05²\) — random_normal", "N(0, 0.05²)——random_normal"),
    (r"gradient at layer 1 / gradient at layer (\d+) = (\S+)", "第 1 层的梯度 / 第 {0} 层的梯度 = {1}"),
    (r"But every layer's gradient is tiny \(at most (\S+)\): the weights are too small, so the signal dies\.",
     "但每一层的梯度都很小（至多 {0}）：权重太小，信号消失了。"),

    (r"(\d+) hidden ReLU units, largest error (\S+)", "{0} 个隐藏 ReLU 单元，最大误差 {1}"),
    (r"largest error (\S+) with (\d+) hidden units \((\d+) output weights fitted\)",
     "{1} 个隐藏单元时最大误差为 {0}（拟合了 {2} 个输出权重）"),
    # explorers/perceptron.py
    (r"(\w+): (\d)/4 right   \(w = \((.+)\), b = (.+)\)", "{0}：4 个点对了 {1} 个   （w = ({2})，b = {3}）"),
    (r"(\d) of 4 points are on the right side\. Shaded blue = output 1, orange = output 0\.",
     "4 个点中有 {0} 个在正确的一侧。蓝色区域 = 输出 1，橙色区域 = 输出 0。"),
    (r"w1 = w2 = 0: there is no line; the output is step\(b\) = (\d) everywhere\. (\d) of 4 right\.",
     "w1 = w2 = 0：没有直线；输出处处为 step(b) = {0}。4 个点对了 {1} 个。"),
    (r"(\w+), η = (\S+): step (\d+) of (\d+), w = \((.+)\), b = (\S+)",
     "{0}，η = {1}：第 {2}/{3} 步，w = ({4})，b = {5}"),  # as short as the English: it must fit the figure
    (r"after all (\d+) steps: (.+)", "全部 {0} 步之后：{1}"),
    (r"converged after (\d+) epoch\(s\): every point is on the right side", "{0} 轮后收敛：每个点都在正确的一侧"),
    (r"no convergence: after (\d+) epoch\(s\) the weights came back to values seen before, so the rule will cycle "
     r"forever \(the data are not linearly separable\)",
     "不收敛：{0} 轮后权重回到了之前出现过的值，学习规则将永远循环下去（数据线性不可分）"),
    (r"no convergence after (\d+) epochs \(still (\d+) mistake\(s\) per epoch\)", "{0} 轮后仍不收敛（每轮仍有 {1} 个错误）"),
    (r"epoch (\d+), sample x=\((.+)\), t=(\S+): t·\(w·x\+b\) = (\S+) ≤ 0 → wrong, so w \+= η·t·x = \((.+)\), b \+= (\S+)",
     "第 {0} 轮，样本 x=({1})，t={2}：t·(w·x+b) = {3} ≤ 0 → 分错，所以 w += η·t·x = ({4})，b += {5}"),
    (r"epoch (\d+), sample x=\((.+)\), t=(\S+): t·\(w·x\+b\) = (\S+) > 0 → right, no change",
     "第 {0} 轮，样本 x=({1})，t={2}：t·(w·x+b) = {3} > 0 → 分对，不更新"),
    # explorers/softmax_loss.py
    (r"class (\d+)", "类别 {0}"),
    (r"softmax\(\(a \+ (\S+)\) / T\),  T = (\S+)", "softmax((a + {0}) / T)，  T = {1}"),
    (r"largest logit fed to exp: (\S+); stable outputs sum to (\S+)\.(.*)",
     "送入 exp 的最大 logit：{0}；稳定版输出之和为 {1}。{2}"),
    (r"prediction: p\(class 0\) = (\S+)", "预测：p(类别 0) = {0}"),
    (r"CE (\S+) · MSE (\S+) · accuracy (\S+)", "交叉熵 {0} · MSE {1} · 准确率 {2}"),
    (r"cross-entropy (\S+), MSE (\S+), accuracy (\S+)\. (.+)", "交叉熵 {0}，MSE {1}，准确率 {2}。{3}"),
    (r"loss at a = (\S+) \(y = (\S+)\)", "a = {0} 处的损失（y = {1}）"),
    (r"gradient: CE (\S+), MSE (\S+)", "梯度：交叉熵 {0}，MSE {1}"),
    (r"y = (\S+): cross-entropy pushes the logit with \|dL/da\| = (\S+), MSE with (\S+) \((\S+)× weaker\)(.*)",
     "y = {0}：交叉熵以 |dL/da| = {1} 推动 logit，MSE 只有 {2}（弱 {3} 倍）{4}"),
    # explorers/descent.py
    (r"(.+) at x0 = (\S+), h = (\S+)", "{0}，x0 = {1}，h = {2}"),
    (r"(central|forward) error (\S+)", "{0}误差 {1}"),
    (r"(central|forward) difference with h = (\S+): (\S+) \(true (\S+)\), error (\S+)\.(.*)",
     "h = {1} 的{0}：{2}（真实值 {3}），误差 {4}。{5}"),
    (r"x ← x − η∇f, η = (\S+), (\d+) steps", "x ← x − η∇f，η = {0}，{1} 步"),
    (r"[Cc]onverged: reached the minimum within (\d+) step\(s\)(.*)", "收敛：{0} 步之内到达最小值{1}"),
    (r"[Dd]iverged: \|x\| passed the blow-up limit after (\d+) step\(s\), so the run was stopped(.*)",
     "发散：{0} 步后 |x| 超过了爆炸上限，运行被停止{1}"),
    (r"[Dd]iverging: \|x\| grew over (\d+) step\(s\) and would keep growing(.*)", "正在发散：|x| 在 {0} 步中不断增大，还会继续增大{1}"),
    (r"[Nn]o progress: after (\d+) step\(s\) \|x\| is no smaller \(the learning rate is at the edge\)(.*)",
     "没有进展：{0} 步后 |x| 没有变小（学习率处在临界值上）{1}"),
    (r"[Nn]ot yet converged after (\d+) step\(s\): still descending, the learning rate is small(.*)",
     "{0} 步后尚未收敛：仍在下降，学习率偏小{1}"),
    (r"\(η = (\S+) > critical η = (\S+)\)\.", "（η = {0} > 临界 η = {1}）。"),
    (r"(.+) \(η = (\S+) > critical η = (\S+)\)\.", "{0}（η = {1} > 临界 η = {2}）。"),
    (r"(.+) \(f reached exactly 0: with η = 0\.5 one step lands on the minimum of x0² \+ x1²\.\)",
     "{0}（f 恰好到达 0：η = 0.5 时一步就落在 x0² + x1² 的最小值上。）"),
    (r"; each step overshoots further than the last(.*)", "；每一步都比上一步冲得更远{0}"),
    (r"; it zig-zags across the minimum \(oscillation\)(.*)", "；它在最小值两侧来回跳（振荡）{0}"),
    (r"batch (\d+), η = (\S+), (\d+) epochs?", "批量 {0}，η = {1}，{2} 轮"),
    (r"N = (\d+) points, batch size (\d+) → (\d+) iteration\(s\) per epoch; (\d+) epoch\(s\) = (\d+) iterations "
     r"\(grey lines mark epoch ends\)\.(.*)",
     "N = {0} 个点，批量大小 {1} → 每轮 {2} 次迭代；{3} 轮 = {4} 次迭代（灰线标出每轮的结束）。{5}"),
    (r"Diverged after (\d+) iterations: η = (\S+) is too large for this batch size; stopped\. (.*)",
     "{0} 次迭代后发散：对这个批量大小来说 η = {1} 太大；已停止。{2}"),
    (r"Diverging: the loss grew from (\S+) to (\S+); η = (\S+) is too large\. (.*)",
     "正在发散：损失从 {0} 增大到 {1}；η = {2} 太大。{3}"),
    (r" ?Final loss (\S+) \(best possible (\S+)\)\.", "最终损失 {0}（最优可能值 {1}）。"),
    # explorers/backprop.py
    (r"data (\S+)", "值 {0}"),
    (r"grad (\S+)", "梯度 {0}"),
    (r"forward pass only: L = (\S+)\. Tick 'backward pass' to send gradients back\.",
     "只做了前向传播：L = {0}。勾选“反向传播”把梯度传回去。"),
    (r"(.+)   \(L = (\S+)\)", "{0}   （L = {1}）"),
    # explorers/optimizers.py
    (r"(.+), lr = (\S+), (\d+) steps", "{0}，学习率 = {1}，{2} 步"),
    (r"diverged at step (\d+)", "在第 {0} 步发散"),
    (r"draw (\w+)'s path", "画出 {0} 的路径"),
    # explorers/initializers.py
    (r"layer (\d+)", "第 {0} 层"),
    (r"activations, scale (\S+)", "激活值，尺度 {0}"),
    (r"gradients dL/dW, scale (\S+)", "梯度 dL/dW，尺度 {0}"),
    (r"activation σ: layer 1 (\S+) → layer (\d+) (\S+); weight-gradient σ: layer 1 (\S+) → layer (\d+) (\S+)",
     "激活值 σ：第 1 层 {0} → 第 {1} 层 {2}；权重梯度 σ：第 1 层 {3} → 第 {4} 层 {5}"),
    # explorers/conv.py
    (r"padded input (\d+×\d+)", "填充后的输入 {0}"),
    (r"output (\d+×\d+)", "输出 {0}"),
    (r"(\d+×\d+) windows; the red one is window (\d+) of (\d+) and gives the red output cell\.",
     "{0} 个窗口；红色的是第 {1} 个（共 {2} 个），它给出红色的输出格子。"),
    (r"(\d+×\d+) windows\.", "{0} 个窗口。"),
    (r"S=(\d+) does not fit:", "S={0} 不合适："),
    (r"(\d+) is not a multiple of (\d+)\.", "{0} 不是 {1} 的倍数。"),
    (r"and return (\d+×\d+)\.", "返回 {0}。"),
    (r"stride S=(\d+) does not fit: \(H \+ 2P - FH\) / S = \((.+)\) / (\d+) = (\S+) is not an integer, so the last (\d+) "
     r"row\(s\) would be left uncovered\.?",
     "步幅 S={0} 不合适：(H + 2P - FH) / S = ({1}) / {2} = {3} 不是整数，所以最后 {4} 行不会被覆盖。"),
    (r"the window \(FH=(\d+)\) is larger than the padded input \(H \+ 2P = (.+)\): it does not fit even once\.?",
     "窗口（FH={0}）比填充后的输入（H + 2P = {1}）还大：一次也放不下。"),
    (r"map (\d+×\d+)(.*)", "特征图 {0}{1}"),
    (r", ReLU", "，ReLU"),
    (r"output range \[(.+)\]; sum of kernel weights = (\S+) \(1 keeps brightness, 0 keeps only changes\)\.",
     "输出范围 [{0}]；卷积核权重之和 = {1}（1 保持亮度，0 只保留变化）。"),
    (r"row (\d), column (\d) of the custom kernel \(choose kernel: custom\)", "自定义卷积核的第 {0} 行、第 {1} 列（卷积核选“自定义”时生效）"),
    (r"custom (k\[\d,\d\])", "自定义 {0}"),
    (r"input (\d+×\d+)", "输入 {0}"),
    (r"stride (\d+) does not fit (\d+) − (\d+) = (\d+): (.+)", "步幅 {0} 不能整除 {1} − {2} = {3}：{4}"),
    (r"(max|average) → (\d+×\d+)", "{0} → {1}"),
    (r"window (\d+×\d+) \(red; the dashed one is the next\), stride (\d+): (\d+×\d+) → (\d+×\d+)\.",
     "窗口 {0}（红色；虚线的是下一个），步幅 {1}：{2} → {3}。"),
    # explorers/rnn.py
    (r"(\w+), T = (\d+): the first step receives (\S+) × the gradient at step T; each step back multiplies it by (\S+) "
     r"on average(.*)", "{0}，T = {1}：第一步收到的梯度是第 T 步的 {2} 倍；每往回一步平均乘以 {3}{4}"),
    # explorers/regularization.py
    (r"dropout (\S+), λ (\S+): gap (\S+)", "暂退概率 {0}，λ {1}：差距 {2}"),
    (r"after (\d+) epochs: train loss (\S+), test loss (\S+) \(gap (\S+)\); train acc (\S+), test acc (\S+)",
     "{0} 轮后：训练损失 {1}，测试损失 {2}（差距 {3}）；训练准确率 {4}，测试准确率 {5}"),
    (r"diverged at epoch (\d+)", "在第 {0} 轮发散"),
    (r"test acc (\S+)", "测试准确率 {0}"),
    (r"test accuracy, lr (\S+)", "测试准确率，学习率 {0}"),
    (r"epoch (\d+)/(\d+)", "第 {0}/{1} 轮"),
    (r"epoch (\d+) restored \(stop: (\d+)\)", "恢复第 {0} 轮（停在第 {1} 轮）"),
    (r"patience (\d+), min_delta (\S+)", "耐心值 {0}，min_delta {1}"),
    (r"never stopped within (\d+) epochs; the best epoch was (\d+)", "{0} 轮内一直没有停止；最好的是第 {1} 轮"),
    (r"stops at epoch (\d+) \(saved (\d+) epochs\) and restores epoch (\d+): validation loss (\S+) instead of (\S+) at the "
     r"stop and (\S+) after all (\d+) epochs",
     "在第 {0} 轮停止（省下 {1} 轮）并恢复第 {2} 轮：验证损失为 {3}，而停止时是 {4}，训练完全部 {6} 轮后是 {5}"),
    # explorers/keras_cnn.py
    (r"(\w+) feature maps (\d+×\d+×\d+)", "{0} 的特征图 {1}"),
    (r"(\w+) filters 3×3 \((\d+)\)", "{0} 的 3×3 卷积核（{1} 个）"),
    (r"digit index must be in 0\.\.(\d+)", "数字的序号必须在 0..{0} 之间"),
    (r"input #(\d+) \(label (\d+)\)", "输入 #{0}（标签 {1}）"),
    (r"input #(\d+)", "输入 #{0}"),
    (r"the (\d+) learned 3×3 filters of (\w+)", "{1} 学到的 {0} 个 3×3 卷积核"),
    (r"(\w+): (\d+) channels of (\d+×\d+)", "{0}：{1} 个 {2} 的通道"),
    # explorers/autoencoder.py
    (r"nearest (\d+) codes:", "最近的 {0} 个编码："),
    (r"(\d+) are (\d)s", "{0} 个是 {1}"),
    (r"z = \((.+)\); the (\d+) nearest test codes are mostly (\d)s \((\d+) of them\)",
     "z = ({0})；最近的 {1} 个测试编码大多是 {2}（有 {3} 个）"),
    (r"σ = (\S+) · error per pixel: noisy (\S+), denoised (\S+)", "σ = {0} · 每像素误差：加噪 {1}，去噪 {2}"),
    (r"noise σ (\S+): the noisy images differ from the clean ones by (\S+) per pixel \(squared\), the denoised ones by (\S+)",
     "噪声 σ {0}：加噪图像与干净图像每像素（平方）相差 {1}，去噪后相差 {2}"),
    (r"the latent explorer needs an encoder with a 2-D code; this one gives (.+)", "潜在空间探索器需要二维编码的编码器；这个编码器给出 {0}"),
    # explorers/gan.py
    (r"lr (\S+), (\d+) steps? per round", "学习率 {0}，每轮 {1} 步"),
    (r"lr (\S+)", "学习率 {0}"),
    (r"(\d+)-D noise", "{0} 维噪声"),
    (r"(\d+)-D noise \(grid over z₁, z₂", "{0} 维噪声（在 z₁、z₂ 上取网格"),
    (r"generator steps ([\d,]+) · discriminator steps ([\d,]+)", "生成器步数 {0} · 判别器步数 {1}"),
    (r"generator steps (\d+): energy distance (\S+), modes covered (\d+)/8, (\S+) of points near a mode",
     "生成器步数 {0}：能量距离 {1}，覆盖了 {2}/8 个模式，{3} 的点靠近某个模式"),
    (r"generator steps (\d+): energy distance (\S+)", "生成器步数 {0}：能量距离 {1}"),
    (r"(\S+) ms per round", "每轮 {0} 毫秒"),
    (r"round (\d+)/(\d+)", "第 {0}/{1} 轮"),
    (r"D loss (\S+)", "D 的损失 {0}"),
    (r"G loss (\S+)", "G 的损失 {0}"),
    (r"loss (\S+)", "损失 {0}"),
    # explorers/playground.py
    (r"input (x₁|x₂|x₁²|x₂²|x₁x₂|sin πx₁|sin πx₂|\d+)", "输入 {0}"),
    (r"layer (\d+), neuron (\d+)", "第 {0} 层第 {1} 个神经元"),
    (r"(.+): applies from the next training step; the weights are kept\.", "{0}：从下一个训练步起生效；权重保留。"),
    (r"batch size (\d+)", "批量大小 {0}"),
    (r"dropout (\S+)", "暂退概率 {0}"),
    (r"(\w+) \(fresh optimiser state\)", "{0}（优化器状态重新开始）"),
    (r"learning rate (\S+)", "学习率 {0}"),
    (r"regularisation (L1|L2|none)", "正则化 {0}"),
    (r"regularisation rate (\S+)", "正则化率 {0}"),
    (r"(\d+) classes", "{0} 类"),
    (r"(.+ \(regression\)): (.+) neurons, (\w+)", "{0}：{1} 个神经元，{2}"),  # the data set says its kind
    (r"(.+) \((regression|\d+ classes)\): (.+) neurons, (\w+)", "{0}（{1}）：{2} 个神经元，{3}"),
    (r"(\w+), learning rate (\S+), batch (\d+), dropout (\S+), (.+)", "{0}，学习率 {1}，批量 {2}，暂退概率 {3}，{4}"),
    (r"output: most probable class, boundary", "输出：最可能的类别，决策边界"),
    (r"output: class probabilities, boundary", "输出：各类别的概率，决策边界"),
    (r"(.+) over the plane \(scaled to its largest \|value\|\)", "平面上的{0}（按最大 |值| 缩放）"),
    (r"Training diverged at learning rate (\S+) \(the weights blew up\)\. (.+)", "学习率 {0} 时训练发散（权重爆炸了）。{1}"),
    (r"epoch (\S+): train loss (\S+) \(squared error\)", "第 {0} 轮：训练损失 {1}（平方误差）"),
    (r"epoch (\S+): train loss (\S+), train accuracy (\S+), test accuracy (\S+)",
     "第 {0} 轮：训练损失 {1}，训练准确率 {2}，测试准确率 {3}"),
    (r"epoch (\S+): train loss (\S+), train accuracy (\S+)", "第 {0} 轮：训练损失 {1}，训练准确率 {2}"),
    (r"(L1|L2) (\S+)", "{0} {1}"),
    # explorers/hyperparameters.py
    (r"val (\S+)", "验证 {0}"),
    (r"accuracy (\S+)", "准确率 {0}"),
    (r"about (\S+) s", "约 {0} 秒"),
    (r"about (\S+) min", "约 {0} 分钟"),
    (r"not trained yet: Train takes (.+)", "尚未训练：训练需要{0}"),
    (r"not trained yet: (.+)", "尚未训练：{0}"),
    (r"(.+): not trained yet; press Train \((.+?)( — .+)?\)\.", "{0}：尚未训练；请按“训练”（{1}{2}）。"),
    (r"trained in (\S+) s", "训练用了 {0} 秒"),
    (r"(.+): (recalled from the cache|trained in \S+ s); final validation accuracy (\S+)(.*)", "{0}：{1}；最终验证准确率 {2}{3}"),
    (r"sweep over (\w+): best validation accuracy (\S+) at (\w+) = (\S+)", "扫描 {0}：{2} = {3} 时验证准确率最高，为 {1}"),
    (r"sweep (\d+)/(\d+) \((\w+)=(\S+)\)", "扫描 {0}/{1}（{2}={3}）"),
    (r"(\w+), (\d+) epochs", "{0}，{1} 轮"),
    (r"sweep over (.+) \((.+)\)", "扫描 {0}（{1}）"),
    (r"cannot sweep over '(\w+)'; choose one of (.+)", "无法扫描 '{0}'；请从 {1} 中选择"),
    # data.py: every DatasetError (the advice last, on a line of its own)
    (r"To use (\w+) offline, download \w+\.npz on a machine with internet \(for MNIST: (\S+)\) and either put it in "
     r"the repository's data/ folder \((.+)\), set the environment variable (\w+) to the folder that holds it, or pass "
     r"path=\.\.\. \. If your network blocks the default host, set (\w+) to a mirror URL that serves \w+\.npz\.",
     "要离线使用 {0}，请在能上网的机器上下载 {0}.npz（MNIST 的地址：{1}），然后放进仓库的 data/ 文件夹（{2}），"
     "或把环境变量 {3} 设为存放它的文件夹，或传入 path=...。\n如果你的网络无法访问默认地址，请把 {4} 设为一个提供 {0}.npz "
     "的镜像地址。"),
    (r"No (\w+) file at (.+?)\. (To use .+)", "在 {1} 没有找到 {0} 文件。\n{2}"),
    (r"No (\w+)\.npz found \(looked in (.+)\) and download=False\. (To use .+)",
     "没有找到 {0}.npz（查找过 {1}），且 download=False。\n{2}"),
    (r"(.+) has sha256 (\w+), which matches no known (\w+) file \(a partial download or a different file\?\)\. "
     r"Delete it and download it again; pass verify=False only if you trust this file\. (To use .+)",
     "{0} 的 sha256 是 {1}，与任何已知的 {2} 文件都不符（下载不完整，或者是另一个文件？）。请删除它并重新下载；"
     "只有在信任这个文件时才传入 verify=False。\n{3}"),
    (r"(.+) could not be read as a \.npz file \((.+)\)\. Delete it and download it again\. (To use .+)",
     "{0} 无法作为 .npz 文件读取（`{1}`）。请删除它并重新下载。\n{2}"),
    (r"(.+) is not a (\w+) file: it lacks the arrays (\[.*\])\. Expected Keras' layout with x_train, y_train, x_test, "
     r"y_test\. Delete it and get a fresh copy\. (To use .+)",
     "{0} 不是 {1} 文件：它缺少数组 {2}。应当是 Keras 的布局：x_train、y_train、x_test、y_test。请删除它并重新获取一份。\n{3}"),
    (r"(.+): (x_train|x_test) has shape (\(.*\)) and dtype (\w+); expected \(N, 28, 28\) uint8\.",
     "{0}：{1} 的形状是 {2}，dtype 是 {3}；应当是 (N, 28, 28) 的 uint8。"),
    (r"(.+): (y_train|y_test) has shape (\(.*\)) and dtype (\w+); expected \((\d+),\) integer labels\.",
     "{0}：{1} 的形状是 {2}，dtype 是 {3}；应当是 ({4},) 的整数标签。"),
    (r"(.+): (y_train|y_test) holds labels outside 0\.\.9\.", "{0}：{1} 中有 0..9 以外的标签。"),
    (r"Keras is not importable, so (\w+) cannot be downloaded\. (To use .+)", "无法导入 Keras，所以无法下载 {0}。\n{1}"),
    (r"(\w+) is not on this computer and downloading it from (.+?) failed \((.+)\)\. Are you offline\? (To use .+)",
     "这台计算机上没有 {0}，从 {1} 下载也失败了（`{2}`）。是不是没有联网？\n{3}"),
    # contents.py: the environment check
    (r"Python (\S+) is too old; the collection needs 3\.10 or newer\.", "Python {0} 太旧；这套笔记需要 3.10 或更新的版本。"),
    (r"(.+) is not installed: run `make lab` \(it installs everything into \.venv\)\.",
     "{0} 没有安装：请运行 `make lab`（它会把所有依赖装进 `.venv`）。"),
    (r"Keras (\S+) found; the chapters need Keras 3\.", "找到的是 Keras {0}；各章需要 Keras 3。"),
    # runcache.py: the summary line, the warnings, and why an entry was set aside
    (r"run cache: (.+) — (\d+) runs?, (\S+ [KM]iB) of at most (\S+ [KM]iB) \(set (\w+) to move it\)(.*)",
     "运行缓存：{0}——{1} 次运行，{2}，上限 {3}（设置 {4} 可以换位置）{5}"),
    (r"also recalled: (\d+) runs shipped with the course in (\S+) \(make sweeps\)",
     "另外还能取回随课程发布的 {0} 次运行：{1}（由 make sweeps 生成）"),
    (r"this run could not be stored in the run cache at (.+) \((.+)\); its result is shown, but it will be trained "
     r"again next time", "这次运行无法存入 {0} 处的运行缓存（`{1}`）；结果照常显示，但下次会重新训练"),
    (r"this run was not stored in the run cache: its result is not a valid record \((.+)\); it will be trained again "
     r"next time", "这次运行没有存入运行缓存：它的结果不是有效的记录（{0}）；下次会重新训练"),
    (r"ignoring the bad run-cache entry (.+?) \((.+)\); it could not be set aside \((.+)\), so it will be ignored again "
     r"next time", "忽略运行缓存中的坏条目 {0}（{1}）；它无法被移到一边（`{2}`），所以下次还会被忽略"),
    (r"ignoring the bad run-cache entry (\S+) \((.+)\); set aside as (\S+), the run will be trained again",
     "忽略运行缓存中的坏条目 {0}（{1}）；已把它改名为 {2} 放到一边，这次运行会重新训练"),
    (r"it cannot be read \((.+)\)", "无法读取（`{0}`）"),
    (r"(.+): line (\d+) column (\d+) \(char (\d+)\)", "不是有效的 JSON：`{0}`（第 {1} 行第 {2} 列，第 {3} 个字符）"),
    (r"the result is a (\w+), not a dict", "结果是 `{0}`，不是 `dict`"),
    (r"the history has no ('\w+')", "`history` 中没有 `{0}`"),
    (r"history\[('\w+')\] is not a list of numbers", "`history[{0}]` 不是由数组成的列表"),
    (r"the history's lists have lengths (\[.*\]), not one length of at least 1",
     "`history` 中各列表的长度是 {0}，而不是同一个至少为 1 的长度"),
    (r"('\w+') is not a number", "{0} 不是数"),
    # conv.output_size: a window that does not fit (chapter 06 prints it)
    (r"stride S=(\d+) does not fit: \(H \+ 2P - FH\) / S = \((.+)\) / (\d+) = (\S+) is not an integer, so the last (\d+) "
     r"row\(s\) would be left uncovered; change S, P or FH so that (\d+) is a multiple of S \(frameworks silently round "
     r"down to (\d+) outputs\)",
     "步幅 S={0} 不合适：(H + 2P - FH) / S = ({1}) / {2} = {3} 不是整数，所以最后 {4} 行不会被覆盖；请调整 S、P 或 FH，"
     "使 {5} 是 S 的倍数（框架会悄悄向下取整，得到 {6} 个输出）"),
    (r"the window \(FH=(\d+)\) is larger than the padded input \(H \+ 2P = (.+)\): it does not fit even once; use a "
     r"smaller window or more padding", "窗口（FH={0}）比填充后的输入（H + 2P = {1}）还大：一次也放不下；请用更小的窗口或更多的填充"),
    # tfbasics.markdown_table: the dtype tables' layouts
    (r"1 sign, (\d+) exponent, (\d+) mantissa bits", "1 个符号位，{0} 个指数位，{1} 个尾数位"),
    (r"two (\d+)-bit floats \(real, imaginary\)", "两个 {0} 位浮点数（实部、虚部）"),
    (r"(\w+) codes plus a scale \(for quantized models\)", "{0} 编码加一个缩放因子（用于量化模型）"),
    # figures.py
    (r"(\d{4})  (.+)", "{0}  {1}"),
    (r"(NAND|OR|AND) line", "{0} 直线"),
    (r"a has shape (\(.*\)): axis 0 indexes rows, axis 1 indexes columns", "a 的形状是 {0}：第 0 轴索引行，第 1 轴索引列"),
    (r"predicted (\S+) \(true (\S+)\)", "预测为 {0}（真实为 {1}）"),
    (r"predicted (\S+)", "预测为 {0}"),
    # any explorer: a clause after a dash, several sentences (each part translated on its own)
    (r"([^\n]+?) — ([^\n]+)", "{0}——{1}"),
    (r"— ([^\n]+)", "——{0}"),
    (r"([^\n]+?[.!?]\)?) +(\S[^\n]*)", "{0}{1}"),
]
"""English text with numbers or names inside -> its Chinese."""

ZH_OPTIONS: dict[str, str] = {
    "step": "阶跃函数",  # the activation function (elsewhere "step" is a step of a run: 步)
}
"""Option labels whose Chinese differs from the same text elsewhere."""

_COMPILED = [(re.compile(p, re.S), t, {int(i) for i in re.findall(r"`\{(\d+)\}`", t)}) for p, t in ZH_PATTERNS]
"""(pattern, template, the groups the template shows as `code`: copied as they are, never translated)."""
