"""Generators G(z; θ) or G(x; θ) and discriminators D(x; ψ), as Keras models.

``build_generator(kind=...)`` and ``build_discriminator(kind=...)`` pick an
architecture by name; an unknown name is an error that lists the known ones.
Image models take and return images in [0, 1]; noise and point models work
on plain vectors.
"""
from __future__ import annotations

import keras
from keras import layers


def _mlp(input_dim: int, output_dim: int, hidden: int, depth: int, activation: str,
         output_activation: str | None, name: str) -> keras.Model:
    inputs = keras.Input((input_dim,))
    x = inputs
    for _ in range(depth):
        x = layers.Dense(hidden, activation=activation)(x)
    outputs = layers.Dense(output_dim, activation=output_activation)(x)
    return keras.Model(inputs, outputs, name=name)


def mlp_generator(noise_dim: int = 1, data_dim: int = 1, hidden: int = 32, depth: int = 2,
                  activation: str = "relu") -> keras.Model:
    """G(z; θ) for points: noise in R^noise_dim -> a point in R^data_dim (toy GANs of notebooks 01, 04)."""
    return _mlp(noise_dim, data_dim, hidden, depth, activation, None, "mlp_generator")


def mlp_discriminator(data_dim: int = 1, hidden: int = 32, depth: int = 2,
                      activation: str = "relu") -> keras.Model:
    """D(x; ψ) for points, returning a *logit*: D(x) = sigmoid(logit). Losses take logits
    because log(sigmoid(.)) computed from a logit never underflows."""
    return _mlp(data_dim, 1, hidden, depth, activation, None, "mlp_discriminator")


GENERATORS = {"mlp": mlp_generator}
DISCRIMINATORS = {"mlp": mlp_discriminator}


def _pick(table: dict, kind: str, what: str):
    if kind not in table:
        raise ValueError(f"unknown {what} kind {kind!r}; choose one of: {', '.join(sorted(table))}")
    return table[kind]


def build_generator(kind: str = "mlp", **options) -> keras.Model:
    """Build a generator by name; ``options`` go to the architecture's builder."""
    return _pick(GENERATORS, kind, "generator")(**options)


def build_discriminator(kind: str = "mlp", **options) -> keras.Model:
    """Build a discriminator by name; it returns logits (no sigmoid)."""
    return _pick(DISCRIMINATORS, kind, "discriminator")(**options)
