"""One convention for the torch device of torch-only code.

``device=None`` follows the tensor inputs when there are any, else the current
backend (:func:`cogattn._core.backend.get_backend`): CUDA under ``"torch_cuda"``,
the CPU under ``"numpy"`` and ``"torch"``. Torch is imported only when a device is
resolved.
"""

from __future__ import annotations

import re
from typing import Any

from cogattn._core.errors import BackendError, ValidationError
from cogattn._core.validation import is_tensor

__all__ = ["ALLOWED_DEVICES", "resolve_device"]

#: the device values every ``device=`` argument accepts, for messages
ALLOWED_DEVICES = "'cpu', 'cuda', 'cuda:<index>', a torch.device of those or None"

_PATTERN = re.compile(r"^(cpu|cuda)(:\d+)?$")


def resolve_device(device: Any = None, *tensors: Any) -> Any:
    """Return the ``torch.device`` to compute on.

    Parameters
    ----------
    device : str | torch.device | None
        ``"cpu"``, ``"cuda"``, ``"cuda:<index>"`` or a ``torch.device``. ``None``
        gives the device of the tensors in ``tensors`` when there are any, else
        the device of the current backend (CUDA only under ``"torch_cuda"``).
    *tensors : object
        Inputs of the calling function; those that are torch tensors decide
        ``device=None``, the others are ignored.

    Returns
    -------
    device : torch.device

    Raises
    ------
    ValidationError
        When ``device`` is not one of the allowed values, or when the tensor inputs
        live on different devices.
    BackendError
        When CUDA is asked for on a machine without it.
    """
    import torch

    if device is None:
        found = {x.device for x in tensors if is_tensor(x)}
        if len(found) > 1:
            raise ValidationError(
                "the tensor inputs live on different devices "
                f"({', '.join(sorted(map(str, found)))}); move them to one device"
            )
        if found:
            return found.pop()
        from cogattn._core.backend import get_backend

        device = "cuda" if get_backend().name == "torch_cuda" else "cpu"
    if isinstance(device, torch.device):
        dev = device
        if dev.type not in ("cpu", "cuda"):
            raise ValidationError(f"device must be {ALLOWED_DEVICES}, got {device!r}")
    elif isinstance(device, str) and _PATTERN.match(device.strip().lower()):
        dev = torch.device(device.strip().lower())
    else:
        raise ValidationError(f"device must be {ALLOWED_DEVICES}, got {device!r}")
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise BackendError(
                f"device {str(device)!r} was requested but CUDA is not available on "
                "this machine; use device='cpu'"
            )
        count = torch.cuda.device_count()
        if dev.index is not None and dev.index >= count:
            raise ValidationError(
                f"device {str(device)!r} does not exist: this machine has {count} "
                f"CUDA device(s), indices 0 to {count - 1}"
            )
    return dev
