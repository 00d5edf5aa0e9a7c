"""Fresh weights for the plain-torch backbones, one module at a time."""

from __future__ import annotations

from collections.abc import Callable

from torch import nn

__all__ = ["reset_backbone_parameters"]


def reset_backbone_parameters(
    model: nn.Module,
    conv_weight: Callable[[nn.Conv2d], object],
    linear_weight: Callable[[nn.Linear], object],
) -> None:
    """Draw fresh weights for every convolution, norm and linear layer of a network.

    Modules are visited in ``model.modules()`` order, so a seeded torch generator
    gives the same weights as visiting them by hand. Modules whose own parameters
    live on the meta device (shapes only) are skipped.

    Parameters
    ----------
    model : torch.nn.Module
        The network, initialised in place.
    conv_weight : callable
        ``conv_weight(conv)`` draws the weight of a :class:`torch.nn.Conv2d`.
    linear_weight : callable
        ``linear_weight(linear)`` draws the weight of a :class:`torch.nn.Linear`.

    Notes
    -----
    Biases are set to zero; :class:`torch.nn.BatchNorm2d` and
    :class:`torch.nn.GroupNorm` get scale 1 and shift 0.
    """
    for m in model.modules():
        if any(p.is_meta for p in m.parameters(recurse=False)):
            continue  # shapes only: nothing to draw on the meta device
        if isinstance(m, nn.Conv2d):
            conv_weight(m)
        elif isinstance(m, nn.Linear):
            linear_weight(m)
        elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
            nn.init.ones_(m.weight)
        else:
            continue
        if m.bias is not None:
            nn.init.zeros_(m.bias)
