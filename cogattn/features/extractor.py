"""A pretrained backbone wrapped for feature extraction at named layers."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

import torch
from torch import nn

from cogattn._core.errors import ValidationError
from cogattn._core.progress import progress_bar
from cogattn._core.validation import check_int
from cogattn.features.images import IMAGENET_MEAN, IMAGENET_STD, as_image_batch

__all__ = ["FeatureExtractor"]


def _split_inner(layer: Any, trunk: nn.Sequential) -> tuple[int, str]:
    """Block index and sub-module path of an inner tap ``"features.i.<path>"``."""
    parts = layer.split(".", 2) if isinstance(layer, str) else []
    if (
        len(parts) != 3
        or parts[0] != "features"
        or not parts[1].isdigit()
        or int(parts[1]) >= len(trunk)
        or not parts[2]
    ):
        raise ValidationError(
            "inner layer names must be 'features.i.<sub-module path>' with "
            f"i < {len(trunk)}, got {layer!r}"
        )
    idx, path = int(parts[1]), parts[2]
    try:
        trunk[idx].get_submodule(path)
    except AttributeError:
        raise ValidationError(
            f"inner layer {layer!r}: features.{idx} "
            f"({type(trunk[idx]).__name__}) has no sub-module {path!r}"
        ) from None
    return idx, path


def _capture(
    store: dict[str, torch.Tensor],
    name: str,
    module: nn.Module,
    inputs: Any,
    output: torch.Tensor,
) -> None:
    """Forward hook: keep a copy of ``output`` under ``name``."""
    store[name] = output.clone()


class FeatureExtractor(nn.Module):
    """Feature maps of a convolutional backbone at named layers, in one forward pass.

    Images go in as floats in [0, 1]; the ImageNet normalisation (mean and std per
    channel) is applied inside. Features are computed without gradients, in eval
    mode, by walking ``backbone.features`` and stopping after the deepest requested
    layer.

    Two kinds of taps exist. *Block taps* ``"features.i"`` are the outputs of the
    trunk's modules. *Inner taps* ``"features.i.<path>"`` are the outputs of a
    sub-module of ``features[i]`` named by its dotted module path (e.g.
    ``"features.6.conv.0"``, the ReLU6 output of the expansion convolution inside
    MobileNetV2's block 6); they are read with a forward hook during the same single
    pass, and copied, so later in-place modules cannot alter them.

    Parameters
    ----------
    backbone : torch.nn.Module
        A network with an ``nn.Sequential`` attribute ``features`` (the convolutional
        trunk) whose ``forward`` returns class logits.
    layers : mapping of str to int
        Tap names ``"features.i"`` in network order, each with its downsampling
        factor (stride of its output relative to the input, in pixels).
    inner_layers : mapping of str to int | None
        Inner taps ``"features.i.<path>"`` (``<path>`` a sub-module of
        ``features[i]``), each with its downsampling factor.
    aliases : mapping of str to str | None
        Readable names for taps (block or inner), e.g. ``{"layer3": "features.6"}``.
    name : str
        Name of the architecture, e.g. ``"mobilenet_v2"``.
    weights : str
        Which weights were loaded (``"imagenet"``, ``"random"`` or a path).
    mean, std : sequence of 3 float
        Per-channel normalisation of images in [0, 1] (R, G, B).

    Attributes
    ----------
    backbone : torch.nn.Module
        The wrapped network.
    layer_names : tuple of str
        The block tap names, shallow to deep (``"features.0"`` ...).
    inner_layer_names : tuple of str
        The inner tap names (``"features.i.<path>"``), as registered.
    aliases : dict of str to str
        Readable names and the tap each one stands for.

    Examples
    --------
    >>> fx = load_backbone("mobilenet_v2", weights="imagenet")  # doctest: +SKIP
    >>> feats = fx.extract(images, ["layer3", "features.13"])  # doctest: +SKIP
    >>> feats["layer3"].shape  # doctest: +SKIP
    torch.Size([8, 32, 28, 28])
    """

    def __init__(
        self,
        backbone: nn.Module,
        layers: Mapping[str, int],
        *,
        inner_layers: Mapping[str, int] | None = None,
        aliases: Mapping[str, str] | None = None,
        name: str = "custom",
        weights: str = "unknown",
        mean: Sequence[float] = IMAGENET_MEAN,
        std: Sequence[float] = IMAGENET_STD,
    ) -> None:
        super().__init__()
        trunk = getattr(backbone, "features", None)
        if not isinstance(trunk, nn.Sequential):
            raise ValidationError(
                "backbone must have an nn.Sequential attribute 'features', got "
                f"{type(trunk).__name__}"
            )
        self.backbone = backbone
        self.name = name
        self.weights = weights
        self._index: dict[str, int] = {}
        self._stride: dict[str, int] = {}
        for layer, stride in layers.items():
            prefix, _, idx = layer.partition(".")
            if prefix != "features" or not idx.isdigit() or int(idx) >= len(trunk):
                raise ValidationError(
                    f"layer names must be 'features.i' with i < {len(trunk)}, got "
                    f"{layer!r}"
                )
            self._index[layer] = int(idx)
            self._stride[layer] = check_int(stride, f"stride of {layer}", low=1)
        self._inner: dict[str, str] = {}
        for layer, stride in (inner_layers or {}).items():
            idx, path = _split_inner(layer, trunk)
            self._index[layer] = idx
            self._inner[layer] = path
            self._stride[layer] = check_int(stride, f"stride of {layer}", low=1)
        self.layer_names: tuple[str, ...] = tuple(layers)
        self.inner_layer_names: tuple[str, ...] = tuple(self._inner)
        self.aliases: dict[str, str] = dict(aliases or {})
        for alias, target in self.aliases.items():
            if target not in self._index:
                raise ValidationError(
                    f"alias {alias!r} points to {target!r}, which is not a layer"
                )
        self._memory_format = torch.contiguous_format
        self.register_buffer(
            "mean", torch.tensor(list(mean), dtype=torch.float32).view(1, 3, 1, 1)
        )
        self.register_buffer(
            "std", torch.tensor(list(std), dtype=torch.float32).view(1, 3, 1, 1)
        )

    # ------------------------------------------------------------------ helpers
    @property
    def device(self) -> torch.device:
        """The device holding the weights."""
        return self.mean.device

    def _resolve(self, layer: Any) -> str:
        if isinstance(layer, str):
            canonical = self.aliases.get(layer, layer)
            if canonical in self._index:
                return canonical
        allowed = ", ".join([*self.layer_names, *self.inner_layer_names, *self.aliases])
        raise ValidationError(
            f"unknown layer {layer!r} for {self.name}; allowed layers are {allowed}"
        )

    def receptive_stride(self, layer: str) -> int:
        """Return the downsampling factor of a layer's output.

        Parameters
        ----------
        layer : str
            A name from :attr:`layer_names`, :attr:`inner_layer_names` or
            :attr:`aliases`.

        Returns
        -------
        stride : int
            Input pixels per feature-map pixel along each axis: an (H, W) image gives
            a map of about (H / stride, W / stride).
        """
        return self._stride[self._resolve(layer)]

    def _batches(
        self, images: Any, batch_size: int | None, min_size: int
    ) -> list[torch.Tensor]:
        x = as_image_batch(images, device=self.device, min_size=min_size)
        if batch_size is None:
            return [x]
        batch_size = check_int(batch_size, "batch_size", low=1)
        return list(torch.split(x, batch_size))

    def _normalise(self, x: torch.Tensor) -> torch.Tensor:
        x = (x - self.mean) / self.std
        return x.contiguous(memory_format=self._memory_format)

    def use_channels_last(self, enabled: bool = True) -> FeatureExtractor:
        """Run the backbone in channels-last (NHWC) memory layout, or back in NCHW.

        Convolutions on CPU run faster on channels-last tensors: MobileNetV2 on
        615x615 search displays, with BatchNorm folded, takes 0.48 times as long as
        the plain network (``benchmarks/bench_features.py``, one thread).
        Results are the same up to float rounding, and :meth:`extract` still
        returns ordinary (NCHW-contiguous) tensors.

        Parameters
        ----------
        enabled : bool
            True for channels-last, False for the default layout.

        Returns
        -------
        self : FeatureExtractor
            This extractor, converted in place.
        """
        fmt = torch.channels_last if enabled else torch.contiguous_format
        for param in self.backbone.parameters():
            if param.ndim == 4:
                param.data = param.data.contiguous(memory_format=fmt)
        self._memory_format = fmt
        return self

    # --------------------------------------------------------------- public API
    def extract(
        self,
        images: Any,
        layers: Sequence[str] | str,
        *,
        batch_size: int | None = None,
        verbose: bool | str | int | None = None,
    ) -> dict[str, torch.Tensor]:
        """Compute feature maps at the requested layers in one forward pass.

        Parameters
        ----------
        images : numpy.ndarray | torch.Tensor
            Float images with values in [0, 1], of shape (B, 3, H, W), (B, H, W, 3)
            or grayscale (B, H, W) (copied to 3 channels). H and W must be at least
            the stride of the deepest requested layer.
        layers : list of str | str
            Names from :attr:`layer_names`, :attr:`inner_layer_names` or
            :attr:`aliases`.
        batch_size : int | None
            Images per forward pass; ``None`` sends the whole batch at once.
        verbose : bool | str | int | None
            Progress bar over the forward passes (``False``: silent; ``None``:
            shown on a terminal when the log level allows it).

        Returns
        -------
        features : dict of str to torch.Tensor
            For each requested name (as given), a float32 tensor of shape
            (B, C, h, w) on :attr:`device`, with h ≈ H / stride and w ≈ W / stride.
        """
        if isinstance(layers, str):
            layers = [layers]
        if not isinstance(layers, Sequence) or len(layers) == 0:
            raise ValidationError(
                f"layers must be a non-empty list of layer names, got {layers!r:.80}"
            )
        wanted = {name: self._resolve(name) for name in layers}
        by_index: dict[int, list[str]] = {}
        for name, canonical in wanted.items():
            by_index.setdefault(self._index[canonical], []).append(name)
        deepest = max(by_index)
        min_size = max(self._stride[c] for c in wanted.values())
        trunk = list(self.backbone.features)[: deepest + 1]
        block_taps = {self._index[c] for c in wanted.values() if c not in self._inner}
        # a block tap followed by an in-place module (e.g. ReLU(inplace=True)) is copied
        copy_at = {
            i for i in block_taps if i < deepest and getattr(trunk[i + 1], "inplace", 0)
        }
        captured: dict[str, torch.Tensor] = {}
        outputs: dict[str, list[torch.Tensor]] = {name: [] for name in wanted}
        was_training = self.training
        self.eval()
        hooks = [
            trunk[self._index[c]]
            .get_submodule(self._inner[c])
            .register_forward_hook(functools.partial(_capture, captured, c))
            for c in dict.fromkeys(wanted.values())
            if c in self._inner
        ]
        try:
            with torch.no_grad():
                chunks = self._batches(images, batch_size, min_size)
                for chunk in progress_bar(
                    chunks, desc=self.name, verbose=verbose, unit="batch"
                ):
                    x = self._normalise(chunk)
                    for i, module in enumerate(trunk):
                        x = module(x)
                        if i in by_index:
                            tap = x.clone() if i in copy_at else x
                            for name in by_index[i]:
                                inner = captured.get(wanted[name])
                                outputs[name].append(tap if inner is None else inner)
                    captured.clear()
        finally:
            for hook in hooks:
                hook.remove()
            self.train(was_training)
        return {
            name: (parts[0] if len(parts) == 1 else torch.cat(parts)).contiguous()
            for name, parts in outputs.items()
        }

    def classify(self, images: Any, *, batch_size: int | None = None) -> torch.Tensor:
        """Compute class logits.

        Parameters
        ----------
        images : numpy.ndarray | torch.Tensor
            Float images in [0, 1] (see :meth:`extract`); ImageNet networks expect
            about 224×224 pixels (see :func:`~cogattn.features.resize_center_crop`).
        batch_size : int | None
            Images per forward pass; ``None`` sends the whole batch at once.

        Returns
        -------
        logits : torch.Tensor of shape (B, n_classes)
            Unnormalised scores (n_classes = 1000 for ImageNet; class names from
            :func:`~cogattn.features.imagenet_labels`).
        """
        min_size = max(self._stride.values())
        was_training = self.training
        self.eval()
        try:
            with torch.no_grad():
                parts = [
                    self.backbone(self._normalise(chunk))
                    for chunk in self._batches(images, batch_size, min_size)
                ]
        finally:
            self.train(was_training)
        return parts[0] if len(parts) == 1 else torch.cat(parts)

    def forward(self, images: Any) -> torch.Tensor:
        """Class logits of images in [0, 1]; same as :meth:`classify`."""
        return self.classify(images)

    def extra_repr(self) -> str:
        """Describe the architecture and weights."""
        return f"name={self.name!r}, weights={self.weights!r}"
