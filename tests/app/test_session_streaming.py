"""The session transcribes while the user speaks: live status during, only the tail after."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


import numpy as np  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QLabel, QPushButton  # noqa: E402

from tests.app.test_session import _teardown_sessions, build, record_answer  # noqa: E402,F401
from voicecoach.audio.decode import load_audio  # noqa: E402
from voicecoach.domain import Transcript, Word  # noqa: E402

RATE = 16000
SCRIPT = (
    "Last year I was the tech lead on our payments team. "
    "We had a checkout service that kept timing out at peak, um, every Friday. "
    "The company was about to run its biggest sale of the year. "
    "My job was to find the cause and fix it before the sale. "
    "I started by pulling the traces from the slowest requests. "
    "Then I rewrote the query and added a cache in front of it. "
    "As a result, timeouts dropped from four percent to almost zero."
).split()


def _speech() -> tuple[np.ndarray, list[tuple[float, float]]]:
    """One tone burst per script word; longer gaps after sentence ends."""
    rng = np.random.default_rng(3)
    spans, t = [], 0.6
    for w in SCRIPT:
        spans.append((t, t + 0.32))
        t += 0.32 + (0.7 if w.endswith(".") else 0.12)
    x = (rng.standard_normal(int((t + 0.6) * RATE)) * 0.001).astype(np.float32)
    for k, (a, b) in enumerate(spans):
        i, j = int(a * RATE), int(b * RATE)
        x[i:j] += 0.3 * np.sin(2 * np.pi * _hz(k) * np.arange(j - i) / RATE).astype(np.float32)
    return x, spans


def _hz(k: int) -> float:
    """Each word of the script is a tone of its own, so any stretch tells which words it holds."""
    return 170.0 + 10.0 * k


class StreamingFake:
    """Hears one word per burst and names it from the script by the burst's pitch (a stretch may
    be heard more than once: the stream transcribes the stretch in progress ahead of time)."""

    supports_streaming = True
    model_name = "fake"

    def __init__(self) -> None:
        self.inputs: list[str] = []

    def load(self) -> None:
        pass

    def transcribe(self, audio, progress=None, cancel=None) -> Transcript:
        if not isinstance(audio, np.ndarray):
            self.inputs.append("file")
            audio = load_audio(audio)
        else:
            self.inputs.append("array")
        n = len(audio) // 320
        loud = np.sqrt(np.mean(audio[: n * 320].reshape(n, 320) ** 2, axis=1)) > 0.05
        words, start = [], None
        for i, on in enumerate(np.append(loud, False)):
            if on and start is None:
                start = i
            elif not on and start is not None:
                burst = audio[start * 320 : i * 320]
                hz = np.argmax(np.abs(np.fft.rfft(burst))) * RATE / len(burst)
                text = SCRIPT[min(max(round((hz - 170.0) / 10.0), 0), len(SCRIPT) - 1)]
                words.append(Word(text, start * 0.02, i * 0.02))
                start = None
        return Transcript(tuple(words), len(audio) / RATE)


def test_streamed_take_gives_live_status_and_a_full_review(qtbot, qapp, tmp_path):
    """While recording the panel shows the section heard so far; the review has every word."""
    audio, spans = _speech()
    from tests.fakes.sound import FakeSoundLayer

    layer = FakeSoundLayer(source=audio, rate_hz=RATE, speed=6, at_end="hold")
    fake = StreamingFake()
    session, window = build(qtbot, qapp, tmp_path, audio, layer=layer, transcriber=fake)
    session.choose_question(session.packs.questions("core_senior")[0].id, speak=False)
    statuses: list = []
    session.liveStatusChanged.connect(statuses.append)
    button = window.findChild(QPushButton, "recordButton")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    total_s = len(audio) / RATE
    # Let the event loop run while the fake microphone plays (the live timer must fire).
    qtbot.waitUntil(lambda: session.elapsed_s() >= total_s - 0.05, timeout=30000)
    with qtbot.waitSignal(session.reviewReady, timeout=30000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert "file" not in fake.inputs and fake.inputs.count("array") >= 2  # streamed in stretches
    report = session.report()
    assert [w.text for w in report.transcript.words] == SCRIPT
    for w, (a, b) in zip(report.transcript.words, spans, strict=True):
        assert abs(w.start_s - a) < 0.05 and abs(w.end_s - b) < 0.05
    heard = [s.section for s in statuses if s.section is not None]
    assert heard, "no live status while recording"
    assert heard == sorted(heard, key=["situation", "task", "action", "result"].index)
    assert "Sounds like:" in window.findChild(QLabel, "liveLabel").text()


def test_analysing_starts_from_the_share_already_transcribed(qtbot, qapp, tmp_path):
    """After Stop, "Analysing… n%" starts at the share of the answer transcribed while it was
    spoken, not at 0% (it showed 0% until the review appeared, as if nothing had been done)."""
    from tests.fakes.sound import FakeSoundLayer

    audio, _spans = _speech()
    layer = FakeSoundLayer(source=audio, rate_hz=RATE, speed=6, at_end="hold")
    session, window = build(qtbot, qapp, tmp_path, audio, layer=layer, transcriber=StreamingFake())
    session.choose_question(session.packs.questions("core_senior")[0].id, speak=False)
    seen: list[float] = []
    session.progressChanged.connect(seen.append)
    button = window.findChild(QPushButton, "recordButton")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    total_s = len(audio) / RATE
    qtbot.waitUntil(lambda: session.elapsed_s() >= total_s - 0.05, timeout=30000)
    qtbot.wait(300)  # the finished stretches are transcribed while recording
    with qtbot.waitSignal(session.reviewReady, timeout=30000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    started = [f for f in seen if f > 0.0]
    assert started and 0.3 < started[0] < 1.0, seen
    assert abs(seen[-1] - 1.0) < 1e-9


def test_no_streaming_when_turned_off(qtbot, qapp, tmp_path):
    """With streaming off in settings, the file is transcribed after the stop (batch path)."""
    from dataclasses import replace

    from tests.fakes.sound import FakeSoundLayer

    audio, _ = _speech()
    layer = FakeSoundLayer(source=audio, rate_hz=RATE, speed=0, at_end="hold")
    fake = StreamingFake()
    session, window = build(qtbot, qapp, tmp_path, audio, layer=layer, transcriber=fake)
    session.settings = replace(
        session.settings, transcriber=replace(session.settings.transcriber, streaming=False)
    )
    session.choose_question(session.packs.questions("core_senior")[0].id, speak=False)
    with qtbot.waitSignal(session.reviewReady, timeout=30000):
        record_answer(qtbot, session, window)
    assert fake.inputs == ["file"]
    assert [w.text for w in session.report().transcript.words] == SCRIPT


class GuessLog:
    """The transcriber's look-ahead stand-in: decodes guesses here and counts them."""

    def __init__(self, fake: StreamingFake) -> None:
        self.fake = fake
        self.guesses = 0
        self.warms = 0
        self.generation = 0
        self.released: list[int | None] = []

    def decode(self, samples):
        self.guesses += 1
        return self.fake.transcribe(np.asarray(samples))

    def drop(self) -> bool:
        return False

    def release(self, generation: int | None = None) -> None:
        self.released.append(generation)


class LookaheadFake(StreamingFake):
    """A transcriber that can take stretches (so the stream guesses ahead) and has a look-ahead."""

    def __init__(self) -> None:
        super().__init__()
        self.ahead = GuessLog(self)
        self.closed = 0

    def transcribe_stretch(self, audio, **kw) -> Transcript:
        return self.transcribe(np.asarray(audio))

    def lookahead(self) -> GuessLog:
        self.ahead.warms += 1
        self.ahead.generation += 1
        return self.ahead

    def close(self) -> None:
        self.closed += 1


def test_guesses_go_to_the_transcribers_look_ahead_and_quit_ends_it(qtbot, qapp, tmp_path):
    """Guesses while recording run in the look-ahead (a process Stop can end), not in the app's
    own decoding; the review still has every word; quitting ends the look-ahead process."""
    from tests.fakes.sound import FakeSoundLayer

    audio, _spans = _speech()
    layer = FakeSoundLayer(source=audio, rate_hz=RATE, speed=6, at_end="hold")
    fake = LookaheadFake()
    session, window = build(qtbot, qapp, tmp_path, audio, layer=layer, transcriber=fake)
    session.choose_question(session.packs.questions("core_senior")[0].id, speak=False)
    button = window.findChild(QPushButton, "recordButton")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: session.elapsed_s() >= len(audio) / RATE - 0.05, timeout=30000)
    with qtbot.waitSignal(session.reviewReady, timeout=30000):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert fake.ahead.warms == 1 and fake.ahead.guesses >= 1
    assert fake.ahead.released == [1]  # Stop ended it: no second model idles beside the review
    assert [w.text for w in session.report().transcript.words] == SCRIPT
    session.shutdown()
    assert fake.closed >= 1


def test_without_the_look_ahead_process_guesses_stay_in_the_app(qtbot, qapp, tmp_path):
    """`lookahead_process = false` (less memory): no look-ahead is started, guesses run in the
    app's own decoding, and the review is the same."""
    from dataclasses import replace

    from tests.fakes.sound import FakeSoundLayer

    audio, _spans = _speech()
    layer = FakeSoundLayer(source=audio, rate_hz=RATE, speed=0, at_end="hold")
    fake = LookaheadFake()
    session, window = build(qtbot, qapp, tmp_path, audio, layer=layer, transcriber=fake)
    session.settings = replace(
        session.settings,
        transcriber=replace(session.settings.transcriber, lookahead_process=False),
    )
    session.choose_question(session.packs.questions("core_senior")[0].id, speak=False)
    with qtbot.waitSignal(session.reviewReady, timeout=30000):
        record_answer(qtbot, session, window)
    assert fake.ahead.warms == 0 and fake.ahead.guesses == 0
    assert [w.text for w in session.report().transcript.words] == SCRIPT


def test_a_question_read_aloud_starts_the_look_ahead_before_the_answer(qtbot, qapp, tmp_path):
    """Stop ends the look-ahead process; the next answer needs it loaded by its first guess (a
    few seconds in), which a loaded machine may not manage from Record alone: reading the
    question aloud starts it. Without streaming there is nothing to start."""
    from dataclasses import replace

    from tests.fakes.tts import FakeSpeaker

    audio, _spans = _speech()
    fake = LookaheadFake()
    speaker = FakeSpeaker(hold=True)  # still reading
    session, _window = build(qtbot, qapp, tmp_path, audio, transcriber=fake, speaker=speaker)
    session.choose_question(session.packs.questions("core_senior")[0].id, speak=False)
    assert fake.ahead.warms == 0
    session.read_question()
    assert session.state == "asking" and fake.ahead.warms == 1
    speaker.finish()
    session.settings = replace(
        session.settings, transcriber=replace(session.settings.transcriber, streaming=False)
    )
    session.read_question()
    assert fake.ahead.warms == 1
