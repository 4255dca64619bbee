"""The exercises: ``checks`` (``check_*`` checkers that answer ✅ or ❌ with a hint, never an
exception) and ``solutions``, the answer key, worked by hand without ``cnnlib.core`` so that it
tests the checkers against something independent.
"""
