"""EfficientNet-Lite0 in plain torch, with MobileNetV2-style module names.

Tan & Le (2019), "EfficientNet: Rethinking Model Scaling for Convolutional Neural
Networks", in the *Lite* variant for mobile accelerators (TensorFlow TPU repository,
``models/official/efficientnet/lite``): no squeeze-and-excitation, ReLU6 instead of
swish, and a stem and head of fixed width. Lite0 is the unscaled network: a
stride-2 3×3 stem (32 channels), sixteen MBConv blocks in seven stages, a 1×1
convolution to 1280 channels, global average pooling and a
``Dropout(0.2) + Linear(1280, 1000)`` classifier. 4,652,008 parameters.

Two details follow the TensorFlow original, so that its ImageNet weights give its
predictions: every BatchNorm has ``eps = 1e-3``, and the stride-2 convolutions pad
like TensorFlow's ``"SAME"`` (computed from the input size at run time, with the odd
pixel of padding at the bottom and right; :class:`Conv2dSame`).

Modules are named like :class:`~cogattn.features.MobileNetV2`'s, so the same taps
and aliases work: ``features.0`` is the stem, ``features.1`` .. ``features.16`` the
blocks (``features.i.conv`` holds ``[expansion,] depthwise, projection, BatchNorm``),
``features.17`` the 1280-channel head, ``classifier.1`` the linear layer. The
checkpoints in circulation use the names of lukemelas' ``EfficientNet-PyTorch``
(``_conv_stem``, ``_blocks.j._expand_conv`` ...); :func:`efficientnet_lite0_key_map`
and :func:`convert_efficientnet_lite0_state_dict` translate them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import torch
from torch import nn
from torch.nn import functional as F

from cogattn.features._initialisation import reset_backbone_parameters
from cogattn.features.mobilenet_v2 import InvertedResidual, _inner_taps

__all__ = [
    "EFFICIENTNET_LITE0_INNER_ALIASES",
    "EFFICIENTNET_LITE0_INNER_STRIDES",
    "EFFICIENTNET_LITE0_STRIDES",
    "Conv2dSame",
    "EfficientNetLite0",
    "MBConv",
    "convert_efficientnet_lite0_state_dict",
    "efficientnet_lite0",
    "efficientnet_lite0_key_map",
    "same_padding",
]

# (expansion t, kernel k, first stride s, output channels c, repeats n)
_SETTINGS: tuple[tuple[int, int, int, int, int], ...] = (
    (1, 3, 1, 16, 1),
    (6, 3, 2, 24, 2),
    (6, 5, 2, 40, 2),
    (6, 3, 2, 80, 3),
    (6, 5, 1, 112, 3),
    (6, 5, 2, 192, 4),
    (6, 3, 1, 320, 1),
)
_STEM_CH = 32
_HEAD_CH = 1280
_BN_EPS = 1e-3
_BN_MOMENTUM = 0.01  # TensorFlow's decay 0.99
_BN_KEYS = ("weight", "bias", "running_mean", "running_var", "num_batches_tracked")


def _blocks() -> list[tuple[int, int, int, int, int]]:
    """(expansion, kernel, stride, in channels, out channels) of each block."""
    blocks = []
    in_ch = _STEM_CH
    for t, k, s, c, n in _SETTINGS:
        for i in range(n):
            blocks.append((t, k, s if i == 0 else 1, in_ch, c))
            in_ch = c
    return blocks


def _block_strides() -> tuple[int, ...]:
    strides = [2]  # features.0, the stem
    for _, _, s, _, _ in _blocks():
        strides.append(strides[-1] * s)
    strides.append(strides[-1])  # features.17, the 1x1 head convolution
    return tuple(strides)


#: Downsampling factor of the output of ``features.i`` relative to the input image
#: (``features.0`` .. ``features.17``); an (H, W) input gives maps of exactly
#: (ceil(H / stride), ceil(W / stride)) pixels.
EFFICIENTNET_LITE0_STRIDES: tuple[int, ...] = _block_strides()


#: Post-activation taps inside the MBConv blocks ``features.1`` .. ``features.16``:
#: the ReLU6 outputs of the 1x1 expansion (``features.i.conv.0``, 6 times the
#: block's input channels, at the block's input stride; absent in ``features.1``)
#: and of the depthwise convolution (``features.i.conv.1``, or ``features.1.conv.0``;
#: at the block's output stride), with their strides. Unlike the block outputs
#: (linear bottlenecks, signed), these are in [0, 6].
EFFICIENTNET_LITE0_INNER_STRIDES: dict[str, int]
#: Readable names of the inner taps: ``"features.i.expand"`` and
#: ``"features.i.depthwise"``.
EFFICIENTNET_LITE0_INNER_ALIASES: dict[str, str]
EFFICIENTNET_LITE0_INNER_STRIDES, EFFICIENTNET_LITE0_INNER_ALIASES = _inner_taps(
    (t for t, _, _, _, _ in _blocks()), EFFICIENTNET_LITE0_STRIDES
)


def same_padding(size: int, kernel: int, stride: int, dilation: int = 1) -> int:
    """Total padding of TensorFlow's ``"SAME"`` convolution along one axis.

    Parameters
    ----------
    size : int
        Input length, in pixels.
    kernel, stride, dilation : int
        Convolution geometry along that axis.

    Returns
    -------
    total : int
        Pixels of padding, ``max((ceil(size / stride) - 1) * stride
        + (kernel - 1) * dilation + 1 - size, 0)``; TensorFlow puts ``total // 2``
        before and the rest after, so the output has ``ceil(size / stride)`` pixels.
    """
    out = -(-size // stride)
    return max((out - 1) * stride + (kernel - 1) * dilation + 1 - size, 0)


class Conv2dSame(nn.Conv2d):
    """A 2-d convolution padded like TensorFlow's ``padding="SAME"``.

    The padding is computed from the input size at every call
    (:func:`same_padding`), with the odd pixel, if any, at the bottom and right;
    the ``padding`` argument of :class:`torch.nn.Conv2d` is not used. Parameters,
    names and state_dict are those of :class:`torch.nn.Conv2d`, so BatchNorm folding
    (:func:`~cogattn.features.fusion.fuse_batchnorm`, which copies the module) keeps
    this behaviour.

    Notes
    -----
    Symmetric padding is left to the convolution. When an axis needs one pixel more
    after than before, the input is not copied into a padded tensor (on a batch of
    615 × 615 displays that copy costs about a tenth of EfficientNet-Lite0's forward
    pass): the convolution runs with the smaller, symmetric padding, which gives
    every output row and column but the last, and the last row and column are
    computed from thin padded slices of the input's edge.
    """

    def __init__(self, *args, **kwargs) -> None:
        kwargs["padding"] = 0
        super().__init__(*args, **kwargs)

    def _conv(self, x: torch.Tensor, padding: int | tuple[int, int]) -> torch.Tensor:
        return F.conv2d(
            x, self.weight, self.bias, self.stride, padding, self.dilation, self.groups
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Convolve ``x`` of shape (B, in_channels, H, W) with "SAME" padding."""
        (kh, kw), (sh, sw), (dh, dw) = self.kernel_size, self.stride, self.dilation
        h, w = x.shape[-2:]
        ph, pw = same_padding(h, kh, sh, dh), same_padding(w, kw, sw, dw)
        top, left = ph // 2, pw // 2
        if ph % 2 == 0 and pw % 2 == 0:
            return self._conv(x, (top, left))
        out_h, out_w = -(-h // sh), -(-w // sw)
        # first input row / column under the last output row / column
        row0, col0 = (out_h - 1) * sh - top, (out_w - 1) * sw - left
        main_h, main_w = out_h - ph % 2, out_w - pw % 2
        if min(row0, col0, main_h - 1, main_w - 1) < 0:  # tiny input: pad it all
            return self._conv(F.pad(x, [left, pw - left, top, ph - top]), 0)
        main = self._conv(x, (top, left))  # (main_h, main_w): all but the last
        fmt = torch.contiguous_format
        if main.is_contiguous(memory_format=torch.channels_last):
            fmt = torch.channels_last
        out = torch.empty(
            (*main.shape[:2], out_h, out_w),
            dtype=main.dtype,
            device=main.device,
            memory_format=fmt,
        )
        out[..., :main_h, :main_w] = main
        if pw % 2:  # last column, rows as in main
            edge = F.pad(x[..., :, col0:], [0, pw - left])
            out[..., :main_h, main_w:] = self._conv(edge, (top, 0))
        if ph % 2:  # last row, every column
            edge = F.pad(x[..., row0:, :], [left, pw - left, 0, ph - top])
            out[..., main_h:, :] = self._conv(edge, 0)
        return out


def _bn(channels: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(channels, eps=_BN_EPS, momentum=_BN_MOMENTUM)


class _ConvBNReLU6(nn.Sequential):
    """Convolution (no bias), BatchNorm and ReLU6, named ``0``, ``1``, ``2``.

    Stride-1 convolutions pad ``kernel // 2`` on every side (what "SAME" gives for an
    odd kernel); stride-2 ones use :class:`Conv2dSame`.
    """

    def __init__(
        self, in_ch: int, out_ch: int, kernel: int = 3, stride: int = 1, groups: int = 1
    ) -> None:
        if stride == 1:
            pad = kernel // 2
            conv = nn.Conv2d(in_ch, out_ch, kernel, 1, pad, groups=groups, bias=False)
        else:
            conv = Conv2dSame(in_ch, out_ch, kernel, stride, groups=groups, bias=False)
        super().__init__(conv, _bn(out_ch), nn.ReLU6(inplace=True))


class MBConv(InvertedResidual):
    """Mobile inverted bottleneck of EfficientNet-Lite (no squeeze-and-excitation).

    MobileNetV2's :class:`~cogattn.features.mobilenet_v2.InvertedResidual` with a
    ``kernel x kernel`` depthwise convolution, BatchNorm ``eps = 1e-3`` and
    TensorFlow "SAME" padding on the stride-2 depthwise convolution.

    Parameters
    ----------
    in_ch, out_ch : int
        Input and output channels.
    kernel : {3, 5}
        Side of the depthwise kernel.
    stride : {1, 2}
        Stride of the depthwise convolution.
    expand_ratio : int
        Width of the hidden layer relative to ``in_ch``; 1 drops the expansion.

    Notes
    -----
    Stochastic depth ("drop connect"), used only when training, is not implemented.
    """

    def __init__(
        self, in_ch: int, out_ch: int, kernel: int, stride: int, expand_ratio: int
    ) -> None:
        super().__init__(
            in_ch,
            out_ch,
            stride,
            expand_ratio,
            kernel=kernel,
            conv_bn_act=_ConvBNReLU6,
            norm=_bn,
        )


def _conv_kernel_init(conv: nn.Conv2d) -> None:
    """N(0, 2 / fan_out), ``fan_out = k * k * out_channels / groups``."""
    kh, kw = conv.kernel_size
    fan_out = kh * kw * conv.out_channels // conv.groups
    nn.init.normal_(conv.weight, 0.0, math.sqrt(2.0 / fan_out))


def _dense_kernel_init(linear: nn.Linear) -> None:
    """Uniform on ±1 / sqrt(out_features)."""
    bound = 1.0 / math.sqrt(linear.out_features)
    nn.init.uniform_(linear.weight, -bound, bound)


class EfficientNetLite0(nn.Module):
    """EfficientNet-Lite0 with MobileNetV2-style module names.

    Parameters
    ----------
    num_classes : int
        Size of the classifier output (1000 for ImageNet).
    dropout : float
        Dropout probability before the classifier (0.2 for Lite0).

    Attributes
    ----------
    features : torch.nn.Sequential
        ``features.0`` .. ``features.17``; the output of ``features.i`` has the
        stride ``EFFICIENTNET_LITE0_STRIDES[i]``.
    classifier : torch.nn.Sequential
        ``Dropout`` then ``Linear(1280, num_classes)``.

    Notes
    -----
    Freshly built weights follow the TensorFlow reference (``efficientnet_model.py``:
    ``conv_kernel_initializer``, ``dense_kernel_initializer``): convolution weights
    drawn from N(0, 2 / fan_out) with ``fan_out = k * k * out_channels / groups``
    (Kaiming-normal, ``fan_out`` mode, counted per group, so a depthwise kernel has
    ``fan_out = k * k``); BatchNorm scale 1 and shift 0; classifier weights drawn
    uniformly from ±1 / sqrt(num_classes) and zero bias. Seed torch before building
    for reproducible random weights.
    """

    def __init__(self, num_classes: int = 1000, dropout: float = 0.2) -> None:
        super().__init__()
        layers: list[nn.Module] = [_ConvBNReLU6(3, _STEM_CH, stride=2)]
        for t, k, s, in_ch, out_ch in _blocks():
            layers.append(MBConv(in_ch, out_ch, k, s, t))
        layers.append(_ConvBNReLU6(_SETTINGS[-1][3], _HEAD_CH, kernel=1))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout), nn.Linear(_HEAD_CH, num_classes)
        )
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw fresh weights with the TensorFlow reference's initialisation."""
        reset_backbone_parameters(
            self, conv_weight=_conv_kernel_init, linear_weight=_dense_kernel_init
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
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        return self.classifier(x)


def efficientnet_lite0(num_classes: int = 1000) -> EfficientNetLite0:
    """Build a randomly initialised EfficientNet-Lite0.

    Parameters
    ----------
    num_classes : int
        Number of output classes.

    Returns
    -------
    model : EfficientNetLite0
    """
    return EfficientNetLite0(num_classes=num_classes)


def efficientnet_lite0_key_map() -> dict[str, str]:
    """Map lukemelas' ``EfficientNet-PyTorch`` state_dict keys to this module's.

    Returns
    -------
    key_map : dict of str to str
        For each of the 296 keys of a lukemelas-style EfficientNet-Lite0 checkpoint
        (``"_conv_stem.weight"``, ``"_blocks.3._bn1.running_var"``, ``"_fc.bias"``
        ...), the key of :class:`EfficientNetLite0` holding the same tensor
        (``"features.0.0.weight"``, ``"features.4.conv.1.1.running_var"``,
        ``"classifier.1.bias"`` ...). One-to-one.
    """
    pairs: list[tuple[str, str]] = [("_conv_stem.weight", "features.0.0.weight")]
    pairs += [(f"_bn0.{p}", f"features.0.1.{p}") for p in _BN_KEYS]
    for j, (t, _, _, _, _) in enumerate(_blocks()):
        src, dst = f"_blocks.{j}.", f"features.{j + 1}.conv."
        sub = 0
        if t != 1:
            pairs.append((src + "_expand_conv.weight", dst + "0.0.weight"))
            pairs += [(src + f"_bn0.{p}", dst + f"0.1.{p}") for p in _BN_KEYS]
            sub = 1
        pairs.append((src + "_depthwise_conv.weight", dst + f"{sub}.0.weight"))
        pairs += [(src + f"_bn1.{p}", dst + f"{sub}.1.{p}") for p in _BN_KEYS]
        pairs.append((src + "_project_conv.weight", dst + f"{sub + 1}.weight"))
        pairs += [(src + f"_bn2.{p}", dst + f"{sub + 2}.{p}") for p in _BN_KEYS]
    head = len(EFFICIENTNET_LITE0_STRIDES) - 1
    pairs.append(("_conv_head.weight", f"features.{head}.0.weight"))
    pairs += [(f"_bn1.{p}", f"features.{head}.1.{p}") for p in _BN_KEYS]
    pairs += [(f"_fc.{p}", f"classifier.1.{p}") for p in ("weight", "bias")]
    return dict(pairs)


def convert_efficientnet_lite0_state_dict(
    state_dict: Mapping[str, torch.Tensor],
) -> dict[str, torch.Tensor]:
    """Rename lukemelas-style keys of a state_dict to :class:`EfficientNetLite0`'s.

    Keys already in this module's naming, and keys that neither naming knows, are
    kept as they are (so a mismatch is reported by the key check that follows).

    Parameters
    ----------
    state_dict : mapping of str to torch.Tensor
        Weights in either naming.

    Returns
    -------
    state_dict : dict of str to torch.Tensor
        A new dict, in the original order, with the tensors themselves not copied.
    """
    key_map = efficientnet_lite0_key_map()
    return {key_map.get(k, k): v for k, v in state_dict.items()}
