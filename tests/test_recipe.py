"""The recipe's tools: elastic distortion (cnnlib.tf.models.augment), the k-fold splitter, the margins and
the learning-rate schedule (cnnlib.tf.recipe), label smoothing and the no-batch-norm model."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import ndimage

from cnnlib import augment, data, models, recipe


@pytest.fixture(scope="module")
def digits():
    x, y = data.offline_subset()
    return data.to_float(x[:64]), y[:64]


# --- elastic distortion ------------------------------------------------------------------
def test_zero_strength_is_the_identity(digits):
    x, _ = digits
    assert np.array_equal(augment.elastic(x, seed=3, alpha=0.0), x)
    # the affine warp at zero strength runs the full resampling, and changes nothing either
    still = models.augment(x, seed=3, rotation=0, zoom=0, shift=0, shear=0)
    np.testing.assert_allclose(still, x, atol=1e-6)


def test_displace_agrees_with_scipy(digits):
    """The bilinear sampler against scipy's map_coordinates (order 1, zero outside)."""
    x, _ = digits
    rng = np.random.default_rng(0)
    field = rng.uniform(-2.5, 2.5, size=(4, 28, 28, 2)).astype(np.float32)
    got = augment.displace(x[:4], field)
    rows, cols = np.mgrid[0:28, 0:28]
    for i in range(4):
        want = ndimage.map_coordinates(x[i, ..., 0].astype(np.float64),
                                       [rows + field[i, ..., 0], cols + field[i, ..., 1]],
                                       order=1, mode="grid-constant", cval=0.0)
        np.testing.assert_allclose(got[i, ..., 0], want, atol=1e-5)


def test_a_whole_pixel_shift_moves_the_digit(digits):
    x, _ = digits
    field = np.zeros((2, 28, 28, 2), np.float32)
    field[..., 1] = 2.0  # every pixel reads two columns to its right
    got = augment.displace(x[:2], field)
    assert np.array_equal(got[:, :, :26], x[:2, :, 2:]) and not got[:, :, 26:].any()


def test_gaussian_kernel_is_scipys():
    for sigma in (1.0, 4.0):
        k = augment.gaussian_kernel(sigma)
        delta = np.zeros(2 * len(k) + 1)
        delta[len(delta) // 2] = 1
        ref = ndimage.gaussian_filter1d(delta, sigma, truncate=3.0, mode="constant")
        r = len(k) // 2
        np.testing.assert_allclose(k, ref[len(delta) // 2 - r: len(delta) // 2 + r + 1],
                                   atol=1e-6)
    assert math.isclose(float(augment.gaussian_kernel(2.0).sum()), 1.0, rel_tol=1e-6)


def test_elastic_is_seeded_keeps_range_and_shape(digits):
    x, _ = digits
    a = augment.elastic(x, seed=1, alpha=34.0)
    assert a.shape == x.shape and a.dtype == np.float32
    assert a.min() >= 0 and a.max() <= 1 + 1e-6
    assert np.array_equal(a, augment.elastic(x, seed=1, alpha=34.0))
    assert not np.allclose(a, augment.elastic(x, seed=2, alpha=34.0))
    assert not np.allclose(a, x)


def test_elastic_keeps_a_digit_a_digit(digits):
    """At the ablation's strength the ink stays where it was, give or take two pixels: most of
    it, the centre of mass within two pixels, and the original that a distorted digit looks
    most like (by pixel correlation) is a digit of the same class."""
    x, y = digits
    a = augment.elastic(x, seed=0, alpha=20.0)
    ink, ink_a = x.sum(axis=(1, 2, 3)), a.sum(axis=(1, 2, 3))
    assert np.all(np.abs(ink_a / ink - 1) < 0.25)  # stretched or squeezed a little
    for i in range(8):
        c, ca = ndimage.center_of_mass(x[i, ..., 0]), ndimage.center_of_mass(a[i, ..., 0])
        assert np.hypot(c[0] - ca[0], c[1] - ca[1]) < 2.0
    flat, flat_a = x.reshape(len(x), -1), a.reshape(len(a), -1)
    corr = np.corrcoef(flat_a, flat)[: len(x), len(x):]
    assert np.mean(y[corr.argmax(axis=1)] == y) >= 0.95
    assert np.median(np.diag(corr)) > 0.7


@pytest.mark.parametrize("kwargs, match", [(dict(alpha=-1.0), "alpha"),
                                           (dict(alpha=101.0), "alpha"),
                                           (dict(sigma=0.0), "sigma")])
def test_elastic_rejects_bad_strengths(digits, kwargs, match):
    x, _ = digits
    with pytest.raises(ValueError, match=match):
        augment.elastic(x[:2], **kwargs)


def test_train_rejects_bad_elastic_settings(digits):
    x, y = digits
    model = models.better_cnn(width=4)
    for bad, match in ((dict(elastic=200.0), "elastic"), (dict(elastic_sigma=0), "sigma")):
        with pytest.raises(ValueError, match=match):
            models.train(model, x, y, epochs=1, augment=bad, progress=False)


# --- the k-fold splitter -----------------------------------------------------------------
def test_kfold_folds_are_disjoint_cover_and_are_stratified():
    _, y = data.offline_subset()
    y = y[:4000]
    folds = recipe.kfold(y, k=3, seed=0)
    vals = [v for _, v in folds]
    assert sorted(np.concatenate(vals).tolist()) == list(range(len(y)))  # each digit once
    for tr, va in folds:
        assert not set(tr) & set(va) and len(tr) + len(va) == len(y)
    sizes = [len(v) for v in vals]
    assert max(sizes) - min(sizes) <= 1
    per_class = np.array([np.bincount(y[v], minlength=10) for v in vals])
    share = np.bincount(y, minlength=10) / 3
    assert np.all(np.abs(per_class - share) <= 1)                      # stratified
    again = recipe.kfold(y, k=3, seed=0)
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(folds, again))
    assert not np.array_equal(folds[0][1], recipe.kfold(y, k=3, seed=1)[0][1])


@pytest.mark.parametrize("k", [1, 0, 6, 2.5])
def test_kfold_rejects_bad_k(k):
    y = np.repeat(np.arange(3), 5)
    with pytest.raises(ValueError, match="k must"):
        recipe.kfold(y, k=k)


# --- margins and the schedule ------------------------------------------------------------
def test_margins_by_hand():
    # 1.96 * sqrt(0.992 * 0.008 / 1000) = 0.00552; / 400: 0.00873
    assert recipe.margin(0.992, 1000) == pytest.approx(0.00552, abs=1e-5)
    assert recipe.margin(0.992, 400) == pytest.approx(0.00873, abs=1e-5)
    with pytest.raises(ValueError, match="p must"):
        recipe.margin(1.5, 10)


def test_cosine_schedule_by_hand_and_as_keras_runs_it():
    peak, total = 3e-3, 100
    # warm-up over 10 steps from peak/10, then half a cosine over 90 steps
    hand = {0: 3e-4, 5: 3e-4 + 2.7e-3 / 2, 10: 3e-3, 55: 1.5e-3, 100: 0.0}
    for step, want in hand.items():
        assert recipe.cosine_lr(step, total, peak) == pytest.approx(want, abs=1e-9)
    keras = models.builders.keras_module()
    schedule = models.fit._schedule(keras, "cosine", peak, total, 0.1)
    for step in range(0, total + 1, 7):
        assert float(schedule(step)) == pytest.approx(recipe.cosine_lr(step, total, peak),
                                                      rel=1e-4, abs=1e-8)


# --- settings, label smoothing, batch norm off --------------------------------------------
def test_apply_step_adds_elastic_and_replaces_affine():
    s = recipe.apply_step(recipe.BASE, dict(augment=dict(rotation=8.0)))
    s = recipe.apply_step(s, dict(augment=dict(elastic=20.0)))
    assert s["augment"] == dict(rotation=8.0, elastic=20.0)
    s = recipe.apply_step(s, dict(augment=dict(rotation=12.0, shear=0.1)))
    assert s["augment"] == dict(rotation=12.0, shear=0.1, elastic=20.0)
    assert recipe.BASE["augment"] is False  # untouched


def test_better_cnn_without_batch_norm_counts_by_hand():
    model = models.better_cnn(batch_norm=False)
    kinds = {type(layer).__name__ for layer in model.layers}
    assert "BatchNormalization" not in kinds
    # convs with biases: 5*5*1*32 + 32 and 5*5*32*64 + 64; dense 1024*128 + 128; 128*10 + 10
    assert model.count_params() == 832 + 51_264 + 131_200 + 1_290


def test_label_smoothing_trains_and_saves_plainly(digits, tmp_path):
    x, y = digits
    model = recipe.build(dict(width=4), seed=0)
    history = models.train(model, x, y, epochs=1, batch_size=16, label_smoothing=0.1,
                           augment=dict(rotation=8.0, elastic=20.0),
                           validation_data=(x[:16], y[:16]), progress=False)
    assert np.isfinite(history.history["val_loss"][0])
    assert model.loss == "sparse_categorical_crossentropy"
    path = models.save_model(model, tmp_path / "m.keras")
    again = models.load_model(path)
    np.testing.assert_allclose(models.predict_probs(again, x[:4]),
                               models.predict_probs(model, x[:4]), atol=1e-6)
    with pytest.raises(ValueError, match="label_smoothing"):
        models.train(model, x, y, epochs=1, label_smoothing=1.0, progress=False)


# --- whole-pixel shifts (the dense baseline's test digits) -------------------------------
def test_shift_by_hand():
    x = np.arange(1, 10).reshape(1, 3, 3)
    assert augment.shift(x, 0, 1).tolist() == [[[0, 1, 2], [0, 4, 5], [0, 7, 8]]]
    assert augment.shift(x, -1, 0).tolist() == [[[4, 5, 6], [7, 8, 9], [0, 0, 0]]]
    assert not augment.shift(x, 3, 0).any()
    with pytest.raises(ValueError, match="dx"):
        augment.shift(x, 0, 1.5)


def test_shift_each_moves_every_digit_by_that_many_pixels(digits):
    x, _ = digits
    moved = augment.shift_each(x, 3, seed=0)
    assert moved.shape == x.shape and np.array_equal(moved, augment.shift_each(x, 3, seed=0))
    for i in range(16):
        options = [augment.shift(x[i:i + 1], 3 * dy, 3 * dx) for dy, dx in augment.DIRECTIONS]
        assert any(np.array_equal(moved[i:i + 1], o) for o in options)
    assert np.array_equal(augment.shift_each(x, 0), x)


def test_the_command_lines_recipe_is_where_the_ablation_ends():
    """``python -m cnnlib.train``'s default is the recipe the ablation kept (bench models found
    every step of STEPS kept and none of EXTRAS): BASE with each step applied in turn."""
    chosen = dict(recipe.BASE)
    for _key, _, change in recipe.STEPS[1:]:   # the first is the seed model, a baseline
        chosen = recipe.apply_step(chosen, change)
    default = dict(recipe.BASE, **models.RECIPES["better"]["offline"])
    assert default == chosen
