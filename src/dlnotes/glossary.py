"""The collection's one glossary (术语表) and one notation (符号约定), as data.

Every chapter's ``## Summary`` ends with a table ``| English | 中文 | meaning |`` whose rows are
entries of :data:`TERMS`, word for word; ``tests/test_glossary.py`` checks that, and that every
term appears in the summary of the chapter that teaches it. The index shows the whole glossary
(:func:`glossary_table`) and the notation (:func:`notation_table`).

Chinese terms follow 动手学深度学习 (Dive into Deep Learning, Chinese edition) where it has
one, otherwise the Chinese edition of Saito's 深度学习入门 (e.g. 梯度确认); a name that has no
established translation stays in English (im2col).

Notation follows Saito's book, which is also how the package's code names things
(``mse(y, t)``, ``SoftmaxWithLoss.forward(x, t)``): ``t`` is the target, ``y`` the output.
"""

from __future__ import annotations

from dataclasses import dataclass

from dlnotes.language import language


@dataclass(frozen=True)
class Term:
    """One glossary entry: English, 中文, a one-line meaning, and the chapter that teaches it."""

    en: str
    zh: str
    meaning: str
    chapter: int

    def row(self) -> str:
        """The entry as a row of a chapter's summary table: ``| en | zh | meaning |``."""
        return f"| {self.en} | {self.zh} | {self.meaning} |"

    @property
    def meaning_zh(self) -> str:
        """The meaning in Chinese (:data:`MEANINGS_ZH`)."""
        return MEANINGS_ZH[self.en]

    def row_zh(self) -> str:
        """The entry as a row of a Chinese chapter's summary table: ``| 中文 | English | 含义 |``."""
        return f"| {self.zh} | {self.en} | {self.meaning_zh} |"


def _t(en, zh, meaning, chapter):
    return Term(en, zh, meaning, chapter)


TERMS: tuple[Term, ...] = (
    # 00 index
    _t("artificial intelligence", "人工智能", "machines acting intelligently; the widest circle", 0),
    _t("machine learning", "机器学习", "learning behaviour from data instead of hand-written rules", 0),
    _t("deep learning", "深度学习", "machine learning with many-layer neural networks", 0),
    _t("neural network", "神经网络", "layers of artificial neurons connected by weights", 0),
    _t("feature", "特征", "a number computed from the input that a model uses", 0),
    _t("supervised / unsupervised learning", "监督学习 / 无监督学习", "learning from labelled / unlabelled data", 0),
    _t("reinforcement learning", "强化学习", "learning behaviour from rewards", 0),
    _t("end-to-end learning", "端到端学习", "one network maps raw input to the answer; no hand-made features", 0),
    _t("feed-forward network", "前馈神经网络", "signals flow from input to output without loops (chapters 01–10)", 0),
    _t("recurrent neural network (RNN)", "循环神经网络", "reads a sequence step by step, keeping a hidden state", 0),
    _t("autoencoder", "自编码器", "a network trained to reproduce its input through a narrow code layer", 0),
    _t("generative adversarial network (GAN)", "生成对抗网络", "a generator and a discriminator trained against each other", 0),
    # 01 perceptron
    _t("neuron", "神经元", "unit that sums weighted inputs and fires above a threshold", 1),
    _t("perceptron", "感知机", r"neuron with a step output: $y = [w\cdot x + b > 0]$", 1),
    _t("weight", "权重", "how strongly one input counts", 1),
    _t("threshold", "阈值", "the level the weighted sum must exceed", 1),
    _t("bias", "偏置", r"$b = -\theta$: how easily the neuron fires", 1),
    _t("decision boundary", "决策边界", "where the predicted class changes; a line for a perceptron", 1),
    _t("linearly separable", "线性可分", "two classes that one line (hyperplane) can split", 1),
    _t("not linearly separable", "线性不可分", "no line (hyperplane) splits the two classes, as for XOR", 1),
    _t("perceptron loss", "感知机损失函数", r"$-\sum_{\text{misclassified}} t\,(w\cdot x + b)$, zero when nothing is misclassified", 1),
    _t("perceptron learning rule", "感知机学习规则", r"$w \leftarrow w + \eta\, t\, x$ for each misclassified sample", 1),
    _t("learning rate", "学习率", "η, the step size of each update; a hyperparameter", 1),
    _t("epoch", "迭代周期", "one pass over all training samples", 1),
    _t("multilayer perceptron (MLP)", "多层感知机", "layers of neurons, each feeding the next; two layers solve XOR", 1),
    # 02 activation functions
    _t("activation function", "激活函数", "non-linear $f$ applied to the weighted sum: $z = f(a)$", 2),
    _t("step function", "阶跃函数", "1 above 0, else 0: the perceptron's activation", 2),
    _t("sigmoid function", "sigmoid 函数", r"$\sigma(a) = 1/(1+e^{-a})$, a smooth step into $(0, 1)$", 2),
    _t("tanh function", "双曲正切函数", r"$\tanh a$, a smooth step into $(-1, 1)$", 2),
    _t("ReLU", "修正线性单元", r"$\max(0, a)$", 2),
    _t("leaky ReLU", "Leaky ReLU", "like ReLU with a small fixed slope α for negative inputs", 2),
    _t("PReLU / RReLU", "参数化 ReLU / 随机 ReLU", "the negative slope α is learned / drawn at random in training", 2),
    _t("dying ReLU", "神经元死亡", "a ReLU unit whose input is negative for every sample: output and gradient stay 0", 2),
    _t("identity function", "恒等函数", "$f(a) = a$, for regression outputs", 2),
    _t("derivative", "导数", "slope of a function", 2),
    _t("saturation", "饱和", "flat region of an activation where its slope is almost 0", 2),
    _t("vanishing gradient", "梯度消失", "gradients shrinking layer by layer towards the input", 2),
    _t("linear / non-linear", "线性 / 非线性", "straight-line map / anything else", 2),
    _t("regression / classification", "回归 / 分类", "predict a number / predict a class", 2),
    _t("universal approximation theorem", "通用近似定理", "one wide enough hidden layer can approximate any continuous function", 2),
    # 03 softmax, loss, gradient descent
    _t("logits", "未规范化的预测 (logit)", "the scores $a_k$ a classifier outputs before softmax", 3),
    _t("softmax", "softmax 函数", r"$\exp(a_k)/\sum_i \exp(a_i)$: scores to probabilities", 3),
    _t("overflow", "溢出", "a number too large for the float type (becomes inf)", 3),
    _t("temperature", "温度", "divisor of the logits: sharper or flatter softmax", 3),
    _t("one-hot encoding", "独热编码", "a label as a row with a single 1 at its class", 3),
    _t("loss function", "损失函数", "number saying how wrong the prediction is", 3),
    _t("mean squared error", "均方误差", r"$\tfrac12\sum_k (y_k - t_k)^2$ per sample (Keras' `mse`: the mean, without ½)", 3),
    _t("cross-entropy loss", "交叉熵损失", r"$-\sum_k t_k \log y_k$; with a one-hot $t$, $-\log y_{\text{true}}$", 3),
    _t("maximum likelihood", "最大似然估计", "choose the weights that make the observed labels most probable; = minimise cross-entropy", 3),
    _t("generalisation", "泛化", "doing well on data the model has not seen in training", 3),
    _t("numerical differentiation", "数值微分", "derivative from a small difference quotient with step $h$", 3),
    _t("central difference", "中心差分", r"$(f(x+h) - f(x-h)) / 2h$, error proportional to $h^2$", 3),
    _t("partial derivative", "偏导数", "slope along one variable, the others fixed", 3),
    _t("gradient", "梯度", "vector of all partial derivatives; points uphill", 3),
    _t("saddle point", "鞍点", "a flat point that is a minimum in some directions and a maximum in others", 3),
    _t("gradient descent", "梯度下降", r"$x \leftarrow x - \eta \nabla f(x)$", 3),
    _t("hyperparameter", "超参数", "a setting we choose, not learned: learning rate, batch size, epochs, …", 3),
    _t("stochastic gradient descent (SGD)", "随机梯度下降", "gradient descent on random mini-batches", 3),
    _t("mini-batch", "小批量", "the few samples one update is computed from", 3),
    _t("batch size", "批量大小", "samples per mini-batch, i.e. per weight update", 3),
    _t("iteration", "迭代", "one weight update, computed from one mini-batch", 3),
    # 04 backprop
    _t("computational graph", "计算图", "a formula drawn as nodes (values) and edges (operations)", 4),
    _t("forward propagation", "前向传播", "computing the values from the inputs to the loss", 4),
    _t("backpropagation", "反向传播", "computing every gradient from the loss back to the inputs by the chain rule", 4),
    _t("chain rule", "链式法则", "the derivative of a composition is the product of the local derivatives", 4),
    _t("local derivative", "局部导数", "a node's own derivative of its output with respect to one input", 4),
    _t("add node / multiply node", "加法节点 / 乘法节点", "pass the gradient on / send each input the other input times the gradient", 4),
    _t("automatic differentiation", "自动微分", "software that applies the chain rule for you (micrograd, `GradientTape`)", 4),
    _t("topological order", "拓扑排序", "an order in which every node comes after its inputs", 4),
    _t("input / hidden / output layer", "输入层 / 隐藏层 / 输出层", "the data / the layers in between / the layer that gives $y$", 4),
    _t("layer", "层", "a module with `forward` and `backward`", 4),
    _t("Affine layer", "Affine 层", r"$Y = XW + b$, a fully connected layer; backward $G W^\top$, $X^\top G$, $\sum_n G$", 4),
    _t("fully connected layer", "全连接层", "every input connected to every output (an Affine layer)", 4),
    _t("broadcasting", "广播机制", "numpy stretching a (M,) bias over every row of an (N, M) array", 4),
    _t("Softmax-with-Loss layer", "Softmax-with-Loss 层", "softmax plus cross-entropy; its gradient is $(y - t)/N$", 4),
    _t("gradient check", "梯度确认", "comparing backprop with a numerical gradient (and with `GradientTape`)", 4),
    _t("numerical gradient", "数值梯度", r"every partial derivative by a central difference, $(f(w+h) - f(w-h)) / 2h$", 4),
    _t("relative error", "相对误差", r"$\lvert a - b\rvert / (\lvert a\rvert + \lvert b\rvert)$", 4),
    _t("L1 regularisation", "L1 正则化", r"adding $\lambda\sum \lvert W\rvert$ to the loss; with a soft-threshold (proximal) step it sets small weights to exactly 0", 4),
    _t("input feature", "输入特征", "a function of the inputs fed to the network, such as $x_1^2$", 4),
    _t("regression", "回归", "predicting a number rather than a class", 4),
    # 05 training techniques
    _t("optimiser", "优化器", "the rule that turns gradients into weight updates: SGD, Momentum, Adam, …", 5),
    _t("momentum", "动量法", "a velocity that accumulates past steps", 5),
    _t("adaptive learning rate", "自适应学习率", "a separate step size per weight, from its gradient history", 5),
    _t("exponential moving average", "指数移动平均", "an average that forgets old values geometrically", 5),
    _t("bias correction", "偏差修正", r"Adam's division by $1-\beta^t$ of averages that started at zero", 5),
    _t("learning-rate schedule", "学习率调度", "changing the learning rate during training: step, cosine decay, warmup", 5),
    _t("cosine decay", "余弦调度", r"$\eta_k = \tfrac{\eta_0}{2}\,(1 + \cos(\pi k / K))$: from $\eta_0$ down to 0 over $K$ steps", 5),
    _t("weight initialisation", "权重初始化", "how the weights are set before training", 5),
    _t("symmetry breaking", "打破对称性", "random initial weights so that units learn different things", 5),
    _t("truncated normal distribution", "截断正态分布", "a normal distribution with draws beyond 2 standard deviations redrawn", 5),
    _t("Xavier (Glorot) initialisation", "Xavier 初始化", r"variance $2/(n_\text{in} + n_\text{out})$; for sigmoid and tanh", 5),
    _t("He initialisation", "He 初始化", r"variance $2/n_\text{in}$; for ReLU", 5),
    _t("exploding gradient", "梯度爆炸", "gradients growing layer by layer until the updates blow up", 5),
    _t("gradient clipping", "梯度裁剪", "rescaling a gradient whose norm exceeds a limit before the update", 5),
    _t("batch normalisation", "批量规范化", "normalise each feature over the mini-batch, then scale by γ and shift by β", 5),
    _t("running average", "滑动平均", "the statistics batch normalisation uses at inference", 5),
    _t("residual connection", "残差连接", "adding a block's input to its output, $x + F(x)$: a shortcut for the gradient", 5),
    _t("overfitting", "过拟合", "fitting the training data, noise included, at the expense of new data", 5),
    _t("regularisation", "正则化", "anything that discourages overfitting", 5),
    _t("weight decay (L2 regularisation)", "权重衰减", r"adding $\frac{\lambda}{2}\sum W^2$ to the loss to keep weights small", 5),
    _t("dropout", "暂退法", "zeroing random units in training, survivors scaled by 1/(1−rate); identity at inference", 5),
    _t("early stopping", "早停", "stop when the validation loss stops improving and keep the best weights", 5),
    _t("validation set", "验证集", "held-out data used to make training decisions", 5),
    _t("patience", "耐心值", "how many epochs without improvement early stopping tolerates", 5),
    # 06 convolutional networks
    _t("convolutional neural network (CNN)", "卷积神经网络", "a network built from convolution and pooling layers", 6),
    _t("convolution", "卷积", "sliding a filter over the input, multiply-accumulating at each position", 6),
    _t("cross-correlation", "互相关", "convolution without flipping the kernel: what deep-learning libraries compute", 6),
    _t("convolutional layer", "卷积层", "a layer of filters slid over its input, weights shared across positions", 6),
    _t("filter / kernel", "滤波器 / 卷积核", "the small weight array a convolution slides; shape (FN, C, FH, FW)", 6),
    _t("feature map", "特征图", "the input or output of a conv layer: channels of 2-D arrays", 6),
    _t("channel", "通道", "one 2-D slice of a feature map (e.g. red, or one filter's response)", 6),
    _t("multiply-accumulate", "乘积累加运算", "element-wise products of a window and a filter, summed", 6),
    _t("padding", "填充", "rings of fixed values (zeros) added around the input", 6),
    _t("stride", "步幅", "how far the filter moves between positions", 6),
    _t("output size", "输出大小", "OH = (H + 2P − FH)/S + 1", 6),
    _t("pooling", "池化", "shrinking a feature map window by window, with no weights", 6),
    _t("max pooling / average pooling", "最大池化 / 平均池化", "keep the maximum / the mean of each window", 6),
    _t("weight sharing", "权重共享", "one filter's weights are reused at every position", 6),
    _t("im2col / col2im", "im2col / col2im", "unroll windows into matrix rows / add rows back onto windows", 6),
    _t("edge detection", "边缘检测", "a kernel that responds to changes in brightness", 6),
    # 07 TensorFlow basics
    _t("tensor", "张量", "an n-dimensional array with a shape and a dtype", 7),
    _t("rank", "阶", "number of axes of a tensor", 7),
    _t("shape", "形状", "length of each axis", 7),
    _t("data type (dtype)", "数据类型", "the type of every element: int8, float32, …", 7),
    _t("precision", "精度", "how many significant digits a float keeps", 7),
    _t("variable", "变量", "a mutable tensor holding trainable weights", 7),
    _t("data-flow graph", "数据流图", "operations as nodes, tensors flowing along edges", 7),
    _t("node / edge", "节点 / 边", "an operation / a tensor passed between operations", 7),
    _t("session (TF1)", "会话", "TF1 object that ran a built graph; gone in TF2", 7),
    _t("eager execution", "即时执行", "every operation computes its value immediately", 7),
    _t("tracing (`tf.function`)", "追踪", "recording a Python function's operations as a graph", 7),
    # 08 Keras MNIST
    _t("handwritten digits", "手写数字", "the MNIST images, 28×28 grey levels, classes 0–9", 8),
    _t("normalisation (of inputs)", "归一化", "scaling pixels from 0–255 to 0–1", 8),
    _t("training set / test set", "训练集 / 测试集", "data the weights are fitted on / data kept for the final score", 8),
    _t("confusion matrix", "混淆矩阵", "counts of (true class, predicted class)", 8),
    _t("precision / recall", "精确率 / 召回率", "correct among predicted $k$ / correct among true $k$", 8),
    _t("functional API", "函数式 API", "building a model by calling layers on tensors", 8),
    _t("callback", "回调函数", "code Keras runs during `fit`, e.g. after every epoch", 8),
    _t("checkpoint", "检查点", "weights saved during training, e.g. the best epoch's", 8),
    _t("saving and loading a model", "模型保存与加载", "writing architecture and weights to a `.keras` file and reading them back", 8),
    # 09 Keras CNN
    _t("flatten", "展平", "turning a feature-map stack into a vector", 9),
    _t("inductive bias", "归纳偏置", "assumptions built into a model's structure", 9),
    _t("residual block", "残差块", "layers whose output is added to their input: $y = \\mathrm{ReLU}(x + F(x))$", 9),
    _t("image augmentation", "图像增广", "training on randomly changed copies of the images (shifts, flips, rotations)", 9),
    # 10 autoencoders and GANs
    _t("generative model", "生成模型", "a model that produces new samples like its training data", 10),
    _t("encoder / decoder", "编码器 / 解码器", "the network that maps an input to its code / the code back to an input", 10),
    _t("code", "编码", "the output of an autoencoder's narrow layer: the few numbers it keeps of each input", 10),
    _t("latent space", "潜在空间", "the space of codes; every point of it decodes to an output", 10),
    _t("reconstruction error", "重构误差", "how far an autoencoder's output is from its input (here squared error per pixel)", 10),
    _t("principal component analysis (PCA)", "主成分分析", "the best linear code: projection onto the directions of largest variance", 10),
    _t("denoising autoencoder", "去噪自编码器", "an autoencoder trained to output clean inputs from noisy ones", 10),
    _t("generator / discriminator", "生成器 / 判别器", "the GAN network that turns noise into samples / that tells real from generated samples", 10),
    _t("minimax game", "极小极大博弈", "one value $V(D, G)$ that D maximises and G minimises", 10),
    _t("Nash equilibrium", "纳什均衡", r"neither player gains by changing alone; for a GAN, $p_g = p_\text{data}$ and $D = 1/2$", 10),
    _t("non-saturating loss", "非饱和损失", r"the generator minimises $-\log D(G(z))$: strong gradients while it is losing", 10),
    _t("mode collapse", "模式崩溃", "the generator produces only a few kinds of samples (modes) of the data", 10),
    _t("energy distance", "能量距离", r"$2E\lVert X-Y\rVert - E\lVert X-X'\rVert - E\lVert Y-Y'\rVert$: zero only for equal distributions", 10),
    # 11 recurrent networks
    _t("recursive neural network", "递归神经网络", "applies one set of weights over a tree, e.g. a sentence's parse tree", 11),
    _t("sequence", "序列", "inputs that come as an ordered list of time steps", 11),
    _t("time step", "时间步", "one position $t$ of a sequence", 11),
    _t("hidden state", "隐状态", "$h_t$, what a recurrent layer carries from one step to the next", 11),
    _t("weight sharing through time", "参数共享", "the same $W_x$, $W_h$, $b$ used at every time step", 11),
    _t("unrolling", "展开", "drawing a recurrent layer as a deep network with one layer per step", 11),
    _t("backpropagation through time (BPTT)", "通过时间反向传播",
       "backprop on the unrolled network; shared weights sum their gradients over the steps", 11),
    _t("gate", "门", "a sigmoid in (0, 1) that scales how much of a signal passes", 11),
    _t("long short-term memory (LSTM)", "长短期记忆网络",
       "a recurrent cell with a memory cell and input, forget and output gates", 11),
    _t("memory cell", "记忆元", "the LSTM's second state $c_t$, updated by addition", 11),
    _t("forget / input / output gate", "遗忘门 / 输入门 / 输出门",
       "keep old memory / admit the candidate / show memory in $h_t$", 11),
    _t("gated recurrent unit (GRU)", "门控循环单元", "a recurrent cell with an update gate and a reset gate", 11),
    _t("update gate / reset gate", "更新门 / 重置门", "keep the old state / let the candidate see it", 11),
)
"""Every glossary entry, in teaching order (chapter by chapter)."""

BY_EN: dict[str, Term] = {term.en: term for term in TERMS}
"""Glossary entries by their English name."""

MEANINGS_ZH: dict[str, str] = {
    'artificial intelligence': '让机器表现得有智能；范围最大的那个圈',
    'machine learning': '从数据中学会行为，而不是靠手写的规则',
    'deep learning': '使用多层神经网络的机器学习',
    'neural network': '由权重连接起来的多层人工神经元',
    'feature': '从输入算出来、供模型使用的一个数',
    'supervised / unsupervised learning': '从有标签 / 无标签的数据中学习',
    'reinforcement learning': '从奖励中学会行为',
    'end-to-end learning': '一个网络从原始输入直接得出答案，没有手工设计的特征',
    'feed-forward network': '信号从输入流向输出，没有回路（第 01–10 章）',
    'recurrent neural network (RNN)': '一步一步地读入序列，并保留一个隐状态',
    'autoencoder': '经过一个窄的编码层、学着重现自身输入的网络',
    'generative adversarial network (GAN)': '相互对抗地训练的一个生成器和一个判别器',
    'neuron': '把输入加权求和、超过阈值就激发的单元',
    'perceptron': '输出为阶跃的神经元：$y = [w\\cdot x + b > 0]$',
    'weight': '一个输入有多重要',
    'threshold': '加权和必须超过的水平',
    'bias': '$b = -\\theta$：神经元有多容易激发',
    'decision boundary': '预测类别发生变化的地方；对感知机来说是一条直线',
    'linearly separable': '两类样本能被一条直线（超平面）分开',
    'not linearly separable': '没有一条直线（超平面）能把两类分开，XOR 就是这样',
    'perceptron loss': '$-\\sum_{\\text{misclassified}} t\\,(w\\cdot x + b)$，没有误分类样本时为零',
    'perceptron learning rule': '对每个误分类样本执行 $w \\leftarrow w + \\eta\\, t\\, x$',
    'learning rate': 'η，每次更新的步长；是一个超参数',
    'epoch': '把全部训练样本过一遍',
    'multilayer perceptron (MLP)': '多层神经元，每一层的输出送入下一层；两层就能解决 XOR',
    'activation function': '作用在加权和上的非线性函数 $f$：$z = f(a)$',
    'step function': '大于 0 时为 1，否则为 0：感知机的激活函数',
    'sigmoid function': '$\\sigma(a) = 1/(1+e^{-a})$，取值于 $(0, 1)$ 的平滑阶跃',
    'tanh function': '$\\tanh a$，取值于 $(-1, 1)$ 的平滑阶跃',
    'ReLU': '$\\max(0, a)$',
    'leaky ReLU': '与 ReLU 类似，但负输入上有一个固定的小斜率 α',
    'PReLU / RReLU': '负半轴的斜率 α 在训练中通过学习得到 / 随机抽取',
    'dying ReLU': '对每个样本输入都为负的 ReLU 单元：输出和梯度始终为 0',
    'identity function': '$f(a) = a$，用于回归的输出',
    'derivative': '函数的斜率',
    'saturation': '激活函数中斜率几乎为 0 的平坦区域',
    'vanishing gradient': '梯度朝输入方向逐层缩小',
    'linear / non-linear': '直线式的映射 / 其余所有映射',
    'regression / classification': '预测一个数 / 预测一个类别',
    'universal approximation theorem': '一个足够宽的隐藏层就能逼近任何连续函数',
    'logits': '分类器在 softmax 之前输出的分数 $a_k$',
    'softmax': '$\\exp(a_k)/\\sum_i \\exp(a_i)$：把分数变成概率',
    'overflow': '一个数大到浮点类型装不下（变成 inf）',
    'temperature': 'logit 的除数：让 softmax 更尖锐或更平缓',
    'one-hot encoding': '把标签写成一行，只在其类别处为 1',
    'loss function': '说明预测错得有多厉害的一个数',
    'mean squared error': '每个样本 $\\tfrac12\\sum_k (y_k - t_k)^2$（Keras 的 `mse`：取平均，不带 ½）',
    'cross-entropy loss': '$-\\sum_k t_k \\log y_k$；$t$ 为独热向量时等于 $-\\log y_{\\text{true}}$',
    'maximum likelihood': '选出让观察到的标签出现概率最大的权重；= 最小化交叉熵',
    'generalisation': '在训练时没见过的数据上表现良好',
    'numerical differentiation': '用步长为 $h$ 的小差商求导数',
    'central difference': '$(f(x+h) - f(x-h)) / 2h$，误差与 $h^2$ 成正比',
    'partial derivative': '固定其他变量，沿一个变量方向的斜率',
    'gradient': '所有偏导数组成的向量；指向上坡方向',
    'saddle point': '在某些方向上是极小、在另一些方向上是极大的平坦点',
    'gradient descent': '$x \\leftarrow x - \\eta \\nabla f(x)$',
    'hyperparameter': '由我们选定、而非学习得到的设置：学习率、批量大小、迭代周期数……',
    'stochastic gradient descent (SGD)': '在随机小批量上做的梯度下降',
    'mini-batch': '计算一次更新所用的少量样本',
    'batch size': '每个小批量的样本数，也就是每次权重更新用的样本数',
    'iteration': '一次权重更新，由一个小批量算出',
    'computational graph': '把公式画成节点（值）和边（运算）',
    'forward propagation': '从输入到损失依次计算各个值',
    'backpropagation': '按链式法则从损失往回算到输入，得到每一个梯度',
    'chain rule': '复合函数的导数等于各局部导数的乘积',
    'local derivative': '一个节点自身的输出对它某一个输入的导数',
    'add node / multiply node': '把梯度原样传下去 / 把另一个输入乘以梯度送给每个输入',
    'automatic differentiation': '替你应用链式法则的软件（micrograd、`GradientTape`）',
    'topological order': '每个节点都排在它的输入之后的一种顺序',
    'input / hidden / output layer': '数据 / 中间的各层 / 给出 $y$ 的那一层',
    'layer': '带有 `forward` 和 `backward` 的模块',
    'Affine layer': '$Y = XW + b$，一个全连接层；反向为 $G W^\\top$、$X^\\top G$、$\\sum_n G$',
    'fully connected layer': '每个输入都与每个输出相连（即 Affine 层）',
    'broadcasting': 'numpy 把一个 (M,) 的偏置扩展到 (N, M) 数组的每一行上',
    'Softmax-with-Loss layer': 'softmax 加交叉熵；其梯度为 $(y - t)/N$',
    'gradient check': '把反向传播的结果与数值梯度（以及 `GradientTape`）比较',
    'numerical gradient': '用中心差分 $(f(w+h) - f(w-h)) / 2h$ 求出每一个偏导数',
    'relative error': '$\\lvert a - b\\rvert / (\\lvert a\\rvert + \\lvert b\\rvert)$',
    'L1 regularisation': '在损失上加 $\\lambda\\sum \\lvert W\\rvert$；配合软阈值（近端）步骤，它会把小权重置为恰好 0',
    'input feature': '输入的某个函数，作为网络的输入，例如 $x_1^2$',
    'regression': '预测一个数而不是一个类别',
    'optimiser': '把梯度转换为权重更新的规则：SGD、Momentum、Adam 等',
    'momentum': '一个不断累积过去步伐的速度',
    'adaptive learning rate': '根据每个权重的梯度历史，给它各自的步长',
    'exponential moving average': '按几何级数逐渐遗忘旧值的平均',
    'bias correction': 'Adam 把从零开始的平均值除以 $1-\\beta^t$',
    'learning-rate schedule': '在训练过程中改变学习率：阶梯衰减、余弦调度、预热',
    'cosine decay': '$\\eta_k = \\tfrac{\\eta_0}{2}\\,(1 + \\cos(\\pi k / K))$：在 $K$ 步内从 $\\eta_0$ 降到 0',
    'weight initialisation': '训练开始前如何设定权重',
    'symmetry breaking': '用随机的初始权重，让各个单元学到不同的东西',
    'truncated normal distribution': '超出 2 个标准差的抽样值会被重新抽取的正态分布',
    'Xavier (Glorot) initialisation': '方差取 $2/(n_\\text{in} + n_\\text{out})$；适用于 sigmoid 和 tanh',
    'He initialisation': '方差取 $2/n_\\text{in}$；适用于 ReLU',
    'exploding gradient': '梯度逐层增大，直到更新量爆掉',
    'gradient clipping': '在更新之前，把范数超过上限的梯度缩放回来',
    'batch normalisation': '在小批量上对每个特征做规范化，再乘以 γ 缩放、加上 β 平移',
    'running average': '批量规范化在推理时使用的统计量',
    'residual connection': '把一个块的输入加到它的输出上，$x + F(x)$：梯度的捷径',
    'overfitting': '连同噪声一起拟合训练数据，却牺牲了在新数据上的表现',
    'regularisation': '一切抑制过拟合的手段',
    'weight decay (L2 regularisation)': '在损失上加 $\\frac{\\lambda}{2}\\sum W^2$，让权重保持较小',
    'dropout': '训练时随机将单元置零，保留的单元放大 1/(1−rate) 倍；推理时为恒等映射',
    'early stopping': '验证损失不再改善时停止训练，并保留最好的权重',
    'validation set': '留出来用于做训练决策的数据',
    'patience': '早停能容忍多少个没有改进的迭代周期',
    'convolutional neural network (CNN)': '由卷积层和池化层搭建的网络',
    'convolution': '让滤波器在输入上滑动，在每个位置进行乘积累加运算',
    'cross-correlation': '不翻转卷积核的卷积：深度学习库实际计算的就是它',
    'convolutional layer': '由在输入上滑动的滤波器组成的层，权重在各个位置之间共享',
    'filter / kernel': '卷积时滑动的小权重数组；形状为 (FN, C, FH, FW)',
    'feature map': '卷积层的输入或输出：由若干通道的二维数组组成',
    'channel': '特征图中的一个二维切片（例如红色通道，或一个滤波器的响应）',
    'multiply-accumulate': '窗口与滤波器逐元素相乘，再求和',
    'padding': '在输入四周加上的若干圈固定值（零）',
    'stride': '滤波器在两个位置之间移动的距离',
    'output size': 'OH = (H + 2P − FH)/S + 1',
    'pooling': '逐个窗口地缩小特征图，没有权重',
    'max pooling / average pooling': '保留每个窗口的最大值 / 平均值',
    'weight sharing': '一个滤波器的权重在每个位置上重复使用',
    'im2col / col2im': '把窗口展开为矩阵的行 / 把各行加回到窗口上',
    'edge detection': '对亮度变化产生响应的卷积核',
    'tensor': '具有形状和数据类型的 n 维数组',
    'rank': '张量的轴的个数',
    'shape': '每个轴的长度',
    'data type (dtype)': '每个元素的类型：int8、float32 等',
    'precision': '浮点数能保留多少位有效数字',
    'variable': '存放可训练权重的可变张量',
    'data-flow graph': '运算是节点，张量沿着边流动',
    'node / edge': '一个运算 / 在运算之间传递的张量',
    'session (TF1)': 'TF1 中运行已构建好的计算图的对象；TF2 中已不存在',
    'eager execution': '每个运算都立即算出它的值',
    'tracing (`tf.function`)': '把 Python 函数中的运算记录成一张计算图',
    'handwritten digits': 'MNIST 图像：28×28 的灰度图，类别为 0–9',
    'normalisation (of inputs)': '把像素值从 0–255 缩放到 0–1',
    'training set / test set': '用来拟合权重的数据 / 留到最后打分的数据',
    'confusion matrix': '（真实类别, 预测类别）的计数',
    'precision / recall': '预测为 $k$ 的样本中正确的比例 / 真实为 $k$ 的样本中正确的比例',
    'functional API': '通过在张量上调用层来构建模型',
    'callback': 'Keras 在 `fit` 期间运行的代码，例如在每个迭代周期之后',
    'checkpoint': '训练期间保存的权重，例如最佳迭代周期的权重',
    'saving and loading a model': '把架构和权重写入 `.keras` 文件，再读回来',
    'flatten': '把一叠特征图变成一个向量',
    'inductive bias': '内置于模型结构中的假设',
    'residual block': '输出与输入相加的若干层：$y = \\mathrm{ReLU}(x + F(x))$',
    'image augmentation': '用随机改动过的图像副本（平移、翻转、旋转）来训练',
    'generative model': '能产生与训练数据相似的新样本的模型',
    'encoder / decoder': '把输入映射为编码的网络 / 把编码映射回输入的网络',
    'code': '自编码器窄层的输出：它为每个输入保留下来的那几个数',
    'latent space': '所有编码构成的空间；其中每一点都能解码成一个输出',
    'reconstruction error': '自编码器的输出与输入相差多远（这里用每个像素的平方误差）',
    'principal component analysis (PCA)': '最好的线性编码：投影到方差最大的几个方向上',
    'denoising autoencoder': '被训练成从带噪声的输入输出干净输入的自编码器',
    'generator / discriminator': 'GAN 中把噪声变成样本的网络 / 区分真实样本与生成样本的网络',
    'minimax game': '同一个值 $V(D, G)$，D 使它最大，G 使它最小',
    'Nash equilibrium': '任何一方单独改变策略都得不到好处；对 GAN 而言，$p_g = p_\\text{data}$ 且 $D = 1/2$',
    'non-saturating loss': '生成器最小化 $-\\log D(G(z))$：处于下风时梯度很强',
    'mode collapse': '生成器只产生数据中少数几种样本（模式）',
    'energy distance': "$2E\\lVert X-Y\\rVert - E\\lVert X-X'\\rVert - E\\lVert Y-Y'\\rVert$：只有两个分布相同时才为零",
    'recursive neural network': '把同一组权重沿一棵树反复应用，例如句子的句法分析树',
    'sequence': '以有序的时间步列表形式到来的输入',
    'time step': '序列中的一个位置 $t$',
    'hidden state': '$h_t$，循环层从一步带到下一步的东西',
    'weight sharing through time': '每个时间步都使用同一组 $W_x$、$W_h$、$b$',
    'unrolling': '把循环层画成每步一层的深层网络',
    'backpropagation through time (BPTT)': '在展开的网络上做反向传播；共享的权重把各步的梯度相加',
    'gate': '取值在 (0, 1) 中的 sigmoid，按比例控制信号通过多少',
    'long short-term memory (LSTM)': '带有记忆元以及输入门、遗忘门和输出门的循环单元',
    'memory cell': 'LSTM 的第二个状态 $c_t$，通过加法更新',
    'forget / input / output gate': '保留旧记忆 / 接纳候选值 / 在 $h_t$ 中显示记忆',
    'gated recurrent unit (GRU)': '带有更新门和重置门的循环单元',
    'update gate / reset gate': '保留旧状态 / 让候选状态看到旧状态',
}
"""English term -> its meaning in Chinese: the 含义 column of the Chinese edition's summary tables."""

NOTATION: tuple[tuple[str, str], ...] = (
    (r"$x$, $X$", "input: one sample, or a batch of shape (N, D)"),
    (r"$t$, $T$", "target (label, 正确解标签): a class index, a one-hot row, or ±1 for the perceptron"),
    (r"$y$, $Y$", "the network's output (prediction); for a classifier, the class probabilities"),
    (r"$a$", r"weighted sum before the activation, $a = x W + b$; at the output layer, the logits"),
    (r"$z$", "a hidden layer's output, $z = f(a)$"),
    (r"$f$, $\sigma$", r"an activation function; $\sigma$ is the sigmoid"),
    (r"$W$, $b$", "weights and bias of a layer"),
    (r"$L$", "the loss, averaged over the batch"),
    (r"$\eta$", "the learning rate"),
    (r"$h$", r"the small step of a numerical derivative, $(f(x+h) - f(x-h))/2h$ (never a layer's output)"),
    (r"$s$", "the running average of squared gradients in AdaGrad / RMSProp"),
    (r"$N$, $K$", "samples in a batch, number of classes"),
    (r"$z$ in a GAN", "chapter 10: the generator's input noise (in an autoencoder, $z$ is the code, a hidden layer's output)"),
    (r"$G$, $D$", "chapter 10: the generator and the discriminator; $D(x)$ is the probability that $x$ is real"),
    (r"$t = 1, \dots, T$", "chapter 11: the time steps of a sequence (its targets are named in words)"),
    (r"$h_t$", "chapter 11: a recurrent layer's hidden state at time step $t$, always with its subscript"),
)
"""(symbol, meaning) of the one notation every chapter uses."""

NOTATION_ZH: tuple[str, ...] = (
    "输入：一个样本，或形状为 (N, D) 的一批样本",
    "目标（标签，正确解标签）：类别索引、独热编码的一行，或感知机中的 ±1",
    "网络的输出（预测）；对分类器而言是各类别的概率",
    r"激活函数之前的加权和 $a = x W + b$；在输出层就是 logits",
    "隐藏层的输出，$z = f(a)$",
    r"激活函数；$\sigma$ 表示 sigmoid",
    "某一层的权重和偏置",
    "损失，在一个批量上取平均",
    "学习率",
    r"数值微分中的小步长，$(f(x+h) - f(x-h))/2h$（从不表示某一层的输出）",
    "AdaGrad / RMSProp 中梯度平方的累积平均",
    "一个批量中的样本数、类别数",
    "第 10 章：生成器的输入噪声（在自编码器中，$z$ 是编码，即某个隐藏层的输出）",
    "第 10 章：生成器和判别器；$D(x)$ 是 $x$ 为真实样本的概率",
    "第 11 章：序列的各个时间步（序列的目标用文字命名）",
    "第 11 章：循环层在时间步 $t$ 的隐状态，始终带着下标",
)
"""The meanings of :data:`NOTATION` in Chinese, in the same order."""

BANNED_NOTATION: tuple[tuple[str, str], ...] = (
    (r"\\hat\s*\{?\s*y|ŷ", "the prediction is $y$ (and the target $t$), not ŷ"),
    (r"(?<![\w\\])h'?\((a|x)\)", "the activation function is $f$; $h$ is the step of a numerical derivative"),
    (r"(?<![\w\\])h_\{?l", "a hidden layer's output is $z_l$; $h$ is the step of a numerical derivative"),
    (r"(?<![\w\\])h\s*\\leftarrow", "AdaGrad / RMSProp's accumulator is $s$; $h$ is the step of a numerical derivative"),
    (r"(?<![\w\\])y\s*\\in\s*\\\{\s*-1", "the perceptron's ±1 label is the target $t$"),
)
"""(regex, why) patterns no chapter's markdown may contain: they break the one notation."""


def chapter_terms(chapter: int) -> list[Term]:
    """The entries taught in ``chapter`` (its summary table must list each of them)."""
    return [term for term in TERMS if term.chapter == chapter]


def summary_table(chapter: int, recap: tuple[str, ...] = ()) -> str:
    """A chapter's summary table: its own terms, then the ``recap`` entries (English names)."""
    unknown = [en for en in recap if en not in BY_EN]
    if unknown:
        raise KeyError(f"not in the glossary: {unknown}; add them to dlnotes.glossary.TERMS")
    rows = [term.row() for term in chapter_terms(chapter)] + [BY_EN[en].row() for en in recap]
    return "\n".join(["| English | 中文 | meaning |", "|---|---|---|", *rows])


def glossary_table() -> str:
    """The whole glossary as one markdown table, with the chapter that teaches each term, in the
    current language (:func:`dlnotes.language.set_language`)."""
    if language() == "zh":
        rows = [f"| {t.zh} | {t.en} | {t.meaning_zh} | {t.chapter:02d} |" for t in TERMS]
        return "\n".join(["| 中文 | English | 含义 | 章 |", "|---|---|---|---|", *rows])
    rows = [f"| {t.en} | {t.zh} | {t.meaning} | {t.chapter:02d} |" for t in TERMS]
    return "\n".join(["| English | 中文 | meaning | chapter |", "|---|---|---|---|", *rows])


def notation_table() -> str:
    """The notation as a markdown table (symbol, meaning), in the current language."""
    if language() == "zh":
        rows = [f"| {symbol.replace(' in a GAN', '（GAN 中）')} | {meaning} |"
                for (symbol, _), meaning in zip(NOTATION, NOTATION_ZH)]
        return "\n".join(["| 符号 | 含义 |", "|---|---|", *rows])
    rows = [f"| {symbol} | {meaning} |" for symbol, meaning in NOTATION]
    return "\n".join(["| symbol | meaning |", "|---|---|", *rows])
