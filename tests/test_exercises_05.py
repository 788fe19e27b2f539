"""Exercise 5.3 (a prediction): which parts of the style distance a plain recolouring fools. The right
answer passes, wrong ones fail with a hint that teaches, and the measurement behind it has a margin."""
import numpy as np
import pytest

from gvr_helpers import exercises as ex
from gvr_helpers import unpaired_data


@pytest.fixture(scope="module")
def toon():
    """The data notebook 05 uses: toon test tiles, their ground truth and the style set."""
    return unpaired_data.style_data("toon", crop=16, n_crops=1024)


def test_recolouring_fools_right_and_wrong(toon, capsys):
    args = (toon.test_x, toon.test_y, toon.b)
    assert ex.check_recolouring_fools({"colour"}, *args)
    out = capsys.readouterr().out
    assert out.startswith("PASS") and "recoloured" in out and "true answer" in out
    assert ex.check_recolouring_fools("colour", *args)            # one name is a set of one
    assert ex.check_recolouring_fools(["Color"], *args)           # case and US spelling forgiven
    capsys.readouterr()

    assert not ex.check_recolouring_fools(set(), *args)           # "the true answer is closer by every measure"
    out = capsys.readouterr().out
    assert "TRY AGAIN" in out and "palette" in out
    assert not ex.check_recolouring_fools({"colour", "total"}, *args)
    out = capsys.readouterr().out
    assert "edges" in out and "palette" not in out
    assert not ex.check_recolouring_fools({"texture"}, *args)
    out = capsys.readouterr().out
    assert "palette" in out and "edges" in out
    assert not ex.check_recolouring_fools({"colour", "texture", "total"}, *args)
    assert not ex.check_recolouring_fools({"colour", "strokes"}, *args)
    assert "must be one of" in capsys.readouterr().out
    assert not ex.check_recolouring_fools(3, *args)
    assert "set of names" in capsys.readouterr().out


def test_recolouring_distances_have_a_margin(toon):
    """Deterministic (NumPy, fixed projections), and each decision is far from a tie."""
    d = ex.measured_recolouring_distances(toon.test_x, toon.test_y, toon.b)
    assert d["colour"]["recoloured"] < 0.9 * d["colour"]["truth"], d["colour"]
    assert d["texture"]["recoloured"] > 3 * d["texture"]["truth"], d["texture"]
    assert d["total"]["recoloured"] > 2 * d["total"]["truth"], d["total"]
    # the recolouring really did move the colours towards the style set, and left the texture a photo's
    assert d["colour"]["recoloured"] < d["colour"]["photos"]
    assert d["texture"]["recoloured"] > 0.5 * d["texture"]["photos"]
    again = ex.measured_recolouring_distances(toon.test_x, toon.test_y, toon.b)
    assert all(np.isclose(again[k][s], d[k][s]) for k in d for s in d[k])


def test_the_fooled_set_holds_on_the_other_print_style():
    """Not a property of toon alone: woodblock's test tiles are fooled the same way."""
    wood = unpaired_data.style_data("woodblock", crop=16, n_crops=1024)
    d = ex.measured_recolouring_distances(wood.test_x, wood.test_y, wood.b)
    assert {k for k, v in d.items() if v["recoloured"] < v["truth"]} == {"colour"}, d
