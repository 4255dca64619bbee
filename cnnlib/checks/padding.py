"""Exercise checkers for the padding notebook(s)."""

from __future__ import annotations

__all__: list[str] = []
