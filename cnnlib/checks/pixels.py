"""Exercise checkers for the pixels notebook(s)."""

from __future__ import annotations

__all__: list[str] = []
