"""Which generic distribution distance *sees* each course style? Scored before anyone trains with it.

    python benchmarks/view_distance_blindness.py                  # table: one line per style and distance, then JSON
    python benchmarks/view_distance_blindness.py --descent        # + pixel-descent test for the best distances

For every style of :data:`gvr_helpers.styles.STYLES` (training pools only: ``a``, ``a_styled`` = S(a), ``b``;
no validation or test tile is used) and every candidate distance D, this scores D(X, B) for X =

* ``photos`` a, ``truth`` S(a) (the exact answer), and three decoys a lazy G could produce:
  ``reinhard`` colour transfer and ``hist_match`` histogram matching (both to ``b[:64]``), ``blur``
  (Gaussian, σ = 1, of a);
* the ``floor`` D(B1, B2) between the two disjoint halves of the style set (what a perfect G could reach).

To compare like with like, every distance is between 64 crops and 64 crops: X[:64] against B2 = b[64:128]
and X[64:128] against B1 = b[:64] (mean of the two); floor = D(B1, B2). For the runtime on a shared 2-core
machine, each SWD term of the table uses the same seeded random 8192 of its patch positions for every set. Each distance is the mean over
``DRAWS`` = 3 seeded draws of its random projections (and, for the random net, of its random filters);
every X of one draw sees the same projections, so differences between X are paired.

Reported: the values, ``truth_over_photos`` = D(S(a)) / D(a), ``score`` = (D(S(a)) − floor) / (D(a) − floor)
(0: the truth is as close as the noise floor; 1: no closer than the photos), ``truth_beats_decoys``
(D(S(a)) below every decoy's) and ``draws_won`` (in how many of the draws it is).

Every distance is written in TensorFlow and differentiable (:func:`distance`, exact ``tf.sort``); nothing in
it comes from :mod:`gvr_helpers.styles` (no σ, threshold, palette or block size of any style). For speed the
table sorts the same projections with numpy (:func:`_w2`, identical values); :func:`fast_distance` is the
same distance with a numpy argsort + ``tf.gather`` (exact gradient, ~3× cheaper than ``tf.sort`` on CPU).
"""
import argparse
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from scipy import ndimage  # noqa: E402

from gvr_helpers import metrics, styles, unpaired_data  # noqa: E402

N_PROJ = 64      # random directions per term and draw, as losses.patch_sliced_wasserstein
DRAWS = 3        # draws of the projections per distance (3 × 64 = 192 directions per term), for the runtime
HALF = 64        # crops per compared set (X half vs B half); the style set's 256 crops give B1, B2 and the rest unused
MAX_POS = 8192   # the table compares, per term and draw, the same seeded random 8192 patch positions of every set
LUMA = (0.299, 0.587, 0.114)  # Rec. 601, generic


# ------------------------------------------------------------------ building blocks (TensorFlow)
def _dirs(patch: int, channels: int, seed, zero_mean: bool = False):
    """N_PROJ random unit directions in patch space (patch×patch×channels); seeded, stateless."""
    d = tf.random.stateless_normal([patch, patch, channels, N_PROJ], seed=seed)
    if zero_mean:  # orthogonal to every per-channel constant: projecting = projecting the mean-removed patch
        d = d - tf.reduce_mean(d, axis=[0, 1], keepdims=True)
    return d / tf.norm(tf.reshape(d, [-1, N_PROJ]), axis=0)


def _project(x, patch: int, seed, zero_mean: bool = False):
    """Every patch×patch patch of x projected on N_PROJ directions (one VALID conv): M×N_PROJ."""
    d = _dirs(patch, x.shape[-1], seed, zero_mean)
    return tf.reshape(tf.nn.conv2d(x, d, 1, "VALID"), [-1, N_PROJ])


def _pool(x, s: int):
    return x if s == 1 else tf.nn.avg_pool2d(x, s, s, "VALID")


def _lum(x):
    return tf.reduce_sum(x * LUMA, -1, keepdims=True)


def _grad(x):
    """Forward differences along x and y, stacked as channels (H−1)×(W−1)×2C."""
    dx = x[:, :-1, 1:] - x[:, :-1, :-1]
    dy = x[:, 1:, :-1] - x[:, :-1, :-1]
    return tf.concat([dx, dy], -1)


def _box(x, r: int):
    """Mean over a (2r+1)² window, same size (reflect padding)."""
    k = 2 * r + 1
    xp = tf.pad(x, [[0, 0], [r, r], [r, r], [0, 0]], mode="REFLECT")
    return tf.nn.avg_pool2d(xp, k, 1, "VALID")


def guided_filter(x, r: int = 2, eps: float = 1e-2):
    """Self-guided filter (He et al. 2013), each channel its own guide: edge-preserving smoothing (the
    'surface' view of White-box Cartoonization, Wang & Yu 2020, which uses it with r=5 on 256 px)."""
    mean = _box(x, r)
    var = _box(x * x, r) - mean * mean
    a = var / (var + eps)
    b = mean - a * mean
    return _box(a, r) * x + _box(b, r)


def _local_std(x, k: int):
    """Standard deviation of x over each k×k window (VALID), all channels pooled."""
    m = tf.nn.avg_pool2d(x, k, 1, "VALID")
    m2 = tf.nn.avg_pool2d(x * x, k, 1, "VALID")
    return tf.sqrt(tf.maximum(tf.reduce_mean(m2 - m * m, -1, keepdims=True), 0.0) + 1e-4)  # eps bounds the gradient in flat regions


def _random_net(seed: int, widths=(32, 32, 32)):
    """Fixed random 3×3 conv filters, He-normal, zero bias (Ustyuzhaninov et al. 2017)."""
    ws, cin = [], 3
    for i, w in enumerate(widths):
        ws.append(tf.random.stateless_normal([3, 3, cin, w], seed=[seed, 1000 + i]) * np.sqrt(2.0 / (9 * cin)))
        cin = w
    return ws


_NETS = {}


def _net_features(x, draw: int, scales=(1, 2)):
    """Feature maps of every layer of random net #draw, on x at each scale: list of N×h×w×C."""
    ws = _NETS.setdefault(draw, _random_net(draw))
    out = []
    for s in scales:
        h = (_pool(x, s) - 0.5) * 2.0
        for w in ws:
            h = tf.nn.relu(tf.nn.conv2d(h, w, 1, "VALID"))
            out.append(h)
    return out


# ------------------------------------------------------------------ the candidate views
# A view maps a batch x (N×H×W×3, [0, 1]) and a draw to a list of terms. "swd" views give M×N_PROJ
# projected values per term (compared by 1-D optimal transport of each column); "stats" views give one
# vector per term (compared by mean squared difference). D = sum over terms.

def v_pix5(x, k):            # 1. baseline: losses.patch_sliced_wasserstein, patch 5, scales (1,)
    return [_project(x, 5, [k, 0])]


def v_pix5_s12(x, k):        # 1b. the recipe's setting, scales (1, 2)
    return [_project(_pool(x, s), 5, [k, s]) for s in (1, 2)]


def v_colour(x, k):          # 6. colour histogram: SWD of single pixels (1×1 patches, RGB)
    return [_project(x, 1, [k, 0])]


def v_meanfree5(x, k):       # 2a. 5×5 patches with each channel's patch mean removed (texture, no colour)
    return [_project(x, 5, [k, 0], zero_mean=True)]


def v_contrast5(x, k, eps=0.05):  # 2b. mean-removed patches divided by the patch's std (+eps)
    return [_project(x, 5, [k, 0], zero_mean=True) / tf.reshape(_local_std(x, 5) + eps, [-1, 1])]


def v_grad_lum(x, k):        # 3a. 3×3 patches of luminance differences, scales 1, 2, 4
    return [_project(_grad(_lum(_pool(x, s))), 3, [k, s]) for s in (1, 2, 4)]


def v_grad_rgb(x, k):        # 3b. 3×3 patches of colour differences (6 channels), scales 1, 2, 4
    return [_project(_grad(_pool(x, s)), 3, [k, s]) for s in (1, 2, 4)]


def _colour_shift_grey(x, k):
    """White-box Cartoonization's random colour shift: grey = Σ w_c x_c / Σ w_c, w_c ~ U(luma_c ± 0.1),
    new weights each draw (the same for every X of a draw)."""
    w = tf.random.stateless_uniform([3], seed=[k, 77], minval=-0.1, maxval=0.1) + LUMA
    return tf.reduce_sum(x * w, -1, keepdims=True) / tf.reduce_sum(w)


def v_wbc_texture(x, k):     # 4a. 5×5 patches of the random colour-shift grey image, scales 1, 2
    g = _colour_shift_grey(x, k)
    return [_project(_pool(g, s), 5, [k, s]) for s in (1, 2)]


def v_wbc_surface(x, k):     # 4b. 5×5 patches of the guided-filtered (smoothed) image
    return [_project(guided_filter(x), 5, [k, 0])]


def v_laplacian(x, k):       # 6. 5×5 patches of three Laplacian-pyramid bands (full, /2, /4)
    terms, g = [], x
    for level in range(3):
        low = _pool(g, 2)
        band = g - tf.image.resize(low, tf.shape(g)[1:3], "bilinear")
        terms.append(_project(band, 5, [k, level]))
        g = low
    return terms


def v_local_std(x, k):       # 6. 5×5 patches of the 3×3 local-std map of luminance, scales 1, 2
    return [_project(_local_std(_lum(_pool(x, s)), 3), 5, [k, s]) for s in (1, 2)]


def v_randnet_swd(x, k):     # 5a. SWD of the feature vectors (1×1) of every layer of a random net, scales 1, 2
    return [_project(f, 1, [k, i]) for i, f in enumerate(_net_features(x, k))]


def v_randnet_gram(x, k):    # 5b. Gram matrix of every layer (pooled over the whole batch)
    out = []
    for f in _net_features(x, k):
        f = tf.reshape(f, [-1, f.shape[-1]])
        out.append(tf.reshape(tf.matmul(f, f, transpose_a=True) / tf.cast(tf.shape(f)[0], tf.float32), [-1]))
    return out


def v_randnet_meanstd(x, k):  # 5c. per-channel mean and std of every layer (AdaIN statistics)
    out = []
    for f in _net_features(x, k):
        mean, var = tf.nn.moments(f, axes=[0, 1, 2])
        out.append(tf.concat([mean, tf.sqrt(var + 1e-8)], 0))
    return out


VIEWS = {  # name: (view, kind)
    "pix5": (v_pix5, "swd"),
    "pix5_s12": (v_pix5_s12, "swd"),
    "colour1": (v_colour, "swd"),
    "meanfree5": (v_meanfree5, "swd"),
    "contrast5": (v_contrast5, "swd"),
    "grad_lum_s124": (v_grad_lum, "swd"),
    "grad_rgb_s124": (v_grad_rgb, "swd"),
    "wbc_texture": (v_wbc_texture, "swd"),
    "wbc_surface": (v_wbc_surface, "swd"),
    "laplacian3": (v_laplacian, "swd"),
    "local_std": (v_local_std, "swd"),
    "randnet_swd": (v_randnet_swd, "swd"),
    "randnet_gram": (v_randnet_gram, "stats"),
    "randnet_meanstd": (v_randnet_meanstd, "stats"),
}
# The views the table scores (the shared 2-core machine was ~6× oversubscribed when this ran, so four
# views stay defined and differentiable but unscored: pix5_s12, contrast5, laplacian3, randnet_swd).
TABLE_VIEWS = ("pix5", "colour1", "meanfree5", "grad_lum_s124", "grad_rgb_s124", "wbc_texture", "wbc_surface",
               "local_std", "randnet_gram", "randnet_meanstd")
# Sums of views, each view divided by its own D(photos, style set) — a weighting any learner can compute
# from their photos and style set. Chosen after seeing the single views (post hoc; see the .md).
COMBOS = {
    "colour1+grad_rgb": ("colour1", "grad_rgb_s124"),
    "colour1+meanfree5": ("colour1", "meanfree5"),
    "colour1+local_std": ("colour1", "local_std"),
    "colour1+grad_lum": ("colour1", "grad_lum_s124"),
    "wbc_texture+wbc_surface": ("wbc_texture", "wbc_surface"),
    "colour1+grad_rgb+local_std": ("colour1", "grad_rgb_s124", "local_std"),
}


# ------------------------------------------------------------------ the distances (TensorFlow, differentiable)
def distance(name: str, x, y, draw: int = 0):
    """D_name(x, y) for two batches (equal numbers of crops), exact and differentiable (tf.sort)."""
    view, kind = VIEWS[name]
    x, y = tf.cast(x, tf.float32), tf.cast(y, tf.float32)
    total = 0.0
    for px, py in zip(view(x, draw), view(y, draw)):
        if kind == "swd":
            total += tf.reduce_mean(tf.square(tf.sort(px, axis=0) - tf.sort(py, axis=0)))
        else:
            total += tf.reduce_mean(tf.square(px - py))
    return total


def _np_argsort(a):
    return np.argsort(a, axis=-1).astype(np.int32)


def _sorted_t(p):
    """Columns of p sorted (as N_PROJ×M): numpy argsort, tf.gather — the gradient of a sort is a gather."""
    pt = tf.transpose(p)
    idx = tf.numpy_function(_np_argsort, [pt], tf.int32, stateful=False)
    return tf.gather(pt, tf.reshape(idx, tf.shape(pt)), batch_dims=1)


def fast_distance(name: str, x, y, draw: int = 0):
    """The same value and gradient as :func:`distance` (ties aside), ~3× cheaper on CPU: y's sort carries
    no gradient (the style set is data), x's sort is a numpy argsort followed by a differentiable gather."""
    view, kind = VIEWS[name]
    x, y = tf.cast(x, tf.float32), tf.cast(y, tf.float32)
    total = 0.0
    for px, py in zip(view(x, draw), view(y, draw)):
        if kind == "swd":
            sy = tf.stop_gradient(tf.numpy_function(lambda a: np.sort(a, axis=-1), [tf.transpose(py)], tf.float32,
                                                    stateful=False))
            total += tf.reduce_mean(tf.square(_sorted_t(px) - tf.reshape(sy, tf.shape(tf.transpose(px)))))
        else:
            total += tf.reduce_mean(tf.square(px - py))
    return total


# ------------------------------------------------------------------ the table
_POOL = ThreadPoolExecutor(1)


def _sort_np(p):
    q = np.ascontiguousarray(np.asarray(p).T)
    q.sort(axis=1)
    return q


def _w2(sx, sy):
    return float(np.mean(np.square(sx - sy)))


def decoys(d) -> dict:
    ref = d.b[:64]
    return {
        "photos": d.a,
        "truth": d.a_styled,
        "reinhard": np.stack([styles.reinhard_transfer(x, ref) for x in d.a]),
        "hist_match": np.stack([styles.histogram_match(x, ref) for x in d.a]),
        "blur": ndimage.gaussian_filter(d.a, sigma=(0, 1, 1, 0), mode="reflect").astype(np.float32),
    }


DECOYS = ("reinhard", "hist_match", "blur")


def score_style(d, sets: dict) -> dict:
    """Per view: mean over draws of D for every X and the floor, plus the per-draw values."""
    b1, b2 = d.b[:HALF], d.b[HALF:2 * HALF]
    arrays = {"B1": b1, "B2": b2}
    for name, x in sets.items():
        arrays[name + "/1"], arrays[name + "/2"] = x[:HALF], x[HALF:2 * HALF]
    tensors = {k: tf.constant(v) for k, v in arrays.items()}
    result = {}
    for vname in TABLE_VIEWS:
        view, kind = VIEWS[vname]
        per_draw = {name: [] for name in list(sets) + ["floor"]}
        for k in range(DRAWS):
            terms = {key: view(t, k) for key, t in tensors.items()}
            if kind == "swd":
                sub = []
                for i, p in enumerate(terms["B1"]):
                    m = int(p.shape[0])
                    sub.append(np.random.default_rng([k, i, 5]).choice(m, MAX_POS, replace=False) if m > MAX_POS
                               else np.arange(m))
                flat = [(key, i, tf.gather(p, sub[i])) for key, ts in terms.items() for i, p in enumerate(ts)]
                sorted_ = dict(zip([(key, i) for key, i, _ in flat], _POOL.map(_sort_np, [p for _, _, p in flat])))
                n_terms = len(terms["B1"])

                def dd(kx, ky):
                    return sum(_w2(sorted_[(kx, i)], sorted_[(ky, i)]) for i in range(n_terms))
            else:
                terms = {key: [t.numpy() for t in ts] for key, ts in terms.items()}

                def dd(kx, ky):
                    return sum(float(np.mean(np.square(a - b))) for a, b in zip(terms[kx], terms[ky]))
            for name in sets:
                per_draw[name].append(0.5 * (dd(name + "/1", "B2") + dd(name + "/2", "B1")))
            per_draw["floor"].append(dd("B1", "B2"))
        result[vname] = {name: np.array(v) for name, v in per_draw.items()}
    return result


def summarise(per_draw: dict) -> dict:
    v = {name: float(np.mean(x)) for name, x in per_draw.items()}
    truth, photos, floor = v["truth"], v["photos"], v["floor"]
    best_decoy = min(DECOYS, key=lambda n: v[n])
    wins = np.all([per_draw["truth"] < per_draw[n] for n in DECOYS], axis=0)
    row = {name: round(val, 7) for name, val in v.items()}
    row.update(truth_over_photos=round(truth / photos, 3),
               score=round((truth - floor) / (photos - floor), 3),
               best_decoy=best_decoy,
               best_decoy_score=round((v[best_decoy] - floor) / (photos - floor), 3),
               truth_beats_decoys=bool(truth < v[best_decoy]),
               draws_won=f"{int(wins.sum())}/{len(wins)}")
    return row


def combo_draws(per_view: dict, members) -> dict:
    """Sum of the member views, each divided by its mean D(photos) (per draw values kept for draws_won)."""
    out = {}
    for name in per_view[members[0]]:
        out[name] = sum(per_view[m][name] / np.mean(per_view[m]["photos"]) for m in members)
    return out


def _style_rows(style: str) -> tuple:
    tf.config.threading.set_intra_op_parallelism_threads(1)
    t0 = time.time()
    d = unpaired_data.course_style_data(style, crop=32, n_crops=256, align=4 if style == "pixel_art" else 1)
    sets = decoys(d)
    per_view = score_style(d, sets)
    for cname, members in COMBOS.items():
        per_view[cname] = combo_draws(per_view, members)
    return {vname: summarise(pd) for vname, pd in per_view.items()}, time.time() - t0


def table(workers: int = 5) -> dict:
    """One style per worker process."""
    import multiprocessing as mp
    with mp.get_context("spawn").Pool(workers) as pool:
        done = pool.map(_style_rows, list(styles.STYLES), chunksize=1)
    out = {}
    for style, (rows, sec) in zip(styles.STYLES, done):
        out[style] = rows
        for vname, row in rows.items():
            print(f"{style:10s} {vname:28s} photos={row['photos']:.6g} truth={row['truth']:.6g} "
                  f"reinhard={row['reinhard']:.6g} hist_match={row['hist_match']:.6g} blur={row['blur']:.6g} "
                  f"floor={row['floor']:.6g} truth/photos={row['truth_over_photos']:.3f} score={row['score']:.3f} "
                  f"best_decoy={row['best_decoy']}({row['best_decoy_score']:.3f}) "
                  f"truth_beats_decoys={row['truth_beats_decoys']} draws_won={row['draws_won']}", flush=True)
        print(f"# {style}: {sec:.0f} s in its worker", flush=True)
    return out


# ------------------------------------------------------------------ pixel descent
def _psnr(x, y) -> float:
    return float(np.mean([metrics.psnr(a, b) for a, b in zip(x, y)]))


def descent(style: str, name: str, steps: int = 200, lr: float = 0.01, anchor: float = 10.0,
            n: int = 32, seed: int = 0) -> dict:
    """Optimise the pixels of n photo crops to minimise D(X, B)/D(a, B) + anchor·MSE(pool4 lum X, pool4 lum a).

    B: a fresh random batch of n style crops each step, fresh projections each step (draw = step), as a
    training loop would. D(a, B) (mean of 8 draws, generic: photos and style set only) makes the distance 1
    at the start, so one anchor weight serves every view."""
    d = unpaired_data.course_style_data(style, crop=32, n_crops=256, align=4 if style == "pixel_art" else 1)
    a, truth = d.a[:n], d.a_styled[:n]
    rng = np.random.default_rng(seed)
    d0 = float(np.mean([fast_distance(name, a, d.b[rng.choice(len(d.b), n, replace=False)], 10_000 + k)
                        for k in range(8)]))
    x = tf.Variable(a)
    la = tf.nn.avg_pool2d(_lum(tf.constant(a)), 4, 4, "VALID")
    opt = tf.keras.optimizers.Adam(lr)

    @tf.function
    def step(yb, k):
        with tf.GradientTape() as tape:
            dist = fast_distance(name, x, yb, k) / d0
            anc = tf.reduce_mean(tf.square(tf.nn.avg_pool2d(_lum(x), 4, 4, "VALID") - la))
            loss = dist + anchor * anc
        opt.apply_gradients([(tape.gradient(loss, x), x)])
        x.assign(tf.clip_by_value(x, 0.0, 1.0))
        return dist, anc

    t0 = time.time()
    for k in range(steps):
        dist, anc = step(tf.constant(d.b[rng.choice(len(d.b), n, replace=False)]), tf.constant(k))
    sec = (time.time() - t0) / steps
    xn = x.numpy()
    return {"psnr_photos": round(_psnr(a, truth), 3), "psnr_after": round(_psnr(xn, truth), 3),
            "gain_db": round(_psnr(xn, truth) - _psnr(a, truth), 3), "final_distance": round(float(dist), 4),
            "final_anchor": round(float(anc), 5), "sec_per_step": round(sec, 3)}


DESCENT_VIEWS = ("pix5", "grad_rgb_s124", "local_std")


def run_descent(views, steps: int, lr: float, anchor: float, style_names=tuple(styles.STYLES)) -> dict:
    out = {}
    for style in style_names:
        out[style] = {}
        for name in views:
            r = descent(style, name, steps=steps, lr=lr, anchor=anchor)
            out[style][name] = r
            print(f"descent {style:10s} {name:18s} {r}", flush=True)
    return out


def timing(names, n: int = 32, repeats: int = 5) -> dict:
    """Seconds per call (value + gradient wrt x) on a 32×32×32×3 batch against a 32-crop style batch."""
    rng = np.random.default_rng(0)
    x = tf.Variable(rng.random((n, 32, 32, 3), dtype=np.float32))
    y = tf.constant(rng.random((n, 32, 32, 3), dtype=np.float32))
    out = {}
    for name in names:
        for label, fn in (("tf_sort", distance), ("fast", fast_distance)):
            @tf.function
            def call(k, fn=fn):
                with tf.GradientTape() as tape:
                    v = fn(name, x, y, k)
                return v, tape.gradient(v, x)
            call(tf.constant(0))
            t0 = time.time()
            for k in range(repeats):
                call(tf.constant(k + 1))[1].numpy()
            out.setdefault(name, {})[label] = round((time.time() - t0) / repeats, 4)
        print(f"timing {name:18s} {out[name]}", flush=True)
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--descent", action="store_true", help="also run the pixel-descent test")
    ap.add_argument("--descent-only", action="store_true")
    ap.add_argument("--views", default=",".join(DESCENT_VIEWS))
    ap.add_argument("--styles", default=",".join(styles.STYLES), help="styles for the descent test")
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--anchor", type=float, default=10.0)
    args = ap.parse_args()
    result = {"command": " ".join(["python"] + sys.argv), "draws": DRAWS, "n_proj": N_PROJ, "half": HALF, "max_pos": MAX_POS}
    if not args.descent_only:
        result["table"] = table()
    if args.descent or args.descent_only:
        views = args.views.split(",")
        result["timing"] = timing(views)
        result["descent"] = {"steps": args.steps, "lr": args.lr, "anchor": args.anchor,
                             "by_style": run_descent(views, args.steps, args.lr, args.anchor,
                                                     args.styles.split(","))}
    print(json.dumps(result))
