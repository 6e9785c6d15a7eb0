"""Where VoiceCoach keeps its files: per-OS user dirs from platformdirs, or one root for tests.

`AppPaths.default()` is the only place that reads the `VOICECOACH_DATA_DIR` override, and that
override exists for tests and demos only (everything then lives under that one folder).
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import platformdirs

from voicecoach.domain import StorageError

APP_NAME = "VoiceCoach"
DATA_DIR_ENV = "VOICECOACH_DATA_DIR"

_SLUG_BAD = re.compile(r"[^A-Za-z0-9_-]+")
_MAX_SLUG = 60


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    recordings_dir: Path
    db_path: Path
    config_dir: Path
    settings_path: Path
    log_dir: Path

    @classmethod
    def default(cls) -> AppPaths:
        """The user's per-OS dirs, or everything under `$VOICECOACH_DATA_DIR` when it is set."""
        override = os.environ.get(DATA_DIR_ENV)
        if override:
            return cls.at(Path(override).expanduser())
        dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
        return cls._build(
            Path(dirs.user_data_dir), Path(dirs.user_config_dir), Path(dirs.user_log_dir)
        )

    @classmethod
    def at(cls, root: Path) -> AppPaths:
        """Everything under one folder: data files in `root`, `root/config`, `root/logs`."""
        root = Path(root)
        return cls._build(root, root / "config", root / "logs")

    @classmethod
    def _build(cls, data_dir: Path, config_dir: Path, log_dir: Path) -> AppPaths:
        return cls(
            data_dir=data_dir,
            recordings_dir=data_dir / "recordings",
            db_path=data_dir / "history.db",
            config_dir=config_dir,
            settings_path=config_dir / "settings.json",
            log_dir=log_dir,
        )

    def ensure(self) -> AppPaths:
        """Create the folders and check each is writable; `StorageError` names one that is not."""
        for d in (self.data_dir, self.recordings_dir, self.config_dir, self.log_dir):
            _ensure_writable_dir(d)
        return self

    def new_take_path(self, question_id: str, now: datetime | None = None) -> Path:
        """A new, unused WAV path: `recordings/2026-11-21/143012_core-conflict-01.wav`.

        The file is created empty here (exclusively), so two takes can never share a path.
        Folder and file names use local time, which is what a user browsing them expects.
        """
        now = now or datetime.now()
        day_dir = self.recordings_dir / now.strftime("%Y-%m-%d")
        _ensure_writable_dir(day_dir)
        stem = f"{now.strftime('%H%M%S')}_{_slug(question_id)}"
        n = 1
        while True:
            path = day_dir / (f"{stem}.wav" if n == 1 else f"{stem}-{n}.wav")
            try:
                with open(path, "xb"):
                    return path
            except FileExistsError:
                n += 1
            except OSError as exc:
                raise StorageError(
                    f"VoiceCoach cannot create a recording file in {day_dir} ({exc.strerror}). "
                    "Check the folder's permissions and that the disk is not full."
                ) from exc


def _slug(text: str) -> str:
    slug = _SLUG_BAD.sub("-", text).strip("-")[:_MAX_SLUG].strip("-")
    return slug or "take"


def _ensure_writable_dir(d: Path) -> None:
    try:
        d.mkdir(parents=True, exist_ok=True)
        # os.access can lie (network drives, root, ACLs): write a real file to find out.
        with tempfile.TemporaryFile(dir=d):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise StorageError(
            f"VoiceCoach cannot write to its folder {d} ({reason}). "
            "Check that the folder (or its parent) is not a file, is writable by you, "
            "and that the disk is not full."
        ) from exc
