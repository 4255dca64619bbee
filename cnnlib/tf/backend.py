"""TensorFlow, imported quietly and only when a notebook needs it."""

from __future__ import annotations

import contextlib
import os
import sys

from cnnlib.config import quiet_tensorflow_env
from cnnlib.text.i18n import t


@contextlib.contextmanager
def _stderr_silenced():
    """Send the process's stderr (file descriptor 2, where C++ code writes) to /dev/null."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no real fd 2 (some embedded consoles)
        yield
        return
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def import_tf(seed: int | None = None):
    """Import and return ``tensorflow``, quietly; seed it (and Keras) when ``seed`` is given."""
    quiet_tensorflow_env()
    if "tensorflow" in sys.modules:
        tf = sys.modules["tensorflow"]
    else:
        with _stderr_silenced():  # absl's pre-init lines ("cuda drivers") ignore the env vars
            import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    if seed is not None:
        import keras

        keras.utils.set_random_seed(seed)
    return tf


def gpu_summary() -> str:
    """One line saying whether TensorFlow sees a GPU (it uses one automatically if so)."""
    tf = import_tf()
    gpus = tf.config.list_physical_devices("GPU")
    return f"TensorFlow {tf.__version__}: " + (
        t("{n} GPU(s), training runs there", n=len(gpus)) if gpus
        else t("no GPU found, running on the CPU"))
