"""How well the VR methods keep a stylized world seamless and consistent (issue: VR, notebooks 07–09).

Measures, in one run, each VR method next to the naive one, with the course's stand-in
translator (vr.stand_in_translator: the course's residual generator, total stride 1, trained
paired for seconds on the woodblock style; the properties measured belong to the methods,
not to the training):

* equirect_seam_ratio       wrap seam (metrics.wrap_seam_ratio) of input / naive / circular / cubemap,
                            at the panorama's own wrap and averaged over 16 yaw positions
* wrap_pair_percentile      where the wrap column pair's difference ranks among the image's own
                            interior column pairs (0.5 = a typical pair; near 1 = a seam): one
                            pair is a noisy sample, so this says whether a ratio above the
                            input's is a seam or just the scenery at that longitude
* yaw_equivariance_mse      MSE(stylize(roll(x, k)), roll(stylize(x), k)), k = 4 × total stride
* cube_seam_ratio           across-edge vs inside difference of a skybox: independent faces vs overlapped
* stereo_consistency_ratio  stylized pair's disparity-warp error / the input pair's, per eye vs warp
* head_motion_flicker       temporal warping error of a head turn: input, texture space, screen space
* panorama_seconds_2048x1024  wall time to stylize one 2048×1024 panorama (circular, tiled) here
* frame_budget              screen-space ms per frame at 72/90/120 Hz for a Quest-class eye

Run: GVR_PROFILE=fast python benchmarks/vr_fidelity.py   (the last line is one JSON object)
"""
from __future__ import annotations

import json
import time

import numpy as np

from gvr_helpers import config, data, metrics, models, vr, world


def wrap_pair_percentile(image) -> float:
    """Fraction of interior column pairs (j, j+1) whose mean |difference| is below the wrap pair's."""
    diffs = np.abs(np.diff(image, axis=1)).mean(axis=(0, 2))
    return float(np.mean(diffs < np.abs(image[:, -1] - image[:, 0]).mean()))


def main() -> dict:
    profile = config.get_profile()
    config.set_seed(0)
    start = time.perf_counter()
    generator = vr.stand_in_translator("woodblock", steps=profile.steps(1500), seed=0)
    info = models.describe(generator)
    pad = vr.circular_pad(generator)
    k = 4 * info.total_stride
    print(info, f"| circular pad {pad}, roll k = {k}, trained in {time.perf_counter() - start:.1f} s", flush=True)

    h = 8 * profile.image_size  # 256 (fast) or 512 (full) rows
    pano = world.panorama(seed=0, height=h, width=2 * h)
    wrapped = vr.with_padding(generator, "circular")
    methods = {
        "naive": lambda x: vr.stylize_panorama(generator, x, method="naive"),
        "circular": lambda x: vr.stylize_panorama(generator, x, method="circular", pad=pad),
        "circular_in_model": lambda x: vr.stylize_panorama(wrapped, x, method="circular", pad=0),
        "cubemap": lambda x: vr.stylize_panorama(generator, x, method="cubemap"),
    }
    outputs = {name: fn(pano) for name, fn in methods.items()}
    seam = {"input": metrics.wrap_seam_ratio(pano)}
    seam.update({name: metrics.wrap_seam_ratio(out) for name, out in outputs.items()})
    # One column pair is a noisy sample of the scenery: also average the same ratio over
    # 16 yaw positions of the world (the seam placed at 16 different longitudes).
    offsets = [(i * pano.shape[1] // 16) // k * k for i in range(16)]
    def seam_over_yaw(fn):
        return float(np.mean([metrics.wrap_seam_ratio(fn(np.roll(pano, o, axis=1))) for o in offsets]))
    seam_avg = {"input": seam_over_yaw(lambda x: x)}
    seam_avg.update({name: seam_over_yaw(fn) for name, fn in methods.items()})
    equivariance = {name: metrics.yaw_equivariance_mse(fn, pano, k) for name, fn in methods.items()}
    percentile = {"input": wrap_pair_percentile(pano)}
    percentile.update({name: wrap_pair_percentile(out) for name, out in outputs.items()})
    print("wrap seam", seam, "\nwrap pair percentile", percentile, "\nyaw MSE", equivariance, flush=True)

    size = h // 2
    cube = {"input": metrics.cube_seam_ratio(vr.render_faces(pano, size)),
            "independent_faces": metrics.cube_seam_ratio(vr.stylize_cubemap(generator, pano, size, pad=0)),
            "cubemap": metrics.cube_seam_ratio(vr.stylize_cubemap(generator, pano, size, pad=size // 4))}
    print("cube seam", cube, flush=True)

    left, right, disparity = data.bundled_stereo()
    pair = world.stereo_pair(seed=3, size=(192, 256))
    stereo = {}
    for label, (l, r, d) in {"middlebury": (left, right, disparity),
                             "world": (pair.left, pair.right, pair.disparity_left)}.items():
        stereo[label] = {}
        for method in ("per_eye", "warp"):
            sl, sr, _ = vr.stylize_stereo(generator, l, r, d, method=method)
            stereo[label][method] = vr.stereo_consistency_ratio(sl, sr, l, r, d)
    print("stereo", stereo, flush=True)

    motion = vr.head_motion(generator, pano, yaws=np.arange(profile.steps(48, minimum=12)) * 3.0, pitch=5.0,
                            fov=90, hw=(96, 96), stylized_panorama=outputs["circular"])  # frames ≤ the panorama's px/degree
    flicker = {"input": motion["flicker_input"], "texture_space": motion["flicker_texture"],
               "screen_space": motion["flicker_screen"]}
    print("flicker", flicker, flush=True)

    big = world.panorama(seed=0, height=1024, width=2048)
    speed = vr.measure_macs_per_second(generator, big, info.macs_per_output_pixel, pad=pad, tile=1024)
    budget = vr.frame_budget(info.macs_per_output_pixel, speed["macs_per_second"])
    print(f"2048×1024 in {speed['seconds']:.2f} s; screen space at 90 Hz needs "
          f"{budget[1]['screen_ms_per_frame']:.0f} ms/frame of {budget[1]['budget_ms']:.1f}", flush=True)

    checks = {
        "circular_seam_at_most_1.05x_input": seam["circular"] <= 1.05 * seam["input"],
        "circular_seam_over_yaw_at_most_1.05x_input": seam_avg["circular"] <= 1.05 * seam_avg["input"],
        "circular_yaw_mse_at_most_1e-6": equivariance["circular"] <= 1e-6,
        "cubemap_cube_seam_at_most_1.2": cube["cubemap"] <= 1.2,
        "stereo_warp_ratio_at_most_2": all(v["warp"] <= 2 for v in stereo.values()),
        "texture_flickers_less_than_screen": flicker["texture_space"] < flicker["screen_space"],
    }
    return {
        "profile": profile.name,
        "generator": {"params": info.params, "macs_per_pixel": info.macs_per_output_pixel,
                      "receptive_field": info.receptive_field, "total_stride": info.total_stride},
        "panorama": list(pano.shape[:2]),
        "equirect_seam_ratio": seam,
        "equirect_seam_ratio_over_16_yaws": seam_avg,
        "wrap_pair_percentile": percentile,
        "yaw_equivariance_mse": equivariance,
        "yaw_shift": k,
        "cube_seam_ratio": cube,
        "stereo_consistency_ratio": stereo,
        "head_motion_flicker": flicker,
        "panorama_seconds_2048x1024": speed["seconds"],
        "frame_budget": [{key: r[key] for key in ("hz", "budget_ms", "screen_ms_per_frame", "screen_fits",
                                                  "texture_ms_once")} for r in budget],
        "checks": checks,
        "seconds_total": time.perf_counter() - start,
    }


if __name__ == "__main__":
    result = main()
    print(json.dumps(result, default=float))
