r"""NeVA-style scanpaths: gradient-driven foveated exploration with a task model.

After Schwinn, Precup, Eskofier & Zanca (2022) and NevaClip (Zanca et al. 2023). The
observer sees the image sharp at its fovea and blurred elsewhere,

.. math::

    \tilde x(p) = x + (B(x) - x)\, \mathrm{clip}(1 - m - f_p,\ 0,\ 1),\qquad
    f_p(g) = \exp\!\Bigl(-\frac{\lVert g - p \rVert^2}{2\sigma_f^2}\Bigr),

on a ``[-1, 1]^2`` grid ``g``, with ``B`` a Gaussian blur and ``m`` the memory of
earlier foveas (their sum). Each next fixation ``p`` starts where the current one is,
plus a small random offset, and takes ``n_steps`` steps of sign-gradient descent
``p <- clip(p - lr sign(dL/dp), -1, 1)`` on the task loss

.. math::

    L(p) = \mathrm{CE}\bigl(\mathrm{softmax}(h(x)),\ h(\tilde x(p))\bigr),

the cross-entropy between the task model's prediction on the full image (the target)
and on the foveated image: the observer looks where the evidence the task needs is
still missing. Any differentiable ``task_model`` mapping images ``(B, 3, H, W)`` in
[0, 1] to logits works; :func:`mobilenet_task_model` wraps MobileNetV2's ImageNet class
evidence from :mod:`cogattn.features` (offline weights). Observers (a batch) differ by
the random offsets. Durations are drawn from the gamma distribution of
:class:`~cogattn.scanpath.generators.SaliencyScanpathGenerator`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from cogattn._core.device import resolve_device
from cogattn._core.errors import ValidationError
from cogattn._core.seeding import check_random_state, torch_generator
from cogattn._core.validation import check_array, check_int, check_positive
from cogattn.scanpath.geometry import ScreenGeometry
from cogattn.scanpath.scanpath import Scanpath

__all__ = ["NevaScanpathGenerator", "foveate", "mobilenet_task_model"]


def _gaussian_blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    radius = max(1, int(3 * sigma))
    t = torch.arange(-radius, radius + 1, dtype=x.dtype, device=x.device)
    k = torch.exp(-(t**2) / (2 * sigma**2))
    k = k / k.sum()
    c = x.shape[1]
    kx = k.view(1, 1, 1, -1).repeat(c, 1, 1, 1)
    ky = k.view(1, 1, -1, 1).repeat(c, 1, 1, 1)
    x = F.pad(x, (radius, radius, 0, 0), mode="replicate")
    x = F.conv2d(x, kx, groups=c)
    x = F.pad(x, (0, 0, radius, radius), mode="replicate")
    return F.conv2d(x, ky, groups=c)


def _grid(h: int, w: int, device: Any, dtype: Any) -> tuple[torch.Tensor, torch.Tensor]:
    gy = torch.linspace(-1, 1, h, device=device, dtype=dtype)
    gx = torch.linspace(-1, 1, w, device=device, dtype=dtype)
    return gy.view(1, h, 1), gx.view(1, 1, w)


def _fovea(p: torch.Tensor, gy: torch.Tensor, gx: torch.Tensor, sigma: float):
    """Unit-peak Gaussians centred at ``p`` (B, 2) = (x, y) in [-1, 1]: (B, H, W)."""
    dx = gx - p[:, 0].view(-1, 1, 1)
    dy = gy - p[:, 1].view(-1, 1, 1)
    return torch.exp(-(dx**2 + dy**2) / (2 * sigma**2))


def foveate(
    x: torch.Tensor,
    blurred: torch.Tensor,
    fovea: torch.Tensor,
    memory: torch.Tensor,
) -> torch.Tensor:
    """Foveated images ``x + (blur - x) * clip(1 - memory - fovea, 0, 1)``.

    Parameters
    ----------
    x, blurred : torch.Tensor of shape (B, C, H, W)
        Sharp and blurred images.
    fovea, memory : torch.Tensor of shape (B, H, W)
        Current fovea and the memory of earlier ones.

    Returns
    -------
    foveated : torch.Tensor of shape (B, C, H, W)
    """
    mask = torch.clamp(1.0 - memory - fovea, 0.0, 1.0).unsqueeze(1)
    return x + (blurred - x) * mask


def mobilenet_task_model(weights: str = "imagenet", device: Any = None) -> Callable:
    """MobileNetV2 ImageNet logits of images in [0, 1], differentiable.

    Parameters
    ----------
    weights : str
        ``"imagenet"`` (offline checkpoint, see :mod:`cogattn.features`), ``"random"``
        or a path.
    device : str | torch.device | None
        Device of the network.

    Returns
    -------
    task_model : callable
        ``f(images (B, 3, H, W) in [0, 1]) -> logits (B, 1000)``.
    """
    from cogattn.features import IMAGENET_MEAN, IMAGENET_STD, load_backbone

    dev = resolve_device(device)
    fx = load_backbone("mobilenet_v2", weights=weights).to(dev).eval()
    for prm in fx.parameters():
        prm.requires_grad_(False)
    mean = torch.as_tensor(IMAGENET_MEAN, dtype=torch.float32, device=dev).view(
        1, 3, 1, 1
    )
    std = torch.as_tensor(IMAGENET_STD, dtype=torch.float32, device=dev).view(
        1, 3, 1, 1
    )

    def task_model(images: torch.Tensor) -> torch.Tensor:
        return fx.backbone((images - mean) / std)

    return task_model


@dataclass
class NevaScanpathGenerator:
    """Gradient-driven foveated exploration (NeVA).

    Parameters
    ----------
    task_model : callable
        Differentiable ``images (B, 3, H, W) in [0, 1] -> logits (B, K)``.
    n_fixations : int
        Fixations per scanpath, the central first one included.
    n_steps : int
        Sign-gradient steps per fixation (NeVA: about 20).
    lr : float
        Step size on the ``[-1, 1]`` grid.
    fovea_sigma : float
        Fovea width on the ``[-1, 1]`` grid.
    blur_sigma_px : float
        Blur of the periphery, in pixels of the model input.
    init_offset : float
        Standard deviation of the random start offset from the current fixation.
    input_size : int
        The image is resized to this many pixels on its long side for the model.
    duration_shape, duration_scale_s : float
        Gamma distribution of fixation durations.
    device : str | torch.device | None
        Device; ``None`` follows the current backend.
    """

    task_model: Callable[[torch.Tensor], torch.Tensor]
    n_fixations: int = 10
    n_steps: int = 20
    lr: float = 0.05
    fovea_sigma: float = 0.15
    blur_sigma_px: float = 6.0
    init_offset: float = 0.3
    input_size: int = 224
    duration_shape: float = 4.0
    duration_scale_s: float = 0.06
    device: Any = None

    def generate(
        self,
        image: Any,
        screen: ScreenGeometry,
        n_scanpaths: int = 1,
        *,
        random_state: Any = None,
        stimulus: str | None = None,
    ) -> list[Scanpath]:
        """Generate scanpaths of ``n_scanpaths`` observers on one image.

        Parameters
        ----------
        image : array-like of shape (H, W, 3) or (H, W), values in [0, 1]
            The image, shown over the whole screen.
        screen : ScreenGeometry
            Screen the scanpaths are on.
        n_scanpaths : int
            Observers (one batch).
        random_state : int | numpy.random.Generator | None
            Seeds the start offsets and the durations.
        stimulus : str | None
            Stored on the scanpaths.

        Returns
        -------
        scanpaths : list of Scanpath
        """
        if not callable(self.task_model):
            raise ValidationError("task_model must be callable (images -> logits)")
        n_fix = check_int(self.n_fixations, "n_fixations", low=1)
        n_steps = check_int(self.n_steps, "n_steps", low=1)
        lr = check_positive(self.lr, "lr")
        fsig = check_positive(self.fovea_sigma, "fovea_sigma")
        bsig = check_positive(self.blur_sigma_px, "blur_sigma_px")
        off = check_positive(self.init_offset, "init_offset", strict=False)
        size = check_int(self.input_size, "input_size", low=16)
        n_obs = check_int(n_scanpaths, "n_scanpaths", low=1)
        img = check_array(image, "image", ndim=(2, 3), low=0, high=1)
        img = np.asarray(img, dtype=np.float32)
        if img.ndim == 2:
            img = np.repeat(img[..., None], 3, axis=2)
        if img.shape[2] != 3:
            raise ValidationError(f"image must have 3 colour channels, got {img.shape}")
        dev = resolve_device(self.device)
        rng = check_random_state(random_state)
        gen = torch_generator(rng, device="cpu")
        w_px, h_px = screen.size
        scale = size / max(w_px, h_px)
        h = max(16, round(h_px * scale))
        w = max(16, round(w_px * scale))
        x = torch.from_numpy(img).permute(2, 0, 1).unsqueeze(0).to(dev)
        x = F.interpolate(x, size=(h, w), mode="bilinear", align_corners=False)
        x = x.expand(n_obs, -1, -1, -1).contiguous()
        blurred = _gaussian_blur(x, bsig)
        gy, gx = _grid(h, w, dev, x.dtype)
        with torch.no_grad():
            target = torch.softmax(self.task_model(x[:1]), dim=-1).expand(n_obs, -1)
        memory = torch.zeros(n_obs, h, w, device=dev, dtype=x.dtype)
        p = torch.zeros(n_obs, 2, device=dev, dtype=x.dtype)  # the centre
        path = [p.clone()]
        for _ in range(n_fix - 1):
            memory = memory + _fovea(p, gy, gx, fsig)
            start = torch.randn(n_obs, 2, generator=gen).to(dev, x.dtype) * off
            q = torch.clamp(p + start, -1.0, 1.0).requires_grad_(True)
            for _ in range(n_steps):
                fov = foveate(x, blurred, _fovea(q, gy, gx, fsig), memory)
                logp = torch.log_softmax(self.task_model(fov), dim=-1)
                loss = -(target * logp).sum()
                (grad,) = torch.autograd.grad(loss, q)
                with torch.no_grad():
                    q -= lr * torch.sign(grad)
                    q.clamp_(-1.0, 1.0)
            p = q.detach()
            path.append(p.clone())
        pts = torch.stack(path, dim=1).cpu().numpy().astype(np.float64)  # (B, T, 2)
        xs = np.clip((pts[..., 0] + 1) / 2 * w_px, 0, np.nextafter(w_px, 0))
        ys = np.clip((pts[..., 1] + 1) / 2 * h_px, 0, np.nextafter(h_px, 0))
        out = []
        for k in range(n_obs):
            dur = rng.gamma(self.duration_shape, self.duration_scale_s, size=n_fix)
            out.append(
                Scanpath(
                    xs[k], ys[k], dur, screen, observer=f"neva{k}", stimulus=stimulus
                )
            )
        return out
