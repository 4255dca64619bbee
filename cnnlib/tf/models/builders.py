"""The model builders: the articles' CNN, the one we recommend, and a tiny one."""

from __future__ import annotations


def keras_module(seed: int | None = None):
    from cnnlib.tf.backend import import_tf

    import_tf(seed)
    import keras

    return keras


def seed_cnn(input_shape=(28, 28, 1), n_classes: int = 10):
    """The articles' MNIST model: Conv2D(32, 3x3, relu) -> MaxPool(2) -> Flatten ->
    Dense(100, relu) -> Dense(10, softmax); adam, sparse categorical cross-entropy."""
    keras = keras_module()
    from keras import layers

    inputs = keras.Input(shape=input_shape, name="digit")
    x = layers.Conv2D(32, (3, 3), activation="relu", name="conv")(inputs)
    x = layers.MaxPooling2D(2, name="pool")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dense(100, activation="relu", name="dense")(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="probs")(x)
    model = keras.Model(inputs, outputs, name="seed_cnn")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def better_cnn(input_shape=(28, 28, 1), n_classes: int = 10, width: int = 32,
               dropout: float = 0.2, dense_units: int = 128, batch_norm: bool = True):
    """Our recommended model, two conv blocks and a small dense head:

    [Conv2D(width, 5x5) -> BatchNorm -> ReLU -> MaxPool(2)] -> [the same with 2*width filters]
    -> Flatten -> Dropout -> Dense(dense_units, relu) -> Dropout -> Dense(10, softmax).

    Compiled with adam; ``train`` swaps in the warm-up + cosine schedule. Chosen by measured
    accuracy per second of training on 2 CPU cores (see bench/models.py). ``batch_norm=False``
    drops the normalization (and gives the convolutions their bias back), for the ablation.
    """
    keras = keras_module()
    from keras import layers

    def block(x, filters, name):
        # no bias: batch norm's own shift does its job
        x = layers.Conv2D(filters, 5, use_bias=not batch_norm, name=f"{name}_conv")(x)
        # momentum 0.9: the running statistics settle within ~50 steps (Keras' 0.99 needs
        # ~500), so short runs evaluate well too
        if batch_norm:
            x = layers.BatchNormalization(momentum=0.9, name=f"{name}_bn")(x)
        x = layers.Activation("relu", name=f"{name}_relu")(x)
        return layers.MaxPooling2D(2, name=f"{name}_pool")(x)

    inputs = keras.Input(shape=input_shape, name="digit")
    x = block(inputs, width, "block1")        # 28 -> 24 -> 12
    x = block(x, 2 * width, "block2")         # 12 -> 8 -> 4
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(dropout, name="dropout1")(x)
    x = layers.Dense(dense_units, activation="relu", name="dense")(x)
    x = layers.Dropout(dropout, name="dropout2")(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="probs")(x)
    model = keras.Model(inputs, outputs, name="better_cnn")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def tiny_cnn(input_shape=(28, 28, 1), n_classes: int = 10, filters: int = 2):
    """A model too small for the task (for the underfitting lesson): Conv2D(2, 3x3, relu) ->
    MaxPool(4) -> Flatten -> Dense(10, softmax)."""
    keras = keras_module()
    from keras import layers

    inputs = keras.Input(shape=input_shape, name="digit")
    x = layers.Conv2D(filters, (3, 3), activation="relu", name="conv")(inputs)
    x = layers.MaxPooling2D(4, name="pool")(x)
    x = layers.Flatten(name="flatten")(x)
    outputs = layers.Dense(n_classes, activation="softmax", name="probs")(x)
    model = keras.Model(inputs, outputs, name="tiny_cnn")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def build(name: str, seed: int = 0):
    """A fresh model by name ("seed", "better" or "tiny"), its weights drawn from ``seed``."""
    builders = {"seed": seed_cnn, "better": better_cnn, "tiny": tiny_cnn}
    if name not in builders:
        raise ValueError(f"name must be one of {sorted(builders)}, got {name!r}")
    keras_module(seed)
    return builders[name]()
