"""User data paths: override only in default(), writable-dir checks, unique take paths."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest

from voicecoach.domain import StorageError, VoiceCoachError
from voicecoach.store.paths import DATA_DIR_ENV, AppPaths


def test_at_puts_everything_under_root(tmp_path: Path) -> None:
    """Tests and demos can keep every file VoiceCoach writes inside one folder."""
    p = AppPaths.at(tmp_path)
    for path in (p.data_dir, p.recordings_dir, p.db_path, p.config_dir, p.settings_path, p.log_dir):
        assert path.is_relative_to(tmp_path)
    assert p.db_path.name == "history.db"
    assert p.settings_path.name == "settings.json"


def test_default_honours_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """VOICECOACH_DATA_DIR redirects default() so tests never touch the real user dirs."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    assert AppPaths.default() == AppPaths.at(tmp_path)


def test_default_uses_platform_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the override, data goes to the per-OS user data dir named after the app."""
    monkeypatch.delenv(DATA_DIR_ENV, raising=False)
    p = AppPaths.default()
    assert "VoiceCoach" in str(p.data_dir)
    assert "VoiceCoach" in str(p.log_dir)
    assert not p.data_dir.is_relative_to(tmp_path)


def test_ensure_creates_dirs(tmp_path: Path) -> None:
    """ensure() makes every folder the app writes to."""
    p = AppPaths.at(tmp_path / "new").ensure()
    for d in (p.data_dir, p.recordings_dir, p.config_dir, p.log_dir):
        assert d.is_dir()


def test_ensure_unwritable_raises_clear_error(tmp_path: Path) -> None:
    """A data dir that cannot be created gives a StorageError naming the folder (even as root)."""
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(StorageError) as info:
        AppPaths.at(blocker).ensure()
    assert isinstance(info.value, VoiceCoachError)
    assert str(blocker) in str(info.value)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_ensure_read_only_dir_raises(tmp_path: Path) -> None:
    """An existing but read-only data dir is reported, not discovered mid-recording."""
    ro = tmp_path / "ro"
    ro.mkdir()
    (ro / "recordings").mkdir()
    (ro / "config").mkdir()
    (ro / "logs").mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(StorageError, match="cannot write"):
            AppPaths.at(ro).ensure()
    finally:
        ro.chmod(0o700)


def test_new_take_path_layout_and_uniqueness(tmp_path: Path) -> None:
    """Take files go in a dated folder, named by time and question, and never collide."""
    p = AppPaths.at(tmp_path).ensure()
    now = datetime(2026, 11, 21, 14, 30, 12)
    a = p.new_take_path("core-conflict-01", now=now)
    b = p.new_take_path("core-conflict-01", now=now)
    assert a == p.recordings_dir / "2026-11-21" / "143012_core-conflict-01.wav"
    assert b != a and b.parent == a.parent and b.suffix == ".wav"
    assert a.exists() and b.exists()


def test_new_take_path_sanitises_question_id(tmp_path: Path) -> None:
    """Odd question ids cannot escape the recordings folder or make invalid file names."""
    p = AppPaths.at(tmp_path).ensure()
    path = p.new_take_path("../../etc/pass wd?", now=datetime(2026, 1, 2, 3, 4, 5))
    assert path.parent == p.recordings_dir / "2026-01-02"
    assert path.name == "030405_etc-pass-wd.wav"
