"""End to end on real synthesized speech through the bundled Whisper model.

The answers are scripts with known section spans and fillers (tests/fixtures), spoken by piper.
These protect the figures the product shows: sections, fillers, and the instant (streaming)
path agreeing with the batch path.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bench.scoring import filler_scores, section_agreement
from tests.fixtures.synth import synthesize
from voicecoach.analysis import analyze
from voicecoach.audio.decode import load_audio
from voicecoach.settings import Settings
from voicecoach.speech.streaming import StreamingTranscriber
from voicecoach.speech.transcriber import WhisperTranscriber

pytestmark = pytest.mark.e2e
ANSWERS = Path(__file__).resolve().parents[1] / "fixtures" / "answers"


@pytest.fixture(scope="module")
def transcriber() -> WhisperTranscriber:
    t = WhisperTranscriber(Settings().transcriber)
    t.load()
    return t


@pytest.fixture(scope="module")
def balanced():
    return synthesize(ANSWERS / "balanced-01.toml")


@pytest.fixture(scope="module")
def batch_report(transcriber, balanced):
    return analyze(transcriber.transcribe(balanced.wav_path), None, Settings().analysis)


def test_sections_and_fillers_match_the_script(batch_report, balanced):
    """A real spoken answer gets its STAR sections and fillers where the script put them."""
    truth = balanced.truth
    assert [s.name for s in batch_report.sections] == [s.name for s in truth.sections]
    assert section_agreement(batch_report.sections, truth.sections) >= 0.85
    recall, precision, _ = filler_scores(batch_report.fillers, truth.fillers)
    assert recall >= 0.8 and precision >= 0.8


def test_streaming_path_agrees_with_batch(transcriber, balanced, batch_report):
    """Transcribing while recording (ahead of time, with speculation) gives the batch report:
    the same words at the same times, the same sections and fillers."""
    x = load_audio(balanced.wav_path)
    stream = StreamingTranscriber(transcriber)
    for i in range(0, len(x), 800):  # 50 ms blocks, as the recorder delivers them
        stream.feed(x[i : i + 800].reshape(-1, 1), 16000)
    live = analyze(stream.finish(transcriber.model_name), None, Settings().analysis)
    assert live.transcript.words == batch_report.transcript.words
    assert live.sections == batch_report.sections
    assert len(live.fillers) == len(batch_report.fillers)


def test_cli_json_on_real_speech(tmp_path):
    """`voicecoach analyze --json` on a spoken answer prints the stable keys with real values."""
    fx = synthesize(ANSWERS / "short-01.toml")
    r = subprocess.run(
        [sys.executable, "-m", "voicecoach.cli", "analyze", str(fx.wav_path), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        env={"VOICECOACH_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["audio"]["duration_s"] == pytest.approx(fx.truth.duration_s, abs=0.05)
    assert len(d["words"]) > 50 and d["transcript"]
    assert all(w["start_s"] <= w["end_s"] <= d["audio"]["duration_s"] + 0.01 for w in d["words"])
    names = [s["name"] for s in d["sections"]]
    assert names and names == sorted(names, key=["situation", "task", "action", "result"].index)
    assert set(d["fillers"]) >= {"total", "per_minute", "by_word"}
    assert d["pace_wpm"] > 80
    assert {"headline", "quantified_result", "learning"} <= set(d["checks"])
    assert set(d["pronouns"]) == {"i", "we"}
    agree = section_agreement(
        [(s["name"], s["start_s"], s["end_s"]) for s in d["sections"]], fx.truth.sections
    )
    assert agree >= 0.7
    assert np.isfinite(d["fillers"]["per_minute"])


REAL_SPEECH = Path(__file__).resolve().parents[3] / "shared" / "real-speech" / "spokenwoz" / "audio"


def test_live_and_file_transcripts_of_real_speech_are_equal(transcriber):
    """A real recording (8 kHz stereo phone call) streamed block by block, as the recorder taps
    it, gives exactly the words of the same file analysed afterwards (same resampling, cuts and
    windows; before, live audio was resampled differently and words changed)."""
    import soundfile as sf

    clips = sorted(REAL_SPEECH.glob("*.wav")) if REAL_SPEECH.is_dir() else []
    if not clips:
        pytest.skip(f"no real speech clips in {REAL_SPEECH} (see ../shared/real-speech/README.md)")
    path = clips[-1]
    file_words = transcriber.transcribe(path).words
    x, rate = sf.read(str(path), dtype="float32", always_2d=True)
    stream = StreamingTranscriber(transcriber)
    for i in range(0, len(x), rate // 20):  # 50 ms blocks at the device rate
        stream.feed(x[i : i + rate // 20], rate)
    live_words = stream.finish(transcriber.model_name).words
    assert len(file_words) > 50
    assert [(w.text, w.start_s, w.end_s) for w in live_words] == [
        (w.text, w.start_s, w.end_s) for w in file_words
    ]
