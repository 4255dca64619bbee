"""What counts as English left on the Chinese path (issue 31): a run of three or more English
words. A few names stay as they are, and are taken out before looking; so are shell commands and
Python code in backticks, which a learner types as they are."""

from __future__ import annotations

import re

#: names that stay in English in Chinese text (the glossary and the source articles keep them)
KEPT = ("Sobel x", "Sobel y", "MNIST", "Keras", "TensorFlow", "ReLU", "softmax", "Grad-CAM",
        "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "WenQuanYi Zen Hei",
        "PingFang SC", "JupyterLab", "Jupyter", "ResNet", "LeNet", "MobileNetV2", "ImageNet",
        "He", "Adam", "SGD", "im2col", "NumPy", "numpy",
        "nan")  # NumPy's not-a-number, as a learner's array prints it
#: code a learner types: `...` spans, apt/dnf/brew/pip/make commands, a call such as
#: my_conv2d(x, kernel, stride=1) (a name touching its parenthesis, as prose never writes), and
#: a tuple of one-letter names such as the shape (H, W, C)
CODE = re.compile(r"`[^`]*`|\b(?:sudo\s+)?(?:apt(?:-get)?|dnf|brew|pip|make|python)\s+[\w .=/:-]+"
                  r"|\b[A-Za-z_][\w.]*\([^()]*\)|\((?:\s*[A-Za-z]\s*,)+\s*[A-Za-z]\s*\)")
WORD = r"[A-Za-z][A-Za-z'’-]*"
#: three English words in a row, separated by spaces or light punctuation only
RUN = re.compile(rf"{WORD}(?:[ ,]+{WORD}){{2,}}")


def english_runs(text: str) -> list[str]:
    """Every run of three or more English words in ``text``, kept names and code aside."""
    text = CODE.sub(" · ", text)
    for name in sorted(KEPT, key=len, reverse=True):
        text = re.sub(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", " · ", text)
    return RUN.findall(text)
