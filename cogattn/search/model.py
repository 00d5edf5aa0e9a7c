"""The eccentricity-dependent visual search model (eccNET, adapted to MobileNetV2).

eccNET (Gupta, Zhang, Wu, Wolfe & Kreiman 2021) searches an object array for a
target image: the target and the scene go through an ImageNet-trained CNN; at every
fixation the scene's feature maps are pooled with windows that grow with eccentricity
from the fixation (:mod:`cogattn.search.pooling`); the target's features at the same
layers are correlated with them (:mod:`cogattn.search.topdown`); the mixed attention
map picks the next fixation by winner-take-all, and inhibition of return removes the
fixated item (:mod:`cogattn.search.wta_ior`).

Adaptation. eccNET uses VGG16's conv3_3, conv4_3 and conv5_3 *after ReLU* (strides 4,
8 and 16 at 30 px/degree). VGG16 has no offline weights here, so the default backbone
is torchvision's ImageNet MobileNetV2. Its block outputs (``features.6``,
``features.13``, ``features.17``) are linear bottlenecks: signed, and with few
channels (32, 96, 320). The taps here are post-activation maps instead, like
eccNET's: the ReLU6 outputs read right after the last block of each of the stride-8,
16 and 32 stages, namely the 1x1 expansions of the next blocks (``features.7.expand``
= ``features.7.conv.0``, 192 channels at stride 8; ``features.14.expand`` =
``features.14.conv.0``, 576 channels at stride 16) and the final 1x1 convolution
(``final`` = ``features.18``, 1280 channels at stride 32); see
:data:`~cogattn.features.mobilenet_v2.MOBILENET_V2_INNER_STRIDES`. Each keeps the
eccNET slope of its depth (0.07, 0.16, 0.32, shallow to deep) and its own
``deg2px = 30 / stride`` feature pixels per degree.

Layers. eccNET mixes three stages (:data:`THREE_STAGE_LAYERS`, the
``eccnet_three_layers`` variant). The default (:data:`DEFAULT_LAYERS`) is the
deepest map alone, as in IVSN, with eccNET's eccentricity pooling: on MobileNetV2 the
shallower two stages reverse the configural asymmetries.

Backbone. MobileNetV2 is the default; EfficientNet-Lite0 (``efficientnet_lite0``,
the other ImageNet network with offline weights) has the same taps (``final``, and
:data:`THREE_STAGE_LAYERS`).

Kernel. eccNET takes the target's feature patch at the target image's own alignment
with the stride grid; display items fall anywhere on that grid, and at stride 32 the
patch changes with the alignment. The kernel here is the mean of the target's patches
at ``kernel_phases`` positions per axis over the coarsest stride (4: 16 positions, 8
pixels apart): with ``P = kernel_phases`` and shifts ``a, b`` in
``{0, s / P, ..., (P - 1) s / P}`` (``s`` the coarsest stride),
``K = (1 / P^2) sum_{a, b} crop(f(shift_{a, b}(target)))``.

Similarity. eccNET correlates the raw VGG16 features of the target with the scene's.
On MobileNetV2 the raw correlation is dominated by what every item (and the blank
background) shares. The default top-down map is therefore the cosine similarity
between the target's features and each window of the scene's pooled features
(normalised cross-correlation in feature space, ``similarity="cosine"``:
``<K, W> / (||K|| ||W||)`` for kernel ``K`` and window ``W``), which puts every layer
on the same [0, 1] scale (layers are then weighted by their peak similarity). The raw
correlation is ``similarity="dot"``, weighted by peak over the target's self-response
(``layer_weighting="self"``) or by raw peak (``"max"``, eccNET).

The measured results behind these choices (per layer, backbone, kernel and
similarity) are in the user guide, ``docs/index.md``, section "Search model: measured
results behind the design choices".
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from cogattn._core.device import resolve_device
from cogattn._core.errors import ValidationError
from cogattn._core.validation import (
    check_int,
    check_option,
    check_positive,
    validate_type,
)
from cogattn.features.extractor import FeatureExtractor
from cogattn.search.model_inputs import SearchInputs, check_search_inputs
from cogattn.search.pooling import ECCNET_SLOPES
from cogattn.search.topdown import (
    PooledCorrelation,
    combine_layers,
    correlate,
    cosine_correlate,
    self_response,
)
from cogattn.search.wta_ior import SearchResult, run_search

__all__ = [
    "DEFAULT_LAYERS",
    "THREE_STAGE_LAYERS",
    "EccentricitySearchModel",
    "target_kernels",
]

#: Default taps of each backbone: the deepest post-activation map (stride 32).
DEFAULT_LAYERS: dict[str, tuple[str, ...]] = {
    "mobilenet_v2": ("final",),
    "efficientnet_lite0": ("final",),
}

#: eccNET's three-stage mix on each backbone: post-activation (ReLU6) maps at strides
#: 8, 16 and 32 (the ``eccnet_three_layers`` variant).
THREE_STAGE_LAYERS: dict[str, tuple[str, ...]] = {
    "mobilenet_v2": ("features.7.expand", "features.14.expand", "final"),
    "efficientnet_lite0": ("features.6.expand", "features.12.expand", "final"),
}


@functools.lru_cache(maxsize=4)
def _cached_backbone(name: str, weights: str, device: str) -> Any:
    from cogattn.features import load_backbone
    from cogattn.features.fusion import fuse_batchnorm

    fused = fuse_batchnorm(load_backbone(name, weights=weights, device=device))
    if torch.device(device).type == "cpu":  # faster CPU convolutions
        fused.use_channels_last()
    return fused


def _border_value(img: torch.Tensor) -> torch.Tensor:
    """Median of the outermost pixels of each (…, h, w) image, shape (…, 1, 1)."""
    border = torch.cat(
        [img[..., 0, :], img[..., -1, :], img[..., :, 0], img[..., :, -1]], -1
    )
    return border.median(-1).values[..., None, None]


def target_kernels(
    extractor: Any,
    targets: torch.Tensor,
    layers: Sequence[str],
    *,
    context_px: int = 32,
    phases: int = 1,
) -> list[torch.Tensor]:
    """Feature patches of the target at each layer, to correlate with the scene.

    The target image is placed on a canvas of its own background (the median of its
    border) with at least ``context_px`` pixels on every side, passed through the
    backbone, and each layer's map is cropped around the target's centre to an odd
    size ``2 * floor(size / (2 * stride)) + 1`` feature pixels per axis.

    Where the target falls on a layer's stride grid changes its feature patch, and
    the items of a display fall anywhere on it. With ``phases > 1`` the target is
    placed at ``phases`` offsets per axis, spread evenly over the coarsest layer's
    stride (``phases ** 2`` positions), and each layer's kernel is the mean of its
    patches: a template that does not depend on the target's sub-stride position.

    Parameters
    ----------
    extractor : FeatureExtractor
        Anything with ``extract(images, layers)`` and ``receptive_stride(layer)``.
    targets : torch.Tensor of shape (m, th, tw) or (m, 3, th, tw)
        Target images in [0, 1].
    layers : sequence of str
        Layer names.
    context_px : int
        Background margin around the target, in image pixels.
    phases : int
        Target positions per axis over the coarsest stride (1: the target's own
        alignment only, as in eccNET); at most one per pixel of that stride.

    Returns
    -------
    kernels : list of torch.Tensor of shape (m, C_l, kh_l, kw_l)
        ``m = 1`` when every target image is the same (one shared kernel); the
        backbone sees each distinct target image once per position.
    """
    if targets.shape[0] > 1:  # backbone passes only for distinct target images
        flat = targets.reshape(targets.shape[0], -1)
        unique, inverse = torch.unique(flat, dim=0, return_inverse=True)
        if unique.shape[0] < targets.shape[0]:
            kernels = target_kernels(
                extractor,
                unique.reshape(-1, *targets.shape[1:]),
                layers,
                context_px=context_px,
                phases=phases,
            )
            if unique.shape[0] == 1:  # one kernel, shared by every trial
                return kernels
            return [k[inverse] for k in kernels]
    th, tw = targets.shape[-2:]
    coarsest = max(extractor.receptive_stride(layer) for layer in layers)
    phases = check_int(phases, "phases", low=1)
    phases = min(phases, coarsest)
    shifts = [(j * coarsest) // phases for j in range(phases)]  # evenly in [0, stride)
    span = shifts[-1]
    offsets = [(dr, dc) for dr in shifts for dc in shifts]
    bg = _border_value(targets)
    m = targets.shape[0]
    per_pass = max(1, 64 // m)  # target positions per backbone pass
    totals: list[Any] = [0] * len(layers)
    for first in range(0, len(offsets), per_pass):
        group = offsets[first : first + per_pass]
        canvas = torch.cat(
            [
                F.pad(
                    targets - bg,
                    (
                        context_px + dc,
                        context_px + span - dc,
                        context_px + dr,
                        context_px + span - dr,
                    ),
                )
                + bg
                for dr, dc in group
            ]
        )
        feats = extractor.extract(canvas, list(layers))
        for i, layer in enumerate(layers):
            s = extractor.receptive_stride(layer)
            kh = 2 * (th // (2 * s)) + 1
            kw = 2 * (tw // (2 * s)) + 1
            for j, (dr, dc) in enumerate(group):
                fmap = feats[layer][j * m : (j + 1) * m]
                cr = round((context_px + dr + th / 2.0) / s - 0.5)
                cc = round((context_px + dc + tw / 2.0) / s - 0.5)
                cr = min(max(cr, kh // 2), fmap.shape[-2] - 1 - kh // 2)
                cc = min(max(cc, kw // 2), fmap.shape[-1] - 1 - kw // 2)
                totals[i] = (
                    totals[i]
                    + fmap[
                        ...,
                        cr - kh // 2 : cr + kh // 2 + 1,
                        cc - kw // 2 : cc + kw // 2 + 1,
                    ]
                )
    return [t / len(offsets) for t in totals]


class EccentricitySearchModel:
    """Target-guided visual search with eccentricity-dependent pooling (eccNET).

    Parameters
    ----------
    backbone : str or FeatureExtractor
        Backbone name for :func:`cogattn.features.load_backbone`, or a ready
        extractor (anything with ``extract`` and ``receptive_stride``).
    weights : str
        ``"imagenet"``, ``"random"`` or a path (ignored for a ready extractor).
    layers : sequence of str | None
        Layers whose top-down maps are mixed, shallow to deep; default
        :data:`DEFAULT_LAYERS` of the backbone (all taps of a custom extractor).
    eccentricity : bool
        Whether to pool the scene's features with eccentricity from each fixation;
        False gives a uniform-resolution model (computed once per trial).
    device : str | torch.device | None
        Torch device. ``None`` follows the tensor inputs (images, target) when
        they are tensors, else the current backend
        (:func:`cogattn._core.backend.get_backend`): CUDA only under
        ``"torch_cuda"``, else the CPU. (Earlier versions took CUDA whenever it
        was available; use ``device="cuda"`` or the ``"torch_cuda"`` backend for
        that.) ``"cuda"`` on a machine without CUDA raises
        :class:`~cogattn.BackendError`.
    max_fixations : int | None
        Fixations allowed after the central one; default ``set_size + 1``.
    slopes : sequence of float | None
        Eccentricity slope per layer; default eccNET's last ``len(layers)`` slopes.
    px_per_degree : float
        Image pixels per degree of visual angle (stimuli: 30).
    smooth_deg : float
        Sigma of the Gaussian smoothing of the attention map, in degrees.
    context_px : int
        Background margin around the target when its features are computed.
    kernel_phases : int
        Target positions per axis over the coarsest layer's stride whose feature
        patches are averaged into the kernel (:func:`target_kernels`); 1 keeps the
        target's own alignment (eccNET).
    batch_size : int
        Images per backbone forward pass.
    layer_weighting : {"self", "max"}
        How the layers' maps are weighted before mixing: by their maximal response
        divided by the target's self-response at the layer (``"self"``: a common
        scale across layers) or by the raw maximal response (``"max"``, eccNET).
    similarity : {"cosine", "dot"}
        Top-down map of each layer: cosine similarity of the target's features with
        each window of the scene's (pooled) features, or their raw correlation
        (eccNET). ``layer_weighting`` applies to ``"dot"``; cosine maps are
        weighted by their peak similarity.
    """

    def __init__(
        self,
        backbone: Any = "mobilenet_v2",
        weights: str = "imagenet",
        layers: Sequence[str] | None = None,
        eccentricity: bool = True,
        device: Any = None,
        max_fixations: int | None = None,
        slopes: Sequence[float] | None = None,
        px_per_degree: float = 30.0,
        smooth_deg: float = 0.25,
        context_px: int = 32,
        kernel_phases: int = 4,
        batch_size: int = 16,
        layer_weighting: str = "self",
        similarity: str = "cosine",
    ) -> None:
        self.backbone = backbone
        self.weights = weights
        self.layers = layers
        self.eccentricity = eccentricity
        self.device = device
        self.max_fixations = max_fixations
        self.slopes = slopes
        self.px_per_degree = px_per_degree
        self.smooth_deg = smooth_deg
        self.context_px = context_px
        self.kernel_phases = kernel_phases
        self.batch_size = batch_size
        self.layer_weighting = layer_weighting
        self.similarity = similarity
        self._kernel_cache: dict[tuple, list[torch.Tensor]] = {}
        self._kernel_owner: Any = None
        self._kernel_cache_size = 256

    # ------------------------------------------------------------------ set-up
    def _setup(
        self, *inputs: Any
    ) -> tuple[Any, tuple[str, ...], tuple[float, ...], torch.device]:
        device = resolve_device(self.device, *inputs)
        validate_type(self.eccentricity, bool, "eccentricity")
        check_positive(self.px_per_degree, "px_per_degree")
        check_positive(self.smooth_deg, "smooth_deg", strict=False)
        check_int(self.context_px, "context_px", low=0)
        check_int(self.kernel_phases, "kernel_phases", low=1)
        check_int(self.batch_size, "batch_size", low=1)
        check_option(self.layer_weighting, ("self", "max"), "layer_weighting")
        check_option(self.similarity, ("dot", "cosine"), "similarity")
        if self.max_fixations is not None:
            check_int(self.max_fixations, "max_fixations", low=1)
        if isinstance(self.backbone, str):
            if self.backbone not in DEFAULT_LAYERS and self.layers is None:
                raise ValidationError(
                    f"backbone {self.backbone!r} has no default layers; pass layers "
                    f"(backbones with defaults: {', '.join(DEFAULT_LAYERS)})"
                )
            validate_type(self.weights, "str", "weights")
            extractor = _cached_backbone(self.backbone, self.weights, str(device))
        else:
            if not hasattr(self.backbone, "extract"):
                raise ValidationError(
                    "backbone must be a backbone name or a feature extractor with "
                    "extract() and receptive_stride(), got "
                    f"{type(self.backbone).__name__}"
                )
            extractor = self.backbone
        layers = self.layers
        if layers is None:
            layers = DEFAULT_LAYERS.get(getattr(extractor, "name", ""), None)
            if layers is None:  # a custom extractor: all of its taps
                layers = tuple(getattr(extractor, "layer_names", ()))
        if isinstance(layers, str) or len(layers) == 0:
            raise ValidationError(f"layers must be a non-empty list, got {layers!r}")
        layers = tuple(layers)
        for layer in layers:
            extractor.receptive_stride(layer)  # raises for unknown layers
        slopes = self.slopes
        if slopes is None:
            if len(layers) > len(ECCNET_SLOPES):
                raise ValidationError(
                    f"give slopes for {len(layers)} layers (eccNET has "
                    f"{len(ECCNET_SLOPES)})"
                )
            slopes = ECCNET_SLOPES[len(ECCNET_SLOPES) - len(layers) :]
        slopes = tuple(check_positive(s, "slopes", strict=False) for s in slopes)
        if len(slopes) != len(layers):
            raise ValidationError(
                f"slopes must hold one value per layer ({len(layers)}), "
                f"got {len(slopes)}"
            )
        return extractor, layers, slopes, device

    def _kernels(
        self, extractor: Any, targets: torch.Tensor, layers: tuple[str, ...]
    ) -> list[torch.Tensor]:
        """:func:`target_kernels` of ``targets``, each distinct image computed once.

        Kernels are kept per target image (its shape and pixels; and layers,
        context and phases) while the backbone stays the same object, so the cells
        of an experiment that search for the same items do not pass them through the
        backbone again.
        """
        flat = targets.reshape(targets.shape[0], -1)
        unique, inverse = torch.unique(flat, dim=0, return_inverse=True)
        if extractor is not self._kernel_owner:  # kernels of another backbone
            self._kernel_cache.clear()
            self._kernel_owner = extractor
        setting = (layers, self.context_px, self.kernel_phases, *targets.shape[1:])
        keys = [
            (*setting, hashlib.sha1(u.cpu().numpy().tobytes()).hexdigest())
            for u in unique
        ]
        missing = [i for i, key in enumerate(keys) if key not in self._kernel_cache]
        if missing:
            if len(self._kernel_cache) + len(missing) > self._kernel_cache_size:
                self._kernel_cache.clear()
            new = target_kernels(
                extractor,
                unique[missing].reshape(-1, *targets.shape[1:]),
                layers,
                context_px=self.context_px,
                phases=self.kernel_phases,
            )
            for j, i in enumerate(missing):
                self._kernel_cache[keys[i]] = [k[j : j + 1] for k in new]
        per_image = [self._kernel_cache[key] for key in keys]
        stacked = [torch.cat(ks) for ks in zip(*per_image, strict=True)]
        if unique.shape[0] == 1:  # one kernel, shared by every trial
            return stacked
        return [k[inverse] for k in stacked]

    def _features(
        self,
        extractor: Any,
        x: SearchInputs,
        layers: tuple[str, ...],
        verbose: bool | str | int | None = False,
    ):
        kwargs: dict[str, Any] = {"batch_size": self.batch_size}
        if isinstance(extractor, FeatureExtractor):  # custom ones may lack verbose
            kwargs["verbose"] = verbose
        feats = extractor.extract(x.images, list(layers), **kwargs)
        kernels = self._kernels(extractor, x.targets, layers)
        return [feats[layer] for layer in layers], kernels

    def _attention_fn(
        self,
        extractor: Any,
        x: SearchInputs,
        layers,
        slopes,
        verbose: bool | str | int | None = False,
    ):
        maps, kernels = self._features(extractor, x, layers, verbose)
        strides = [extractor.receptive_stride(layer) for layer in layers]
        finest = min(strides)
        smooth = self.smooth_deg * self.px_per_degree / finest
        shape = x.shape
        energy = None
        cosine = self.similarity == "cosine"
        # cosine maps need no self-response: every kernel's similarity to itself is 1
        if self.layer_weighting == "self" and not cosine:
            energy = [self_response(k) for k in kernels]
        if not self.eccentricity:
            corr = cosine_correlate if cosine else correlate
            resp = [corr(m, k) for m, k in zip(maps, kernels, strict=True)]
            return combine_layers(resp, shape, smooth_px=smooth, self_responses=energy)
        layer_fns = [
            PooledCorrelation(
                m, k, s, sl, px_per_degree=self.px_per_degree, cosine=cosine
            )
            for m, k, s, sl in zip(maps, kernels, strides, slopes, strict=True)
        ]

        def attention(fix: torch.Tensor, idx: torch.Tensor) -> torch.Tensor:
            resp = [f(fix, idx) for f in layer_fns]
            ref = None
            if energy is not None:
                ref = [e if e.shape[0] == 1 else e[idx] for e in energy]
            return combine_layers(resp, shape, smooth_px=smooth, self_responses=ref)

        return attention

    # --------------------------------------------------------------- public API
    def attention_maps(
        self,
        images: Any,
        target: Any,
        fixations: Any | None = None,
    ) -> np.ndarray:
        """Top-down attention maps for given fixations (for inspection and figures).

        Parameters
        ----------
        images : array of shape (n, H, W) or (n, 3, H, W)
            Search images in [0, 1].
        target : array of shape (th, tw) or (n, th, tw)
            Target image(s) in [0, 1].
        fixations : array of shape (n, 2) | None
            Current fixation (row, col) in pixels; default the image centre.

        Returns
        -------
        maps : numpy.ndarray of shape (n, H, W)
            Attention in [0, 1] (before inhibition of return).
        """
        extractor, layers, slopes, device = self._setup(images, target)
        imgs = np.asarray(images)
        n, h, w = imgs.shape[0], imgs.shape[-2], imgs.shape[-1]
        masks = np.zeros((n, h, w), bool)
        boxes = np.tile(np.array([[[0, 0, h, w]]]), (n, 1, 1))
        x = check_search_inputs(images, target, masks, boxes, device)
        att = self._attention_fn(extractor, x, layers, slopes)
        if isinstance(att, torch.Tensor):
            return att.cpu().numpy()
        if fixations is None:
            fixations = np.tile([[h // 2, w // 2]], (n, 1))
        fix = torch.as_tensor(np.asarray(fixations), device=device)
        if fix.shape != (n, 2):
            raise ValidationError(
                f"fixations must have shape ({n}, 2), got {fix.shape}"
            )
        return att(fix, torch.arange(n, device=device)).cpu().numpy()

    def search(
        self,
        images: Any,
        target: Any,
        target_masks: Any,
        item_boxes: Any,
        *,
        verbose: bool | str | int | None = None,
    ) -> SearchResult:
        """Search each image for the target.

        Parameters
        ----------
        images : array of shape (n_trials, H, W) or (n_trials, 3, H, W)
            Search images, float in [0, 1] (30 px per degree by default).
        target : array of shape (th, tw) or (n_trials, th, tw)
            The target image, float in [0, 1], no larger than the images.
        target_masks : array of shape (n_trials, H, W), bool
            Pixels of the target in each image.
        item_boxes : array of shape (n_trials, set_size, 4), int
            Item boxes (row0, col0, row1, col1) in pixels, end-exclusive.
        verbose : bool | str | int | None
            Progress bars over the backbone's batches and over fixations
            (``False``: silent; ``None``: shown on a terminal when the log level
            allows it).

        Returns
        -------
        result : SearchResult
            Fixations (the first at the centre), number of fixations until the
            target was found (not found: ``set_size``) and whether it was found.
        """
        extractor, layers, slopes, device = self._setup(images, target)
        x = check_search_inputs(images, target, target_masks, item_boxes, device)
        attention = self._attention_fn(extractor, x, layers, slopes, verbose)
        return run_search(
            attention,
            x.target_masks,
            x.item_boxes,
            max_fixations=self.max_fixations,
            verbose=verbose,
        )
