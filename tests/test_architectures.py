"""The classic CNNs' sizes and parameter counts, computed from plain layer specs with cnnlib.core.ops,
against the published numbers, hand-worked layer sizes, and Keras' own builders (built with
weights=None: nothing is downloaded)."""

from __future__ import annotations

import re

import pytest

import cnnlib
from cnnlib import architectures as arch
from tests.english import english_runs


def _row(rows, name):
    return next(r for r in rows if r["name"] == name)


def test_totals_match_the_published_counts():
    # Exact counts, as the common implementations report them.
    assert arch.total_params(arch.vgg16_spec()) == 138_357_544
    assert arch.total_params(arch.resnet50_spec()) == 25_557_032
    assert arch.total_params(arch.alexnet_spec()) == 62_378_344
    # Rounded figures from the papers: within 5 %.
    assert arch.total_params(arch.lenet5_spec()) == pytest.approx(60_000, rel=0.05)
    assert arch.total_params(arch.googlenet_spec()) == pytest.approx(6_800_000, rel=0.05)
    # AlexNet as the paper trained it, split over two GPUs: "about 60 million" (61 M).
    two = arch.total_params(arch.alexnet_spec(two_gpus=True))
    assert two == pytest.approx(61_000_000, rel=0.01)
    # conv2, conv4, conv5 see half the channels: the weights they lose, worked out by hand.
    lost = (5 * 5 * 48 * 256) + (3 * 3 * 192 * 384) + (3 * 3 * 192 * 256)
    assert 62_378_344 - two == lost


def test_lenet5_sizes_and_the_papers_partial_c3():
    rows = arch.summarize("LeNet-5")
    assert [r["output"] for r in rows] == [(32, 32, 1), (28, 28, 6), (14, 14, 6), (10, 10, 16),
                                           (5, 5, 16), (1, 1, 120), (1, 1, 84), (1, 1, 10)]
    assert _row(rows, "C1")["params"] == 156           # (5*5*1 + 1) * 6, in the paper
    assert _row(rows, "C5")["params"] == 48_120        # the paper's number
    assert _row(rows, "F6")["params"] == 10_164        # the paper's number
    partial = arch.summarize(arch.lenet5_spec(partial_c3=True))
    assert _row(partial, "C3")["params"] == 1_516      # the paper's number


def test_alexnet_sizes_worked_by_hand():
    rows = arch.summarize("AlexNet")
    sides = {r["name"]: r["output"] for r in rows}
    # (227 - 11) / 4 + 1 = 55; (55 - 3) / 2 + 1 = 27; 27 + 4 - 5 + 1 = 27; ... 6x6x256 = 9216
    assert sides["conv1"] == (55, 55, 96)
    assert sides["pool1"] == (27, 27, 96)
    assert sides["conv2"] == (27, 27, 256)
    assert sides["pool2"] == (13, 13, 256)
    assert sides["conv5"] == (13, 13, 256)
    assert sides["pool5"] == (6, 6, 256)
    assert _row(rows, "conv1")["params"] == 11 * 11 * 3 * 96 + 96 == 34_944
    assert _row(rows, "fc6")["params"] == 6 * 6 * 256 * 4096 + 4096


def test_googlenet_follows_the_papers_table():
    rows = arch.summarize("GoogLeNet")
    inception = [r for r in rows if r["type"] == "inception"]
    assert [r["output"][2] for r in inception] == [256, 480, 512, 512, 512, 528, 832, 832, 1024]
    assert [r["output"][0] for r in inception] == [28, 28, 14, 14, 14, 14, 14, 7, 7]
    # inception 3a by hand: 1x1 64 | 1x1 96 -> 3x3 128 | 1x1 16 -> 5x5 32 | pool -> 1x1 32
    by_hand = (192 * 64 + 64) + (192 * 96 + 96) + (9 * 96 * 128 + 128) + (192 * 16 + 16) \
        + (25 * 16 * 32 + 32) + (192 * 32 + 32)
    assert inception[0]["params"] == by_hand
    assert rows[-1]["output"] == (1, 1, 1000)


def test_resnet50_stages():
    rows = arch.summarize("ResNet-50")
    last_of_stage = {r["name"]: r["output"] for r in rows if r["type"] == "bottleneck"}
    assert last_of_stage["conv2_block3"] == (56, 56, 256)
    assert last_of_stage["conv3_block4"] == (28, 28, 512)
    assert last_of_stage["conv4_block6"] == (14, 14, 1024)
    assert last_of_stage["conv5_block3"] == (7, 7, 2048)
    # First block of stage 2 by hand: 1x1 64, 3x3 64, 1x1 256 and a 1x1 projection of 64 -> 256,
    # no conv biases, batch norm (gamma, beta) after each.
    by_hand = 64 * 64 + 9 * 64 * 64 + 64 * 256 + 64 * 256 + 2 * (64 + 64 + 256 + 256)
    assert _row(rows, "conv2_block1")["params"] == by_hand


def test_compare_table():
    rows = arch.compare()
    assert [r["network"] for r in rows] == ["LeNet-5", "AlexNet", "VGG-16", "GoogLeNet",
                                           "ResNet-50"]
    depth = {r["network"]: r["depth"] for r in rows}
    assert depth == {"LeNet-5": 5, "AlexNet": 8, "VGG-16": 16, "GoogLeNet": 22, "ResNet-50": 50}
    dense = {r["network"]: r["in dense layers %"] for r in rows}
    assert dense["VGG-16"] > 85 and dense["AlexNet"] > 90 and dense["ResNet-50"] < 10
    vgg = next(r for r in rows if r["network"] == "VGG-16")
    assert 15_000 < vgg["multiply-adds (M)"] < 16_000   # "15.5 G multiply-adds" for VGG-16


def test_flatten_then_dense_worked_by_hand():
    rows = arch.summarize({"input": (4, 4, 3), "layers": [{"type": "flatten"},
                                                           {"type": "dense", "units": 5}]})
    # 4*4*3 = 48 numbers in a row; then 48 weights per unit plus a bias: 48*5 + 5 = 245
    assert [r["output"] for r in rows[1:]] == [(1, 1, 48), (1, 1, 5)]
    assert [r["params"] for r in rows[1:]] == [0, 245]


def test_bad_specs_raise_value_error():
    with pytest.raises(ValueError, match="spec must be one of"):
        arch.summarize("LeNet-6")
    bad = {"input": (32, 32, 3), "layers": [{"type": "conv", "filters": 8, "kernel": 5},
                                            {"type": "conv", "filters": 8, "kernel": 40}]}
    with pytest.raises(ValueError, match="layer 1 .*kernel 40 is larger than the padded input"):
        arch.summarize(bad)
    with pytest.raises(ValueError, match="layer type must be one of"):
        arch.summarize({"input": (8, 8, 1), "layers": [{"type": "capsule"}]})
    with pytest.raises(ValueError, match="groups must divide"):
        arch.summarize({"input": (8, 8, 3), "layers": [{"type": "conv", "filters": 4,
                                                         "kernel": 3, "groups": 2}]})


_CONV = {"type": "conv", "filters": 8, "kernel": 3}
_TYPES = ", ".join(arch._KEYS)  # the layer types: code names, the allowed range itself
# a bad spec, the parameter its message must name, and the allowed range it must state
BAD_SPECS = [
    ("LeNet-6", "spec", ", ".join(arch.SPECS)),
    ({"layers": []}, "spec", "'input'"),
    ({"input": (8, 8), "layers": []}, "input", "(H, W, C)"),
    ({"input": (8, 0, 1), "layers": []}, "input", ">= 1"),
    ({"input": (8, 8, 1), "layers": "conv"}, "layers", "列表"),
    ({"input": (8, 8, 1), "layers": ["conv"]}, "'type': 'conv'", "{"),
    ({"input": (8, 8, 1), "layers": [{"type": "capsule"}]}, "type", _TYPES),
    ({"input": (8, 8, 1), "layers": [{"type": "conv", "filters": 8}]}, "kernel", "filters, kernel"),
    ({"input": (8, 8, 1), "layers": [{**_CONV, "filters": 0}]}, "filters", ">= 1"),
    ({"input": (8, 8, 1), "layers": [{**_CONV, "kernel": 2.5}]}, "kernel", ">= 1"),
    ({"input": (8, 8, 3), "layers": [{**_CONV, "groups": 2}]}, "groups", "3"),
    ({"input": (8, 8, 3), "layers": [{**_CONV, "connections": 99}]}, "connections", "[1, 24]"),
    ({"input": (8, 8, 1), "layers": [{"type": "pool", "size": 2, "mode": "median"}]}, "mode",
     "max, avg"),
    ({"input": (8, 8, 1), "layers": [{"type": "inception", "branches": (1, 2, 3)}]}, "branches",
     "6"),
    ({"input": (8, 8, 1), "layers": [{**_CONV, "kernel": 40}]}, "卷积核 40", "输入 8"),
]


@pytest.mark.parametrize("spec, name, allowed", BAD_SPECS, ids=[b[1] for b in BAD_SPECS])
def test_a_bad_spec_says_what_is_wrong_in_chinese(spec, name, allowed):
    """Issue 31: the learner-facing ValueError in Chinese, naming the parameter and its allowed
    range, with no run of English words left (tests/english.py)."""
    with pytest.raises(ValueError) as english:
        arch.summarize(spec)
    cnnlib.setup(lang="zh")
    try:
        with pytest.raises(ValueError) as chinese:
            arch.summarize(spec)
    finally:
        cnnlib.setup()
    message = str(chinese.value)
    assert message != str(english.value) and re.search(r"[\u4e00-\u9fff]", message), message
    assert name in message and allowed in message, message
    assert not english_runs(message.replace(_TYPES, " · ")), message


def test_the_digits_resnet_widths_in_chinese():
    cnnlib.setup(lang="zh")
    try:
        with pytest.raises(ValueError, match=r"widths 必须是.*\[\]") as err:
            arch.digits_resnet_spec(widths=[])
    finally:
        cnnlib.setup()
    assert not english_runs(str(err.value))


def test_vgg16_matches_keras(keras):
    model = keras.applications.VGG16(weights=None)
    assert model.count_params() == arch.total_params(arch.vgg16_spec())
    rows = arch.summarize("VGG-16")
    for layer in model.layers[1:]:
        if layer.name.startswith("block"):
            assert tuple(layer.output.shape[1:]) == _row(rows, layer.name)["output"], layer.name
            assert layer.count_params() == _row(rows, layer.name)["params"], layer.name
    del model
    keras.backend.clear_session()


def test_resnet50_matches_keras(keras):
    """Keras gives its convolutions a bias and counts batch norm's running mean and variance."""
    model = keras.applications.ResNet50(weights=None)
    spec = arch.resnet50_spec(keras_style=True)
    assert model.count_params() == arch.total_params(spec, bn_stats=True) == 25_636_712
    trainable = sum(int(w.shape.num_elements()) for w in model.trainable_weights)
    assert trainable == arch.total_params(spec)
    rows = arch.summarize(spec)
    for name in ("conv2_block3", "conv3_block4", "conv4_block6", "conv5_block3"):
        assert tuple(model.get_layer(f"{name}_out").output.shape[1:]) == _row(rows, name)["output"]
    del model
    keras.backend.clear_session()
