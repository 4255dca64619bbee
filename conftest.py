"""Repository-wide pytest set-up: Chinese notebooks fail on figures with missing glyphs."""

pytest_plugins = ["tools.pytest_glyphs"]
