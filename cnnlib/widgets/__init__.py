"""*_explorer() builders: controls + output, wiring only; each returns the widget.

Numbers come from ``cnnlib.ops``, pictures from ``cnnlib.plots``; see ``base.Explorer`` for the
pattern. One module per topic; every public name is re-exported here.
"""

from . import (
    base,
    conv,
    dense,
    grid,
    grid_explorers,
    interpret,
    learning,
    mnist,
    padding,
    pixels,
    pooling,
)

__all__: list[str] = []
for _module in (base, pixels, conv, padding, pooling, grid, grid_explorers, dense, mnist,
                interpret, learning):
    for _name in _module.__all__:
        if _name in globals():
            # Two topic modules exporting one name would silently shadow each other.
            raise ImportError(f"cnnlib.{__name__.split('.')[-1]}: {_name!r} is defined twice")
        globals()[_name] = getattr(_module, _name)
        __all__.append(_name)
del _module, _name
