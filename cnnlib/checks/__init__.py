"""Exercise checkers: ``cnnlib.checks.output_size_answer(answer, ...)`` prints a friendly verdict.

Each checker compares a learner's answer with ``cnnlib.ops`` (an independent computation) and
returns True/False, so a notebook can also assert on it. Answers are never ``eval``-ed: they are
values or functions the learner defined in a cell. One module per notebook topic; every public
name is re-exported here.
"""

from . import common, conv, dense, learning, mnist, padding, pixels, pooling

__all__: list[str] = []
for _module in (common, pixels, conv, padding, pooling, dense, mnist, learning):
    for _name in _module.__all__:
        if _name in globals():
            # Two topic modules exporting one name would silently shadow each other.
            raise ImportError(f"cnnlib.{__name__.split('.')[-1]}: {_name!r} is defined twice")
        globals()[_name] = getattr(_module, _name)
        __all__.append(_name)
del _module, _name
