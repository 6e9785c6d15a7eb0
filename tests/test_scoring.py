"""Benchmark scoring on hand-made cases whose answers are worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.scoring import (
    filler_scores,
    naive_cue_split,
    section_agreement,
    section_duration_errors,
)
from voicecoach.domain import Filler, Section, Word

TRUTH = [("situation", 0.0, 10.0), ("task", 10.0, 20.0), ("action", 20.0, 40.0)]


def test_agreement_is_one_for_a_perfect_prediction() -> None:
    """A prediction identical to the truth scores exactly 1."""
    assert section_agreement(TRUTH, TRUTH) == pytest.approx(1.0)


def test_agreement_counts_a_shifted_boundary() -> None:
    """Moving the task/action boundary 4 s late loses 4 s of 40."""
    pred = [("situation", 0.0, 10.0), ("task", 10.0, 24.0), ("action", 24.0, 40.0)]
    assert section_agreement(pred, TRUTH) == pytest.approx(36 / 40)


def test_agreement_counts_uncovered_time_as_disagreement() -> None:
    """A gap in the prediction (20-30 s) and a late start (0-2 s) both count against it."""
    pred = [("situation", 2.0, 10.0), ("task", 10.0, 20.0), ("action", 30.0, 40.0)]
    assert section_agreement(pred, TRUTH) == pytest.approx(28 / 40)


def test_agreement_ignores_prediction_outside_the_answer() -> None:
    """Predicted time before the first true section starts is not part of the answer."""
    truth = [("situation", 5.0, 15.0), ("result", 15.0, 25.0)]
    pred = [("situation", 0.0, 15.0), ("result", 15.0, 30.0)]
    assert section_agreement(pred, truth) == pytest.approx(1.0)


def test_agreement_when_truth_has_a_hole() -> None:
    """Where truth is uncovered, an uncovered prediction agrees and a labelled one does not."""
    truth = [("situation", 0.0, 10.0), ("action", 20.0, 30.0)]
    assert section_agreement(truth, truth) == pytest.approx(1.0)
    pred = [("situation", 0.0, 15.0), ("action", 15.0, 30.0)]
    assert section_agreement(pred, truth) == pytest.approx(20 / 30)


def test_agreement_accepts_domain_sections_and_dicts() -> None:
    """Report sections and truth dicts score the same as tuples."""
    pred = [Section("situation", 0.0, 30.0, 15.0), Section("action", 30.0, 40.0, 60.0)]
    truth = [{"name": n, "start_s": a, "end_s": b} for n, a, b in TRUTH]
    assert section_agreement(pred, truth) == pytest.approx(20 / 40)


def test_agreement_of_all_wrong_labels_is_zero() -> None:
    """Every second mislabelled scores 0."""
    pred = [("result", 0.0, 40.0)]
    assert section_agreement(pred, TRUTH) == pytest.approx(0.0)


def test_duration_errors_per_section_and_missing_sections() -> None:
    """Durations compare per name; a section on one side only counts its whole length."""
    pred = [("situation", 0.0, 14.0), ("action", 14.0, 40.0), ("result", 40.0, 45.0)]
    errors = section_duration_errors(pred, TRUTH)
    assert errors == pytest.approx({"situation": 4.0, "task": 10.0, "action": 6.0, "result": 5.0})
    assert list(errors) == ["situation", "task", "action", "result"]


def test_duration_errors_sum_a_section_split_in_two() -> None:
    """A section predicted twice is judged on its total time."""
    pred = [("situation", 0, 5), ("task", 5, 20), ("situation", 20, 25), ("action", 25, 40)]
    errors = section_duration_errors(pred, TRUTH)
    assert errors["situation"] == pytest.approx(0.0)
    assert errors["task"] == pytest.approx(5.0)
    assert errors["action"] == pytest.approx(5.0)


def _f(text: str, kind: str, start: float, end: float) -> dict[str, object]:
    return {"text": text, "kind": kind, "start_s": start, "end_s": end}


def test_filler_scores_same_word_near_in_time() -> None:
    """A predicted 'um' 0.3 s off matches; a 'like' 2 s away does not."""
    truth = [_f("um", "filled_pause", 1.0, 1.4), _f("like", "discourse", 5.0, 5.3)]
    pred = [_f("um", "filled_pause", 1.7, 2.0), _f("like", "discourse", 7.5, 7.8)]
    recall, precision, details = filler_scores(pred, truth, tolerance_s=0.5)
    assert (recall, precision) == (0.5, 0.5)
    assert [t.text for t in details.missed] == ["like"]
    assert [p.start_s for p in details.false_alarms] == [7.5]


def test_filler_scores_need_the_same_word_for_discourse_fillers() -> None:
    """A predicted 'like' on top of a true 'you know' is not a hit."""
    truth = [_f("you know", "discourse", 3.0, 3.5)]
    pred = [_f("like", "discourse", 3.0, 3.3)]
    recall, precision, _ = filler_scores(pred, truth)
    assert (recall, precision) == (0.0, 0.0)


def test_filler_scores_multi_word_and_punctuation() -> None:
    """'You know,' as written by Whisper matches the true 'you know'."""
    truth = [_f("you know", "discourse", 3.0, 3.5)]
    pred = [Filler("You know,", "discourse", 3.05, 3.45, word_index=7, n_words=2)]
    recall, precision, details = filler_scores(pred, truth)
    assert (recall, precision) == (1.0, 1.0)
    assert details.n_matched == 1


def test_filler_with_a_wider_extent_still_matches() -> None:
    """A found 'yeah so' covers the true 'so'; a 'so' next to a true 'you know' does not."""
    truth = [_f("so", "discourse", 1.0, 1.3), _f("you know", "discourse", 5.0, 5.4)]
    pred = [_f("yeah so", "discourse", 0.5, 1.3), _f("so", "discourse", 5.0, 5.2)]
    recall, precision, details = filler_scores(pred, truth)
    assert (recall, precision) == (0.5, 0.5)
    assert details.matched[0][0].text == "yeah so"


def test_unlabelled_voiced_gap_matches_any_filled_pause() -> None:
    """A '(voiced pause)' matches a true 'hmm' but never a discourse filler."""
    truth = [_f("hmm", "filled_pause", 2.0, 2.5), _f("so", "discourse", 6.0, 6.2)]
    pred = [
        _f("(voiced pause)", "unlabelled", 2.1, 2.4),
        _f("(voiced pause)", "unlabelled", 6.0, 6.2),
    ]
    recall, precision, _ = filler_scores(pred, truth)
    assert (recall, precision) == (0.5, 0.5)


def test_filled_pause_spelling_can_be_strict() -> None:
    """'uh' for a true 'ah' counts by default, and not when spellings must agree."""
    truth = [_f("ah", "filled_pause", 2.0, 2.5)]
    pred = [_f("uh", "filled_pause", 2.0, 2.4)]
    assert filler_scores(pred, truth)[0] == 1.0
    assert filler_scores(pred, truth, any_filled_pause_spelling=False)[0] == 0.0


def test_filler_matching_is_one_to_one_and_prefers_the_closest() -> None:
    """Two predictions near one true 'um': one hit, one false alarm (the farther one)."""
    truth = [_f("um", "filled_pause", 1.0, 1.4)]
    pred = [_f("um", "filled_pause", 1.6, 1.8), _f("um", "filled_pause", 1.1, 1.3)]
    recall, precision, details = filler_scores(pred, truth)
    assert (recall, precision) == (1.0, 0.5)
    assert details.false_alarms[0].start_s == 1.6


def test_filler_scores_with_nothing_to_find() -> None:
    """No truth and no prediction is perfect; predictions with no truth have precision 0."""
    assert filler_scores([], [])[:2] == (1.0, 1.0)
    assert filler_scores([_f("um", "filled_pause", 0, 1)], [])[:2] == (1.0, 0.0)


def _words(text: str, start: float = 0.0, step: float = 0.5) -> list[Word]:
    return [Word(w, start + i * step, start + i * step + 0.4) for i, w in enumerate(text.split())]


def test_naive_split_moves_forward_only_on_cue_sentences() -> None:
    """Cue sentences start task and result; a later 'the situation' does not go back."""
    words = _words(
        "We had a slow service. My task was to fix it. I added a cache. "
        "The situation improved. As a result latency halved."
    )
    spans = naive_cue_split(words)
    assert [s[0] for s in spans] == ["situation", "task", "result"]
    assert spans[1][1] == words[5].start_s  # "My"
    assert spans[2][1] == words[18].start_s  # "As"
    assert spans[2][2] == words[-1].end_s
    assert spans[0][2] == spans[1][1]


def test_naive_split_without_cues_is_all_situation() -> None:
    """An answer without textbook cues stays in one section."""
    spans = naive_cue_split(_words("We shipped it. Then it broke. Then we fixed it."))
    assert spans == [("situation", 0.0, 9 * 0.5 + 0.4)]


def test_transcript_json_round_trip() -> None:
    """The benchmark's cached transcripts rebuild into equal Transcript objects."""
    import json

    from bench.accuracy import transcript_from_json, transcript_to_json
    from voicecoach.domain import Transcript, VoicedGap

    t = Transcript(
        words=(Word("Um,", 0.5, 0.9, 0.7), Word("we", 1.0, 1.2)),
        duration_s=3.0,
        voiced_gaps=(VoicedGap(1.5, 1.9),),
        model="tiny.en",
    )
    assert transcript_from_json(json.loads(json.dumps(transcript_to_json(t)))) == t


def test_whisper_kept_counts_fillers_written_as_words() -> None:
    """A true 'you know' and an 'ah' written as 'Uh,' count as kept; a far-off 'um' does not."""
    from bench.accuracy import whisper_kept
    from tests.fixtures.truth import Truth, TruthFiller

    fillers = (
        TruthFiller("you know", "discourse", 1.0, 1.5, "situation"),
        TruthFiller("ah", "filled_pause", 3.0, 3.4, "situation"),
        TruthFiller("um", "filled_pause", 6.0, 6.4, "action"),
    )
    truth = Truth("x", "dev", "short", "q", (), fillers, (), "", "", 10.0, 0.5, 9.0)
    words = [Word("You", 1.0, 1.2), Word("know,", 1.2, 1.5), Word("Uh,", 3.5, 3.6)]
    words += [Word("um", 8.0, 8.2)]
    assert whisper_kept(words, truth) == 2


def test_accuracy_bench_keeps_another_models_transcripts_apart(tmp_path: Path) -> None:
    """Measuring another model must not replace the default model's cached transcripts (the
    cache keeps one file per answer in its directory)."""
    import dataclasses

    from bench.accuracy import TRANSCRIPTS_DIR, Transcribe
    from voicecoach.settings import Settings

    wav = tmp_path / "balanced-01-abc.wav"
    wav.write_bytes(b"RIFF")
    default = Settings()
    base = dataclasses.replace(
        default, transcriber=dataclasses.replace(default.transcriber, model="bundled:base")
    )
    assert Transcribe(default, reuse=True).cache_path(wav).parent == TRANSCRIPTS_DIR
    other = Transcribe(base, reuse=True).cache_path(wav).parent
    assert other != TRANSCRIPTS_DIR and other.name == "transcripts-bundled-base"
