import numpy as np
import pytest
import torch

from cogattn._core.errors import ValidationError
from cogattn.scanpath.geometry import ScreenGeometry
from cogattn.scanpath.neva import NevaScanpathGenerator, _gaussian_blur, foveate

GEO = ScreenGeometry(128, 96, 40.0, 30.0, 57.0)


def _patch_image():
    """Grey image with a fine checkerboard in the lower-right quadrant only."""
    img = np.full((96, 128, 3), 0.5, np.float32)
    yy, xx = np.mgrid[0:96, 0:128]
    board = ((yy // 2 + xx // 2) % 2).astype(np.float32)
    sel = (yy > 60) & (xx > 85)
    img[sel] = board[sel, None]
    return img


def _energy_model(x):
    """Two logits from the fine-detail energy of the image (blur removes it)."""
    detail = ((x - _gaussian_blur(x, 2.0)) ** 2).mean(dim=(1, 2, 3))
    return torch.stack([50 * detail, -50 * detail], dim=1)


def test_foveate_closed_form():
    """Closed form: mask 0 at full fovea gives the sharp image, 1 gives the blur."""
    x = torch.rand(1, 3, 4, 5)
    b = torch.rand(1, 3, 4, 5)
    one = torch.ones(1, 4, 5)
    zero = torch.zeros(1, 4, 5)
    torch.testing.assert_close(foveate(x, b, one, zero), x)
    torch.testing.assert_close(foveate(x, b, zero, zero), b)
    torch.testing.assert_close(foveate(x, b, 0.25 * one, 0.25 * one), x + 0.5 * (b - x))


def test_neva_looks_where_the_evidence_is():
    """The only fine detail is in the lower-right quadrant: after the central start,
    gradient descent on the task loss moves the fixations there, for several seeds."""
    for seed in (0, 1, 2):
        gen = NevaScanpathGenerator(
            _energy_model,
            n_fixations=3,
            n_steps=15,
            lr=0.08,
            input_size=128,
            blur_sigma_px=2.0,
            device="cpu",
        )
        paths = gen.generate(_patch_image(), GEO, 3, random_state=seed)
        for sp in paths:
            assert (sp.x[0], sp.y[0]) == (64.0, 48.0)
            assert sp.x[1] > 80 and sp.y[1] > 55, (sp.x, sp.y)


def test_neva_reproducible_and_errors():
    gen = NevaScanpathGenerator(
        _energy_model, n_fixations=2, n_steps=2, input_size=32, device="cpu"
    )
    a = gen.generate(_patch_image(), GEO, 2, random_state=4)
    b = gen.generate(_patch_image(), GEO, 2, random_state=4)
    np.testing.assert_array_equal(a[1].x, b[1].x)
    with pytest.raises(ValidationError, match="must have values in"):
        gen.generate(_patch_image() * 3, GEO)
    with pytest.raises(ValidationError, match="task_model must be callable"):
        NevaScanpathGenerator(None).generate(_patch_image(), GEO)


@pytest.mark.slow
def test_neva_with_mobilenet_runs():
    """MobileNetV2 class evidence as the task (random weights: no download needed)."""
    from cogattn.scanpath.neva import mobilenet_task_model

    task = mobilenet_task_model(weights="random", device="cpu")
    gen = NevaScanpathGenerator(
        task, n_fixations=3, n_steps=3, input_size=64, device="cpu"
    )
    paths = gen.generate(_patch_image(), GEO, 2, random_state=0)
    assert len(paths) == 2 and all(len(p) == 3 for p in paths)
