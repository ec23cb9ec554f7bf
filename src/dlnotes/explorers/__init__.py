"""Every interactive figure (explorer) of the collection, one module per chapter topic.

Import the module you need (``from dlnotes.explorers.activations import activation_explorer``);
this package imports nothing itself, so TensorFlow loads only for the Keras explorers.

========================  ====  ===============================================================
module                    ch.   explorers
========================  ====  ===============================================================
``base``                        :class:`~dlnotes.explorers.base.Explorer`, the controls
                                (``slider``, ``log_slider``, ...), ``figure()``, ``register``,
                                ``REGISTRY``, ``discover()``
``blit``                        ``BlitExplorer``: redraw only the artists that move
``neuron``                00    ``neuron_explorer``
``perceptron``            01    ``decision_line_explorer``, ``learning_rule_explorer``
``activations``           02    ``activation_explorer``, ``vanishing_gradient_explorer``,
                                ``universal_approximation_explorer``
``softmax_loss``          03    ``softmax_explorer``, ``loss_explorer``, ``logit_gradient_explorer``
``descent``               03    ``derivative_explorer``, ``descent_explorer``, ``minibatch_explorer``
``backprop``              04    ``graph_explorer`` (and ``draw_graph``, the graph drawing)
``playground``            04    ``playground``
``optimizers``            05    ``optimizer_explorer``
``initializers``          05    ``initializer_explorer``
``regularization``        05    ``regularization_explorer`` (dropout, L2), ``batchnorm_explorer``,
                                ``early_stopping_explorer``
``conv``                  06    ``output_size_explorer``, ``feature_map_explorer``, ``pooling_explorer``
``hyperparameters``       08    ``hyper_explorer`` (Keras, with the run cache)
``keras_cnn``             09    ``cnn_feature_explorer`` (Keras)
``autoencoder``           10    ``latent_explorer``, ``denoise_explorer`` (Keras)
``gan``                   10    ``gan_lab`` (a GAN on 2-D data, after GAN Lab; TensorFlow)
``rnn``                   11    ``gradient_through_time_explorer`` (SimpleRNN, LSTM, GRU)
========================  ====  ===============================================================

Each factory is registered as ``"explorers.<module>.<factory>"`` in
:data:`dlnotes.explorers.base.REGISTRY`; :func:`dlnotes.explorers.base.discover` imports
every module above and returns the registry (tests and benchmarks use it).
"""
