"""VGG-16 (configuration D, no batch norm) in plain torch, with torchvision's names.

Simonyan & Zisserman (2015), "Very Deep Convolutional Networks for Large-Scale Image
Recognition". Thirteen 3×3 convolutions with ReLU in five blocks separated by 2×2 max
pooling (``features.0`` .. ``features.30``), adaptive average pooling to 7×7 and three
fully connected layers (``classifier.0``, ``classifier.3``, ``classifier.6``). Module
names match torchvision's ``vgg16``, so its checkpoints load with ``strict=True``.
"""

from __future__ import annotations

import torch
from torch import nn

from cogattn.features._initialisation import reset_backbone_parameters

__all__ = ["VGG16", "VGG16_LAYER_ALIASES", "VGG16_STRIDES", "vgg16"]

_CFG_D: tuple[int | str, ...] = (
    64, 64, "M", 128, 128, "M", 256, 256, 256, "M",
    512, 512, 512, "M", 512, 512, 512, "M",
)  # fmt: skip


def _describe() -> tuple[tuple[int, ...], dict[str, str]]:
    strides: list[int] = []
    aliases: dict[str, str] = {}
    stride, block, conv = 1, 1, 1
    for v in _CFG_D:
        i = len(strides)
        if v == "M":
            stride *= 2
            strides.append(stride)
            aliases[f"pool{block}"] = f"features.{i}"
            aliases[f"layer{block}"] = f"features.{i}"
            block, conv = block + 1, 1
        else:
            strides += [stride, stride]
            aliases[f"conv{block}_{conv}"] = f"features.{i}"
            aliases[f"relu{block}_{conv}"] = f"features.{i + 1}"
            conv += 1
    return tuple(strides), aliases


_strides, _aliases = _describe()
#: Downsampling factor of the output of ``features.i`` relative to the input image.
VGG16_STRIDES: tuple[int, ...] = _strides
#: Readable names: ``conv3_2``, ``relu3_2``, ``pool3`` and ``layer3`` (= ``pool3``).
VGG16_LAYER_ALIASES: dict[str, str] = _aliases


class VGG16(nn.Module):
    """VGG-16 without batch norm, torchvision's layout and initialisation.

    Parameters
    ----------
    num_classes : int
        Size of the classifier output (1000 for ImageNet).
    dropout : float
        Dropout probability in the classifier (0.5 in torchvision).

    Attributes
    ----------
    features : torch.nn.Sequential
        ``features.0`` .. ``features.30`` (convolutions, ReLUs and max pools); the
        output of ``features.i`` has the stride ``VGG16_STRIDES[i]``.
    avgpool : torch.nn.AdaptiveAvgPool2d
        Pools to 7×7 before the classifier.
    classifier : torch.nn.Sequential
        ``Linear(25088, 4096)``, ReLU, Dropout, ``Linear(4096, 4096)``, ReLU,
        Dropout, ``Linear(4096, num_classes)``.

    Notes
    -----
    Freshly built weights follow torchvision: Kaiming-normal (``fan_out``, ReLU)
    convolutions with zero bias, linear weights from N(0, 0.01²) with zero bias.
    """

    def __init__(self, num_classes: int = 1000, dropout: float = 0.5) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        in_ch = 3
        for v in _CFG_D:
            if v == "M":
                layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            else:
                layers += [nn.Conv2d(in_ch, int(v), 3, padding=1), nn.ReLU(True)]
                in_ch = int(v)
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw fresh weights with torchvision's initialisation scheme."""
        reset_backbone_parameters(
            self,
            conv_weight=lambda m: nn.init.kaiming_normal_(
                m.weight, mode="fan_out", nonlinearity="relu"
            ),
            linear_weight=lambda m: nn.init.normal_(m.weight, 0, 0.01),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Compute class logits.

        Parameters
        ----------
        x : torch.Tensor of shape (B, 3, H, W)
            Images already normalised with the ImageNet mean and std; H and W of at
            least 32 pixels.

        Returns
        -------
        logits : torch.Tensor of shape (B, num_classes)
        """
        x = self.avgpool(self.features(x))
        return self.classifier(torch.flatten(x, 1))


def vgg16(num_classes: int = 1000) -> VGG16:
    """Build a randomly initialised VGG-16 (configuration D, no batch norm).

    Parameters
    ----------
    num_classes : int
        Number of output classes.

    Returns
    -------
    model : VGG16
    """
    return VGG16(num_classes=num_classes)
