"""Whisper's raw output per stretch, recorded once and replayed through the current clean-up.

The transcriber decodes each stretch and hands Whisper's segments to `speech.cleanup.clean_stretch`,
which is pure post-processing (words and audio in, trusted words and voiced gaps out). So a
benchmark that records the segments once can measure any change to the clean-up, the voicing
search or the filler rules in seconds instead of transcribing again. Replay gives exactly what a
fresh transcription gives as long as the transcriber's own code is unchanged: each recording
holds the hash of `speech/transcriber.py` and `audio/cuts.py` (not of the clean-up, which is
what replay re-runs); one made by the current code is used first, else the newest of the same
audio and model, and the benchmarks print which transcriber versions they replayed. Replay runs
the transcriber's own `transcribe_stretch` with the recording in place of the model, so speech
Whisper skipped and the transcriber decoded again replaces the first pass's words and voiced gaps
there as it does in the app (checked equal to a fresh transcription on two dev answers).

Recording wraps `voicecoach.speech.transcriber.clean_stretch` for the length of one
`transcribe()` call and finds each stretch's place in the recording by its samples.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import time
from pathlib import Path

import numpy as np

from voicecoach.domain import Transcript, VoicedGap, Word
from voicecoach.settings import Settings

RATE_HZ = 16000


def _code_sha() -> str:
    import voicecoach.audio.cuts as cuts
    import voicecoach.speech.transcriber as tr

    h = hashlib.sha256()
    for mod in (tr, cuts):
        h.update(Path(mod.__file__).read_bytes())
    return h.hexdigest()[:12]


def _locate(full: np.ndarray, part: np.ndarray, hint: int) -> int:
    """Sample offset of `part` inside `full` (stretches are slices of the decoded recording)."""
    n = len(part)
    if n == 0:
        return hint
    if hint + n <= len(full) and np.array_equal(full[hint : hint + n], part):
        return hint
    # Anchor on the loudest sample of the stretch, then check the whole slice.
    k = int(np.argmax(np.abs(part)))
    for cand in np.flatnonzero(full == part[k]):
        off = int(cand) - k
        if 0 <= off and off + n <= len(full) and np.array_equal(full[off : off + n], part):
            return off
    raise ValueError("a stretch given to the clean-up is not a slice of the recording")


def _seg_to_json(seg) -> dict:  # noqa: ANN001 - speech.cleanup.Segment
    return {
        "words": [dataclasses.asdict(w) for w in seg.words],
        "no_speech_prob": seg.no_speech_prob,
        "avg_logprob": seg.avg_logprob,
    }


class RawWhisper:
    """The app's transcriber for one model; records raw segments once, replays the clean-up."""

    def __init__(self, settings: Settings, cache_dir: Path, fresh: bool = False) -> None:
        self.settings = settings
        self.cache_dir = cache_dir
        self.fresh = fresh
        self._t = None
        self._sha = ""  # source hash of the transcriber code loaded for recording
        self.seconds = 0.0  # time spent transcribing (not replayed)
        self.recorded = 0
        self.shas: dict[str, int] = {}  # transcriber source hash -> recordings replayed

    def _path(self, wav: Path, sha: str | None = None) -> Path:
        h = hashlib.sha256(wav.read_bytes())
        h.update(json.dumps(dataclasses.asdict(self.settings.transcriber), sort_keys=True).encode())
        h.update((sha or _code_sha()).encode())
        return self.cache_dir / f"{wav.stem}-{h.hexdigest()[:12]}.raw.json"

    def _recorded(self, wav: Path) -> dict | None:
        """The recording made by the current transcriber code, else the newest one of the same
        audio and model (the transcriber changes under us; a note says so)."""
        path = self._path(wav)
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))
        model = self.settings.transcriber.model
        for p in sorted(
            self.cache_dir.glob(f"{wav.stem}-*.raw.json"), key=lambda p: -p.stat().st_mtime
        ):
            data = json.loads(p.read_text(encoding="utf-8"))
            if data.get("model") == model:
                return data
        return None

    def transcript(self, wav: Path) -> Transcript:
        """The transcript the app would give now for `wav` (recorded Whisper, current clean-up)."""
        from voicecoach.audio.decode import load_audio

        data = None if self.fresh else self._recorded(wav)
        if data is None:
            data = self._record(wav)
            path = self._path(wav, data["transcriber_sha"])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(data), encoding="utf-8")
        self.shas[data["transcriber_sha"]] = self.shas.get(data["transcriber_sha"], 0) + 1
        return replay(data, load_audio(wav, RATE_HZ), self.settings.analysis.min_voiced_gap_s)

    def _record(self, wav: Path) -> dict:
        import voicecoach.speech.transcriber as tr
        from voicecoach.audio.decode import load_audio

        if self._t is None:
            # The code that decodes is the code imported now, whatever later edits do to the
            # files on disk (other work goes on in this checkout): label recordings with it.
            self._sha = _code_sha()
            self._t = tr.WhisperTranscriber(
                self.settings.transcriber,
                min_voiced_gap_s=self.settings.analysis.min_voiced_gap_s,
            )
        full = load_audio(wav, RATE_HZ)
        stretches: list[dict] = []
        real = tr.clean_stretch

        def recording(segments, samples, min_gap):  # noqa: ANN001, ANN202
            hint = stretches[-1]["offset"] + stretches[-1]["n"] if stretches else 0
            off = _locate(full, np.asarray(samples, dtype=np.float32), hint)
            stretches.append(
                {"offset": off, "n": len(samples), "segments": [_seg_to_json(s) for s in segments]}
            )
            return real(segments, samples, min_gap)

        tr.clean_stretch = recording
        t0 = time.perf_counter()
        try:
            t = self._t.transcribe(wav)
        finally:
            tr.clean_stretch = real
        self.seconds += time.perf_counter() - t0
        self.recorded += 1
        return {
            "duration_s": t.duration_s,
            "model": t.model,
            "transcriber_sha": self._sha,
            "stretches": stretches,
        }


def replay(data: dict, samples: np.ndarray, min_voiced_gap_s: float) -> Transcript:
    """Recorded raw segments through the current clean-up, assembled by the transcriber's own
    code (`WhisperTranscriber.transcribe_stretch`, with the recording standing in for Whisper):
    a stretch recorded inside the one before it is speech Whisper skipped, decoded again on its
    own, and its words and voiced gaps replace what the first pass had there, as in the app."""
    words: list[Word] = []
    gaps: list[VoicedGap] = []
    for outer, inner in _nested(data["stretches"]):
        part = samples[outer["offset"] : outer["offset"] + outer["n"]]
        replayer = _replayer_class()(data["model"], min_voiced_gap_s, outer, inner, part)
        t = replayer.transcribe_stretch(part)
        off = outer["offset"] / RATE_HZ
        words.extend(x.shifted(off) for x in t.words)
        gaps.extend(x.shifted(off) for x in t.voiced_gaps)
    return Transcript(tuple(words), float(data["duration_s"]), tuple(gaps), model=data["model"])


def _nested(stretches: list[dict]) -> list[tuple[dict, list[dict]]]:
    """Each stretch the transcriber cut, with the spans of it decoded again (recorded right
    after it, inside its samples)."""
    out: list[tuple[dict, list[dict]]] = []
    for st in stretches:
        a, b = st["offset"], st["offset"] + st["n"]
        if out:
            lo, hi = out[-1][0]["offset"], out[-1][0]["offset"] + out[-1][0]["n"]
            if lo <= a and b <= hi and (a, b) != (lo, hi):
                out[-1][1].append(st)
                continue
        out.append((st, []))
    return out


def _segments(st: dict) -> list:
    from voicecoach.speech.cleanup import Segment

    return [
        Segment(tuple(Word(**w) for w in s["words"]), s["no_speech_prob"], s["avg_logprob"])
        for s in st["segments"]
    ]


@functools.cache
def _replayer_class() -> type:
    from voicecoach.settings import TranscriberSettings
    from voicecoach.speech.transcriber import WhisperTranscriber

    class Replayer(WhisperTranscriber):
        """The transcriber with the recording in place of the model: `_decode` hands back what
        Whisper wrote for the stretch, then for each span decoded again (found by its samples;
        a span the current clean-up asks for that was not recorded decodes to nothing)."""

        def __init__(
            self, model: str, min_gap_s: float, outer: dict, inner: list[dict], part: np.ndarray
        ) -> None:
            super().__init__(
                dataclasses.replace(TranscriberSettings(), model=model),
                min_voiced_gap_s=min_gap_s,
            )
            self._first = _segments(outer)
            self._inner = [(st["offset"] - outer["offset"], st["n"], _segments(st)) for st in inner]
            self._part = part
            self.calls = 0

        def _get_model(self):  # noqa: ANN202 - no model: the recording answers
            return None

        def _decode(self, model, samples, step, cancel):  # noqa: ANN001, ANN202, ARG002
            self.calls += 1
            if self.calls == 1:
                return self._first
            for off, n, segs in self._inner:
                if n == len(samples) and np.array_equal(self._part[off : off + n], samples):
                    return segs
            return []

    return Replayer
