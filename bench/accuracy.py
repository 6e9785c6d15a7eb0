"""Accuracy benchmark: scripted answers -> piper audio -> real transcriber -> analyze() -> scores.

    python -m bench.accuracy                      # heldout + dev, transcribing afresh
    python -m bench.accuracy --reuse-transcripts  # reuse bench/out/transcripts/ (analysis only)
    python -m bench.accuracy --split dev --only balanced-01 --details
    python -m bench.accuracy --split heldout --model bundled:base  # cached apart

Prints one row per answer and summary lines per split. The `heldout` split is the figure to
quote: the STAR splitter is never tuned on it. Audio is cached by tests/fixtures/synth.py,
transcripts by wav content + transcriber settings in bench/out/transcripts/.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import hashlib
import importlib
import importlib.util
import json
import logging
import re
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# Run as a script (`python bench/accuracy.py`) or a module (`python -m bench.accuracy`).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.scoring import (  # noqa: E402
    SECTION_ORDER,
    filler_scores,
    naive_cue_split,
    norm_filler,
    section_agreement,
    section_duration_errors,
)
from tests.fixtures.script import FILLED_PAUSES, load_all
from tests.fixtures.synth import Fixture, synthesize
from tests.fixtures.truth import Truth
from voicecoach.domain import Transcript, VoicedGap, Word
from voicecoach.settings import Settings, TranscriberSettings

TRANSCRIBER_MODULE = "voicecoach.speech.transcriber"
OUT_DIR = Path(__file__).parent / "out"
TRANSCRIPTS_DIR = OUT_DIR / "transcripts"
log = logging.getLogger(__name__)


# --- transcripts ----------------------------------------------------------------------------


def transcript_to_json(t: Transcript) -> dict:
    return dataclasses.asdict(t)


def transcript_from_json(d: dict) -> Transcript:
    return Transcript(
        words=tuple(Word(**w) for w in d["words"]),
        duration_s=float(d["duration_s"]),
        voiced_gaps=tuple(VoicedGap(**g) for g in d.get("voiced_gaps", ())),
        model=d.get("model", ""),
    )


def _answer_id(wav: Path) -> str:
    return wav.stem.rsplit("-", 1)[0]  # synth names WAVs <id>-<hash>.wav


class Transcribe:
    """The product's transcriber, loaded once, with a JSON cache keyed by audio and settings."""

    def __init__(self, settings: Settings, reuse: bool) -> None:
        self.settings = settings
        self.reuse = reuse
        # Another model's transcripts are kept apart, so measuring it never replaces the
        # default model's cached transcripts (one file per answer in each directory).
        model = settings.transcriber.model
        self.dir = (
            TRANSCRIPTS_DIR
            if model == TranscriberSettings.model
            else OUT_DIR / f"transcripts-{re.sub(r'[^A-Za-z0-9.]+', '-', model).strip('-')}"
        )
        self._engine = None
        self.seconds = 0.0  # time spent transcribing (not served from the cache)
        self.stale = 0  # reused transcripts made by a different version of the transcriber

    def cache_path(self, wav: Path) -> Path:
        """Keyed by the audio and the transcriber settings (not by the transcriber's code)."""
        h = hashlib.sha256(wav.read_bytes())
        h.update(json.dumps(dataclasses.asdict(self.settings.transcriber), sort_keys=True).encode())
        return self.dir / f"{_answer_id(wav)}-{h.hexdigest()[:12]}.json"

    @functools.cached_property
    def code_sha(self) -> str:
        """Hash of the transcriber's source, of the cutting it decodes by (audio/cuts.py) and of
        the word clean-up (speech/cleanup.py, analysis/voicing.py), stored with each transcript
        to flag stale reuse."""
        spec = importlib.util.find_spec(TRANSCRIBER_MODULE)
        if spec is None or not spec.origin:
            raise SystemExit(f"{TRANSCRIBER_MODULE} is not available: nothing to benchmark yet")
        h = hashlib.sha256(Path(spec.origin).read_bytes())
        for module in (
            "voicecoach.audio.cuts",
            "voicecoach.speech.cleanup",
            "voicecoach.analysis.voicing",
        ):
            found = importlib.util.find_spec(module)
            if found is not None and found.origin:
                h.update(Path(found.origin).read_bytes())
        return h.hexdigest()[:12]

    def __call__(self, wav: Path) -> tuple[Transcript, bool]:
        """(transcript, came_from_cache)."""
        path = self.cache_path(wav)
        if self.reuse and path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("transcriber_sha") != self.code_sha:
                self.stale += 1
            return transcript_from_json(data), True
        if self._engine is None:
            module = importlib.import_module(TRANSCRIBER_MODULE)
            self._engine = module.WhisperTranscriber(self.settings.transcriber)
        t0 = time.perf_counter()
        transcript = self._engine.transcribe(wav)
        self.seconds += time.perf_counter() - t0
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in path.parent.glob(f"{_answer_id(wav)}-*.json"):
            stale.unlink()  # one transcript per answer: readers may glob for it
        data = transcript_to_json(transcript) | {"transcriber_sha": self.code_sha}
        path.write_text(json.dumps(data), encoding="utf-8")
        return transcript, False


# --- scoring one answer -----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    id: str
    split: str
    shape: str
    duration_s: float
    agreement: float
    naive_agreement: float
    duration_errors: dict[str, float]
    n_truth_fillers: int
    n_pred_fillers: int
    n_matched: int
    n_kept: int  # true fillers Whisper wrote down as a word (before any analysis)
    n_filled: int
    n_filled_matched: int
    pred_sections: list[tuple[str, float, float]]
    missed: list[str]
    false_alarms: list[str]

    @property
    def recall(self) -> float:
        return self.n_matched / self.n_truth_fillers if self.n_truth_fillers else 1.0

    @property
    def precision(self) -> float:
        return self.n_matched / self.n_pred_fillers if self.n_pred_fillers else 1.0

    @property
    def max_duration_error(self) -> float:
        return max(self.duration_errors.values(), default=0.0)


def whisper_kept(words: Sequence[Word], truth: Truth, tolerance_s: float = 0.5) -> int:
    """How many true fillers appear as a transcribed word at about the right time."""
    kept = 0
    used: set[int] = set()
    for f in truth.fillers:
        n = len(f.text.split())
        for i in range(len(words) - n + 1):
            if i in used:
                continue
            text = " ".join(norm_filler(w.text) for w in words[i : i + n])
            same = text == f.text or (f.kind == "filled_pause" and text in FILLED_PAUSES)
            near = words[i].start_s - tolerance_s <= f.end_s and (
                words[i + n - 1].end_s + tolerance_s >= f.start_s
            )
            if same and near:
                used.add(i)
                kept += 1
                break
    return kept


def score(fx: Fixture, transcript: Transcript, settings: Settings) -> Row:
    from voicecoach.analysis import analyze

    truth = fx.truth
    report = analyze(transcript, question=None, settings=settings.analysis)
    pred = [(s.name, s.start_s, s.end_s) for s in report.sections]
    recall, precision, details = filler_scores(report.fillers, truth.fillers)
    filled_truth = [f for f in truth.fillers if f.kind == "filled_pause"]
    filled_hits = sum(1 for _p, t in details.matched if t.kind == "filled_pause")

    def fmt(f) -> str:  # noqa: ANN001 - a scoring FillerItem
        return f"{f.text}@{f.start_s:.1f}"

    return Row(
        id=truth.id,
        split=truth.split,
        shape=truth.shape,
        duration_s=truth.duration_s,
        agreement=section_agreement(pred, truth.sections),
        naive_agreement=section_agreement(naive_cue_split(transcript.words), truth.sections),
        duration_errors=section_duration_errors(pred, truth.sections),
        n_truth_fillers=details.n_truth,
        n_pred_fillers=details.n_pred,
        n_matched=details.n_matched,
        n_kept=whisper_kept(transcript.words, truth),
        n_filled=len(filled_truth),
        n_filled_matched=filled_hits,
        pred_sections=pred,
        missed=[fmt(f) for f in details.missed],
        false_alarms=[fmt(f) for f in details.false_alarms],
    )


# --- output -----------------------------------------------------------------------------------


def _pct(x: float) -> str:
    return f"{100 * x:5.1f}%"


def print_table(rows: list[Row]) -> None:
    head = (
        f"{'id':22} {'split':7} {'shape':16} {'dur':>5}  {'agree':>6} {'naive':>6} "
        f"{'maxΔdur':>7}  {'fill':>4} {'kept':>4} {'recall':>6} {'prec':>6}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r.id:22} {r.split:7} {r.shape:16} {r.duration_s:5.0f}  {_pct(r.agreement)} "
            f"{_pct(r.naive_agreement)} {r.max_duration_error:6.1f}s  {r.n_truth_fillers:4} "
            f"{r.n_kept:4} {_pct(r.recall)} {_pct(r.precision)}"
        )


def summarise(rows: list[Row], label: str) -> dict:
    errs: dict[str, list[float]] = {n: [] for n in SECTION_ORDER}
    for r in rows:
        for name, e in r.duration_errors.items():
            errs.setdefault(name, []).append(e)
    all_errs = [e for v in errs.values() for e in v]
    n_truth = sum(r.n_truth_fillers for r in rows)
    n_pred = sum(r.n_pred_fillers for r in rows)
    n_hit = sum(r.n_matched for r in rows)
    n_filled = sum(r.n_filled for r in rows)
    out = {
        "split": label,
        "answers": len(rows),
        "audio_min": sum(r.duration_s for r in rows) / 60,
        "mean_agreement": statistics.fmean(r.agreement for r in rows),
        "mean_naive_agreement": statistics.fmean(r.naive_agreement for r in rows),
        "min_agreement": min(r.agreement for r in rows),
        "mean_section_duration_error_s": statistics.fmean(all_errs) if all_errs else 0.0,
        "mean_duration_error_by_section_s": {n: statistics.fmean(v) for n, v in errs.items() if v},
        "filler_recall": n_hit / n_truth if n_truth else 1.0,
        "filler_precision": n_hit / n_pred if n_pred else 1.0,
        "filled_pause_recall": (
            sum(r.n_filled_matched for r in rows) / n_filled if n_filled else 1.0
        ),
        "whisper_kept": sum(r.n_kept for r in rows) / n_truth if n_truth else 1.0,
        "true_fillers": n_truth,
    }
    by_sec = "  ".join(
        f"{n[0].upper()} {v:4.1f}s" for n, v in out["mean_duration_error_by_section_s"].items()
    )
    print(
        f"{label:8} n={len(rows):2} ({out['audio_min']:.1f} min)  "
        f"agreement {_pct(out['mean_agreement'])} (naive {_pct(out['mean_naive_agreement'])}, "
        f"worst {_pct(out['min_agreement'])})  section duration error "
        f"{out['mean_section_duration_error_s']:.1f}s [{by_sec}]"
    )
    print(
        f"{'':8} fillers: recall {_pct(out['filler_recall'])} precision "
        f"{_pct(out['filler_precision'])} over {n_truth} true, {n_pred} found "
        f"(filled pauses: recall {_pct(out['filled_pause_recall'])} of {n_filled}; "
        f"Whisper wrote {_pct(out['whisper_kept'])} of all true fillers as words)"
    )
    return out


def print_details(row: Row, fx: Fixture) -> None:
    def spans(ss: Sequence[tuple[str, float, float]]) -> str:
        return "  ".join(f"{n[0].upper()} {a:5.1f}-{b:5.1f}" for n, a, b in ss)

    print(f"  {row.id}")
    print(f"    truth {spans([(s.name, s.start_s, s.end_s) for s in fx.truth.sections])}")
    print(f"    pred  {spans(row.pred_sections)}")
    errs = "  ".join(f"{n} {e:.1f}s" for n, e in row.duration_errors.items())
    print(f"    duration errors: {errs}")
    if row.missed:
        print(f"    missed fillers: {' '.join(row.missed)}")
    if row.false_alarms:
        print(f"    false alarms:   {' '.join(row.false_alarms)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=["dev", "heldout", "all"], default="all")
    ap.add_argument("--only", action="append", default=[], help="answer id (repeatable)")
    ap.add_argument(
        "--reuse-transcripts",
        action="store_true",
        help="use transcripts cached in bench/out/transcripts/ when present",
    )
    ap.add_argument(
        "--model",
        default=TranscriberSettings.model,
        help="model setting (default: the app's default); others are cached apart",
    )
    ap.add_argument("--details", action="store_true", help="sections and filler misses per answer")
    ap.add_argument("--json", type=Path, help="also write rows and summaries to this file")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    scripts = load_all()
    if args.only:
        scripts = [s for s in scripts if s.id in args.only]
    if args.split != "all":
        scripts = [s for s in scripts if s.split == args.split]
    if not scripts:
        ap.error("no matching answers")
    scripts.sort(key=lambda s: (s.split != "heldout", s.id))

    settings = Settings()
    settings = dataclasses.replace(
        settings, transcriber=dataclasses.replace(settings.transcriber, model=args.model)
    )
    transcribe = Transcribe(settings, reuse=args.reuse_transcripts)
    t0 = time.perf_counter()
    rows: list[Row] = []
    fixtures: dict[str, Fixture] = {}
    cached = 0
    for sc in scripts:
        fx = synthesize(sc.path)
        fixtures[sc.id] = fx
        transcript, hit = transcribe(fx.wav_path)
        cached += hit
        rows.append(score(fx, transcript, settings))
        print(f"  {sc.id} done", file=sys.stderr, flush=True)
    print_table(rows)
    if args.details:
        for r in rows:
            print_details(r, fixtures[r.id])
    print()
    summaries = []
    for split in ("heldout", "dev"):
        part = [r for r in rows if r.split == split]
        if part:
            summaries.append(summarise(part, split))
    audio_min = sum(r.duration_s for r in rows) / 60
    print(
        f"\n{len(rows)} answers, {audio_min:.1f} min of audio; {cached} transcripts from cache, "
        f"{transcribe.seconds:.0f} s transcribing, {time.perf_counter() - t0:.0f} s in all"
    )
    if transcribe.stale:
        print(
            f"note: {transcribe.stale} reused transcripts were made by an older transcriber; "
            "run without --reuse-transcripts for current figures"
        )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {"rows": [dataclasses.asdict(r) for r in rows], "summaries": summaries}, indent=1
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
