"""Keras model builders and training helpers (TensorFlow is imported on first use)."""

from __future__ import annotations

__all__ = ["seed_cnn"]


def seed_cnn(input_shape=(28, 28, 1), n_classes: int = 10):
    """The articles' MNIST model: Conv2D(32, 3x3, relu) -> MaxPool(2) -> Flatten ->
    Dense(100, relu) -> Dense(10, softmax); adam, sparse categorical cross-entropy."""
    from cnnlib.backend import import_tf

    import_tf()
    import keras
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
