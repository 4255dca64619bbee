"""Exercise checkers for the pooling notebook(s)."""

from __future__ import annotations

__all__: list[str] = []
