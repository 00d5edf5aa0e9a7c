"""Feature extraction: cogattn's one-pass early-stopping walk vs forward hooks.

The anchor is the usual plain-torch recipe for reading intermediate layers: forward
hooks on the wanted modules and a full forward pass of the same network (what
``torchvision.models.feature_extraction`` and hook-based toolboxes do), with the
ImageNet normalisation done by hand. Both run the same MobileNetV2 weights on the
same images, in one process; ``max_abs_diff`` compares the feature maps. The last
row times the search model's backbone set-up (BatchNorm folded, channels-last layout
on CPU) on 615 x 615 search displays against the same hooked plain network, at the
three-stage taps of :data:`cogattn.search.model.THREE_STAGE_LAYERS`.

Usage::

    python benchmarks/bench_features.py            # 32 images of 224 x 224
    python benchmarks/bench_features.py --small    # 4 images, runs in seconds
    python benchmarks/bench_features.py --device cuda
    python benchmarks/bench_features.py --threads 1 --n 16   # on a busy machine
    python benchmarks/bench_features.py --backbone efficientnet_lite0

Timing follows ``benchmarks/_timing.py`` (warm, interleaved, median and minimum, load
average and threads); ``ratio`` is anchor time over cogattn time.
"""

from __future__ import annotations

import argparse

import torch
from _timing import Comparison, compare, environment, header, row

from cogattn.features import load_backbone
from cogattn.features.images import IMAGENET_MEAN, IMAGENET_STD


def sync(device):
    if str(device).startswith("cuda"):
        torch.cuda.synchronize()


def timed_pair(fn_a, fn_b, repeat, device) -> Comparison:
    """Warm, interleaved timings of two functions (synchronised on CUDA)."""

    def synced(fn):
        def call():
            out = fn()
            sync(device)
            return out

        return call

    return compare(synced(fn_a), synced(fn_b), repeat=repeat)


def hooked_forward(model, images, layers, device):
    mean = torch.tensor(IMAGENET_MEAN, device=device).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_STD, device=device).view(1, 3, 1, 1)
    store = {}
    modules = dict(model.named_modules())
    hooks = [
        modules[name].register_forward_hook(
            lambda m, i, o, name=name: store.__setitem__(name, o)
        )
        for name in layers
    ]
    try:
        with torch.no_grad():
            model((images.to(device) - mean) / std)
    finally:
        for h in hooks:
            h.remove()
    return store


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--small", action="store_true")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--n", type=int, default=32, help="number of images")
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads")
    ap.add_argument(
        "--backbone",
        default="mobilenet_v2",
        choices=("mobilenet_v2", "efficientnet_lite0"),
    )
    args = ap.parse_args()
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    n = 4 if args.small else args.n
    from cogattn.search.model import THREE_STAGE_LAYERS

    fx = load_backbone(
        args.backbone, weights="random", device=args.device, random_state=0
    )
    final = fx.aliases["final"]
    images = torch.rand(n, 3, 224, 224, generator=torch.Generator().manual_seed(0))
    print(environment())
    print(
        f"# case: {args.backbone}, {n} images of 224 x 224, device {args.device}, "
        f"{args.repeat} interleaved runs"
    )
    cases = {
        "extract layer2..4": ["features.3", "features.6", "features.13"],
        f"extract {final}": [final],
        "extract features.3": ["features.3"],
    }
    print(header())
    for name, layers in cases.items():
        comp = timed_pair(
            lambda ls=layers: fx.extract(images, ls),
            lambda ls=layers: hooked_forward(fx.backbone, images, ls, args.device),
            args.repeat,
            args.device,
        )
        ours, ref = comp.out_a, comp.out_b
        diff = max(float((ours[k] - ref[k]).abs().max()) for k in layers)
        print(row(f"{name} vs hooks", comp, f"max abs diff {diff:.2e}"))

    def plain_classify():
        with torch.no_grad():
            return fx.backbone((images.to(args.device) - fx.mean) / fx.std)

    comp = timed_pair(
        lambda: fx.classify(images), plain_classify, args.repeat, args.device
    )
    diff = float((comp.out_a - comp.out_b).abs().max())
    print(row("classify vs plain forward", comp, f"max abs diff {diff:.2e}"))

    # the search model's backbone: BatchNorm folded, channels-last on CPU, on
    # search displays (20.5 deg at 30 px/deg), against the hooked plain network
    from cogattn.features.fusion import fuse_batchnorm

    fast = fuse_batchnorm(fx)
    if args.device == "cpu":
        fast.use_channels_last()
    m = 2 if args.small else max(1, n // 4)
    displays = torch.rand(m, 3, 615, 615, generator=torch.Generator().manual_seed(1))
    layers = [fx.aliases.get(t, t) for t in THREE_STAGE_LAYERS[args.backbone]]
    comp = timed_pair(
        lambda: fast.extract(displays, layers),
        lambda: hooked_forward(fx.backbone, displays, layers, args.device),
        args.repeat,
        args.device,
    )
    ours, ref = comp.out_a, comp.out_b
    diff = max(float((ours[k] - ref[k]).abs().max()) for k in layers)
    print(row(f"search {m}x615x615 vs hooks", comp, f"max abs diff {diff:.2e}"))


if __name__ == "__main__":
    main()
