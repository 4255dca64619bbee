"""Exercise checkers for the mnist notebook(s)."""

from __future__ import annotations

__all__: list[str] = []
