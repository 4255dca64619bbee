"""Exercise checkers for the dense notebook(s)."""

from __future__ import annotations

__all__: list[str] = []
