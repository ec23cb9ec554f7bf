"""dlnotes: helpers for the deep-learning teaching notebooks.

Modules, one concept each (chapter in brackets):

Plumbing
- ``config``         smoke mode (``DLNOTES_SMOKE``) and :func:`size` for epochs / sample counts
- ``data``           MNIST / Fashion-MNIST loaders and seeded toy datasets
- ``explorer``       the one helper that builds every interactive figure
- ``blit``           fast explorer rendering: redraw only the artists that move
- ``exercises``      the self-check helper behind every exercise
- ``overview``       contents, environment check and history figures [00]
- ``glossary``       the one glossary (English, 中文, meaning, chapter) and the one notation [all]

Numerics and models
- ``functions``      activations, softmax, losses, numerical gradients [01-03]
- ``perceptron``     the perceptron, its learning rule, XOR with two layers [01]
- ``activations``    activation and vanishing-gradient explorers [02]
- ``loss``, ``descent``  softmax / loss explorers, gradient descent and mini-batches [03]
- ``autograd``       a scalar autograd engine and computational-graph drawing [04]
- ``layers``         layers with forward/backward: Affine, ReLU, Sigmoid, Tanh, Softmax-with-loss [04]
- ``network``        Sequential, MLP and the training loop [04]
- ``playground``     the TensorFlow-Playground-style explorer [04]
- ``optimizers``     SGD, Momentum, AdaGrad, RMSProp, Adam with ``update(params, grads)`` [05]
- ``initializers``   zeros, random_uniform/normal, Glorot, He (Keras names) [05]
- ``regularization`` batch norm, dropout, early stopping [05]
- ``techniques``     chapter-05 explorers [05]
- ``conv``           im2col, Conv2D, pooling, a numpy CNN [06]
- ``cnn_explorers``  output size, feature maps, pooling explorers [06]
- ``tfbasics``       dtype tables from the libraries, traced graphs [07]
- ``keras_models``, ``runcache``, ``hyper``, ``evaluation``  Keras MNIST models, run cache,
  hyperparameter explorer, confusion matrix and friends [08, 09]
"""

import os

# Keep TensorFlow's C++ start-up chatter (CUDA probing on CPU machines) out of the notebooks.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from dlnotes.config import is_smoke, mode, size  # noqa: E402

__all__ = ["is_smoke", "mode", "size"]
__version__ = "0.1.0"
