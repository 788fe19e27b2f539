"""Checks of the arguments a learner passes, with one wording for every error: the message names
the argument, says what was expected and shows what came."""
from __future__ import annotations

import numpy as np


def integer(name: str, value, least: int = 1, most: int | None = None) -> int:
    """``value`` as an int in [``least``, ``most``], else a ValueError that names it.

    Booleans and floats are refused even when they hold a whole number: ``True`` or ``16.0``
    where a size belongs is a slip worth reporting, not a value to guess at."""
    ok = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    if not ok or value < least or (most is not None and value > most):
        want = f"an integer between {least} and {most}" if most is not None else f"an integer >= {least}"
        raise ValueError(f"{name} must be {want}, got {value!r}")
    return int(value)


def choice(name: str, value, choices):
    """``value`` if it is one of ``choices``, else a ValueError that lists them."""
    if value not in choices:
        raise ValueError(f"unknown {name} {value!r}; choose one of: {', '.join(map(str, choices))}")
    return value


def positive(**values) -> None:
    """Every keyword's value must be an integer >= 1 (sizes, counts, strides)."""
    for name, value in values.items():
        integer(name, value, 1)
