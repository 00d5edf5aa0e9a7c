"""Saliency metrics: cogattn's batched numba kernels against pysaliency 0.2.22.

Ten random 768 x 1024 maps (a smooth prediction and a sparse "human" density per
image) with 1,000 fixations each. cogattn scores the ten maps in one call per metric;
pysaliency goes map by map through the API a user calls: ``metrics.NSS``,
``metrics.CC``, ``metrics.MIT_KLDiv``, ``metrics.SIM`` and, through its model classes
(a ``SaliencyMapModel`` / ``Model`` returning the map), ``AUC_Judd(jitter=False)`` and
``information_gain`` against ``UniformModel``. Times are per map. The agreement
column is the largest absolute difference over the maps.

pysaliency 0.2.22 needs two shims on numpy 2.4 / setuptools >= 81 (see
``tests/scanpath/_pysaliency.py``): a stand-in ``pkg_resources`` module and
``numpy.trapz = numpy.trapezoid``; this script applies both before importing it.

Timing follows ``benchmarks/_timing.py``.

Run: ``.venv/bin/python benchmarks/bench_saliency_metrics.py [--repeats 5] [--maps 10]``
"""

from __future__ import annotations

import argparse
import sys
import types

import numpy as np
from _timing import compare, environment, header, row
from scipy.ndimage import gaussian_filter

if "pkg_resources" not in sys.modules:
    try:
        import pkg_resources  # noqa: F401
    except ImportError:
        _shim = types.ModuleType("pkg_resources")
        _shim.resource_string = lambda *args, **kwargs: b""
        _shim.resource_listdir = lambda *args, **kwargs: []
        sys.modules["pkg_resources"] = _shim
if not hasattr(np, "trapz"):
    setattr(np, "trapz", np.trapezoid)  # noqa: B010 - removed in numpy 2.4

import pysaliency
from pysaliency import metrics as pm

from cogattn.scanpath import saliency_metrics as sm

H, W = 768, 1024


class _MapModel(pysaliency.SaliencyMapModel):
    def __init__(self, maps):
        super().__init__(caching=False)
        self.maps = maps

    def _saliency_map(self, stimulus):
        return self.maps[int(stimulus[0, 0])]  # the stimulus holds its index


class _DensityModel(pysaliency.Model):
    def __init__(self, log_maps):
        super().__init__(caching=False)
        self.log_maps = log_maps

    def _log_density(self, stimulus):
        return self.log_maps[int(stimulus[0, 0])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--maps", type=int, default=10)
    args = parser.parse_args()
    n = args.maps
    rng = np.random.default_rng(0)
    pred = np.stack([gaussian_filter(rng.random((H, W)), 8) for _ in range(n)])
    human = np.stack([gaussian_filter(rng.random((H, W)) ** 8, 20) for _ in range(n)])
    fx = [
        np.stack([rng.uniform(0, W, 1000), rng.uniform(0, H, 1000)], 1)
        for _ in range(n)
    ]
    dens = pred / pred.sum(axis=(1, 2), keepdims=True)

    stimuli = pysaliency.Stimuli([np.full((H, W), k, np.uint8) for k in range(n)])
    xs = np.concatenate([f[:, 0] for f in fx])
    ys = np.concatenate([f[:, 1] for f in fx])
    ns = np.repeat(np.arange(n), 1000)
    fixations = pysaliency.Fixations.create_without_history(xs, ys, ns)
    map_model = _MapModel(pred)
    dens_model = _DensityModel(np.log(dens))

    def loop(f):
        return np.array([f(k) for k in range(n)])

    cases = [
        (
            "NSS",
            lambda: sm.nss(pred, fx),
            lambda: loop(
                lambda k: pm.NSS(
                    pred[k], fx[k][:, 0].astype(int), fx[k][:, 1].astype(int)
                ).mean()
            ),
        ),
        (
            "CC",
            lambda: sm.cc(pred, human),
            lambda: loop(lambda k: pm.CC(pred[k], human[k])),
        ),
        (
            "KL divergence",
            lambda: sm.kl_divergence(pred, human),
            lambda: loop(lambda k: pm.MIT_KLDiv(pred[k], human[k])),
        ),
        (
            "SIM",
            lambda: sm.sim(pred, human),
            lambda: loop(lambda k: pm.SIM(pred[k], human[k])),
        ),
        (
            "AUC-Judd (no jitter)",
            lambda: sm.auc_judd(pred, fx),
            lambda: np.array(
                map_model.AUC_per_image(
                    stimuli, fixations, nonfixations="unfixated", thresholds="fixations"
                )
            ),
        ),
        (
            "information gain (uniform)",
            lambda: sm.information_gain(dens, fx),
            lambda: np.array(
                [
                    dens_model.information_gain(stimuli, fixations[fixations.n == k])
                    for k in range(n)
                ]
            ),
        ),
    ]
    print(environment())
    print(f"# {n} maps of {H} x {W}, 1000 fixations each; times are per map")
    print(header())
    for name, ours, anchor in cases:
        comp = compare(ours, anchor, repeat=args.repeats, repeat_b=2)
        for attr in ("times_a", "times_b"):
            setattr(comp, attr, [t / n for t in getattr(comp, attr)])
        diff = np.abs(np.asarray(comp.out_a) - np.asarray(comp.out_b)).max()
        print(row(name + " (per map)", comp, f"max abs {diff:.1e}"))


if __name__ == "__main__":
    main()
