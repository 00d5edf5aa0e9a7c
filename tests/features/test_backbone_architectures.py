"""Architectures against torchvision's published layouts.

References: torchvision's ``mobilenet_v2`` has 3,504,872 parameters and ``vgg16``
138,357,544 (torchvision model documentation); the official checkpoint file gives
the exact key list; strides follow from the stride-2 stages of each paper's table.
"""

from __future__ import annotations

import math

import pytest
import torch

from cogattn.features.mobilenet_v2 import MOBILENET_V2_STRIDES, MobileNetV2
from cogattn.features.vgg import VGG16, VGG16_LAYER_ALIASES, VGG16_STRIDES


def n_params(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


@pytest.fixture
def vgg() -> VGG16:
    # shapes and names only: the meta device allocates no memory and does no math
    with torch.device("meta"):
        return VGG16().eval()


def test_mobilenet_parameter_count_and_key_layout():
    model = MobileNetV2()
    assert n_params(model) == 3_504_872
    keys = list(model.state_dict())
    assert len(keys) == 314  # 262 weights/BN stats + 52 num_batches_tracked
    assert keys[:3] == [
        "features.0.0.weight",
        "features.0.1.weight",
        "features.0.1.bias",
    ]
    # block 1 has no expansion conv; block 2 does (torchvision's conv.N numbering)
    assert "features.1.conv.0.0.weight" in keys and "features.1.conv.1.weight" in keys
    assert "features.2.conv.1.0.weight" in keys and "features.2.conv.2.weight" in keys
    assert "features.18.0.weight" in keys
    assert keys[-2:] == ["classifier.1.weight", "classifier.1.bias"]
    assert model.classifier[1].in_features == 1280


def test_mobilenet_keys_equal_official_checkpoint(mobilenet_checkpoint):
    state = torch.load(mobilenet_checkpoint, map_location="cpu", weights_only=True)
    model = MobileNetV2()
    assert list(model.state_dict()) == list(state)
    for key, value in model.state_dict().items():
        assert value.shape == state[key].shape, key
    result = model.load_state_dict(state, strict=True)
    assert not result.missing_keys and not result.unexpected_keys


def test_vgg16_parameter_count_and_keys(vgg):
    assert n_params(vgg) == 138_357_544
    convs = [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28]
    expected = [f"features.{i}.{p}" for i in convs for p in ("weight", "bias")]
    expected += [f"classifier.{i}.{p}" for i in (0, 3, 6) for p in ("weight", "bias")]
    assert list(vgg.state_dict()) == expected


def test_mobilenet_strides_match_feature_map_sizes():
    model = MobileNetV2().eval()
    x = torch.zeros(1, 3, 64, 96)
    sizes = []
    with torch.no_grad():
        for block in model.features:
            x = block(x)
            sizes.append(tuple(x.shape[-2:]))
    assert len(MOBILENET_V2_STRIDES) == len(model.features) == 19
    assert sizes == [(64 // s, 96 // s) for s in MOBILENET_V2_STRIDES]
    assert MOBILENET_V2_STRIDES[-1] == 32 and x.shape[1] == 1280
    with torch.no_grad():
        assert model(torch.zeros(2, 3, 64, 48)).shape == (2, 1000)


def test_vgg16_strides_and_aliases(vgg):
    trunk = vgg.features.to_empty(device="cpu")  # conv weights only, 59 MB
    for p in trunk.parameters():
        p.data.zero_()
    x = torch.zeros(1, 3, 64, 64)
    with torch.no_grad():
        for i, block in enumerate(trunk):
            x = block(x)
            assert x.shape[-1] == 64 // VGG16_STRIDES[i], i
    assert x.shape == (1, 512, 2, 2)
    pool3 = int(VGG16_LAYER_ALIASES["pool3"].split(".")[1])
    assert isinstance(vgg.features[pool3], torch.nn.MaxPool2d)
    assert VGG16_LAYER_ALIASES["conv5_3"] == "features.28"
    assert VGG16_LAYER_ALIASES["relu4_3"] == "features.22"
    assert VGG16_LAYER_ALIASES["layer5"] == "features.30"
    assert vgg.classifier[0].in_features == 512 * 7 * 7


def test_random_init_follows_kaiming_fan_out():
    # closed form: kaiming_normal_(mode="fan_out") has std sqrt(2 / fan_out)
    torch.manual_seed(3)
    model = MobileNetV2().requires_grad_(False)
    w = model.features[18][0].weight  # 1x1 conv 320 -> 1280
    fan_out = w.shape[0] * w[0, 0].numel()
    assert float(w.std()) == pytest.approx(math.sqrt(2.0 / fan_out), rel=0.02)
    lin = model.classifier[1]
    assert float(lin.weight.std()) == pytest.approx(0.01, rel=0.02)
    assert float(lin.bias.abs().max()) == 0.0
    bn = model.features[0][1]
    assert torch.equal(bn.weight, torch.ones_like(bn.weight))


def test_inverted_residual_shortcut_only_when_shapes_agree():
    model = MobileNetV2()
    uses = [b.use_res_connect for b in model.features[1:18]]
    # repeats after the first block of each stage use the shortcut
    expected = [False, False, True, False, True, True, False, True, True, True,
                False, True, True, False, True, True, False]  # fmt: skip
    assert uses == expected


def test_fused_batchnorm_computes_the_same_features():
    from cogattn.features import load_backbone
    from cogattn.features.fusion import fuse_batchnorm

    torch.manual_seed(0)
    fx = load_backbone("mobilenet_v2", weights="random")
    for m in fx.modules():  # non-trivial running statistics and affine terms
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)
    fused = fuse_batchnorm(fx)
    n_bn = sum(isinstance(m, torch.nn.BatchNorm2d) for m in fused.modules())
    assert n_bn == 0
    assert sum(isinstance(m, torch.nn.BatchNorm2d) for m in fx.modules()) == 52
    x = torch.rand(2, 3, 64, 80)
    layers = ["features.3", "features.13", "final"]
    want, got = fx.extract(x, layers), fused.extract(x, layers)
    for layer in layers:
        torch.testing.assert_close(got[layer], want[layer], rtol=1e-4, atol=1e-5)
    # the module names (and so the feature taps) are unchanged
    assert set(dict(fused.named_modules())) == set(dict(fx.named_modules()))
    from cogattn._core.errors import ValidationError

    with pytest.raises(ValidationError, match=r"torch\.nn\.Module"):
        fuse_batchnorm("mobilenet_v2")


def test_channels_last_computes_the_same_features_and_returns_nchw():
    from cogattn.features import load_backbone

    torch.manual_seed(1)
    fx = load_backbone("mobilenet_v2", weights="random")
    x = torch.rand(2, 3, 64, 80)
    layers = ["features.7.expand", "features.13", "final"]
    want = fx.extract(x, layers)
    assert fx.use_channels_last() is fx
    conv = fx.backbone.features[0][0].weight
    assert conv.is_contiguous(memory_format=torch.channels_last)
    got = fx.extract(x, layers)
    for layer in layers:
        assert got[layer].is_contiguous()
        torch.testing.assert_close(got[layer], want[layer], rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(fx.classify(x), fx.use_channels_last(False).classify(x))
    assert fx.backbone.features[0][0].weight.is_contiguous()
