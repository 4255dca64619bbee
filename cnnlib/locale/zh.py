"""Chinese (简体中文) for every string cnnlib shows: English text exactly as the code writes it
-> its Chinese. Fields in braces ({n}, {stride:g}) must appear unchanged in both; the terms follow
cnnlib.glossary (卷积核, 步长, 填充, 池化, 特征图, ...). tests/test_locale.py checks both."""

ZH: dict[str, str] = {
    # cnnlib.setup
    "Quick mode (CNNLIB_QUICK=1): small data and few steps, for tests.":
        "快速模式（CNNLIB_QUICK=1）：数据少、步数少，供测试用。",
}
