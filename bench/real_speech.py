"""Filled pauses and words on real human speech (SpokenWOZ phone calls), per model.

    .venv/bin/python -m bench.real_speech                     # the bundled tiny.en
    .venv/bin/python -m bench.real_speech --model bundled:base --details
    .venv/bin/python -m bench.real_speech --model all         # every installed offline model

Reads ../shared/real-speech/spokenwoz/ (CC BY-NC 4.0: tests and benchmarks only, never copied
into the repo) and exits with a message when it is absent. Each channel of each 8 kHz stereo
call holds one speaker (channel 0 = reference speaker "A"); it goes through the app's path
(`pipeline.transcribe_file` with `WhisperTranscriber(Settings().transcriber)`) and
`analysis.analyze`. The reference's word times are not aligned to the audio, so our words are
aligned to the reference words by position (difflib over normalised words, every filled pause
spelled "<fp>"); a filled pause we report (a hesitation word, or an unlabelled voiced pause
placed between words by its time) is a hit when it lands on a reference one: in a matching run
of the alignment, or inside the same replaced stretch. Word recall: reference words (filled
pauses aside) that the alignment matches.

Whisper's raw output per channel is recorded once in bench/out/real_speech/raw/ (keyed by the
channel audio, the transcriber settings and the transcriber's source) and the current clean-up,
voicing search and filler rules are replayed on it (bench/raw_whisper.py); --fresh records again.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from voicecoach.domain import Report, Transcript  # noqa: E402
from voicecoach.settings import Settings  # noqa: E402

DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "real-speech" / "spokenwoz"
OUT_DIR = Path(__file__).parent / "out" / "real_speech"
FP = "<fp>"
REF_FILLED = frozenset({"um", "umm", "uh", "uhh", "uhm", "ah", "er", "erm", "hmm", "mm", "hm"})
CHANNEL_SPEAKER = ("A", "B")
_TOKEN = re.compile(r"[a-z0-9']+")


# --- reference and tokens ------------------------------------------------------------------


def reference(call: str, speaker: str, data_dir: Path = DATA_DIR) -> list[str]:
    """The speaker's reference words as tokens, filled pauses as FP."""
    words = json.loads((data_dir / "text" / f"{call}.json").read_text(encoding="utf-8"))
    out: list[str] = []
    for w in words:
        if w["speaker"] == speaker:
            out.extend(_tokens(w["word"]))
    return out


def _tokens(text: str) -> list[str]:
    toks = _TOKEN.findall(text.lower().replace("\u2019", "'"))
    return [FP if t in REF_FILLED else t for t in toks]


@dataclass(frozen=True)
class HypToken:
    text: str  # token, or FP
    start_s: float
    filler: str = ""  # "" = not a filled pause we report; else the report's text
    prob: float | None = None


def hyp_tokens(report: Report) -> list[HypToken]:
    """Our words as tokens in time order, with our voiced pauses inserted where they are."""
    from voicecoach.analysis.fillers import is_filled_pause

    words = report.transcript.words
    reported = {
        f.word_index: f.text
        for f in report.fillers
        if f.word_index is not None and f.kind == "filled_pause"
    }
    out: list[HypToken] = []
    for i, w in enumerate(words):
        if i in reported:
            out.append(HypToken(FP, w.start_s, reported[i], w.probability))
            continue
        for t in _tokens(w.text):
            # A hesitation word our analysis did not report still spells a filled pause.
            if is_filled_pause(w.text):
                t = FP
            out.append(HypToken(t, w.start_s, "", w.probability))
    gaps = [
        HypToken(FP, f.start_s, "(voiced pause)")
        for f in report.fillers
        if f.word_index is None and f.kind != "discourse"
    ]
    return sorted(out + gaps, key=lambda t: t.start_s)


# --- alignment and scores ------------------------------------------------------------------


@dataclass
class Score:
    ref_fp: int = 0
    hyp_fp: int = 0
    hit: int = 0
    ref_words: int = 0
    words_hit: int = 0
    audio_s: float = 0.0
    seconds: float = 0.0
    shas: dict[str, int] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    def add(self, o: Score) -> None:
        for f in ("ref_fp", "hyp_fp", "hit", "ref_words", "words_hit", "audio_s", "seconds"):
            setattr(self, f, getattr(self, f) + getattr(o, f))
        self.misses += o.misses
        self.false_alarms += o.false_alarms

    @property
    def recall(self) -> float:
        return self.hit / self.ref_fp if self.ref_fp else 1.0

    @property
    def precision(self) -> float:
        return self.hit / self.hyp_fp if self.hyp_fp else 1.0

    @property
    def word_recall(self) -> float:
        return self.words_hit / self.ref_words if self.ref_words else 1.0


def score(ref: list[str], hyp: list[HypToken], label: str = "") -> Score:
    """Align by position and count filled-pause hits, misses, false alarms and word hits."""
    h = [t.text for t in hyp]
    is_fp = [t.filler != "" for t in hyp]  # what we *report* as a filled pause
    s = Score(ref_fp=ref.count(FP), hyp_fp=sum(is_fp), ref_words=sum(t != FP for t in ref))
    hit_ref: set[int] = set()
    hit_hyp: set[int] = set()
    sm = difflib.SequenceMatcher(a=ref, b=h, autojunk=False)
    for op, a0, a1, b0, b1 in sm.get_opcodes():
        if op == "equal":
            for k in range(a1 - a0):
                if ref[a0 + k] == FP:
                    if is_fp[b0 + k]:
                        hit_ref.add(a0 + k)
                        hit_hyp.add(b0 + k)
                else:
                    s.words_hit += 1
        elif op == "replace":  # pair filled pauses inside the same replaced stretch, in order
            rf = [i for i in range(a0, a1) if ref[i] == FP]
            hf = [j for j in range(b0, b1) if is_fp[j]]
            for i, j in zip(rf, hf, strict=False):
                hit_ref.add(i)
                hit_hyp.add(j)
    s.hit = len(hit_ref)
    for i, t in enumerate(ref):
        if t == FP and i not in hit_ref:
            s.misses.append(f"{label} ref: {_ctx(ref, i)}   | ours near: {_near(sm, i, h)}")
    for j, t in enumerate(hyp):
        if is_fp[j] and j not in hit_hyp:
            why = t.filler if t.prob is None else f"{t.filler} p={t.prob:.2f}"
            s.false_alarms.append(
                f"{label} {t.start_s:6.1f}s {why:<22} ours: {_ctx(h, j)}"
                f"   | ref near: {_near_ref(sm, j, ref)}"
            )
    return s


def _ctx(toks: list[str], i: int, n: int = 4) -> str:
    left = " ".join(toks[max(0, i - n) : i])
    right = " ".join(toks[i + 1 : i + 1 + n])
    return f"{left} [{toks[i]}] {right}".strip()


def _near(sm: difflib.SequenceMatcher, i: int, h: list[str]) -> str:
    """Our tokens around the place aligned to reference token i."""
    for _op, a0, a1, b0, b1 in sm.get_opcodes():
        if a0 <= i < a1 or (a0 == a1 == i):
            j = b0 + min(i - a0, max(0, b1 - b0 - 1))
            return " ".join(h[max(0, j - 3) : j + 4]) or "-"
    return "-"


def _near_ref(sm: difflib.SequenceMatcher, j: int, ref: list[str]) -> str:
    for _op, a0, a1, b0, b1 in sm.get_opcodes():
        if b0 <= j < b1:
            i = a0 + min(j - b0, max(0, a1 - a0 - 1))
            return " ".join(ref[max(0, i - 3) : i + 4]) or "-"
    return "-"


# --- transcription with a cache ------------------------------------------------------------


def channel_wav(call: str, channel: int, data_dir: Path = DATA_DIR) -> Path:
    """One channel of a call as a mono WAV at its own rate, under bench/out (not in git)."""
    import soundfile as sf

    path = OUT_DIR / "audio" / f"{call}-{CHANNEL_SPEAKER[channel]}.wav"
    if not path.exists():
        x, rate = sf.read(data_dir / "audio" / f"{call}.wav", dtype="int16", always_2d=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        sf.write(path, np.ascontiguousarray(x[:, channel]), rate, subtype="PCM_16")
    return path


class Engine:
    """The app's transcriber for one model: Whisper's raw output recorded once per channel
    (bench/raw_whisper.py), the current clean-up replayed on it."""

    def __init__(self, model: str, fresh: bool = False) -> None:
        from bench.raw_whisper import RawWhisper

        s = Settings()
        self.settings = dataclasses.replace(
            s, transcriber=dataclasses.replace(s.transcriber, model=model)
        )
        self._raw = RawWhisper(self.settings, OUT_DIR / "raw", fresh)

    @property
    def seconds(self) -> float:
        return self._raw.seconds

    @property
    def shas(self) -> dict[str, int]:
        return self._raw.shas

    def transcript(self, wav: Path) -> Transcript:
        return self._raw.transcript(wav)


def _code_sha() -> str:
    from bench.raw_whisper import _code_sha

    return _code_sha()


def halves(calls: list[str]) -> dict[str, list[str]]:
    """The calls split in two by sorted name (every other one): thresholds are chosen on the
    first half (with synthesized dev answers), the second is reported apart as a check."""
    ordered = sorted(calls)
    return {"tuning half": ordered[0::2], "check half": ordered[1::2]}


def run_model(
    model: str, calls: list[str], fresh: bool, data_dir: Path = DATA_DIR
) -> tuple[Score, dict[str, Score]]:
    """The score over all calls, and per call."""
    from voicecoach.analysis import analyze

    eng = Engine(model, fresh)
    total = Score()
    per_call: dict[str, Score] = {}
    for call in calls:
        for ch, spk in enumerate(CHANNEL_SPEAKER):
            ref = reference(call, spk, data_dir)
            if not ref:
                continue
            t = eng.transcript(channel_wav(call, ch, data_dir))
            try:
                report = analyze(t, None, eng.settings.analysis)
                hyp = hyp_tokens(report)
            except Exception as exc:  # noqa: BLE001 - e.g. NoSpeechError on a near-silent side
                print(f"  {call}-{spk}: no analysis ({exc})", file=sys.stderr)
                hyp = []
            s = score(ref, hyp, f"{call}-{spk}")
            s.audio_s = t.duration_s
            print(
                f"  {call}-{spk}  fp ref {s.ref_fp:2d} ours {s.hyp_fp:2d} hit {s.hit:2d}   "
                f"words {s.words_hit:3d}/{s.ref_words:3d}",
                file=sys.stderr,
            )
            total.add(s)
            per_call.setdefault(call, Score()).add(s)
    total.seconds = eng.seconds
    total.shas = dict(eng.shas)
    return total, per_call


def installed_models() -> list[str]:
    from voicecoach.speech.models import known_models

    return [m.id for m in known_models() if m.installed]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", default="bundled:tiny.en", help="a model setting, or 'all'")
    ap.add_argument("--details", action="store_true", help="list misses and false alarms")
    ap.add_argument("--fresh", action="store_true", help="transcribe again, ignore the cache")
    ap.add_argument("--only", nargs="*", help="call ids (e.g. SNG0072)")
    ap.add_argument("--data", type=Path, default=DATA_DIR)
    args = ap.parse_args(argv)
    if not (args.data / "audio").is_dir():
        print(
            f"No real speech at {args.data}: this benchmark needs ../shared/real-speech/spokenwoz "
            "(SpokenWOZ sample, CC BY-NC 4.0, not shipped with the repo). Nothing measured."
        )
        return 0
    calls = args.only or sorted(p.stem for p in (args.data / "audio").glob("*.wav"))
    models = installed_models() if args.model == "all" else [args.model]
    rows = []
    split_rows = []
    for m in models:
        print(f"{m}:", file=sys.stderr)
        total, per_call = run_model(m, calls, args.fresh, args.data)
        rows.append((m, total))
        for name, part in halves(calls).items():
            s = Score()
            for c in part:
                s.add(per_call.get(c, Score()))
            split_rows.append((m, f"{name} ({', '.join(part)})", s))
    print(f"\nSpokenWOZ: {len(calls)} calls, {len(calls) * 2} channels, 8 kHz phone speech")
    print(
        f"{'model':<18} {'fp ref':>6} {'ours':>5} {'hit':>4} {'fp recall':>9} "
        f"{'fp precision':>12} {'word recall':>11} {'audio':>7} {'transcribing':>12}"
    )
    for m, s in rows:
        secs = f"{s.seconds:.0f} s" if s.seconds else "cached"
        print(
            f"{m:<18} {s.ref_fp:>6} {s.hyp_fp:>5} {s.hit:>4} {s.recall:>9.2f} "
            f"{s.precision:>12.2f} {s.word_recall:>11.3f} {s.audio_s:>6.0f}s {secs:>12}"
        )
    for m, name, s in split_rows:
        print(
            f"  {m} {name}: fp ref {s.ref_fp} ours {s.hyp_fp} hit {s.hit}, recall "
            f"{s.recall:.2f} precision {s.precision:.2f}, word recall {s.word_recall:.3f}"
        )
    for m, s in rows:
        made = ", ".join(f"{n} by {sha}" for sha, n in s.shas.items())
        print(f"{m}: Whisper output recorded by transcriber {made}; current {_code_sha()}")
    if args.details:
        for m, s in rows:
            print(f"\n{m}: missed filled pauses ({len(s.misses)})")
            for line in s.misses:
                print("  " + line)
            print(f"{m}: false alarms ({len(s.false_alarms)})")
            for line in s.false_alarms:
                print("  " + line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
