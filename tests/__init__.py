"""The tests, a package so that test helpers import by name: ``from tests.explorer_checks import sweep``."""
