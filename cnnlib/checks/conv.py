"""Exercise checkers for the conv notebook(s)."""

from __future__ import annotations

__all__: list[str] = []
