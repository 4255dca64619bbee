"""Shared test set-up: quiet TensorFlow, headless matplotlib, quick mode; the fixtures more than
one test file uses; and the ``slow`` mark on every explorer sweep.

``make test`` runs everything, slow tests included; ``pytest -m "not slow"`` leaves the sweeps
out for a quick run while editing.
"""

import os
import sys

os.environ.setdefault("CNNLIB_QUICK", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def tf():
    """TensorFlow, the independent reference for cnnlib.core.ops."""
    from cnnlib.tf.backend import import_tf

    return import_tf()


@pytest.fixture(scope="session")
def keras(tf):
    """Keras, imported after TensorFlow (quietly, through ``tf``)."""
    import keras

    return keras


@pytest.fixture(autouse=True)
def _close_figures():
    """Every figure a test (or an explorer it built) opened is closed after it."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def pytest_collection_modifyitems(items):
    """A test that calls ``sweep`` (every control of an explorer through its values) is slow."""
    for item in items:
        code = getattr(getattr(item, "function", None), "__code__", None)
        if code is not None and "sweep" in code.co_names + code.co_varnames:
            item.add_marker(pytest.mark.slow)
