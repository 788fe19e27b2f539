"""metrics.checkerboard_score (added for notebook 02)."""
import numpy as np
import pytest
from skimage import data, transform

from gvr_helpers import metrics


def test_pure_grid_scores_one_and_flat_scores_zero():
    grid = (np.indices((32, 32)).sum(0) % 2).astype(float)
    assert metrics.checkerboard_score(grid) == pytest.approx(1.0)
    assert metrics.checkerboard_score(np.full((32, 32, 3), 0.3)) == 0.0


def test_a_photo_scores_low_and_a_faint_grid_raises_it():
    photo = transform.resize(data.astronaut(), (64, 64), anti_aliasing=True)
    clean = metrics.checkerboard_score(photo)
    grid = (np.indices((64, 64)).sum(0) % 2 * 2 - 1)[..., None] * 0.05
    assert clean < 0.02
    assert metrics.checkerboard_score(np.clip(photo + grid, 0, 1)) > 5 * clean


def test_period_four_pattern_is_seen_with_period_four():
    stripes = np.tile([0.0, 0.0, 1.0, 1.0], (32, 8))
    assert metrics.checkerboard_score(stripes, period=4) == pytest.approx(1.0)
    assert metrics.checkerboard_score(stripes, period=2) == pytest.approx(0.0)


@pytest.mark.parametrize("bad", [dict(period=1), dict(period=2.5), dict(margin=-1)])
def test_bad_arguments(bad):
    with pytest.raises(ValueError):
        metrics.checkerboard_score(np.zeros((32, 32)), **bad)


def test_bad_shapes():
    with pytest.raises(ValueError, match="shape"):
        metrics.checkerboard_score(np.zeros(10))
    with pytest.raises(ValueError, match="too small"):
        metrics.checkerboard_score(np.zeros((10, 10)), margin=4)
