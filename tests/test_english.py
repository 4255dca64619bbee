"""The detector of English left on the Chinese path (tests/english.py) finds what it should."""

from tests.english import english_runs


def test_finds_a_hint_left_in_english():
    assert english_runs("❌ 不太对：take e^z of each logit first，再归一化") == ["z of each logit first"]
    assert english_runs("第 3 行：gray (luminance) 用 red") == []
    assert english_runs("left edges") == []
    assert english_runs("top left edges") == ["top left edges"]


def test_kept_names_and_commands_are_not_english_prose():
    assert english_runs("用 Sobel x 卷积核，在 MNIST 上训练 Keras 模型") == []
    assert english_runs("请运行 sudo apt install fonts-noto-cjk 再重启") == []
    assert english_runs("在 Fedora 上运行 sudo dnf install google-noto-sans-cjk-fonts") == []
    assert english_runs("在单元格里写 `z - z.max()` 再求 exp") == []
    assert english_runs("定义 my_conv2d(x, kernel, stride=1)，并传入函数本身") == []
    assert english_runs("得到 [nan, nan, nan]，应为 [0.67, 0.24, 0.09]") == []
    assert english_runs("input 必须是 (H, W, C)，收到的是 (8, 8)") == []
    # prose puts a space before its parenthesis: not code
    assert english_runs("向下取整 (use floor division)") == ["use floor division"]
    # a kept name does not hide the English around it
    assert english_runs("use the Grad-CAM map here please") == ["map here please"]
