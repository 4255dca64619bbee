"""The series' glossary: one list that writes the term tables of both editions.

``python -m tools.nav`` writes, from this list, the table of key terms on each contents page
(English and Chinese editions) and the small table in each notebook's "What you'll learn" cell,
between ``<!--TERMS-->`` and ``<!--/TERMS-->``. The Chinese terms are those of the source
articles; ``also`` notes another name a reader will meet, chiefly in 动手学深度学习 (d2l-zh).

One term per idea: ``rejected`` lists the variants the Chinese edition, the catalogue and the
checkers must not use for that idea (``tests/test_glossary.py`` holds them to it, through
``rejected_uses``); ``within`` lists the longer terms in which a rejected variant is the right
word (滤波器 in 滤波器可视化), so that every exception is written here, beside the term.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Term", "TERMS", "NOTEBOOK_TERMS", "term", "key_terms", "table", "rejected_uses"]


@dataclass(frozen=True)
class Term:
    en: str
    zh: str
    also: str = ""   # other Chinese names in common use
    first: str = ""  # notebook that introduces it, for the contents page ("" = not a key term)
    rejected: tuple[str, ...] = ()  # variants the Chinese texts must not use for this idea
    within: tuple[str, ...] = ()    # longer terms in which a rejected variant is allowed


TERMS = [
    # key terms: on both contents pages, with the notebook that introduces them
    Term("pixel, channel", "像素，通道", first="01"),
    Term("convolution", "卷积", first="02"),
    Term("kernel / filter", "卷积核", first="02", rejected=("滤波器",),
         within=("滤波器可视化",)),
    Term("stride", "步长", also="步幅", first="02"),
    Term("feature map", "特征图", also="特征映射", first="02"),
    Term("activation function (ReLU)", "激活函数", first="02"),
    Term("padding", "填充", first="03"),
    Term("dilation", "空洞率", first="03", rejected=("膨胀率",)),
    Term("receptive field", "感受野", first="03"),
    Term("pooling (max, average)", "池化（最大、平均）", also="汇聚", first="04"),
    Term("fully connected layer", "全连接层", also="稠密层", first="05"),
    Term("softmax, cross-entropy", "softmax，交叉熵", first="05"),
    Term("loss, gradient descent, learning rate", "损失函数，梯度下降，学习率", first="06"),
    Term("backpropagation", "反向传播", first="06"),
    Term("mini-batch, epoch", "小批量，轮次", first="06"),
    Term("overfitting, augmentation", "过拟合，数据增强", first="07"),
    Term("filter visualization", "滤波器可视化", first="08"),
    # the rest: in the tables of single notebooks
    Term("pixel", "像素"),
    Term("channel (RGB)", "通道（红绿蓝）"),
    Term("grayscale", "灰度"),
    Term("normalization", "归一化"),
    Term("flatten", "展平"),
    Term("multilayer perceptron, fully connected layer", "多层感知机，全连接层"),
    Term("weight, bias", "权重，偏置"),
    Term("element-wise product", "逐元素乘积"),
    Term("bias", "偏置"),
    Term("weight sharing", "权值共享"),
    Term("padding (valid, same)", "填充（valid 有效填充，same 相同填充）"),
    Term("zero padding", "零填充"),
    Term("dilation, dilated (atrous) convolution", "空洞率，空洞卷积", also="膨胀卷积"),
    Term("output size", "输出尺寸"),
    Term("kernel", "卷积核"),
    Term("pooling, down-sampling", "池化，下采样", also="汇聚"),
    Term("max pooling / average pooling", "最大池化 / 平均池化", also="最大汇聚 / 平均汇聚"),
    Term("window size, stride", "窗口大小，步长"),
    Term("translation invariance", "平移不变性"),
    Term("translation equivariance", "平移等变性"),
    Term("noise", "噪声"),
    Term("loss function", "损失函数"),
    Term("mean squared error", "均方误差"),
    Term("gradient", "梯度"),
    Term("gradient descent", "梯度下降"),
    Term("learning rate", "学习率"),
    Term("curvature", "曲率"),
    Term("converge / diverge", "收敛 / 发散"),
    Term("cross-correlation", "互相关"),
    Term("chain rule", "链式法则"),
    Term("forward pass", "前向传播"),
    Term("one-hot encoding", "独热编码"),
    Term("vanishing gradient", "梯度消失"),
    Term("mini-batch", "小批量"),
    Term("epoch", "轮次（epoch）"),
    Term("stochastic gradient descent (SGD)", "随机梯度下降"),
    Term("activation function", "激活函数"),
    Term("local connection", "局部连接"),
    Term("training / validation / test set", "训练集 / 验证集 / 测试集"),
    Term("overfitting", "过拟合"),
    Term("underfitting", "欠拟合"),
    Term("data augmentation", "数据增强", also="图像增广"),
    Term("dropout", "随机失活", also="暂退法"),
    Term("batch normalization", "批量归一化", also="批量规范化"),
    Term("confusion matrix", "混淆矩阵"),
    Term("residual connection (shortcut)", "残差连接", also="快捷连接", first="09"),
    Term("residual block", "残差块"),
    Term("pretrained", "预训练", first="09"),
    Term("transfer learning", "迁移学习", first="09"),
    Term("fine-tuning", "微调", first="09"),
    Term("feature extraction", "特征提取"),
    Term("im2col (windows as the rows of a matrix)", "im2col（把窗口排成矩阵的行）"),
    Term("transposed convolution", "转置卷积", also="分数步长卷积；常被误称为反卷积"),
    Term("Hessian", "海森矩阵", also="黑塞矩阵"),
    # words of single notebooks, held to one form (no table lists them)
    Term("seed model (notebook 07's first model)", "基础模型", rejected=("原始模型",)),
    Term("hidden kernel (the kernel notebook 06 learns back)", "目标卷积核",
         rejected=("藏起来的卷积核", "隐藏的卷积核", "隐藏卷积核")),
    Term("salt noise", "盐噪声（白点）", rejected=("盐粒",)),
    Term("pepper noise", "胡椒噪声（黑点）", rejected=("椒粒", "椒噪声"), within=("胡椒噪声",)),
    Term("tie (equal largest values)", "并列", rejected=("相等的最大值", "相等时按行")),
    Term("To explore (an open exercise)", "自己探索", rejected=("课后探索",)),
]

#: notebook number -> the English names of the terms its "What you'll learn" table lists
NOTEBOOK_TERMS = {
    "01": ["pixel", "channel (RGB)", "grayscale", "normalization", "flatten",
           "multilayer perceptron, fully connected layer", "weight, bias"],
    "02": ["convolution", "kernel / filter", "stride", "feature map", "element-wise product",
           "bias", "activation function (ReLU)", "weight sharing",
           "im2col (windows as the rows of a matrix)"],
    "03": ["padding (valid, same)", "zero padding", "stride",
           "dilation, dilated (atrous) convolution", "output size", "kernel", "feature map",
           "receptive field"],
    "04": ["pooling, down-sampling", "max pooling / average pooling", "window size, stride",
           "feature map", "translation invariance", "translation equivariance", "noise"],
    "05": ["flatten", "fully connected layer", "activation function", "softmax, cross-entropy",
           "weight sharing", "local connection"],
    "06": ["loss function", "mean squared error", "gradient", "gradient descent", "learning rate",
           "curvature", "converge / diverge", "cross-correlation", "backpropagation",
           "chain rule", "forward pass", "one-hot encoding", "vanishing gradient", "mini-batch",
           "epoch", "stochastic gradient descent (SGD)", "transposed convolution", "Hessian"],
    "07": ["training / validation / test set", "overfitting", "underfitting", "data augmentation",
           "dropout", "batch normalization", "confusion matrix", "epoch"],
    "09": ["residual block", "residual connection (shortcut)", "vanishing gradient",
           "batch normalization", "pretrained", "transfer learning", "fine-tuning"],
}

_BY_EN = {t.en: t for t in TERMS}


def term(en: str) -> Term:
    """The glossary's entry for the English name ``en``."""
    try:
        return _BY_EN[en]
    except KeyError:
        raise ValueError(f"en={en!r} is not in cnnlib.text.glossary.TERMS") from None


def rejected_uses(text: str) -> list[tuple[str, str, str]]:
    """Every use in ``text`` of a rejected variant, outside the longer terms its entry allows:
    (the glossary's term, the variant, the words around it), in the order of the glossary."""
    found = []
    for t in TERMS:
        for variant in t.rejected:
            allowed = [m.span() for longer in t.within for m in re.finditer(re.escape(longer), text)]
            for m in re.finditer(re.escape(variant), text):
                if not any(a <= m.start() and m.end() <= b for a, b in allowed):
                    found.append((t.zh, variant, text[max(0, m.start() - 12):m.end() + 12]))
    return found


def key_terms() -> list[Term]:
    """The terms on the contents pages, in the order the series introduces them."""
    return sorted((t for t in TERMS if t.first), key=lambda t: t.first)


def table(lang: str, notebook: str | None = None) -> str:
    """The markdown term table for ``notebook`` ("02"), or for the contents page when None,
    in the edition ``lang`` ("en": English first; "zh": Chinese first)."""
    if lang not in ("en", "zh"):
        raise ValueError(f"lang={lang!r}: use 'en' or 'zh'")
    if notebook is None:
        rows = key_terms()
        head = (["English", "中文", "also 又称", "first met in"] if lang == "en"
                else ["中文", "又称", "English", "首次出现"])
    else:
        rows = [term(en) for en in NOTEBOOK_TERMS[notebook]]
        head = ["English", "中文"] if lang == "en" else ["中文", "English"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for t in rows:
        if notebook is None:
            cells = [t.en, t.zh, t.also, t.first] if lang == "en" else [t.zh, t.also, t.en, t.first]
        else:
            cells = [t.en, t.zh] if lang == "en" else [t.zh, t.en]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
