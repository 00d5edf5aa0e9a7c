"""Image batches: layouts, validation messages, and the ImageNet resize/crop.

Reference for the resize: PIL's bilinear resize with its reducing filter, which
torch's ``interpolate(antialias=True)`` was written to match.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from cogattn import ValidationError
from cogattn.features import as_image_batch, resize_center_crop
from cogattn.features.extractor import FeatureExtractor
from cogattn.features.mobilenet_v2 import MobileNetV2


@pytest.fixture(scope="module")
def random_mobilenet() -> FeatureExtractor:
    torch.manual_seed(0)
    layers = {f"features.{i}": 2 for i in range(2)}
    return FeatureExtractor(MobileNetV2(), layers, aliases={"stem": "features.0"})


@settings(max_examples=25, deadline=None)
@given(
    b=st.integers(1, 3),
    h=st.integers(4, 9),  # sizes of 1 or 3 pixels make layouts ambiguous
    w=st.integers(4, 9),
    gray=st.booleans(),
    dtype=st.sampled_from([np.float16, np.float32, np.float64]),
)
def test_layouts_agree(b, h, w, gray, dtype):
    rng = np.random.default_rng(b * 100 + h * 10 + w)
    if gray:
        base = rng.random((b, h, w)).astype(dtype)
        expected = np.repeat(base[:, None], 3, axis=1)
        variants = [base, base[:, None], base[..., None], torch.from_numpy(base)]
    else:
        base = rng.random((b, 3, h, w)).astype(dtype)
        expected = base
        variants = [base, base.transpose(0, 2, 3, 1), torch.from_numpy(base)]
    for images in variants:
        out = as_image_batch(images)
        assert out.shape == (b, 3, h, w) and out.dtype == torch.float32
        np.testing.assert_array_equal(out.numpy(), expected.astype(np.float32))


@pytest.mark.parametrize(
    ("images", "match"),
    [
        (np.zeros((2, 5, 8, 8)), r"1 or 3 channels on axis 1 or axis 3, got shape "
         r"\(2, 5, 8, 8\)"),
        (np.zeros((8, 8)), r"3 or 4 dimensions, .* got shape \(8, 8\)"),
        (np.zeros((1, 1, 2, 8, 8)), "3 or 4 dimensions"),
        (np.zeros((16, 16, 3)), r"looks like one RGB image \(H, W, 3\); add a batch"),
        (np.zeros((0, 3, 8, 8)), "at least one image"),
        (np.zeros((1, 3, 8, 8), np.uint8), "dtype uint8; divide by 255"),
        (torch.zeros(1, 3, 8, 8, dtype=torch.int64), "float tensor .* torch.int64"),
        (np.full((1, 3, 8, 8), 200.0), r"values in \[0, 1\], got values in "
         r"\[200, 200\]; divide by 255"),
        (np.full((1, 3, 8, 8), -0.5), r"got values in \[-0.5, -0.5\]"),
        (np.full((1, 3, 8, 8), np.nan), "NaN or infinite"),
        (np.array([["a"]]), "float array .* got dtype <U1"),
    ],
)  # fmt: skip
def test_bad_images(images, match):
    with pytest.raises(ValidationError, match=match):
        as_image_batch(images)


def test_extract_argument_errors(random_mobilenet):
    img = torch.rand(1, 3, 8, 8)
    with pytest.raises(
        ValidationError,
        match=r"unknown layer 'layer9' for custom; allowed layers are features.0, "
        r"features.1, stem",
    ):
        random_mobilenet.extract(img, ["stem", "layer9"])
    with pytest.raises(ValidationError, match="non-empty list of layer names"):
        random_mobilenet.extract(img, [])
    with pytest.raises(ValidationError, match=r"unknown layer 3"):
        random_mobilenet.extract(img, [3])
    with pytest.raises(ValidationError, match=r"batch_size must be an integer in \[1"):
        random_mobilenet.extract(img, ["stem"], batch_size=0)
    with pytest.raises(ValidationError, match="unknown layer 'nope'"):
        random_mobilenet.receptive_stride("nope")
    with pytest.raises(ValidationError, match=r"at least 2×2 pixels .* got 1×8"):
        random_mobilenet.extract(img[..., :1, :], ["stem"])


def test_normalisation_inside(random_mobilenet):
    # an image equal to the ImageNet mean normalises to zeros; check on the stem conv
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1).expand(1, 3, 6, 6)
    out = random_mobilenet.extract(mean, ["features.0"])["features.0"]
    stem = random_mobilenet.backbone.features[0]
    with torch.no_grad():
        expected = stem.eval()(torch.zeros(1, 3, 6, 6))
    torch.testing.assert_close(out, expected)


@pytest.mark.parametrize(("h", "w"), [(300, 451), (451, 300), (256, 256), (240, 330)])
def test_resize_center_crop_matches_pil(h, w, rng):
    import PIL.Image as pil

    img = rng.random((h, w, 3)).astype(np.float32)
    out = resize_center_crop(img[None], size=224, resize=256)
    assert out.shape == (1, 3, 224, 224)
    # reference: PIL resize (float mode per channel), shorter side 256, centre crop
    if h <= w:
        nh, nw = 256, int(256 * w / h)
    else:
        nh, nw = int(256 * h / w), 256
    top, left = round((nh - 224) / 2), round((nw - 224) / 2)
    ref = np.stack(
        [
            np.asarray(
                pil.fromarray(img[..., c], mode="F").resize((nw, nh), pil.BILINEAR)
            )
            for c in range(3)
        ]
    )[:, top : top + 224, left : left + 224]
    np.testing.assert_allclose(out[0].numpy(), np.clip(ref, 0, 1), atol=1e-4)


@settings(max_examples=20, deadline=None)
@given(h=st.integers(8, 60), w=st.integers(8, 60), value=st.floats(0, 1))
def test_resize_keeps_constants_and_range(h, w, value):
    img = np.full((1, h, w), value, dtype=np.float32)
    out = resize_center_crop(img, size=8, resize=10)
    assert out.shape == (1, 3, 8, 8)
    np.testing.assert_allclose(out.numpy(), value, atol=1e-6)


def test_resize_arguments():
    with pytest.raises(ValidationError, match=r"resize must be an integer in \[224"):
        resize_center_crop(np.zeros((1, 3, 8, 8)), size=224, resize=100)
