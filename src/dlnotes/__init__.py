"""dlnotes: helpers for the deep-learning teaching notebooks — one module per concept.

Where is ...? (chapter in brackets; every module's docstring says more)

Plumbing
- ``config``        smoke mode (``DLNOTES_SMOKE``) and :func:`size` for epochs / sample counts
- ``data``          MNIST / Fashion-MNIST loaders (``load_mnist``), seeded toy datasets
                    (``make_toy``, ``overfitting_data``, ``sine_windows``), truth tables, a sample
                    photo (``load_image``)
- ``exercises``     ``check()``, behind every exercise's self-check
- ``show``          ``show_source(obj)``: the one way a notebook shows the package code it teaches
- ``checks``        the boundary checks (input contracts) public functions and layers use
- ``contents``      the chapter list, contents table and environment check [00]
- ``language``      ``set_language("en" | "zh")``: the language of figures, explorers and verdicts;
                    ``tr`` and the Chinese text of everything the package shows [all]
- ``glossary``      the one glossary (English, 中文, meaning, chapter) and the one notation [all]
- ``style``         the one look of every figure: fonts (one list, CJK-ready), sizes, colour-blind-safe
                    colours (classes, optimisers, train / test), plain-number log ticks; applied on import
- ``figures``       every static figure: the decision boundary, the mosaic, confusion matrix /
                    mistakes, timeline, pipelines, XOR, im2col, filters, feature maps, loss
                    surfaces [00-09]

Numerics and models (numpy)
- ``functions``     activations, softmax, losses, numerical gradient [01-03]
- ``perceptron``    the perceptron, gates, its learning rule, XOR with two layers [01]
- ``depth``         signals and gradients through a deep stack: vanishing gradients,
                    initialiser statistics, linear layers collapsing [02, 05, 11]
- ``descent``       gradient descent, mini-batch SGD, optimiser trajectories on 2-D surfaces [03, 05]
- ``autograd``      the scalar autograd engine ``Value`` [04]
- ``layers``        EVERY numpy layer, all subclassing one ``Layer``: Affine, ReLU, Sigmoid, Tanh,
                    Identity, SoftmaxWithLoss, InputFeatures (x1², sin πx1, ...), MSELoss [04],
                    BatchNorm, Dropout [05], Conv2D, MaxPool2D, AvgPool2D [06]
- ``network``       Sequential (with the L1 / L2 weight penalty), MLP, simple_cnn (network
                    builders) [04, 06]
- ``training``      THE one numpy training loop: ``train``, ``Trainer`` (step-wise),
                    ``EarlyStopping`` [04, 05]
- ``optimizers``    numpy SGD, Momentum, AdaGrad, RMSProp, Adam; ``OPTIMIZERS`` + ``make_optimizer`` [05]
- ``initializers``  zeros, random_uniform/normal, Glorot, He (Keras names) [05]
- ``conv``          convolution arithmetic: output size, im2col/col2im, naive conv, layouts [06]
- ``rnn``           recurrent cells SimpleRNN, LSTM, GRU through time, backprop through time,
                    the gradient through time [11]

TensorFlow and Keras
- ``tfbasics``      dtype tables from the libraries, traced graphs [07]
- ``keras_models``  the Keras side: ``prepare``, models (MLP, CNN, RNNs reading rows), ``RunConfig``,
                    ``train``; ``KERAS_OPTIMIZERS`` + ``make_keras_optimizer`` [08, 09, 11]
- ``runcache``      the run cache for Keras runs [08, 09]
- ``evaluation``    predictions, confusion matrix, precision / recall, feature maps [08, 09]
- ``generative``    autoencoders and GANs: builders, the GAN losses and the training step
                    (``GradientTape``), toy 2-D targets, sample measures (energy distance,
                    modes covered, digits recognised) [10]

Explorers (interactive figures): the subpackage ``explorers``, one module per chapter topic
- ``base`` (``Explorer``, the controls, ``register``, ``REGISTRY``, ``discover``), ``blit``
- ``neuron`` [00], ``perceptron`` [01], ``activations`` [02], ``softmax_loss`` and ``descent`` [03],
  ``backprop`` (graph drawing) and ``playground`` [04], ``optimizers``, ``initializers`` and
  ``regularization`` [05], ``conv`` [06], ``hyperparameters`` [08], ``keras_cnn`` [09],
  ``autoencoder`` and ``gan`` [10], ``rnn`` [11]

Example: chapter 02's activation explorer is
``from dlnotes.explorers.activations import activation_explorer``; the ReLU layer is
``dlnotes.layers.ReLU``; Adam is ``dlnotes.optimizers.Adam``.
"""

from dlnotes import style
from dlnotes.config import is_smoke, mode, quiet_tensorflow_startup, size

# Keep TensorFlow's C++ start-up log out of the notebooks: import dlnotes before tensorflow / keras.
quiet_tensorflow_startup()

style.use()  # one look for every figure of the collection, notebooks' own plots included

__all__ = ["is_smoke", "mode", "size"]
__version__ = "0.1.0"
