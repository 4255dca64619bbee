"""Shared test set-up: quiet TensorFlow, headless matplotlib, quick mode."""

import os

os.environ.setdefault("CNNLIB_QUICK", "1")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def tf():
    """TensorFlow, the independent reference for cnnlib.ops."""
    from cnnlib.backend import import_tf

    return import_tf()
