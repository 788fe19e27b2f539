import numpy as np
import pytest

from gvr_helpers import models


def test_mlp_generator_and_discriminator_shapes():
    g = models.build_generator("mlp", noise_dim=3, data_dim=2)
    d = models.build_discriminator("mlp", data_dim=2)
    z = np.random.default_rng(0).normal(size=(5, 3)).astype("float32")
    x = g(z)
    assert tuple(x.shape) == (5, 2)
    assert tuple(d(x).shape) == (5, 1)


def test_unknown_kind_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown generator kind 'gan9'.*mlp"):
        models.build_generator("gan9")
    with pytest.raises(ValueError, match=r"unknown discriminator kind"):
        models.build_discriminator("nope")
