"""Saving and loading: never a half-written file, never a cryptic error."""

from __future__ import annotations

import json
import os
import tempfile
import weakref
import zipfile
from pathlib import Path

from cnnlib import config
from cnnlib.text.i18n import t

from .builders import keras_module
from .recipes import fit_recipe

DEFAULT_MODEL_PATH = config.model_path()  # the checkout's data/, or a per-user folder
# Saving and loading: never a half-written file, never a cryptic error
def retrain_command(path=DEFAULT_MODEL_PATH) -> str:
    """The command that trains a model and saves it at ``path``, replacing what is there."""
    path = Path(path)
    out = "" if path.resolve() == DEFAULT_MODEL_PATH.resolve() else f' --out "{path}"'
    return f"python -m cnnlib.train --force{out}"


def sidecar_path(path=DEFAULT_MODEL_PATH) -> Path:
    """The small JSON file beside a model that says how it was trained (``mnist_cnn.json``)."""
    return Path(path).with_suffix(".json")


def _atomic_write(path: Path, write) -> None:
    """``write(tmp_path)`` to a temporary file in ``path``'s folder, then move it over ``path``
    in one step (``os.replace``): an interrupted write leaves the old file as it was."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=path.suffix)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def save_model(model, path=DEFAULT_MODEL_PATH, *, info: dict | None = None) -> Path:
    """Save ``model`` at ``path`` (a ``.keras`` file) atomically, and beside it the sidecar
    ``sidecar_path(path)`` with ``info`` (how it was trained, e.g. ``{"all_digits": True}``),
    also written atomically. Returns the path."""
    path = Path(path)
    if path.suffix != ".keras":
        raise ValueError(f"path must end in .keras (Keras' format), got {str(path)!r}")
    if not path.parent.is_dir():
        raise ValueError(f"path's folder {str(path.parent)!r} does not exist")
    meta = {"model": getattr(model, "name", None), "all_digits": False, **(info or {})}
    _atomic_write(path, model.save)
    text = json.dumps(meta, indent=1, sort_keys=True) + "\n"
    _atomic_write(sidecar_path(path), lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
    try:
        _TRAINING_INFO[model] = meta
    except TypeError:  # not weak-referenceable: nothing to remember
        pass
    return path


#: model -> how it was trained (from its sidecar when loaded, or from save_model).
_TRAINING_INFO: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def training_info(model) -> dict:
    """How ``model`` was trained, as far as this session knows: its sidecar's contents when it
    was loaded by ``load_model``, what ``save_model`` recorded, else {}. ``.get("all_digits")``
    is True for a model that also trained on the offline subset's test digits."""
    try:
        return dict(_TRAINING_INFO.get(model, {}))
    except TypeError:
        return {}


def save_if_none(model, path=DEFAULT_MODEL_PATH, *, info: dict | None = None) -> bool:
    """Save ``model`` at ``path`` only if no valid model is there (none, or a damaged file);
    otherwise keep that one and say how to replace it. Returns True if it saved."""
    path = Path(path)
    if path.exists():
        try:
            load_model(path)
        except ValueError as err:
            if "damaged" not in str(err):
                raise
            print(t('{name} is damaged: replacing it.', name=path.name))
        else:
            print(t('Kept the model already saved at {path} (not replaced). To replace it, run `{retrain_command}`, or call models.save_model(model, path).', path=path, retrain_command=retrain_command(path)))
            return False
    save_model(model, path, info=info)
    print(t('Saved {path}', path=path))
    return True


def model_info(path=DEFAULT_MODEL_PATH) -> dict:
    """What the sidecar beside the model at ``path`` says ({} if there is none or it is
    unreadable): e.g. ``{"model": "better_cnn", "all_digits": True, ...}``."""
    try:
        meta = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _damaged(path: Path, why: str) -> ValueError:
    return ValueError(f"The model file {path} is damaged ({why}): it is not a model Keras can "
                      f"load. Retrain it with: {retrain_command(path)}")


def load_model(path=DEFAULT_MODEL_PATH):
    """The model saved at ``path``, loaded in Keras' safe mode (no code runs from the file).

    A missing file raises FileNotFoundError; a damaged, truncated or non-Keras file a ValueError
    that names it and the command that retrains it; a file holding code is refused by Keras'
    safe mode (ValueError)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"No model file at {path}. Train one with: "
                                f"{retrain_command(path)}")
    if not path.is_file():
        raise _damaged(path, "it is not a regular file")
    # A .keras file is a zip with the architecture (config.json) and the weights.
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            bad = zf.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise _damaged(path, f"{path.stat().st_size:,} bytes, not a .keras archive: {err}") \
            from None
    if bad is not None or "config.json" not in names:
        raise _damaged(path, f"corrupt entry {bad}" if bad else "no config.json inside")
    keras = keras_module()
    try:
        model = keras.models.load_model(path, safe_mode=True)
    except Exception as err:  # noqa: BLE001 - named below
        if "safe_mode" in str(err) or "unsafe" in str(err).lower():
            raise  # the file is whole but holds code: Keras explains that itself
        raise _damaged(path, f"{type(err).__name__}: {err}") from None
    try:
        _TRAINING_INFO[model] = model_info(path)
    except TypeError:
        pass
    return model


def load_or_train(path=DEFAULT_MODEL_PATH, *, quick: bool | None = None, name: str = "better",
                  seed: int = 0, verbose: bool = True):
    """The model saved at ``path`` (by ``python -m cnnlib.train``), loaded in Keras' safe mode;
    if there is none, or it is damaged, model ``name`` trained now on ``load_mnist()`` (quick
    mode: a few seconds). A damaged file is explained, left in place, and not overwritten.
    """
    path = Path(path)
    why = t('No saved model at {name}', name=path.name)
    if path.exists():
        try:
            model = load_model(path)
        except ValueError as err:
            if "damaged" not in str(err):
                raise
            if verbose:
                print(err)
            why = t('The saved model {name} is damaged (kept as it is)', name=path.name)
        else:
            if verbose:
                print(t('Loaded the trained model from {name}.', name=path.name))
            return model
    from cnnlib.tf.data import load_mnist

    if verbose:
        print(t('{why}: training {name} now (run `{retrain_command}` once to keep one).', why=why, name=name, retrain_command=retrain_command(path)))
    model, _, acc = fit_recipe(name, load_mnist(verbose=verbose), quick=quick, seed=seed)
    if verbose:
        print(t('Test accuracy: {acc:.2%}', acc=acc))
    return model
