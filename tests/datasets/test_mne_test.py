"""The MNE test-recording loader: local path, loud error, download on request only."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import cogattn
from cogattn import DataNotFoundError, ValidationError
from cogattn.datasets import (
    DATA_ENV,
    fetch_mne_test,
    load_mne_test,
    mne_test,
    mne_test_path,
)


@pytest.fixture
def no_download(monkeypatch):
    """Fail the test if anything tries to reach the network."""
    import pooch

    def refuse(*args, **kwargs):
        raise AssertionError("pooch.retrieve called without download=True")

    monkeypatch.setattr(pooch, "retrieve", refuse)


def test_listed_at_top_level():
    assert "datasets" in cogattn.__all__
    assert cogattn.datasets.mne_test_path is mne_test_path


def test_local_path_from_the_environment(data_dir, monkeypatch, no_download):
    monkeypatch.setenv(DATA_ENV, str(data_dir))
    path = mne_test_path()
    assert path == data_dir / "mne_test" / "test_raw.fif"
    assert (path.parent / "test-eve.fif").is_file()
    assert mne_test_path(data_dir) == path


def test_local_files_match_the_pinned_hashes(data_dir):
    for name, known in mne_test.FILES.items():
        digest = hashlib.sha256((data_dir / "mne_test" / name).read_bytes())
        assert known == f"sha256:{digest.hexdigest()}", name


@pytest.mark.data
def test_load_reads_raw_and_events(data_dir, no_download):
    raw, events = load_mne_test(data_dir)
    assert len(raw.copy().pick("eeg").ch_names) == 60
    assert abs(raw.info["sfreq"] - 600.615) < 1e-2
    assert events.shape[1] == 3 and set(events[:, 2]) >= {1, 2, 3, 4}


def test_missing_folder_names_file_place_source_and_variable(
    tmp_path, monkeypatch, no_download
):
    monkeypatch.setenv(DATA_ENV, str(tmp_path))
    where = str(tmp_path / "mne_test" / "test_raw.fif")
    with pytest.raises(DataNotFoundError, match=r"'test_raw\.fif' not found") as info:
        load_mne_test()
    msg = str(info.value)
    assert where in msg
    assert "'test-eve.fif' is missing too" in msg
    assert "eeglabio 0.1.4" in msg and "eeglabio/tests/data/" in msg
    assert "MNE-Python" in msg
    assert f"{DATA_ENV}=<folder>" in msg and "download=True" in msg
    assert isinstance(info.value, FileNotFoundError)


def test_missing_events_file_only(tmp_path, no_download):
    (tmp_path / "mne_test").mkdir()
    (tmp_path / "mne_test" / "test_raw.fif").write_bytes(b"x")
    with pytest.raises(DataNotFoundError, match=r"'test-eve\.fif' not found.*data_dir"):
        mne_test_path(tmp_path)


def test_unset_variable_says_so(monkeypatch, no_download):
    monkeypatch.delenv(DATA_ENV, raising=False)
    with pytest.raises(DataNotFoundError, match=rf"{DATA_ENV} is not set"):
        mne_test_path()


def test_download_must_be_a_bool(tmp_path):
    with pytest.raises(ValidationError, match="download must be True or False"):
        mne_test_path(tmp_path, download="yes")


def _fake_retrieve(calls):
    def retrieve(url, known_hash, fname, path, progressbar):
        calls.append({"url": url, "known_hash": known_hash, "fname": fname})
        target = Path(path) / fname
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"fake")
        return str(target)

    return retrieve


def test_download_true_fetches_each_file_with_its_hash(tmp_path, monkeypatch):
    import pooch

    calls = []
    monkeypatch.setattr(pooch, "retrieve", _fake_retrieve(calls))
    path = mne_test_path(tmp_path, download=True)
    assert path == tmp_path / "mne_test" / "test_raw.fif" and path.is_file()
    assert [c["fname"] for c in calls] == ["test_raw.fif", "test-eve.fif"]
    for c in calls:
        assert c["url"] == mne_test.URL + c["fname"]
        assert c["url"].startswith("https://")
        assert c["known_hash"] == mne_test.FILES[c["fname"]]
    calls.clear()
    assert mne_test_path(tmp_path, download=True) == path  # present: no fetch
    assert calls == []


def test_fetch_without_data_folder_uses_pooch_cache(tmp_path, monkeypatch):
    import pooch

    calls = []
    monkeypatch.delenv(DATA_ENV, raising=False)
    monkeypatch.setattr(pooch, "retrieve", _fake_retrieve(calls))
    monkeypatch.setattr(pooch, "os_cache", lambda name: tmp_path / name)
    path = fetch_mne_test()
    assert path == tmp_path / "cogattn" / "mne_test" / "test_raw.fif"
    assert len(calls) == 2
