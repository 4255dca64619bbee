"""The TensorFlow side: ``backend`` (quiet, seeded TensorFlow), ``data`` (MNIST from a cache, a
download or the offline subset), ``models`` (builders, augmentation, training, recipes, saving),
``train`` (the command line) and ``interpret`` (what a trained network learned).

TensorFlow itself is imported on first use. Nothing here imports plots or widgets; the Keras
explorers in ``cnnlib.widgets.tf`` sit above it.
"""
