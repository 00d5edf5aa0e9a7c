"""Baseline searchers and the registry of model variants.

Every variant shares the winner-take-all and inhibition-of-return loop of
:func:`cogattn.search.wta_ior.run_search`; they differ only in the attention map:

``eccnet``
    :class:`~cogattn.search.model.EccentricitySearchModel` (eccentricity pooling,
    cosine similarity, the backbone's default layers).
``eccnet_three_layers``
    The same with eccNET's three-stage mix of layers (strides 8, 16 and 32 on
    MobileNetV2, :data:`~cogattn.search.model.THREE_STAGE_LAYERS`).
``eccnet_efficientnet``
    The main model on another ImageNet CNN, EfficientNet-Lite0 (its final ReLU6
    map, stride 32): how much of each asymmetry belongs to the backbone.
``no_eccentricity``
    The main model without eccentricity pooling (uniform resolution).
``ivsn``
    IVSN-like (Zhang et al. 2018): only the deepest layer, uniform resolution, and
    IVSN's raw (dot-product) correlation of the target's features with the scene's.
``pixel_matching``
    Normalised cross-correlation of the target image with the raw scene.
``saliency``
    Target-blind bottom-up saliency (spectral residual, Hou & Zhang 2007).
``chance``
    Items visited in a random (seeded) order.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

import torch

from cogattn._core.device import resolve_device
from cogattn._core.errors import ValidationError
from cogattn._core.seeding import check_random_state
from cogattn._core.validation import check_int, check_option, check_positive
from cogattn.search.matching_saliency_maps import (
    normalized_cross_correlation,
    spectral_residual_saliency,
)
from cogattn.search.model import (
    DEFAULT_LAYERS,
    THREE_STAGE_LAYERS,
    EccentricitySearchModel,
)
from cogattn.search.model_inputs import check_search_inputs
from cogattn.search.wta_ior import SearchResult, item_label_map, run_search

__all__ = [
    "VARIANTS",
    "ChanceSearch",
    "PixelMatchingSearch",
    "SaliencySearch",
    "make_search_model",
]

#: Names of the model variants, the main model first.
VARIANTS: tuple[str, ...] = (
    "eccnet",
    "eccnet_three_layers",
    "eccnet_efficientnet",
    "no_eccentricity",
    "ivsn",
    "pixel_matching",
    "saliency",
    "chance",
)


class _MapSearch(ABC):
    """A searcher whose attention map does not depend on the fixation."""

    def __init__(self, device: Any = None, max_fixations: int | None = None) -> None:
        self.device = device
        self.max_fixations = max_fixations

    @abstractmethod
    def _maps(self, x, device: torch.device) -> torch.Tensor:
        """Return the attention maps of a batch, shape (n_trials, H, W)."""

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
            Search images, float in [0, 1].
        target : array of shape (th, tw) or (n_trials, th, tw)
            The target image, float in [0, 1], no larger than the images.
        target_masks : array of shape (n_trials, H, W), bool
            Pixels of the target in each image.
        item_boxes : array of shape (n_trials, set_size, 4), int
            Item boxes (row0, col0, row1, col1) in pixels, end-exclusive.
        verbose : bool | str | int | None
            Progress bar over fixations (``False``: silent; ``None``: shown on a
            terminal when the log level allows it).

        Returns
        -------
        result : SearchResult
        """
        device = resolve_device(self.device, images, target)
        if self.max_fixations is not None:
            check_int(self.max_fixations, "max_fixations", low=1)
        x = check_search_inputs(images, target, target_masks, item_boxes, device)
        maps = self._maps(x, device)
        return run_search(
            maps,
            x.target_masks,
            x.item_boxes,
            max_fixations=self.max_fixations,
            verbose=verbose,
        )


class PixelMatchingSearch(_MapSearch):
    """Search guided by template matching of the target on the raw image.

    The attention map is the normalised cross-correlation of the (grey) target image
    with the window centred on each pixel.

    Parameters
    ----------
    device : str | torch.device | None
        Torch device; ``None`` follows tensor inputs, else the current backend
        (CUDA only under ``"torch_cuda"``), see
        :func:`cogattn._core.device.resolve_device`.
    max_fixations : int | None
        Fixations allowed after the central one; default ``set_size + 1``.
    """

    def _maps(self, x, device: torch.device) -> torch.Tensor:
        return normalized_cross_correlation(x.grey, x.grey_targets)


class SaliencySearch(_MapSearch):
    """Target-blind search guided by spectral-residual saliency (Hou & Zhang 2007).

    Parameters
    ----------
    device : str | torch.device | None
        Torch device; ``None`` follows tensor inputs, else the current backend
        (CUDA only under ``"torch_cuda"``), see
        :func:`cogattn._core.device.resolve_device`.
    max_fixations : int | None
        Fixations allowed after the central one; default ``set_size + 1``.
    width : int
        Width in pixels of the reduced image on which saliency is computed.
    sigma : float
        Gaussian smoothing at the reduced size, in pixels.
    """

    def __init__(
        self,
        device: Any = None,
        max_fixations: int | None = None,
        width: int = 64,
        sigma: float = 2.5,
    ) -> None:
        super().__init__(device, max_fixations)
        self.width = width
        self.sigma = sigma

    def _maps(self, x, device: torch.device) -> torch.Tensor:
        width = check_int(self.width, "width", low=8)
        sigma = check_positive(self.sigma, "sigma", strict=False)
        return spectral_residual_saliency(x.grey, width=width, sigma=sigma)


class ChanceSearch(_MapSearch):
    """Items fixated in a uniformly random order.

    Parameters
    ----------
    device : str | torch.device | None
        Torch device; ``None`` follows tensor inputs, else the current backend
        (CUDA only under ``"torch_cuda"``), see
        :func:`cogattn._core.device.resolve_device`.
    max_fixations : int | None
        Fixations allowed after the central one; default ``set_size + 1``.
    random_state : int | numpy.random.Generator | None
        Seed of the random item order: an int gives the same order on every call
        of :meth:`search`, a generator advances from call to call, ``None`` draws
        fresh OS entropy.
    """

    def __init__(
        self,
        device: Any = None,
        max_fixations: int | None = None,
        random_state: Any = None,
    ) -> None:
        super().__init__(device, max_fixations)
        self.random_state = random_state

    def _maps(self, x, device: torch.device) -> torch.Tensor:
        rng = check_random_state(self.random_state)
        n, set_size = x.item_boxes.shape[:2]
        values = torch.from_numpy(rng.random((n, set_size + 1))).to(device)
        values[:, set_size] = 0.0
        labels = item_label_map(x.item_boxes, x.shape)
        slot = torch.where(labels >= 0, labels, set_size).reshape(n, -1)
        return torch.gather(values, 1, slot).reshape(n, *x.shape)


def make_search_model(variant: str, *, random_state: Any = None, **kwargs: Any) -> Any:
    """Build the searcher of one model variant.

    Parameters
    ----------
    variant : str
        One of :data:`VARIANTS`.
    random_state : int | numpy.random.Generator | None
        Seed of the ``chance`` variant (ignored by the others).
    **kwargs
        Passed to the searcher (e.g. ``device``, ``max_fixations``; for the
        network variants also ``backbone``, ``weights``).

    Returns
    -------
    model : object
        Has ``search(images, target, target_masks, item_boxes) -> SearchResult``.
    """
    check_option(variant, VARIANTS, "variant")
    if variant == "eccnet":
        return EccentricitySearchModel(**kwargs)
    if variant == "eccnet_three_layers":
        backbone = kwargs.get("backbone", "mobilenet_v2")
        if "layers" not in kwargs and isinstance(backbone, str):
            if backbone not in THREE_STAGE_LAYERS:
                raise ValidationError(
                    f"backbone {backbone!r} has no three-stage layers; pass layers "
                    f"(backbones with them: {', '.join(THREE_STAGE_LAYERS)})"
                )
            kwargs["layers"] = THREE_STAGE_LAYERS[backbone]
        return EccentricitySearchModel(**kwargs)
    if variant == "eccnet_efficientnet":
        if "backbone" in kwargs:
            raise ValidationError(
                "variant 'eccnet_efficientnet' fixes the backbone "
                "(efficientnet_lite0); use variant 'eccnet' with backbone="
                f"{kwargs['backbone']!r} instead"
            )
        return EccentricitySearchModel(backbone="efficientnet_lite0", **kwargs)
    if variant == "no_eccentricity":
        return EccentricitySearchModel(eccentricity=False, **kwargs)
    if variant == "ivsn":
        backbone = kwargs.get("backbone", "mobilenet_v2")
        layers = kwargs.pop("layers", None)
        if layers is None and isinstance(backbone, str) and backbone in DEFAULT_LAYERS:
            layers = DEFAULT_LAYERS[backbone][-1:]
        slopes = None if layers is None else (0.0,) * len(layers)
        kwargs.setdefault("similarity", "dot")
        return EccentricitySearchModel(
            eccentricity=False, layers=layers, slopes=slopes, **kwargs
        )
    if variant == "pixel_matching":
        return PixelMatchingSearch(**kwargs)
    if variant == "saliency":
        return SaliencySearch(**kwargs)
    return ChanceSearch(random_state=random_state, **kwargs)
