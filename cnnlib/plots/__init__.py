"""plot_* functions: take arrays (and an optional ``ax``), draw, return the ax or figure.

No computing happens here: numbers come from ``cnnlib.ops``. One module per topic; every public
name is re-exported, so ``from cnnlib import plots; plots.plot_grid(...)`` works for all.
"""

from . import common, conv, dense, interpret, learning, mnist, padding, pixels, pooling

__all__: list[str] = []
for _module in (common, pixels, conv, padding, pooling, dense, mnist, interpret, learning):
    for _name in _module.__all__:
        if _name in globals():
            # Two topic modules exporting one name would silently shadow each other.
            raise ImportError(f"cnnlib.{__name__.split('.')[-1]}: {_name!r} is defined twice")
        globals()[_name] = getattr(_module, _name)
        __all__.append(_name)
del _module, _name
