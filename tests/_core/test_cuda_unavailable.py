"""Asking for CUDA on a machine without it gives one clear BackendError everywhere."""

from __future__ import annotations

import numpy as np
import pytest

from cogattn import BackendError

torch = pytest.importorskip("torch")

pytestmark = pytest.mark.skipif(
    torch.cuda.is_available(), reason="CUDA is available: the error cannot occur"
)

BACKEND_MSG = r"backend 'torch_cuda' is not available on this machine"
DEVICE_MSG = r"CUDA is not available on this machine; use device='cpu'"


def _xy(rng):
    X = rng.standard_normal((30, 4))
    return X, X @ rng.standard_normal((4, 2))


@pytest.mark.parametrize("name", ["Ridge", "RidgeCV", "BandedRidgeCV"])
def test_ridge_estimators(name, rng) -> None:
    from cogattn.encoders import banded, ridge

    cls = getattr(banded if name == "BandedRidgeCV" else ridge, name)
    kwargs = {"groups": [2, 2], "n_iter": 2} if name == "BandedRidgeCV" else {}
    with pytest.raises(BackendError, match=BACKEND_MSG):
        cls(backend="torch_cuda", **kwargs).fit(*_xy(rng))


def test_trf(rng) -> None:
    from cogattn.encoders.trf import TRF

    stim = [rng.standard_normal((100, 1)) for _ in range(2)]
    resp = [rng.standard_normal((100, 2)) for _ in range(2)]
    model = TRF(tmin=0.0, tmax=0.05, sfreq=100.0, alpha=1.0, backend="torch_cuda")
    with pytest.raises(BackendError, match=BACKEND_MSG):
        model.fit(stim, resp)


def test_hebbian_memory() -> None:
    from cogattn.workspace.associative.hebbian import random_unit_keys

    with pytest.raises(BackendError, match=BACKEND_MSG):
        random_unit_keys(4, 8, random_state=0, backend="torch_cuda")


def test_search_model() -> None:
    from cogattn.search.model import EccentricitySearchModel
    from cogattn.search.variants import PixelMatchingSearch

    imgs = np.full((1, 24, 24), 0.5, np.float32)
    target = np.full((8, 8), 0.5, np.float32)
    masks = np.zeros((1, 24, 24), bool)
    boxes = np.array([[[0, 0, 8, 8]]])
    with pytest.raises(BackendError, match=DEVICE_MSG):
        EccentricitySearchModel(device="cuda").search(imgs, target, masks, boxes)
    with pytest.raises(BackendError, match=DEVICE_MSG):
        PixelMatchingSearch(device="cuda").search(imgs, target, masks, boxes)


def test_load_backbone() -> None:
    from cogattn.features.registry import load_backbone

    with pytest.raises(BackendError, match=DEVICE_MSG):
        load_backbone("vgg16", weights="random", device="cuda")
