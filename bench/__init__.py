"""Speed figures for cnn-notebooks: ``make bench`` (or ``python -m bench [section ...]``).

Each section module has ``run() -> list[dict]`` rows; ratios are measured within one run, so a
noisy machine moves both sides of a ratio together.
"""
