"""Train a CNN on MNIST from the command line and save it for notebook 08.

    python -m cnnlib.train                      # the better model -> data/mnist_cnn.keras (*)
    python -m cnnlib.train --model seed         # the articles' model
    python -m cnnlib.train --quick --out m.keras
    python -m cnnlib.train --force              # replace the model saved before
    cnnlib-train --help                         # the same, as an installed script

It trains on whatever ``cnnlib.tf.data.load_mnist()`` finds (full MNIST from the cache or a
download, else the offline 5,000-digit subset): the recommended recipe, chosen beforehand by
cross-validation (``cnnlib.tf.recipe``, ``python -m bench models``), retrained on all the training
digits (train + validation; the test digits are never trained on). It prints the data source, the time taken and the
test accuracy, and saves the model in Keras' ``.keras`` format (atomically, with a small JSON
sidecar saying how it was trained). Every argument is checked before any work: a bad one exits
with status 2 and one line saying why. It never replaces a saved model unless told ``--force``.

(*) ``data/`` of the checkout; a per-user folder when cnnlib is pip-installed; ``$CNNLIB_DATA_DIR``
when set (see ``cnnlib.config``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from cnnlib.text.i18n import t


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            t("must be a whole number >= 0, got {got}", got=repr(text))) from None
    if value < 0:
        raise argparse.ArgumentTypeError(t("must be a whole number >= 0, got {got}", got=value))
    return value


def _out_problem(out: Path) -> str | None:
    """Why the model cannot be saved at ``out`` (None if it can): a ``.keras`` name, in a
    folder that exists or can be made (it is made now), where a file can be written (a
    temporary one is written and removed)."""
    if out.suffix != ".keras":
        return t("must be a file name ending in .keras, got {out}", out=repr(str(out)))
    if out.is_dir():
        return t("{out} is a folder; give a file name ending in .keras", out=repr(str(out)))
    folder = out.parent
    while not folder.exists():  # the nearest folder that exists is where one would be made
        if folder.is_symlink() or folder == folder.parent:
            return t("folder {folder} cannot be made", folder=repr(str(out.parent)))
        folder = folder.parent
    if not folder.is_dir():
        return t("folder {folder} cannot be made: {file} is a file",
                 folder=repr(str(out.parent)), file=repr(str(folder)))
    # Checked by trying, not with os.access: that says yes to root for everything (Docker and
    # Colab run as root), even for a folder no one can make, such as one under /proc.
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        return t("folder {folder} cannot be made: {why}", folder=repr(str(out.parent)),
                 why=err.strerror or type(err).__name__)
    try:
        fd, probe = tempfile.mkstemp(dir=out.parent, prefix=".cnnlib-write-test-")
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        return t("folder {folder} is not writable: {why}", folder=repr(str(out.parent)),
                 why=err.strerror or type(err).__name__)
    return None


def _set_language(argv) -> None:
    """The language of everything this command says: --lang, else CNNLIB_LANG, else English.
    Read before the parser is built, so that its help is in that language too."""
    from cnnlib.text.locale import set_language

    pre = argparse.ArgumentParser(prog="python -m cnnlib.train", add_help=False)
    pre.add_argument("--lang")
    known, _ = pre.parse_known_args(argv)
    lang = known.lang or os.environ.get("CNNLIB_LANG") or "en"
    try:
        set_language(lang)
    except ValueError as err:
        pre.error(str(err))


def parse_args(argv=None) -> argparse.Namespace:
    from cnnlib.config import model_path

    _set_language(argv)
    p = argparse.ArgumentParser(prog="python -m cnnlib.train",
                                description=t("Train a CNN on MNIST and save it."))
    p.add_argument("--model", choices=["seed", "better"], default="better",
                   help=t("seed: the articles' model; better: the one we recommend (default)"))
    p.add_argument("--quick", action="store_true",
                   help=t("a few steps on a small sample (seconds; for tests)"))
    p.add_argument("--out", type=Path, default=model_path(),
                   help=t("where to save the model (default: {path})", path=model_path()))
    p.add_argument("--seed", type=_seed, default=0, help=t("random seed, >= 0 (default 0)"))
    p.add_argument("--force", action="store_true",
                   help=t("replace a model already saved at --out (otherwise: refuse)"))
    p.add_argument("--offline", action="store_true",
                   help=t("never try to download (the same as CNNLIB_OFFLINE=1)"))
    p.add_argument("--all-digits", action="store_true",
                   help=t("offline subset only: train on all 5,000 digits for as many steps as "
                          "the 4,000-digit recipe (none held out, so no test accuracy); the "
                          "best model to ship offline"))
    p.add_argument("--lang", choices=["en", "zh"],
                   help=t("the language of what this command says (default: CNNLIB_LANG, "
                          "else en)"))
    args = p.parse_args(argv)
    problem = _out_problem(args.out)
    if problem:
        p.error(t("argument --out: {problem}", problem=problem))
    if args.out.exists() and not args.force:
        p.error(t("argument --out: {out} already holds a model; it was kept. Pass --force to "
                  "replace it, or --out to save elsewhere", out=args.out))
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.offline:
        os.environ["CNNLIB_OFFLINE"] = "1"
    from cnnlib.tf import models
    from cnnlib.tf.backend import gpu_summary
    from cnnlib.tf.data import MnistData, load_mnist

    print(gpu_summary())
    data = load_mnist(offline=True if args.offline else None)
    if args.all_digits:
        if data.is_full:
            print(t("--all-digits applies to the offline subset only; ignored for full MNIST."))
        else:
            import numpy as np

            data = MnistData(np.concatenate([data.x_train, data.x_test]),
                             np.concatenate([data.y_train, data.y_test]),
                             data.x_test, data.y_test, data.source,
                             data.origin + t(", all 5,000 digits used for training"),
                             data.notes)
            print(t("Training on all {n:,} digits of the offline subset.", n=data.n_train))
    overrides = {}
    if args.all_digits and not data.is_full:
        # The same number of training steps as the 4,000-digit recipe: the same time budget.
        recipe = models.recipe_for(args.model, data, quick=args.quick)
        overrides["epochs"] = max(1, round(recipe["epochs"] * 4000 / data.n_train))
    # Choose, then retrain: the recipe was chosen on validation digits (cnnlib.tf.recipe,
    # notebook 07), so the model is now trained on train + validation, with nothing held out.
    val_fraction = 0.0
    model, history, acc = models.fit_recipe(args.model, data, quick=args.quick, seed=args.seed,
                                            validation=False, val_fraction=val_fraction,
                                            **overrides)
    per_epoch = sum(history.epoch_seconds) / max(1, len(history.epoch_seconds))
    print(t("Trained {model} ({weights:,} weights) for {epochs} epochs in {seconds:.1f} s "
            "({per_epoch:.1f} s per epoch).", model=args.model, weights=model.count_params(),
            epochs=len(history.epoch_seconds), seconds=history.seconds, per_epoch=per_epoch))
    if args.all_digits and not data.is_full:
        print(t("Accuracy on its own training digits: {acc:.2%} (not a test: none were held "
                "out)", acc=acc))
    else:
        print(t("Test accuracy: {acc:.2%} on {n:,} digits it never trained on", acc=acc,
                n=data.n_test) + (t(" (quick mode: a small sample)") if args.quick else ""))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    all_digits = bool(args.all_digits and not data.is_full)
    models.save_model(model, args.out, info={
        "all_digits": all_digits, "data": data.source, "n_train": data.n_train,
        "quick": bool(args.quick), "seed": args.seed,
        "test_accuracy": None if all_digits else round(acc, 4)})
    print(t("Saved {out}", out=args.out) + (t(" (trained on all digits, noted in {sidecar})",
                                              sidecar=models.sidecar_path(args.out).name)
                                            if all_digits else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
