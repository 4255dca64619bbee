"""models.fit_recipe holds out a stratified validation split: the curves see only held-out
training digits, and the test digits are used once, for the returned accuracy."""

import numpy as np
import pytest

from cnnlib import data, models


def _small_data():
    X, y = data.offline_subset()
    tr, te = data.stratified_split(y, test_size=100, seed=0)
    tr = tr[:500]
    return data.MnistData(X[tr], y[tr], X[te], y[te], "offline", "a test sample", [])


@pytest.mark.parametrize("val_fraction, validation", [(0.1, True), (0.0, False)])
def test_fit_recipe_trains_without_the_validation_digits(monkeypatch, val_fraction, validation):
    mnist = _small_data()
    seen = {}

    def fake_train(model, x, y, *, validation_data=None, **kwargs):
        seen.update(x=np.asarray(x), y=np.asarray(y), val=validation_data)
        return type("H", (), {"epoch_seconds": [0.0], "seconds": 0.0, "history": {}})()

    monkeypatch.setattr(models.recipes, "train", fake_train)  # fit_recipe's own module
    models.fit_recipe("seed", mnist, quick=False, val_fraction=val_fraction,
                      validation=validation, progress=False)
    n_val = round(val_fraction * mnist.n_train)
    assert len(seen["y"]) == mnist.n_train - n_val
    train_set = {x.tobytes() for x in data.to_float(mnist.x_train)}
    test_set = {x.tobytes() for x in data.to_float(mnist.x_test)}
    fitted = {x.tobytes() for x in seen["x"]}
    assert fitted <= train_set and not fitted & test_set
    if validation:
        xv, yv = seen["val"]
        held = {x.tobytes() for x in xv}
        assert len(yv) == n_val and held <= train_set and not held & fitted
        # stratified: every class keeps its share, to within one digit
        share = np.bincount(mnist.y_train, minlength=10) * val_fraction
        assert np.all(np.abs(np.bincount(yv, minlength=10) - share) <= 1)
    else:
        assert seen["val"] is None


def test_fit_recipe_rejects_a_bad_val_fraction():
    with pytest.raises(ValueError, match="val_fraction"):
        models.fit_recipe("seed", _small_data(), quick=False, val_fraction=1.0)
