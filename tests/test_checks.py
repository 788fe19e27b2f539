"""The shared argument checks: one wording, and the slips they exist to catch."""
import numpy as np
import pytest

from gvr_helpers import checks


def test_integer_accepts_python_and_numpy_ints_in_range():
    assert checks.integer("n", 3) == 3
    assert checks.integer("n", np.int64(4), 0, 4) == 4
    assert type(checks.integer("n", np.int32(5))) is int


@pytest.mark.parametrize("value, least, most, message", [
    (0, 1, None, "n must be an integer >= 1, got 0"),
    (True, 1, None, "n must be an integer >= 1, got True"),        # a bool is not a size
    (16.0, 1, None, "n must be an integer >= 1, got 16.0"),        # nor a float, even a whole one
    ("8", 1, None, "n must be an integer >= 1, got '8'"),
    (9, 2, 8, "n must be an integer between 2 and 8, got 9"),
])
def test_integer_names_the_argument_and_what_was_expected(value, least, most, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        checks.integer("n", value, least, most)


def test_positive_checks_every_keyword():
    checks.positive(a=1, b=2)
    with pytest.raises(ValueError, match="b must be an integer >= 1, got -1"):
        checks.positive(a=1, b=-1)


def test_choice_lists_the_options():
    assert checks.choice("loss", "hinge", ("hinge", "wgan")) == "hinge"
    with pytest.raises(ValueError, match="^unknown loss 'lsgan'; choose one of: hinge, wgan$"):
        checks.choice("loss", "lsgan", ("hinge", "wgan"))
