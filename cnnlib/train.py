"""``python -m cnnlib.train``: the training command, at the short name the README and the notebooks
give. The command itself lives in ``cnnlib.tf.train``."""

from cnnlib.tf.train import main

if __name__ == "__main__":
    raise SystemExit(main())
