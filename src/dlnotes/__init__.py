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
- ``checks``         the boundary checks (input contracts) every public function and layer uses
- ``layers``         EVERY numpy layer, all subclassing one ``Layer``: Affine, ReLU, Sigmoid, Tanh,
  Identity, SoftmaxWithLoss [04], BatchNorm, Dropout [05], Conv2D, MaxPool2D, AvgPool2D [06]
- ``network``        Sequential, MLP, simple_cnn (network builders) [04, 06]
- ``training``       THE one numpy training loop: train, Trainer (step-wise), EarlyStopping [04, 05]
- ``playground``     the TensorFlow-Playground-style explorer [04]
- ``optimizers``     numpy SGD, Momentum, AdaGrad, RMSProp, Adam; ``OPTIMIZERS`` + ``make_optimizer`` [05]
- ``initializers``   zeros, random_uniform/normal, Glorot, He (Keras names) [05]
- ``techniques``     chapter-05 explorers [05]
- ``conv``           convolution arithmetic: output size, im2col/col2im, naive conv, layouts [06]
- ``cnn_explorers``  output size, feature maps, pooling explorers [06]
- ``tfbasics``       dtype tables from the libraries, traced graphs [07]
- ``keras_models``, ``runcache``, ``hyper``, ``evaluation``  Keras MNIST models (with
  ``KERAS_OPTIMIZERS``), run cache, hyperparameter explorer, confusion matrix and friends [08, 09]
"""

import os

# Keep TensorFlow's C++ start-up chatter (CUDA probing on CPU machines) out of the notebooks.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from dlnotes.config import is_smoke, mode, size  # noqa: E402

__all__ = ["is_smoke", "mode", "size"]
__version__ = "0.1.0"
