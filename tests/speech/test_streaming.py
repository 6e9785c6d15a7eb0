"""Streaming transcription: cuts only in silence, shifts words to answer time, never loses audio."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from voicecoach.domain import Transcript, Word
from voicecoach.speech.streaming import StreamingTranscriber

RATE = 16000


def _bursts(spec: list[tuple[float, float]], total_s: float) -> np.ndarray:
    """Tone bursts ("words") at (start, end) seconds over a faint noise floor."""
    rng = np.random.default_rng(0)
    x = rng.normal(0, 0.001, int(total_s * RATE)).astype(np.float32)
    for a, b in spec:
        i, j = int(a * RATE), int(b * RATE)
        t = np.arange(j - i) / RATE
        x[i:j] += 0.3 * np.sin(2 * np.pi * 180 * t).astype(np.float32)
    return x


class BurstTranscriber:
    """Fake model: one word per loud burst in the chunk it is given, timed to the chunk."""

    def transcribe_stretch(self, audio, *, step=None, **kw) -> Transcript:
        out = self.transcribe(audio, **kw)
        for w in out.words if step is not None else ():
            step(w.end_s)  # as Whisper's segments come, one a word here
        return out

    def __init__(self, gate: threading.Event | None = None) -> None:
        self.gate = gate
        self.chunks: list[float] = []

    def transcribe(self, audio, *, progress=None, cancel=None) -> Transcript:
        if self.gate is not None:
            self.gate.wait(timeout=30)
        x = np.asarray(audio)
        self.chunks.append(len(x) / RATE)
        frame = 320
        n = len(x) // frame
        loud = np.sqrt(np.mean(x[: n * frame].reshape(n, frame) ** 2, axis=1)) > 0.05
        words, start = [], None
        for i, on in enumerate(np.append(loud, False)):
            if on and start is None:
                start = i
            elif not on and start is not None:
                words.append(Word(f"w{len(words)}", start * 0.02, i * 0.02))
                start = None
        return Transcript(tuple(words), len(x) / RATE)


def _feed(st: StreamingTranscriber, x: np.ndarray, block: int = 1600) -> None:
    for i in range(0, len(x), block):
        st.feed(x[i : i + block].reshape(-1, 1))


def _spec(n: int, word_s: float = 0.4, gap_s: float = 0.15, pause_every: int = 6):
    """n words; every `pause_every` words a 0.8 s pause (a sentence end)."""
    out, t = [], 0.5
    for k in range(n):
        out.append((t, t + word_s))
        t += word_s + (0.8 if (k + 1) % pause_every == 0 else gap_s)
    return out, t + 0.5


def test_words_in_answer_time_and_none_split():
    """Every burst comes back exactly once, at its true time, though audio went in chunks."""
    spec, total = _spec(80)
    fake = BurstTranscriber()
    st = StreamingTranscriber(fake)
    _feed(st, _bursts(spec, total))
    tr = st.finish()
    assert len(fake.chunks) >= 3  # it really streamed
    assert len(tr.words) == len(spec)
    for w, (a, b) in zip(tr.words, spec, strict=True):
        assert abs(w.start_s - a) < 0.03 and abs(w.end_s - b) < 0.03
    assert abs(tr.duration_s - total) < 0.01


def test_chunks_respect_limits():
    """Stretches are at least min_chunk_s (except the tail) and at most max_chunk_s long."""
    from voicecoach.audio.cuts import CutSettings

    # No pause long enough to cut at (or to split at: 0.06 s gaps): forces max-length cuts.
    spec, total = _spec(150, gap_s=0.06, pause_every=1000)
    fake = BurstTranscriber()
    st = StreamingTranscriber(fake, speculate=False)  # committed stretches only
    _feed(st, _bursts(spec, total))
    st.finish()
    s = CutSettings()
    assert len(fake.chunks) >= 3
    assert all(c <= s.max_chunk_s + 0.2 for c in fake.chunks)
    # Without a pause long enough to cut at, the cut is in the last third before max_chunk_s.
    assert all(c >= min(s.min_chunk_s, s.max_chunk_s * 2 / 3) - 0.1 for c in fake.chunks[:-1])


def test_slow_transcriber_loses_nothing_and_feed_never_waits():
    """While the model is stuck, feeding carries on; after release every word is there."""
    gate = threading.Event()
    spec, total = _spec(60)
    fake = BurstTranscriber(gate)
    st = StreamingTranscriber(fake)
    _feed(st, _bursts(spec, total))  # would deadlock here if feed waited for the model
    assert st.pending_s > 0
    assert st.committed_words == ()
    gate.set()
    tr = st.finish()
    assert len(tr.words) == len(spec)


def test_partial_words_reported_while_recording():
    """Committed words are delivered as they arrive, for live coaching."""
    seen: list[int] = []
    spec, total = _spec(60)
    st = StreamingTranscriber(BurstTranscriber(), on_words=lambda ws: seen.append(len(ws)))
    _feed(st, _bursts(spec, total))
    st.finish()
    assert seen and seen == sorted(seen) and seen[-1] == len(spec)


def test_resamples_other_rates():
    """A 48 kHz stereo device still yields words at the right times."""
    spec, total = _spec(20)
    x16 = _bursts(spec, total)
    t48 = np.arange(int(total * 48000)) / 48000
    x48 = np.interp(t48, np.arange(len(x16)) / RATE, x16).astype(np.float32)
    stereo = np.stack([x48, x48], axis=1)
    st = StreamingTranscriber(BurstTranscriber())
    for i in range(0, len(stereo), 4800):
        st.feed(stereo[i : i + 4800], 48000)
    tr = st.finish()
    assert len(tr.words) == len(spec)
    assert abs(tr.words[-1].end_s - spec[-1][1]) < 0.05


def test_model_error_reaches_finish():
    """A transcription failure is raised by finish(), not lost in the worker thread."""

    class Broken:
        def transcribe(self, audio, **kw):
            raise RuntimeError("model exploded")

    st = StreamingTranscriber(Broken())
    spec, total = _spec(40)
    _feed(st, _bursts(spec, total))
    with pytest.raises(RuntimeError, match="exploded"):
        st.finish()


def _run_ready(st: StreamingTranscriber) -> None:
    """An idle worker: run every job there is now (the stream has no thread of its own)."""
    while (job := st.next_job()) is not None:
        st.run_job(job)


def _feed_idle(st: StreamingTranscriber, x: np.ndarray) -> None:
    """Feed `x` in 50 ms blocks, the worker idle between blocks (it runs every job there is)."""
    for i in range(0, len(x), 800):
        st.feed(x[i : i + 800].reshape(-1, 1))
        _run_ready(st)


def _short_pauses(n: int = 60) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Words with 0.3 s pauses only (too short to cut at): one long stretch, ending in speech."""
    out, t = [], 0.5
    for k in range(n):
        out.append((t, t + 0.4))
        t += 0.4 + (0.3 if (k + 1) % 4 == 0 else 0.15)
    return _bursts(out, out[-1][1] + 0.05), out


def test_stop_mid_stretch_leaves_only_the_tail_and_matches_batch():
    """Speculation: at Stop the head of the last stretch is already transcribed, only its last
    seconds are new, and the transcript is the one the file path (stretches) gives."""
    from voicecoach.audio.cuts import CutSettings, stretches

    x, spans = _short_pauses(40)
    fake = BurstTranscriber()
    st = StreamingTranscriber(fake, start_worker=False)
    _feed_idle(st, x)
    assert st.words_so_far(), "speculative words reach live coaching"
    before = len(fake.chunks)
    tr = st.finish()
    new = fake.chunks[before:]
    s = CutSettings()
    assert len(new) == 1 and new[0] <= s.split_guard_s + s.split_every_s + 1.0
    times = [t for w in tr.words for t in (w.start_s, w.end_s)]
    assert times == pytest.approx([t for ab in spans for t in ab], abs=0.03)
    batch = stretches(x, RATE)  # the file path's stretches: the same last piece
    assert len(batch) >= 2 and round(new[0] * RATE) == batch[-1][1] - batch[-1][0]


def test_stop_in_a_pause_after_the_last_words_reuses_the_guess_of_all_of_them():
    """Stopped a second after the last word: the guess made as that pause began is the last
    stretch's head, so only the pause after it is new, and the transcript is the batch one."""
    from voicecoach.audio.cuts import stretches

    _, spans = _short_pauses(28)  # under 20 s: the final pause is no cut
    x = _bursts(spans, spans[-1][1] + 1.0)
    fake = BurstTranscriber()
    st = StreamingTranscriber(fake, start_worker=False)
    _feed_idle(st, x)
    before = len(fake.chunks)
    tr = st.finish()
    new = fake.chunks[before:]
    assert len(new) == 1 and new[0] == pytest.approx(0.8, abs=0.05), new  # the pause only
    times = [t for w in tr.words for t in (w.start_s, w.end_s)]
    assert times == pytest.approx([t for ab in spans for t in ab], abs=0.03)
    batch = stretches(x, RATE)
    assert round(new[0] * RATE) == batch[-1][1] - batch[-1][0]


def test_stop_in_the_pause_of_a_cut_leaves_only_the_cut_stretchs_tail():
    """A stretch cut in the pause after the last words, then Stop: its head was guessed long
    before, its tail (from its tail split point to the cut) is guessed while the pause lasts,
    so nothing is left to decode but the pause; the words are the batch words. Speech after the
    cut commits the stretch whole instead."""
    from voicecoach.audio.cuts import stretches

    _, spans = _short_pauses(42)  # over 20 s: the final pause is a cut
    x = _bursts(spans, spans[-1][1] + 1.0)
    fake = BurstTranscriber()
    st = StreamingTranscriber(fake, start_worker=False)
    _feed_idle(st, x)
    assert not st.committed_words, "the cut stretch is held back while only pause follows"
    said = [w.start_s for w in st.words_so_far()]
    assert said == sorted(said) and len(said) == len(spans), "guesses shown once each, in order"
    before = len(fake.chunks)
    tr = st.finish()
    new = fake.chunks[before:]
    assert len(new) == 1 and new[0] < 1.0, new  # the pause after the cut, nothing else
    batch = stretches(x, RATE)
    assert len(batch) == 3 and round(new[0] * RATE) == batch[-1][1] - batch[-1][0]
    times = [t for w in tr.words for t in (w.start_s, w.end_s)]
    assert times == pytest.approx([t for ab in spans for t in ab], abs=0.03)

    # the answer goes on after the pause: the cut stretch is committed whole
    more = _bursts([(0.1, 0.5)], 1.0)
    st2 = StreamingTranscriber(BurstTranscriber(), start_worker=False)
    _feed_idle(st2, x)
    st2.feed(more.reshape(-1, 1))
    _run_ready(st2)
    assert len(st2.committed_words) == len(spans)
    assert len(st2.finish().words) == len(spans) + 1


def test_speculation_never_changes_the_words():
    """The same audio gives the same words with and without speculative transcription."""
    x, _ = _short_pauses(70)
    got = []
    for speculate in (True, False):
        st = StreamingTranscriber(BurstTranscriber(), speculate=speculate)
        _feed(st, x)
        got.append([(w.start_s, w.end_s) for w in st.finish().words])
    assert got[0] == got[1] and len(got[0]) == 70


def test_long_file_with_a_bound_below_one_stretch_finishes(tmp_path):
    """The file path's back-pressure waits only for finished stretches: with a bound shorter
    than the stretch in progress it used to wait for a cut that needed more audio, for ever."""
    import soundfile as sf

    from voicecoach.pipeline import transcribe_file

    spec, total = _spec(150)
    path = tmp_path / "long.wav"
    sf.write(path, _bursts(spec, total), RATE, subtype="PCM_16")
    queued: list[float] = []
    out: list = []
    fake = BurstTranscriber()
    fake.supports_streaming = True
    run = threading.Thread(
        target=lambda: out.append(
            transcribe_file(
                path, fake, stream_above_s=10.0, block_s=2.0, max_pending_s=5.0,
                on_block=lambda s: queued.append(s.queued_s),
            )
        ),
        daemon=True,
    )  # fmt: skip
    run.start()
    run.join(60)
    assert out, "transcribe_file never returned"
    assert len(out[0].words) == len(spec)
    assert max(queued) <= 5.0 + 28.0 + 2.0  # the bound, a stretch cut by the last block, the block


def test_split_points_found_before_a_cut_are_guessed_again_from_the_new_stretch():
    """A block that holds a cut can hold split points of the new stretch after it; they were
    offered from the old stretch's start only, so at Stop the new stretch's head was not ready.
    (Blocks of 9 s, so a cut and several seconds after it arrive in one block.)"""
    x, _ = _short_pauses(90)
    st = StreamingTranscriber(BurstTranscriber(), start_worker=False)
    guesses: set[tuple[int, int]] = set()
    owed: list[tuple[int, int]] = []  # (cut, newest split point the new stretch had at the cut)
    block = 9 * RATE
    for i in range(0, len(x), block):
        sent = st._sent
        st.feed(x[i : i + block].reshape(-1, 1))
        if st._sent != sent and st._cutter.splits:
            owed.append((st._sent, st._cutter.splits[-1]))
        while (job := st.next_job()) is not None:
            if not job.commit:
                guesses.add((job.start, job.end))
            st.run_job(job)
    assert owed, "no cut left split points behind it"
    assert all(head in guesses for head in owed)


class HeldLookahead:
    """A look-ahead stand-in: every guess blocks until `drop` ends it (as ending the process
    does), then gives no result."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.ended = threading.Event()
        self.dropped = 0
        self.guesses = 0
        self.generation = 3  # the recording that warmed it
        self.released: list[int | None] = []

    def release(self, generation: int | None = None) -> None:
        self.released.append(generation)

    def decode(self, samples):
        self.guesses += 1
        self.started.set()
        self.ended.wait(timeout=30)
        return None

    def drop(self) -> bool:
        self.dropped += 1
        self.ended.set()
        return True


def test_stop_drops_a_guess_the_rest_cannot_use_and_does_not_wait_for_it():
    """At Stop a guess in flight that no remaining piece needs is dropped (its process ended),
    so finish returns without waiting for it, with the batch transcript."""
    import time

    from voicecoach.audio.cuts import stretches

    x, spans = _short_pauses(40)
    fake = BurstTranscriber()
    ahead = HeldLookahead()
    st = StreamingTranscriber(fake, lookahead=ahead)
    _feed(st, x)
    assert ahead.started.wait(timeout=10), "no guess was made"
    t0 = time.perf_counter()
    tr = st.finish()
    assert time.perf_counter() - t0 < 5  # the held guess would have blocked for 30 s
    assert ahead.dropped == 1
    assert ahead.released == [3]  # and the process is not kept for the next answer
    times = [t for w in tr.words for t in (w.start_s, w.end_s)]
    assert times == pytest.approx([t for ab in spans for t in ab], abs=0.03)
    assert len(stretches(x, RATE)) >= 2


class InstantLookahead(HeldLookahead):
    """A look-ahead stand-in that answers every guess at once, with the fake model's words."""

    def __init__(self, model: BurstTranscriber) -> None:
        super().__init__()
        self.model = model

    def decode(self, samples):
        self.guesses += 1
        return self.model.transcribe(np.asarray(samples))


def test_stop_releases_the_look_ahead_of_its_own_recording():
    """The look-ahead process stayed alive, idle at ~240 MB, for a minute or two after Stop
    (only its own idle timer ended it). Stop now releases it, naming the recording that warmed
    it (an interview's next answer may have warmed it again since); so does a discarded take."""
    x, _ = _short_pauses(40)
    fake = BurstTranscriber()
    ahead = InstantLookahead(fake)
    st = StreamingTranscriber(fake, start_worker=False, lookahead=ahead)
    _feed_idle(st, x)
    assert ahead.guesses >= 1 and ahead.released == []
    st.finish()
    assert ahead.released == [3] and ahead.dropped == 0  # nothing in flight to drop
    st2 = StreamingTranscriber(fake, start_worker=False, lookahead=ahead)
    _feed_idle(st2, x[: 5 * RATE])
    st2.abort()
    assert ahead.released == [3, 3]


def test_progress_after_stop_moves_while_the_rest_is_decoded():
    """After Stop 'Analysing… 51%' stood still for seconds, then jumped to 100%: `finish`
    reports how far the rest has got, within a piece as Whisper's segments come."""
    import time

    class Slow(BurstTranscriber):
        def transcribe_stretch(self, audio, *, step=None, **kw) -> Transcript:
            out = self.transcribe(audio, **kw)
            for w in out.words if step is not None else ():
                time.sleep(0.05)  # decoding the next segment
                step(w.end_s)
            return out

    x, _ = _short_pauses(40)  # one stretch, no pause long enough to cut: all left at Stop
    st = StreamingTranscriber(Slow(), speculate=False)
    _feed(st, x)
    start = st.transcribed_fraction
    seen: list[float] = []
    st.finish(progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 1.0
    between = {round(f, 3) for f in seen if start < f < 1.0}
    assert len(between) >= 5, seen  # it moved while the stretch was decoded


def test_stop_after_a_cut_with_no_pause_before_it_decodes_no_long_tail():
    """The newcomer's drills: the last 14 s before the final pause had no pause of 0.22 s but
    one 1.8 s before it; the final pause became a cut and Stop came 1.6 s later. The cut stretch
    was split 16 s back and those 16 s were decoded after Stop (2.4-4.6 s to the review). Now it
    is split at the late pause: its head and tail were guessed while the pause lasted, and only
    the pause after the cut is left; the words are the batch words."""
    from tests.audio.test_cuts import _words_with_pauses
    from voicecoach.audio.cuts import stretches

    x, spans = _words_with_pauses([21.6], {6.0: 0.3, 19.8: 0.38}, tail_s=1.9)
    fake = BurstTranscriber()
    st = StreamingTranscriber(fake, start_worker=False)
    # The worker keeps up until the last words, then is busy (as under load) until Stop.
    busy_from = int((spans[-1][1] - 0.3) * RATE)
    _feed_idle(st, x[:busy_from])
    _feed(st, x[busy_from:], block=800)
    before = len(fake.chunks)
    tr = st.finish()
    new = fake.chunks[before:]
    assert sum(new) < 4.0, new  # the last 1.8 s of speech and the pause; no 15 s tail
    batch = stretches(x, RATE)
    assert len(batch) == 3 and batch[1][1] - batch[1][0] < 3 * RATE
    times = [t for w in tr.words for t in (w.start_s, w.end_s)]
    assert times == pytest.approx([t for ab in spans for t in ab], abs=0.03)


def test_at_a_cut_the_short_tail_from_the_last_split_point_is_guessed_first():
    """At a cut in the final pause the worker first guesses the tail from the cut stretch's last
    split point (short and cheap, what a Stop 2 s after that point uses), then the tail a Stop
    at once would leave, then anything else. Guessing the 15 s tail or the whole stretch first
    held the worker while the drill's short tail waited."""
    from tests.audio.test_cuts import _words_with_pauses

    x, spans = _words_with_pauses([21.6], {6.0: 0.3, 19.8: 0.38}, tail_s=1.9)
    st = StreamingTranscriber(BurstTranscriber(), start_worker=False)
    cut_at = int((spans[-1][1] + 0.5) * RATE)  # the final pause is 0.45 s long: a cut
    _feed_idle(st, x[: int((spans[-1][1] - 0.3) * RATE)])
    _feed(st, x[int((spans[-1][1] - 0.3) * RATE) : cut_at], block=800)
    assert st._pending is not None, "the final pause was cut"
    guesses = []
    while (job := st.next_job()) is not None:
        if not job.commit:
            guesses.append((job.start, job.end))
        st.run_job(job)
    last = st._cutter.cut_split()  # the last split point a Stop could ever use
    assert last == st._cutter.cut_points[-1]
    # before the guess of the whole stretch offered as the pause began (of use only if speech
    # follows; on a drill take it held the worker past Stop)
    assert guesses[0] == (last, st._pending)
    assert (0, st._pending) in guesses[1:]
    assert (st._pending - last) / RATE < 2.0
