"""Settings read from the environment, and where data and models live: the one place for both.

Environment variables (each bad value raises a ``ValueError`` that names the variable):

- ``CNNLIB_QUICK``: quick mode (small data, few steps), set by ``make test``.
- ``CNNLIB_OFFLINE``: never try a download.
- ``CNNLIB_DOWNLOAD_TIMEOUT``: seconds a download may take in all.
- ``CNNLIB_DATA_DIR``: where cached data and trained models live.
- ``CNNLIB_CLASSROOM``: the classroom setting, for a graded course (``make assignments``):
  checkers give their hints but never show an answer, and nothing reads the answer key
  (``cnnlib.exercises.solutions``), so the key need not be installed. ``cnnlib.setup(classroom=True)``,
  which a course release's Setup cell calls, turns it on too.

Without ``CNNLIB_DATA_DIR``, data lives in the repository's ``data/`` when cnnlib runs from a
checkout (``make lab``, an editable install), and otherwise (``pip install .``) in a per-user
folder, never inside site-packages, which may be read-only and is wiped by every reinstall.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

__all__ = [
    "QUICK",
    "quick",
    "classroom",
    "set_classroom",
    "env_flag",
    "env_float",
    "data_dir",
    "user_data_dir",
    "checkout_root",
    "model_path",
    "mnist_cache_path",
]

_TRUE = ("1", "true", "yes", "on", "y", "t")
_FALSE = ("", "0", "false", "no", "off", "n", "f")


def env_flag(name: str, default: bool = False) -> bool:
    """The on/off switch in environment variable ``name`` (1/true/yes/on or 0/false/no/off)."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name}={raw!r} is not a switch: use 1 (or true, yes, on) to turn it on, "
                     f"0 (or false, no, off) to turn it off")


def env_float(name: str, default: float, *, minimum: float = 0.0) -> float:
    """The number in environment variable ``name`` (must be finite and > ``minimum``)."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return float(default)
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= minimum:
        raise ValueError(f"{name}={raw} is not allowed: give a number greater than {minimum:g}, "
                         f"e.g. {name}={default:g}")
    return value


#: Quick mode (``CNNLIB_QUICK=1``, set by ``make test``): small data and few steps, so the whole
#: series runs under nbval in minutes. Without it the notebooks teach at full size.
QUICK = env_flag("CNNLIB_QUICK")


def quick(full, small):
    """``small`` in quick mode, ``full`` otherwise: ``epochs = cnnlib.quick(10, 1)``."""
    return small if QUICK else full


# Turned on for this kernel by cnnlib.setup(classroom=True); the environment variable is read on
# every call, so a notebook's %env line works as well.
_CLASSROOM_ON = False


def classroom() -> bool:
    """The classroom setting: on with ``CNNLIB_CLASSROOM=1`` or after ``set_classroom(True)``.
    Checkers then never show an answer and never read the answer key."""
    return _CLASSROOM_ON or env_flag("CNNLIB_CLASSROOM")


def set_classroom(on: bool = True) -> None:
    """Turn the classroom setting on (or off again) for this kernel; ``CNNLIB_CLASSROOM=1``
    keeps it on either way."""
    global _CLASSROOM_ON
    _CLASSROOM_ON = bool(on)


_PACKAGE_DIR = Path(__file__).resolve().parent
APP_NAME = "cnn-notebooks"


def _in_site_packages(path: Path) -> bool:
    return any(part in ("site-packages", "dist-packages") for part in path.parts)


def checkout_root(package_dir: Path = _PACKAGE_DIR) -> Path | None:
    """The repository that holds this cnnlib, or None when cnnlib was installed as a package."""
    root = package_dir.parent
    if _in_site_packages(root):
        return None
    if (root / "pyproject.toml").is_file() and (root / "notebooks").is_dir():
        return root
    return None


def user_data_dir() -> Path:
    """The per-user data folder: the platform's usual place for an application's data."""
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    return base / APP_NAME


def data_dir() -> Path:
    """Where cached data and trained models live: ``$CNNLIB_DATA_DIR``, else the checkout's
    ``data/``, else ``user_data_dir()``. Read on every call, so a notebook may change it.
    Not created here: whoever writes a file makes the folder."""
    raw = os.environ.get("CNNLIB_DATA_DIR", "").strip()
    if raw:
        path = Path(raw).expanduser().resolve()
        if path.exists() and not path.is_dir():
            raise ValueError(f"CNNLIB_DATA_DIR={raw} is a file, not a folder: point it at a "
                             f"folder (it is created when first needed)")
        return path
    root = checkout_root()
    return root / "data" if root is not None else user_data_dir()


def model_path(name: str = "mnist_cnn.keras") -> Path:
    """Where the trained model ``name`` is kept (``python -m cnnlib.train`` saves it there)."""
    return data_dir() / name


def mnist_cache_path() -> Path:
    """Where a full MNIST (``mnist.npz``, Keras' format) is looked for first."""
    return data_dir() / "mnist.npz"


def quiet_tensorflow_env() -> None:
    """TensorFlow's environment (here, so ``cnnlib.setup`` sets it without loading the
    TensorFlow side). Silence TensorFlow's start-up log lines; must run before ``import tensorflow``.

    ``TF_ENABLE_ONEDNN_OPTS=0`` also turns off oneDNN's floating-point reordering, so results
    repeat exactly from run to run.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def wrapping_bar(bar):
    """``bar`` (tqdm), its notebook row set to wrap rather than scroll: ipywidgets' boxes scroll
    (``overflow: auto``) once the numbers beside a bar outgrow the line, and a region that
    scrolls but takes no focus is out of a keyboard's reach (WCAG 2.1.1, axe's
    ``scrollable-region-focusable``). A text bar (no widget) is returned as it is."""
    layout = getattr(getattr(bar, "container", None), "layout", None)
    if layout is not None:
        layout.flex_flow = "row wrap"
        layout.overflow = "visible"
    return bar
