"""gvr_helpers: the working code of the course *GAN-based image style transfer for VR*.

The notebooks stay short and narrative; everything they compute lives here,
one responsibility a module (see the README's course map):

config, checks, data, downloads, world, world_views, styles, unpaired_data, layers, models, geometry, losses,
train, callbacks, ring, translators, unpaired, recipes, evaluation, transfer, fusion, sphere, vr,
headset, metrics, results, plotting (figures, gan, style_transfer, vr) and exercises (gan,
style_transfer, vr).

Modules are imported on demand (``from gvr_helpers import models``) so that
``import gvr_helpers`` stays fast and does not start TensorFlow.
"""
__version__ = "0.1.0"

# The seed article's API, importable from the package top level:
#   from gvr_helpers import build_generator, build_discriminator, build_gans, train_gans, style_transfer
_SEED_API = {
    "build_generator": "models",
    "build_discriminator": "models",
    "build_gan": "train",
    "build_gans": "train",
    "train_gans": "train",
    "style_transfer": "transfer",
}


def __getattr__(name):
    if name in _SEED_API:
        import importlib

        return getattr(importlib.import_module(f".{_SEED_API[name]}", __name__), name)
    raise AttributeError(f"module 'gvr_helpers' has no attribute {name!r}")
