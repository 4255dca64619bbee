"""The numpy core: every number behind the lessons, with no pictures, widgets or TensorFlow.

``ops`` (forward and backward, a package), ``kernels``, ``images`` (photos), ``digits`` (the
offline MNIST subset), ``drawing``, ``metrics``, ``architectures`` (famous networks as data),
``tinycnn`` (a small CNN in numpy), ``learning`` (training by hand), ``experiments`` and
``gridstate`` (what the explorers show). It imports only ``cnnlib.text`` and ``cnnlib.config``.
"""
