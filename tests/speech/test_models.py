"""The offline model catalogue: Whisper base joined from its two PyPI parts, speeds remembered."""

from __future__ import annotations

from pathlib import Path

import pytest

from voicecoach.domain import ModelError
from voicecoach.speech import models
from voicecoach.speech.transcriber import resolve_model


@pytest.fixture
def fake_base(tmp_path, monkeypatch) -> tuple[Path, Path]:
    d1, d2 = tmp_path / "p1" / "data", tmp_path / "p2" / "data"
    d1.mkdir(parents=True)
    d2.mkdir(parents=True)
    (d1 / "model.bin.part1").write_bytes(b"A" * 3000)
    (d2 / "model.bin.part2").write_bytes(b"B" * 2000)
    for name in models.BASE_EXTRA_FILES:
        (d2 / name).write_text("{}")
    monkeypatch.setattr(models, "base_parts", lambda: (d1, d2))
    return d1, d2


def test_base_parts_are_joined_once_in_order(fake_base, tmp_path):
    """model.bin is part1 then part2, written once into the cache with config and tokenizer."""
    out = models.base_dir(tmp_path / "cache")
    assert (out / "model.bin").read_bytes() == b"A" * 3000 + b"B" * 2000
    assert all((out / n).is_file() for n in models.BASE_EXTRA_FILES)
    mtime = (out / "model.bin").stat().st_mtime_ns
    assert models.base_dir(tmp_path / "cache") == out
    assert (out / "model.bin").stat().st_mtime_ns == mtime
    assert not list(out.glob("*.tmp"))


def test_half_joined_model_is_joined_again(fake_base, tmp_path):
    """A model.bin of the wrong size (a crash mid-join, an old version) is replaced."""
    out = models.base_dir(tmp_path / "cache")
    (out / "model.bin").write_bytes(b"A" * 10)
    models.base_dir(tmp_path / "cache")
    assert (out / "model.bin").stat().st_size == 5000


def test_missing_part_says_how_to_reinstall(fake_base, tmp_path):
    """One part missing: a ModelError naming it and the pip line, not a ctranslate2 crash."""
    (fake_base[1] / "model.bin.part2").unlink()
    with pytest.raises(ModelError, match=r"part2.*voicecoach\[base\]"):
        models.base_dir(tmp_path / "cache")


def test_not_installed_says_how_to_install(monkeypatch):
    """Without the packages the choice is listed as not installed, with the install line."""
    monkeypatch.setattr(models, "base_parts", lambda: None)
    base = next(m for m in models.known_models() if m.id == models.BASE)
    assert not base.installed and "pip install 'voicecoach[base]'" in base.install_hint
    with pytest.raises(ModelError, match=r"pip install 'voicecoach\[base\]'"):
        resolve_model(models.BASE)


def test_speeds_are_remembered(tmp_path):
    """A measured speed survives a restart; a damaged file is ignored, not fatal."""
    models.save_speed(models.TINY, 0.1234567, tmp_path)
    models.save_speed(models.BASE, 0.25, tmp_path)
    assert models.load_speeds(tmp_path) == {models.TINY: 0.1235, models.BASE: 0.25}
    models.speed_path(tmp_path).write_text("not json")
    assert models.load_speeds(tmp_path) == {}


def test_installed_base_loads():
    """The real base packages, when installed, resolve to a folder faster-whisper loads."""
    if models.base_parts() is None:
        pytest.skip("Whisper base is not installed (pip install 'voicecoach[base]')")
    from voicecoach.settings import TranscriberSettings
    from voicecoach.speech.transcriber import WhisperTranscriber

    t = WhisperTranscriber(TranscriberSettings(model=models.BASE))
    t.load()
    assert t.loaded
