"""Fixation throughput of the eccentricity search model on CPU (or CUDA).

No anchor library exists offline for eccNET (its public code is TensorFlow with VGG16
weights that cannot be fetched here), so the reference is a naive implementation of
the same model: one trial at a time, and at every fixation the whole pipeline is run
again (backbone on the scene and the target, eccentricity pooling, top-down
correlation, layer mixing, winner-take-all with inhibition of return). Both must
produce the same scanpaths; ``max_abs_diff`` is the largest difference in fixation
coordinates (pixels).

Timing follows ``benchmarks/_timing.py`` (warm, interleaved, median and minimum, load
average and threads).

Usage: ``python benchmarks/bench_search.py [--trials 8] [--repeats 3] [--small]``
"""

from __future__ import annotations

import argparse

import numpy as np
import torch
from _timing import compare, environment, header, row

from cogattn.search.displays import make_trials
from cogattn.search.model import EccentricitySearchModel, target_kernels
from cogattn.search.model_inputs import check_search_inputs
from cogattn.search.pooling import eccentricity_pool
from cogattn.search.topdown import (
    combine_layers,
    correlate,
    cosine_correlate,
    self_response,
)
from cogattn.search.wta_ior import item_label_map


def naive_search(model, trials):
    """Per-trial, per-fixation loop that recomputes everything at each fixation."""
    extractor, layers, slopes, device = model._setup()
    strides = [extractor.receptive_stride(layer) for layer in layers]
    smooth = model.smooth_deg * model.px_per_degree / min(strides)
    n, h, w = trials.images.shape
    set_size = trials.item_boxes.shape[1]
    out = np.full((n, set_size + 2, 2), -1)
    for t in range(n):
        x = check_search_inputs(
            trials.images[t : t + 1],
            trials.target,
            trials.target_masks[t : t + 1],
            trials.item_boxes[t : t + 1],
            device,
        )
        labels = item_label_map(x.item_boxes, (h, w))[0]
        target_item = int(labels[x.target_masks[0]].mode().values)
        fix = torch.tensor([[h // 2, w // 2]])
        out[t, 0] = fix[0].numpy()
        visited = set()
        for k in range(set_size + 1):
            feats = extractor.extract(x.images, list(layers))
            kernels = target_kernels(
                extractor, x.targets, layers, phases=model.kernel_phases
            )
            cosine = model.similarity == "cosine"
            corr = cosine_correlate if cosine else correlate
            resp = [
                corr(eccentricity_pool(feats[lay], fix, s, sl), ker)
                for lay, s, sl, ker in zip(
                    layers, strides, slopes, kernels, strict=True
                )
            ]
            energy = None
            if model.layer_weighting == "self" and not cosine:
                energy = [self_response(ker) for ker in kernels]
            att = combine_layers(resp, (h, w), smooth_px=smooth, self_responses=energy)
            att = att[0].to(torch.float64)
            allowed = labels >= 0
            for v in visited:
                allowed &= labels != v
            att = torch.where(allowed, att, -torch.inf)
            best = int(att.argmax())
            fix = torch.tensor([[best // w, best % w]])
            out[t, k + 1] = fix[0].numpy()
            item = int(labels.flatten()[best])
            visited.add(item)
            if item == target_item:
                break
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--paradigm", default="curvature")
    parser.add_argument("--set-size", type=int, default=32)
    parser.add_argument("--small", action="store_true", help="2 trials, set size 8")
    args = parser.parse_args()
    n_trials, set_size = (2, 8) if args.small else (args.trials, args.set_size)
    trials = make_trials(args.paradigm, "hard", set_size, n_trials, random_state=0)
    model = EccentricitySearchModel(device="cpu")

    def fast():
        return model.search(
            trials.images, trials.target, trials.target_masks, trials.item_boxes
        )

    comp = compare(fast, lambda: naive_search(model, trials), repeat=args.repeats)
    res, ref = comp.out_a, comp.out_b
    n_fix = int(res.n_fixations.sum())
    k = min(res.fixations.shape[1], ref.shape[1])
    diff = float(np.abs(res.fixations[:, :k] - ref[:, :k]).max())
    print(environment())
    print(f"# {args.paradigm}, set size {set_size}, {n_trials} trials, "
          f"{n_fix} fixations")  # fmt: skip
    print(header())
    print(row("eccnet_search vs naive per-fixation loop", comp,
              f"max fixation diff {diff:.1f} px"))  # fmt: skip
    print(f"fixations/s: cogattn {n_fix / comp.median_a:.1f}, "
          f"naive {n_fix / comp.median_b:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
