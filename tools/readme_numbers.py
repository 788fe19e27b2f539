"""The README's benchmark numbers, generated from the committed results (one source for numbers).

    python tools/readme_numbers.py            # rewrite the README's generated blocks in place
    python tools/readme_numbers.py --check    # exit 1 and print a diff when they differ

A generated block sits between two markers, and everything between them is rewritten:

    <!-- numbers:unpaired_vs_oracle -->
    ...
    <!-- /numbers -->

Each block's text is a template below (the prose stays readable in the README), filled only from
files committed in ``benchmarks/results/``, and it names the file and the command its numbers
come from. A block whose prose makes a claim (e.g. "toon clears half the oracle's gain only
just") checks the claim against the results and stops with an error when they no longer support
it, so a re-run that changes the story cannot silently keep the old words.

No training, no TensorFlow: this reads text files. ``tests/test_readme_numbers.py`` runs the check.
"""
from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import textwrap
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from gvr_helpers import results  # noqa: E402  (reads text; imports no TensorFlow)
from gvr_helpers.data import atomic_write  # noqa: E402

README = ROOT / "README.md"
RESULTS = ROOT / "benchmarks" / "results"
ORACLE_LOG = RESULTS / "unpaired_vs_oracle_10min.log"
WARM_START = RESULTS / "unpaired_warm_start_woodblock.json"

# The ink recipe's 10-minute benchmark (toon, woodblock); the script measures the generic recipe on
# every style since 0bb7b34, so the command is given at the commit that wrote the log.
ORACLE_COMMAND = ("git checkout 9a7d5c9 && GVR_PROFILE=full python benchmarks/unpaired_vs_oracle.py "
                  "--minutes 10")
WARM_START_COMMAND = "taskset -c 1 python benchmarks/unpaired_warm_start.py --style woodblock --seconds 45"

# The previous recipe's 10-minute benchmark: the log as committed at 409e355, before d6ca2d1
# changed the recipe and replaced it.
PREVIOUS_LOG = RESULTS / "unpaired_vs_oracle_10min_previous_recipe.log"

# A design constant of recipes.fast_recipe (not a measurement): both rates reach zero here.
DECAY_STEPS = 4000

# benchmarks/unpaired_warm_start.py's variants, in the README's words and order.
WARM_START_LABELS = {
    "recipe (anchors + GAN)": "recipe",
    "anchors only (no GAN)": "anchors only",
    "GAN only (no anchors)": "GAN only",
    "GAN only, G 10x slower": "GAN only with G 10× slower",
    "GAN only, R1 penalty 10": "GAN only with R1",
    "CycleGAN (F first inverts G on pairs)": "CycleGAN with a paired-trained inverse",
}

BLOCK = re.compile(r"(<!-- numbers:([\w-]+) -->\n)(.*?)(<!-- /numbers -->)", re.S)
OPENING = re.compile(r"<!-- numbers:([\w-]+) -->")
CLOSING = "<!-- /numbers -->"


class ResultsError(Exception):
    """A results file is missing, malformed, or no longer supports the README's prose."""


# ------------------------------------------------------------------ reading the results
def _require(obj: dict, keys, where: str) -> None:
    missing = [k for k in keys if k not in obj]
    if missing:
        raise ResultsError(f"{where}: missing key(s) {missing}")


STYLE_KEYS = ("identity_db", "oracle_db", "course_db", "baseline_db", "baselines", "course_ratio", "seconds")


def _check_oracle_summary(summary: dict, where: str) -> dict:
    _require(summary, ("styles", "minutes_per_method"), where)
    _require(summary["styles"], ("toon", "woodblock"), where + " styles")
    for style, row in summary["styles"].items():
        _require(row, STYLE_KEYS, f"{where} styles.{style}")
    return summary


def read_oracle_log(path: Path = ORACLE_LOG) -> dict:
    """``{"summary": last-line JSON, "curves": {style: {method: [[seconds, step, dB], ...]}}}``, read by
    :func:`gvr_helpers.results.read_benchmark_log` (notebook 05 draws its figure from the same reader),
    then checked for what the README's block needs."""
    where = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    try:
        log = results.read_benchmark_log(path)
    except results.ResultsError as err:
        raise ResultsError(f"{err} (the README's numbers come from `{ORACLE_COMMAND}`)") from None
    summary, curves = _check_oracle_summary(log["summary"], where), log["curves"]
    _require(summary["styles"]["woodblock"], ("peer_db", "peer_ratio", "no_gan_db"), where + " styles.woodblock")
    for style, method in (("toon", "course"), ("woodblock", "course"), ("woodblock", "no_gan")):
        curve = curves.get(style, {}).get(method)
        if not curve or any(len(point) != 3 for point in curve):
            raise ResultsError(f"{where}: no curve of [seconds, step, dB] for {style} {method}")
    return {"summary": summary, "curves": curves}


def read_previous_summary(path: Path = PREVIOUS_LOG) -> dict:
    """The last-line JSON of the previous recipe's 10-minute benchmark log."""
    where = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    try:
        return _check_oracle_summary(results.read_summary(path), where)
    except results.ResultsError as err:
        raise ResultsError(str(err)) from None


def read_warm_start(path: Path = WARM_START) -> dict:
    where = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    try:
        result = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsError(f"{where}: not found (run `{WARM_START_COMMAND}`)") from None
    except json.JSONDecodeError as exc:
        raise ResultsError(f"{where}: not JSON ({exc})") from None
    _require(result, ("style", "seconds", "identity_db", "start_db", "runs"), where)
    runs = {}
    for run in result["runs"]:
        _require(run, ("variant", "steps", "db", "curve"), f"{where} runs[]")
        runs[run["variant"]] = run
    unknown = sorted(set(runs) - set(WARM_START_LABELS))
    missing = sorted(set(WARM_START_LABELS) - set(runs))
    if unknown or missing:
        raise ResultsError(f"{where}: variants changed (new: {unknown}, gone: {missing}); "
                           f"update WARM_START_LABELS in tools/readme_numbers.py")
    result["by_variant"] = runs
    return result


# ------------------------------------------------------------------ formatting
def fmt(x: float, places: int = 2) -> str:
    """Round half up on the written decimal (14.885 -> 14.89, as a reader rounds, not 14.88)."""
    q = Decimal(1).scaleb(-places)
    return str(Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP))


def pct(ratio: float) -> str:
    return f"{fmt(Decimal(repr(float(ratio))) * 100, 1)} %"


def whole(x: float) -> str:
    return fmt(x, 0)


def claim(ok: bool, words: str, evidence: str) -> None:
    if not ok:
        raise ResultsError(f"the README says {words!r}, but the results no longer support it: {evidence}; "
                           f"rewrite that sentence in tools/readme_numbers.py")


def table_row(cells) -> str:
    return "|" + "|".join(f" {c} " if c else " " for c in cells) + "|"


# A wrapped line must not start what Markdown would read as a list item, heading, quote or rule.
RISKY_LINE_START = re.compile(r"(?:[-+*](?:\s|$)|\d{1,9}[.)](?:\s|$)|#|>|=+\s*$|-+\s*$)")


def wrap(body: str, width: int = 100) -> str:
    """Wrap the prose paragraphs of a block as the README does (tables and headings stay one line)."""
    out = []
    for para in body.strip().split("\n\n"):
        if para.lstrip().startswith(("|", "#")):
            out.append(para)
            continue
        words = " ".join(para.split())
        for w in range(width, width - 30, -1):
            text = textwrap.fill(words, w, break_long_words=False, break_on_hyphens=False)
            if not any(RISKY_LINE_START.match(line) for line in text.splitlines()[1:]):
                break
        else:
            raise ResultsError(f"cannot wrap this paragraph safely: {words[:80]}...")
        out.append(text)
    return "\n\n".join(out)


def source_line(file: str, command: str, what: str = "") -> str:
    what = f"{what} " if what else ""
    return f"*Numbers: {what}[`{file}`]({file}), written by `{command}`.*"


# ------------------------------------------------------------------ the blocks
def block_unpaired_vs_oracle() -> str:
    summary = read_oracle_log()["summary"]
    rows = []
    for style, r in summary["styles"].items():
        best = max(r["baselines"].values())
        claim(abs(best - r["baseline_db"]) < 1e-9, "best classic baseline",
              f"{style}: baseline_db {r['baseline_db']} is not the best of {r['baselines']}")
        no_gan = fmt(r["no_gan_db"]) if "no_gan_db" in r else ""
        peer = f"{fmt(r['peer_db'])} ({pct(r['peer_ratio'])})" if "peer_db" in r else ""
        rows.append(table_row([style, fmt(r["identity_db"]), fmt(r["oracle_db"]),
                               f"**{fmt(r['course_db'])}** ({pct(r['course_ratio'])})", no_gan, peer, fmt(best)]))
    minutes = summary["minutes_per_method"]
    minutes = whole(minutes) if float(minutes).is_integer() else fmt(minutes, 1)
    return "\n".join([
        f"**Unpaired style transfer in minutes on a CPU.** In {minutes} minutes a method, one method at a "
        "time, on both cores:",
        "",
        "| style | input | paired oracle | course recipe (share of the oracle's gain) | without its GAN term "
        "| peer CycleGAN | best classic baseline |",
        "|---|---|---|---|---|---|---|",
        *rows,
        "",
        "(test PSNR in dB against the ground truth, on held-out tiles; share = gain over the input / the "
        "oracle's gain; the curves over training time are `figures/05_unpaired_vs_oracle.png`, drawn from "
        "that log by notebook 05.) " + source_line("benchmarks/results/unpaired_vs_oracle_10min.log", ORACLE_COMMAND,
                                        "the last line of"),
    ])


def _first_at_or_after(curve, step):
    for point in curve:
        if point[1] >= step:
            return point
    raise ResultsError(f"the curve ends at step {curve[-1][1]}, before step {step}")


def block_unpaired_recipe_curve() -> str:
    log = read_oracle_log()
    summary, curves = log["summary"], log["curves"]
    reach = {style: _first_at_or_after(curves[style]["course"], DECAY_STEPS)[0] for style in ("toon", "woodblock")}
    no_gan = curves["woodblock"]["no_gan"]
    dbs = [p[2] for p in no_gan]
    claim(max(dbs) - min(dbs) < 0.01, "without its adversarial term the recipe stays at its untrained start",
          f"woodblock no_gan curve spans {min(dbs):.3f}-{max(dbs):.3f} dB")
    toon = curves["toon"]["course"]
    peak = max(toon, key=lambda p: p[2])
    final = toon[-1]
    ratio = summary["styles"]["toon"]["course_ratio"]
    claim(0.5 <= ratio < 0.55, "toon clears half the oracle's gain only just", f"toon course_ratio {ratio}")
    claim(peak[2] - final[2] >= 0.3 and peak[1] < DECAY_STEPS,
          "its curve reached ... and slid ... while the rates came down",
          f"peak {peak[2]:.2f} dB at step {peak[1]}, end {final[2]:.2f} dB")
    return "\n".join([
        f"In that run the rates reached zero {whole(reach['toon'])} s (toon) and {whole(reach['woodblock'])} s "
        f"(woodblock) into training. Without its adversarial term the recipe stays at its untrained start "
        f"(woodblock: {fmt(no_gan[0][2])} dB at step {no_gan[0][1]} and at step {no_gan[-1][1]}). Toon clears "
        f"half the oracle's gain only just: its curve reached {fmt(peak[2], 1)} dB at step {peak[1]} and slid "
        f"to {fmt(final[2], 1)} while the rates came down. "
        + source_line("benchmarks/results/unpaired_vs_oracle_10min.log", ORACLE_COMMAND,
                      "the curves (seconds, steps, dB) in"),
    ])


def block_previous_recipe() -> str:
    styles = read_previous_summary()["styles"]
    return (f"The previous recipe, a generic residual generator, gained {pct(styles['toon']['course_ratio'])} "
            f"(toon) and {pct(styles['woodblock']['course_ratio'])} (woodblock) of the oracle's gain in the "
            f"same benchmark; started at the answer, its game leaves it (below). *Numbers: the last line of "
            f"`benchmarks/results/{PREVIOUS_LOG.name}` (that log before the recipe changed), "
            f"written by `{ORACLE_COMMAND}`.*")


def _hold(curve):
    """The points after the start and before the curve's largest fall between two points."""
    after = curve[1:]
    falls = [after[i][2] - after[i + 1][2] for i in range(len(after) - 1)]
    cut = max(range(len(falls)), key=falls.__getitem__)
    return after[:cut + 1], falls[cut]


def block_unpaired_warm_start() -> str:
    ws = read_warm_start()
    runs, start, identity = ws["by_variant"], ws["start_db"], ws["identity_db"]
    recipe = runs["recipe (anchors + GAN)"]
    first = recipe["curve"][1]
    claim(first[2] < start - 3, "started at the answer, its game left it within ... steps",
          f"the recipe is at {first[2]:.2f} dB at step {first[1]}, from {start:.2f}")
    hold, fall = _hold(runs["GAN only, G 10x slower"]["curve"])
    lo, hi = min(p[2] for p in hold), max(p[2] for p in hold)
    claim(lo > identity + 3 and fall > 3, "GAN only with G 10× slower ... after holding",
          f"held {lo:.2f}-{hi:.2f} dB, then fell {fall:.2f} dB (input {identity:.2f})")
    ends = []
    for variant, label in WARM_START_LABELS.items():
        text = f"{label} {fmt(runs[variant]['db'])}" + (" dB" if not ends else "")
        if variant == "recipe (anchors + GAN)":
            text += f" ({fmt(first[2])} already at step {first[1]})"
        if variant == "GAN only, G 10x slower":
            text += f" (after holding {fmt(lo, 1)}–{fmt(hi, 1)} dB up to step {hold[-1][1]})"
        ends.append(text)
    seconds = whole(ws["seconds"]) if float(ws["seconds"]).is_integer() else fmt(ws["seconds"], 1)
    return (f"**The unpaired game started at the answer** (notebook 06, {ws['style']}). From the paired "
            f"oracle's {fmt(start)} dB, {seconds} s of unpaired training with the previous recipe and its "
            f"parts end at: {', '.join(ends)} (input {fmt(identity)}). "
            + source_line("benchmarks/results/unpaired_warm_start_woodblock.json", WARM_START_COMMAND))


BLOCKS = {
    "unpaired_vs_oracle": block_unpaired_vs_oracle,
    "unpaired_recipe_curve": block_unpaired_recipe_curve,
    "previous_recipe": block_previous_recipe,
    "unpaired_warm_start": block_unpaired_warm_start,
}


# ------------------------------------------------------------------ the README
def blocks_in(text: str) -> list[str]:
    """Names of the README's blocks, in order; stops on a marker left open or unknown."""
    found = [m.group(2) for m in BLOCK.finditer(text)]
    opened = OPENING.findall(text)
    if opened != found or text.count(CLOSING) != len(found):
        raise ResultsError(f"README: unmatched markers (opened {opened}, closed {text.count(CLOSING)}, "
                           f"complete blocks {found})")
    unknown = [n for n in found if n not in BLOCKS]
    twice = sorted({n for n in found if found.count(n) > 1})
    missing = [n for n in BLOCKS if n not in found]
    if unknown or twice or missing:
        raise ResultsError(f"README: unknown blocks {unknown}, blocks twice {twice}, blocks missing {missing}")
    return found


def render(text: str) -> str:
    """The README with every block regenerated from the results."""
    blocks_in(text)
    return BLOCK.sub(lambda m: f"{m.group(1)}\n{wrap(BLOCKS[m.group(2)]())}\n\n{m.group(4)}", text)


def diff(old: str, new: str, name: str = "README.md") -> str:
    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                        f"{name} (committed)", f"{name} (from benchmarks/results/)"))


def check(path: Path = README) -> str:
    """A unified diff of the README against the results: empty when its blocks match."""
    text = path.read_text(encoding="utf-8")
    return diff(text, render(text))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="do not write; exit 1 and print the differences when the README's blocks drift")
    parser.add_argument("--readme", type=Path, default=README)
    args = parser.parse_args(argv)
    try:
        text = args.readme.read_text(encoding="utf-8")
        new = render(text)
    except ResultsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    n = len(blocks_in(text))
    if args.check:
        d = diff(text, new, args.readme.name)
        if d:
            print(d, end="")
            print(f"\n{args.readme.name} differs from benchmarks/results/: run `python tools/readme_numbers.py`",
                  file=sys.stderr)
            return 1
        print(f"{args.readme.name}: {n} generated blocks match benchmarks/results/")
        return 0
    if new != text:
        atomic_write(args.readme, new)
        print(f"{args.readme.name}: rewrote {n} generated blocks from benchmarks/results/")
    else:
        print(f"{args.readme.name}: {n} generated blocks already match benchmarks/results/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
