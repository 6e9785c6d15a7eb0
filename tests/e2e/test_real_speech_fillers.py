"""End to end on a real human voice: one channel of a SpokenWOZ phone call through the app's path.

The audio is read from ../shared/real-speech/ (CC BY-NC 4.0, tests only, never copied into the
repo); the test skips, saying so, when it is absent. Words and filled pauses are scored by
position against the verbatim reference, as bench/real_speech.py does for all twelve channels.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bench.real_speech import DATA_DIR, FP, _tokens, hyp_tokens, score
from voicecoach.analysis import analyze
from voicecoach.settings import Settings
from voicecoach.speech.transcriber import WhisperTranscriber

pytestmark = pytest.mark.e2e

CALL, CHANNEL, SPEAKER = "SNG0480", 0, "A"
CLIP_S = 54.5  # ends inside a 6 s pause of this speaker (the other side is talking)


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> tuple[Path, list[str]]:
    """The clip as an 8 kHz mono WAV (as a file reaches the app) and its reference tokens."""
    wav = DATA_DIR / "audio" / f"{CALL}.wav"
    if not wav.exists():
        pytest.skip(
            f"real speech not available: {wav} is missing (../shared/real-speech/spokenwoz, "
            "not shipped with the repo)"
        )
    import soundfile as sf

    x, rate = sf.read(wav, dtype="int16", always_2d=True)
    path = tmp_path_factory.mktemp("real") / f"{CALL}-{SPEAKER}.wav"
    sf.write(path, np.ascontiguousarray(x[: int(CLIP_S * rate), CHANNEL]), rate)
    words = json.loads((DATA_DIR / "text" / f"{CALL}.json").read_text(encoding="utf-8"))
    ref = [
        t
        for w in words
        if w["speaker"] == SPEAKER and w["start"] < CLIP_S
        for t in _tokens(w["word"])
    ]
    return path, ref


def test_real_voice_words_and_filled_pauses_land_where_the_reference_has_them(clip):
    """On a real phone voice, most words are right and our filled pauses sit on real ones."""
    wav, ref = clip
    assert ref.count(FP) == 5  # the clip holds five um/uh in the verbatim reference
    s = Settings()
    t = WhisperTranscriber(s.transcriber, min_voiced_gap_s=s.analysis.min_voiced_gap_s)
    report = analyze(t.transcribe(wav), None, s.analysis)
    got = score(ref, hyp_tokens(report))
    assert got.word_recall >= 0.8, got
    assert got.recall >= 0.8, got.misses  # at least 4 of the 5 found, each at its place
    assert got.hit >= got.hyp_fp / 2, got.false_alarms  # most of ours are real ones
