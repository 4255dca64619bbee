"""Train a CNN on MNIST from the command line and save it for notebook 08.

    python -m cnnlib.train                      # the better model -> data/mnist_cnn.keras
    python -m cnnlib.train --model seed         # the articles' model
    python -m cnnlib.train --quick --out m.keras
    cnnlib-train --help                         # the same, as an installed script

It trains on whatever ``cnnlib.data.load_mnist()`` finds (full MNIST from the cache or a
download, else the offline 5,000-digit subset), prints the data source, the time taken and the
test accuracy, and saves the model in Keras' ``.keras`` format.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def parse_args(argv=None) -> argparse.Namespace:
    from cnnlib.models import DEFAULT_MODEL_PATH

    p = argparse.ArgumentParser(prog="python -m cnnlib.train", description=__doc__.split("\n")[0])
    p.add_argument("--model", choices=["seed", "better"], default="better",
                   help="seed: the articles' model; better: the one we recommend (default)")
    p.add_argument("--quick", action="store_true",
                   help="a few steps on a small sample (seconds; for tests)")
    p.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH,
                   help="where to save the model (default: data/mnist_cnn.keras)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--offline", action="store_true",
                   help="never try to download (the same as CNNLIB_OFFLINE=1)")
    p.add_argument("--all-digits", action="store_true",
                   help="offline subset only: train on all 5,000 digits for as many steps as "
                        "the 4,000-digit recipe (none held out, so no test accuracy); the best "
                        "model to ship offline")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.offline:
        os.environ["CNNLIB_OFFLINE"] = "1"
    from cnnlib import models
    from cnnlib.backend import gpu_summary
    from cnnlib.data import MnistData, load_mnist

    print(gpu_summary())
    data = load_mnist(offline=True if args.offline else None)
    if args.all_digits:
        if data.is_full:
            print("--all-digits applies to the offline subset only; ignored for full MNIST.")
        else:
            import numpy as np

            data = MnistData(np.concatenate([data.x_train, data.x_test]),
                             np.concatenate([data.y_train, data.y_test]),
                             data.x_test, data.y_test, data.source,
                             data.origin + ", all 5,000 digits used for training", data.notes)
            print(f"Training on all {data.n_train:,} digits of the offline subset.")
    overrides = {}
    if args.all_digits and not data.is_full:
        # The same number of training steps as the 4,000-digit recipe: the same time budget.
        recipe = models.recipe_for(args.model, data, quick=args.quick)
        overrides["epochs"] = max(1, round(recipe["epochs"] * 4000 / data.n_train))
    model, history, acc = models.fit_recipe(args.model, data, quick=args.quick, seed=args.seed,
                                            validation=False, **overrides)
    per_epoch = sum(history.epoch_seconds) / max(1, len(history.epoch_seconds))
    print(f"Trained {args.model} ({model.count_params():,} weights) for "
          f"{len(history.epoch_seconds)} epochs in {history.seconds:.1f} s "
          f"({per_epoch:.1f} s per epoch).")
    if args.all_digits and not data.is_full:
        print(f"Accuracy on its own training digits: {acc:.2%} (not a test: none were held out)")
    else:
        print(f"Test accuracy: {acc:.2%} on {data.n_test:,} digits it never trained on"
              + (" (quick mode: a small sample)" if args.quick else ""))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    print(f"Saved {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
