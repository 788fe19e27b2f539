"""What every exercise check shares: one PASS / TRY AGAIN line per exercise, running the learner's
function with its exceptions turned into hints, comparing numbers, and reading a named choice."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

NOT_DONE = "not done yet: replace `raise NotImplementedError()` with your code and run the cell again."


def report(name: str, passed: bool, message: str = "") -> bool:
    """Print one line for an exercise and return ``passed``."""
    if passed:
        print(f"PASS {name}" + (f": {message}" if message else ""))
    else:
        print(f"TRY AGAIN {name}: {message}")
    return bool(passed)


def call(name: str, fn: Callable, *args) -> tuple[bool, Any]:
    """Run the learner's function; turn its exceptions into hints instead of tracebacks."""
    if not callable(fn):
        return False, report(name, False, f"expected a function, got {type(fn).__name__}.")
    try:
        return True, fn(*args)
    except NotImplementedError:
        return False, report(name, False, NOT_DONE)
    except Exception as exc:  # a learner's bug: say what happened, don't crash the notebook
        return False, report(name, False, f"calling it raised {type(exc).__name__}: {exc}")


def call_number(name: str, fn: Callable, *args, what: str = "one number") -> tuple[bool, float | None]:
    """Run the learner's function and read its result as one number (a hint when it is not one)."""
    ok, got = call(name, fn, *args)
    if not ok:
        return False, None
    try:
        return True, float(np.asarray(got, dtype=np.float64))
    except (TypeError, ValueError):
        return False, report(name, False, f"expected {what}, got {type(got).__name__}.")


def check_close(name: str, got: Any, expected: Any, *, atol: float = 1e-6, rtol: float = 1e-5,
                hint: str = "", inputs: str = "") -> bool:
    """Compare a learner's numbers with the expected ones and explain a mismatch."""
    expected = np.asarray(expected, dtype=np.float64)
    try:
        got_arr = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return report(name, False, f"expected numbers, got {type(got).__name__}. {hint}".strip())
    where = f" for {inputs}" if inputs else ""
    if got_arr.shape != expected.shape:
        return report(name, False, f"expected shape {expected.shape}{where}, got shape {got_arr.shape}. {hint}".strip())
    if not np.all(np.isfinite(got_arr)):
        return report(name, False, f"the result{where} contains NaN or inf. {hint}".strip())
    if not np.allclose(got_arr, expected, atol=atol, rtol=rtol):
        worst = int(np.argmax(np.abs(got_arr - expected)))
        return report(
            name, False,
            f"expected {expected.flat[worst]:.6g}{where}, got {got_arr.flat[worst]:.6g}. {hint}".strip(),
        )
    return report(name, True)


# Predictions and design decisions: a check asks for a named choice *before* the learner measures
# it, then measures it: a wrong prediction fails, whatever the CPU or the seed, because every measured
# margin is large (the tests in tests/test_exercises_predictions.py and the robustness sweep check it).
def read_choice(name: str, answer, valid, what: str) -> tuple[bool, str | None]:
    """Read one name from ``valid`` (case and spaces forgiven); a hint when it is not one of them."""
    key = str(answer).strip().lower().replace("-", "_").replace(" ", "_") if isinstance(answer, str) else None
    table = {str(v).lower().replace("-", "_").replace(" ", "_"): v for v in valid}
    if key not in table:
        report(name, False, f"{what} must be one of {', '.join(map(repr, valid))}; got {answer!r}.")
        return False, None
    return True, table[key]


def read_choices(name: str, answer, valid, what: str) -> tuple[bool, set | None]:
    """Read a set of names from ``valid`` (a list, tuple or set; one string is a set of one)."""
    items = [answer] if isinstance(answer, str) else answer
    try:
        items = list(items)
    except TypeError:
        report(name, False, f"{what} must be a set of names from {sorted(valid)}; got {type(answer).__name__}.")
        return False, None
    out = set()
    for item in items:
        ok, value = read_choice(name, item, valid, f"each of {what}")
        if not ok:
            return False, None
        out.add(value)
    return True, out
