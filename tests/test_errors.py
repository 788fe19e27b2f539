"""Clear errors where a learner easily lands on an unclear traceback (issue 16, point 5): each
message names the argument or file, what was given and what is expected."""
import json
import re

import numpy as np
import pytest

from gvr_helpers import evaluation, headset, recipes, sphere, transfer, translators, unpaired, unpaired_data
from gvr_helpers.transfer import ImageError


@pytest.fixture(scope="module")
def g():
    return translators.residual_translator(filters=2, depth=1, pointwise=0)  # the identity at the start


def batch(n=2, size=8, seed=0):
    return np.random.default_rng(seed).random((n, size, size, 3), dtype=np.float32)


# ------------------------------------------------------------ 1. one image or a batch
def test_translate_takes_a_batch_or_one_image_and_returns_the_same_rank(g):
    x = batch()
    assert translators.translate(g, x).shape == x.shape
    one = translators.translate(g, x[0])
    assert one.shape == x[0].shape
    np.testing.assert_allclose(one, translators.translate(g, x)[0], atol=1e-6)
    assert unpaired.PairedTranslator(g).translate(x[0]).shape == x[0].shape  # the models' method too
    assert evaluation.reconstruction_psnr(g, g, x[0]) == evaluation.reconstruction_psnr(g, g, x[:1])


@pytest.mark.parametrize("bad, message", [
    (np.zeros((8, 8), np.float32), r"got shape \(8, 8\): for one greyscale image use np\.repeat"),
    (np.zeros((2, 8, 8, 4), np.float32), r"got shape \(2, 8, 8, 4\), with 4 channels instead of 3.*images\[\.\.\., :3\]"),
    (np.zeros((8, 8, 1), np.float32), r"with 1 channels instead of 3"),
    (np.zeros((1, 2, 8, 8, 3), np.float32), r"got shape \(1, 2, 8, 8, 3\)"),
    (np.zeros((0, 8, 8, 3), np.float32), r"empty"),
    (np.array([["a", "b"]]), r"real numbers.*got dtype"),
    (np.full((2, 8, 8, 3), np.nan, np.float32), r"NaN"),
    ([np.zeros((8, 8, 3)), np.zeros((4, 4, 3))], r"different sizes"),
])
def test_translate_names_the_expected_shape(g, bad, message):
    with pytest.raises(ValueError, match=r"translate expects a batch N×H×W×3 \(or one H×W×3 image\)|translate:") as err:
        translators.translate(g, bad)
    assert re.search(message, str(err.value)), str(err.value)


def test_translate_batch_size_must_be_positive(g):
    with pytest.raises(ValueError, match="batch_size must be an integer >= 1, got 0"):
        translators.translate(g, batch(), batch_size=0)


@pytest.mark.parametrize("call", [
    lambda g, x: transfer.style_transfer(g, x),
    lambda g, x: transfer.apply_generator(g, x),
    lambda g, x: transfer.inverse_transfer(g, g, x),
])
def test_single_image_functions_given_a_batch_say_so(g, call):
    with pytest.raises(ImageError, match=r"takes one H×W×3 (target_)?image, got a batch of shape \(2, 8, 8, 3\): "
                                         r"pass one image \(e\.g\. images\[0\]\)"):
        call(g, batch())


def test_style_transfer_names_a_batch_given_as_the_style_example(g):
    x = batch()
    with pytest.raises(ImageError, match=r"style_transfer takes one H×W×3 source_image, got a batch"):
        transfer.style_transfer(g, lambda y, training=False: np.zeros((len(y), 1, 1, 1)), x, x[0],
                                return_score=True)


# ------------------------------------------------------------ 2. CycleGAN fed crops of another size
def test_cyclegan_fed_crops_of_another_size_names_its_crop():
    model = recipes.cyclegan_recipe(crop=16)
    pool = batch(4, 32)
    expected = ("CycleGAN was built for 16×16 crops (crop=16) but was fed batches of shape (4, 32, 32, 3): "
                "build it with cyclegan_recipe(crop=32) or crop the images to 16")
    with pytest.raises(ValueError, match=re.escape(expected)):
        model.fit(unpaired_data.crop_stream(pool, pool, 4), epochs=1, steps_per_epoch=1, verbose=0)


# ------------------------------------------------------------ 3. skybox folder and manifest
@pytest.fixture
def sky(tmp_path):
    faces = {n: np.full((4, 4, 3), 0.5, np.float32) for n in sphere.FACE_ORDER}
    return headset.export_skybox(faces, tmp_path / "sky")


def test_load_skybox_missing_folder_or_manifest(tmp_path, sky):
    with pytest.raises(FileNotFoundError, match=r"no skybox folder .*nowhere"):
        headset.load_skybox(tmp_path / "nowhere")
    sky.unlink()
    with pytest.raises(FileNotFoundError, match=r"no manifest\.json in .*sky"):
        headset.load_skybox(sky.parent)


def _edit(manifest, change):
    data = json.loads(manifest.read_text())
    change(data)
    manifest.write_text(json.dumps(data))


@pytest.mark.parametrize("change, message", [
    (lambda m: m.write_text("{not json"), r"manifest\.json is not valid JSON"),
    (lambda m: m.write_text("[1, 2]"), r"manifest\.json must hold a JSON object, got a list"),
    (lambda m: _edit(m, lambda d: d.pop("files")), r"manifest\.json has no key 'files'"),
    (lambda m: _edit(m, lambda d: d["files"].pop("ny")), r"manifest\.json: 'files' must name the file of every face; "
                                                         r"none for ny"),
    (lambda m: (m.parent / "pz.png").unlink(), r"manifest\.json lists 'pz\.png' for face pz, but .*pz\.png does not exist"),
    (lambda m: (m.parent / "px.png").write_text("not an image"), r"manifest\.json: face px's file .*px\.png is not a readable image"),
    (lambda m: _edit(m, lambda d: d.update(face_size=8)), r"manifest\.json: face px \(px\.png\) is 4×4, expected 8×8 "
                                                          r"\(face_size 8\)"),
])
def test_load_skybox_names_what_is_wrong_with_the_manifest(sky, change, message):
    change(sky)
    with pytest.raises(ValueError, match=message):
        headset.load_skybox(sky.parent)


# ------------------------------------------------------------ 4. options the chosen generator does not use
@pytest.mark.parametrize("options, message", [
    ({"filters": 8}, "filters is an option of the residual generator; generator='ink' does not use it"),
    ({"generator": "ink", "depth": 3}, "depth is an option of the residual generator; generator='ink' does not use it"),
    ({"generator": "residual", "ink_init": {"t": 0.3}},
     "ink_init is an option of the ink generator; generator='residual' does not use it"),
    ({"generator": "residual", "depth": 0}, "depth must be an integer >= 1, got 0"),   # was silently the default
    ({"d_receptive_field": 0}, "receptive_field 0 is not reachable"),                 # likewise
])
def test_fast_recipe_rejects_options_its_generator_ignores(options, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        recipes.fast_recipe(patch=5, **options)


def test_fast_recipe_defaults_are_unchanged():
    residual = recipes.fast_recipe(patch=5, generator="residual").generator
    assert residual.count_params() == translators.residual_translator(filters=16, depth=2).count_params()
    with pytest.raises(ValueError, match=re.escape("depth must be an integer >= 1, got 0")):
        recipes.paired_oracle(patch=5, depth=0)
