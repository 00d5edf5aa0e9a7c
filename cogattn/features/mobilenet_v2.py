"""MobileNetV2 (width 1.0) in plain torch, with torchvision's parameter names.

The layout follows Sandler et al. (2018), "MobileNetV2: Inverted Residuals and Linear
Bottlenecks", as implemented by torchvision: a stride-2 3×3 stem, seventeen inverted
residual blocks, a 1×1 convolution to 1280 channels, global average pooling and a
``Dropout(0.2) + Linear(1280, 1000)`` classifier. Module names match torchvision's, so
the official ImageNet checkpoint loads with ``load_state_dict(strict=True)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch
from torch import nn

from cogattn.features._initialisation import reset_backbone_parameters

__all__ = [
    "MOBILENET_V2_INNER_ALIASES",
    "MOBILENET_V2_INNER_STRIDES",
    "MOBILENET_V2_STRIDES",
    "InvertedResidual",
    "MobileNetV2",
    "mobilenet_v2",
]

# (expansion t, output channels c, repeats n, first stride s), width multiplier 1.0
_SETTINGS: tuple[tuple[int, int, int, int], ...] = (
    (1, 16, 1, 1),
    (6, 24, 2, 2),
    (6, 32, 3, 2),
    (6, 64, 4, 2),
    (6, 96, 3, 1),
    (6, 160, 3, 2),
    (6, 320, 1, 1),
)


def _block_strides() -> tuple[int, ...]:
    strides = [2]  # features.0, the stem
    total = 2
    for _, _, n, s in _SETTINGS:
        for i in range(n):
            total *= s if i == 0 else 1
            strides.append(total)
    strides.append(total)  # features.18, the final 1x1 convolution
    return tuple(strides)


#: Downsampling factor of the output of ``features.i`` relative to the input image.
MOBILENET_V2_STRIDES: tuple[int, ...] = _block_strides()


def _inner_taps(
    expansions: Iterable[int], strides: tuple[int, ...]
) -> tuple[dict[str, int], dict[str, str]]:
    """Strides and readable names of the taps inside inverted residual blocks.

    Parameters
    ----------
    expansions : iterable of int
        Expansion ratio of each block, ``features.1`` onwards; a ratio of 1 means
        the block has no 1x1 expansion.
    strides : tuple of int
        Downsampling factor of the output of each ``features.i``.

    Returns
    -------
    strides : dict of str to int
        Stride of the ReLU6 output of each block's expansion (at the block's input
        stride) and depthwise convolution (at its output stride).
    aliases : dict of str to str
        ``"features.i.expand"`` and ``"features.i.depthwise"`` to those taps.
    """
    tap_strides: dict[str, int] = {}
    aliases: dict[str, str] = {}
    for block, t in enumerate(expansions, start=1):
        sub = 0
        if t != 1:  # 1x1 expansion: at the block's input resolution
            tap_strides[f"features.{block}.conv.0"] = strides[block - 1]
            aliases[f"features.{block}.expand"] = f"features.{block}.conv.0"
            sub = 1
        # depthwise convolution: carries the block's stride
        tap_strides[f"features.{block}.conv.{sub}"] = strides[block]
        aliases[f"features.{block}.depthwise"] = f"features.{block}.conv.{sub}"
    return tap_strides, aliases


#: Post-activation taps inside the inverted residual blocks ``features.1`` ..
#: ``features.17``: the ReLU6 outputs of the 1x1 expansion (``features.i.conv.0``,
#: ``t`` times the block's input channels, at the block's input stride; absent in
#: ``features.1``) and of the 3x3 depthwise convolution (``features.i.conv.1``, or
#: ``features.1.conv.0``; at the block's output stride), with their strides. Unlike
#: the block outputs (linear bottlenecks, signed), these are non-negative.
MOBILENET_V2_INNER_STRIDES: dict[str, int]
#: Readable names of the inner taps: ``"features.i.expand"`` and
#: ``"features.i.depthwise"``.
MOBILENET_V2_INNER_ALIASES: dict[str, str]
MOBILENET_V2_INNER_STRIDES, MOBILENET_V2_INNER_ALIASES = _inner_taps(
    (t for t, _, n, _ in _SETTINGS for _ in range(n)), MOBILENET_V2_STRIDES
)


class _ConvBNReLU6(nn.Sequential):
    """Convolution (no bias), BatchNorm and ReLU6, named ``0``, ``1``, ``2``."""

    def __init__(
        self, in_ch: int, out_ch: int, kernel: int = 3, stride: int = 1, groups: int = 1
    ) -> None:
        super().__init__(
            nn.Conv2d(
                in_ch,
                out_ch,
                kernel,
                stride,
                (kernel - 1) // 2,
                groups=groups,
                bias=False,
            ),
            nn.BatchNorm2d(out_ch),
            nn.ReLU6(inplace=True),
        )


class InvertedResidual(nn.Module):
    """Inverted residual block: 1×1 expansion, k×k depthwise, 1×1 linear projection.

    Parameters
    ----------
    in_ch, out_ch : int
        Input and output channels.
    stride : {1, 2}
        Stride of the depthwise convolution.
    expand_ratio : int
        Width of the hidden layer relative to ``in_ch``; 1 drops the expansion.
    kernel : int
        Side of the depthwise kernel (3 in MobileNetV2).
    conv_bn_act : callable
        ``conv_bn_act(in_ch, out_ch, kernel, stride, groups=...)`` building a
        convolution + BatchNorm + ReLU6 unit (MobileNetV2's pads ``kernel // 2``).
    norm : callable
        ``norm(channels)`` building the BatchNorm after the projection.

    Notes
    -----
    The identity shortcut is used when ``stride == 1`` and ``in_ch == out_ch``.
    Sub-modules live in ``conv`` (``[expansion,] depthwise, projection, BatchNorm``),
    torchvision's names.
    """

    def __init__(
        self,
        in_ch: int,
        out_ch: int,
        stride: int,
        expand_ratio: int,
        *,
        kernel: int = 3,
        conv_bn_act: Callable[..., nn.Module] | None = None,
        norm: Callable[[int], nn.Module] = nn.BatchNorm2d,
    ) -> None:
        super().__init__()
        unit = _ConvBNReLU6 if conv_bn_act is None else conv_bn_act
        hidden = round(in_ch * expand_ratio)
        self.use_res_connect = stride == 1 and in_ch == out_ch
        layers: list[nn.Module] = []
        if expand_ratio != 1:
            layers.append(unit(in_ch, hidden, 1, 1))
        layers += [
            unit(hidden, hidden, kernel, stride, groups=hidden),
            nn.Conv2d(hidden, out_ch, 1, 1, 0, bias=False),
            norm(out_ch),
        ]
        self.conv = nn.Sequential(*layers)
        self.out_channels = out_ch

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply the block to ``x`` of shape (B, in_ch, H, W)."""
        if self.use_res_connect:
            return x + self.conv(x)
        return self.conv(x)


class MobileNetV2(nn.Module):
    """MobileNetV2 with width multiplier 1.0 and torchvision's module names.

    Parameters
    ----------
    num_classes : int
        Size of the classifier output (1000 for ImageNet).
    dropout : float
        Dropout probability before the classifier (0.2 in torchvision).

    Attributes
    ----------
    features : torch.nn.Sequential
        ``features.0`` .. ``features.18``; the output of ``features.i`` has the
        stride ``MOBILENET_V2_STRIDES[i]``.
    classifier : torch.nn.Sequential
        ``Dropout`` then ``Linear(1280, num_classes)``.

    Notes
    -----
    Freshly built weights follow torchvision's initialisation: Kaiming-normal
    (``fan_out``) convolutions, BatchNorm scale 1 and shift 0, classifier weights
    drawn from N(0, 0.01²) with zero bias. Seed torch before building for
    reproducible random weights.
    """

    def __init__(self, num_classes: int = 1000, dropout: float = 0.2) -> None:
        super().__init__()
        in_ch = 32
        last_ch = 1280
        layers: list[nn.Module] = [_ConvBNReLU6(3, in_ch, stride=2)]
        for t, c, n, s in _SETTINGS:
            for i in range(n):
                layers.append(InvertedResidual(in_ch, c, s if i == 0 else 1, t))
                in_ch = c
        layers.append(_ConvBNReLU6(in_ch, last_ch, kernel=1))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout), nn.Linear(last_ch, num_classes)
        )
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw fresh weights with torchvision's initialisation scheme."""
        reset_backbone_parameters(
            self,
            conv_weight=lambda m: nn.init.kaiming_normal_(m.weight, mode="fan_out"),
            linear_weight=lambda m: nn.init.normal_(m.weight, 0, 0.01),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Compute class logits.

        Parameters
        ----------
        x : torch.Tensor of shape (B, 3, H, W)
            Images already normalised with the ImageNet mean and std.

        Returns
        -------
        logits : torch.Tensor of shape (B, num_classes)
        """
        x = self.features(x)
        x = nn.functional.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.classifier(x)


def mobilenet_v2(num_classes: int = 1000) -> MobileNetV2:
    """Build a randomly initialised MobileNetV2 (width 1.0).

    Parameters
    ----------
    num_classes : int
        Number of output classes.

    Returns
    -------
    model : MobileNetV2
    """
    return MobileNetV2(num_classes=num_classes)
