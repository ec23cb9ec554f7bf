"""dlnotes: helpers for the deep-learning teaching notebooks.

Modules, one concept each:

- ``config``     smoke mode (``DLNOTES_SMOKE``) and :func:`size` for epochs / sample counts
- ``data``       MNIST / Fashion-MNIST loaders and seeded toy datasets
- ``explorer``   the one helper that builds every interactive figure
- ``functions``  activations, softmax, losses, numerical gradients
"""

from dlnotes.config import is_smoke, mode, size

__all__ = ["is_smoke", "mode", "size"]
__version__ = "0.1.0"
