"""Search-display rendering: cogattn against supersampled scikit-image polygons.

The anchor draws every item of the same displays (same positions, same kinds) as
filled polygons with ``skimage.draw.polygon`` / ``skimage.draw.disk`` on a 16x finer
grid and averages the sub-pixels (``skimage.transform.downscale_local_mean``): a
box-filter reference built from independent geometry. Like cogattn, the anchor draws
each kind of item once (cached) and pastes it at every position. Prints

    name  cogattn_s  anchor_s  ratio  max_abs_diff

per paradigm (30 displays per condition at the largest set size). Timing follows
``benchmarks/_timing.py`` (warm, interleaved, median and minimum, load average and
threads); the anchor empties its item cache at the start of every call, so each
call draws its items once, like cogattn's ``make_trials``.

Run: ``.venv/bin/python benchmarks/bench_search_stimuli.py [--repeats 3] [--small]``
"""

from __future__ import annotations

import argparse
import time
from functools import cache

import numpy as np
from _timing import compare, environment, header, row
from skimage.draw import disk, polygon
from skimage.transform import downscale_local_mean

from cogattn.search.displays import PARADIGMS, SearchTrials, make_trials
from cogattn.search.paradigms import get_spec, item_set

SUPER = 16
N_TRIALS = 30


def _rect(length: float, width: float, angle_deg: float = 0.0) -> np.ndarray:
    """Corners (dy, dx) of a bar tilted clockwise from vertical."""
    a = np.deg2rad(angle_deg)
    u = np.array([-np.cos(a), np.sin(a)])  # along, pointing up
    v = np.array([np.sin(a), np.cos(a)])  # across
    return np.array(
        [s * 0.5 * length * u + t * 0.5 * width * v for s, t in
         ((1, 1), (1, -1), (-1, -1), (-1, 1))]
    )  # fmt: skip


def _shift(poly: np.ndarray, dy: float, dx: float) -> np.ndarray:
    return poly + np.array([dy, dx])


def _turn(poly: np.ndarray, quarter_turns: int) -> np.ndarray:
    """Turn (dy, dx) points counter-clockwise on screen, like ``np.rot90``."""
    for _ in range(quarter_turns % 4):
        poly = np.stack([-poly[:, 1], poly[:, 0]], axis=1)
    return poly


def _polygons(kind: str, ppd: float) -> list[np.ndarray]:
    """Independent geometry of every item kind, relative to the item centre."""
    if kind == "straight":
        return [_rect(1.6 * ppd, 0.1 * ppd)]
    if kind == "curved":
        c, s, w = 1.6 * ppd, 0.32 * ppd, 0.1 * ppd
        r = (c * c / 4 + s * s) / (2 * s)
        cx = s / 2 - r
        y = np.linspace(-c / 2, c / 2, 400)
        outer = np.stack([y, cx + np.sqrt((r + w / 2) ** 2 - y**2)], axis=1)
        inner = np.stack([y, cx + np.sqrt((r - w / 2) ** 2 - y**2)], axis=1)
        return [np.concatenate([outer, inner[::-1]])]
    if kind.startswith("tilt"):
        return [_rect(2.0 * ppd, 0.3 * ppd, float(kind[4:]))]
    size, w = 5.5 * ppd, 0.5 * ppd
    name = kind.rstrip("0123456789")
    turns = int(kind[len(name) :]) // 90
    half = size / 2
    if name == "cross":
        polys = [_rect(size, w), _shift(_rect(w, size), -0.15 * size, 0)]
    elif name == "non_cross":
        polys = [
            _rect(size, w),
            _shift(_rect(w, half), -0.15 * size, -half / 2),
            _shift(_rect(w, half), 0.15 * size, half / 2),
        ]
    elif name == "T":
        polys = [_rect(size, w), _shift(_rect(w, size), -(size - w) / 2, 0)]
    else:  # L
        polys = [
            _shift(_rect(size, w), 0, -(size - w) / 2),
            _shift(_rect(w, size), (size - w) / 2, 0),
        ]
    return [_turn(poly, turns) for poly in polys]


@cache
def _anchor_item(
    kind: str, ppd: float, p: int, background: float, ink: float
) -> np.ndarray:
    """One P x P item patch, supersampled with scikit-image and box filtered."""
    n = p * SUPER
    m = (p - 1) / 2
    if kind.startswith("bright"):
        r = 0.52 * ppd
        rr, cc = disk(((m + 0.5) * SUPER - 0.5,) * 2, r * SUPER, shape=(n, n))
        sub = np.full((n, n), background)
        dy = (rr + 0.5) / SUPER - 0.5 - m
        dx = (cc + 0.5) / SUPER - 0.5 - m
        toward = {"top": -dy, "bottom": dy, "left": -dx, "right": dx}[kind[7:]]
        sub[rr, cc] = np.clip(0.5 + 0.5 * toward / r, 0, 1)
        return downscale_local_mean(sub, (SUPER, SUPER))
    mask = np.zeros((n, n), bool)
    for poly in _polygons(kind, ppd):
        rows = (poly[:, 0] + m + 0.5) * SUPER - 0.5
        cols = (poly[:, 1] + m + 0.5) * SUPER - 0.5
        rr, cc = polygon(rows, cols, shape=(n, n))
        mask[rr, cc] = True
    cov = downscale_local_mean(mask.astype(np.float64), (SUPER, SUPER))
    return background + cov * (ink - background)


def anchor_render(trials: SearchTrials) -> np.ndarray:
    """Render the displays of ``trials`` item by item with scikit-image."""
    p = item_set(trials.paradigm, trials.px_per_degree).size
    spec = get_spec(trials.paradigm)
    images = np.full(trials.images.shape, spec.background)
    for t in range(trials.n_trials):
        for i in range(trials.set_size):
            kind = trials.kind_names[trials.item_kinds[t, i]]
            r0, c0 = (trials.item_centers[t, i] - (p - 1) / 2).astype(int)
            patch = _anchor_item(
                kind, trials.px_per_degree, p, spec.background, spec.ink
            )
            images[t, r0 : r0 + p, c0 : c0 + p] = patch
    return images


def _anchor_cold(trials: SearchTrials) -> np.ndarray:
    _anchor_item.cache_clear()
    return anchor_render(trials)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--small", action="store_true", help="5 displays, 2 paradigms")
    args = parser.parse_args()
    n_trials = 5 if args.small else N_TRIALS
    paradigms = PARADIGMS[:2] if args.small else PARADIGMS
    print(environment())
    print(header())
    for paradigm in paradigms:
        size = max(get_spec(paradigm).set_sizes)
        for condition in ("easy", "hard"):
            layout = make_trials(paradigm, condition, size, n_trials, random_state=1)
            comp = compare(
                lambda c=condition, s=size, p=paradigm: make_trials(
                    p, c, s, n_trials, random_state=1
                ),
                lambda tr=layout: _anchor_cold(tr),
                repeat=args.repeats,
            )
            trials, ref = comp.out_a, comp.out_b
            diff = float(np.abs(trials.images - ref).max())
            print(
                row(
                    f"{paradigm}/{condition} x{n_trials}",
                    comp,
                    f"max abs pixel diff {diff:.4f}",
                )
            )
    # everything a full replication needs: every cell of every paradigm
    t0 = time.perf_counter()
    n_images = 0
    for paradigm in paradigms:
        spec = get_spec(paradigm)
        for condition in ("easy", "hard"):
            for size in spec.set_sizes:
                n_images += make_trials(paradigm, condition, size, n_trials, 2).n_trials
    print(
        f"{len(paradigms)} paradigms, {n_trials} trials x every set size x both "
        f"conditions ({n_images} displays): {time.perf_counter() - t0:.2f} s"
    )


if __name__ == "__main__":
    main()
