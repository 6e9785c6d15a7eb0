"""The learned STAR splitter: clause units, the bundled model, reasons, fallback, live mode."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.analysis.test_sections import ANSWERS, words_from
from voicecoach.analysis import analyze, sections, star_model
from voicecoach.analysis.text import sentence_spans
from voicecoach.domain import SECTION_NAMES, Transcript, Word
from voicecoach.report import to_json

ROOT = Path(__file__).resolve().parents[2]
S, T, A, R = SECTION_NAMES


def _split(text: str) -> list:
    words = words_from(text)
    return list(sections.assign_sections(words, sentence_spans(words)))


def _agreement(parts: list[tuple[str, str]]) -> float:
    """Share of words (a stand-in for time at a steady rate) labelled as a person did."""
    words = words_from(" ".join(t for _, t in parts))
    truth = [name for name, t in parts for _ in words_from(t)]
    got = sections.word_sections(sections.assign_sections(words, sentence_spans(words)), len(words))
    return sum(a == b for a, b in zip(got, truth, strict=True)) / len(words)


# --- clause units ------------------------------------------------------------------------------


def test_clause_units_cut_where_a_new_clause_opens() -> None:
    """ "…, and within ten minutes …" after a comma is a unit of its own; units cover every word
    once, in order."""
    words = words_from(
        "I rolled the release back to the old build, and within ten minutes the errors stopped."
    )
    units = star_model.clause_units(words, sentence_spans(words))
    assert [words[u.first].text for u in units] == ["I", "and"]
    assert [u.opens_sentence for u in units] == [True, False]
    covered = [i for u in units for i in range(u.first, u.last + 1)]
    assert covered == list(range(len(words)))


def test_short_clauses_are_not_cut_off() -> None:
    """A comma before two or three words ("…, and then") does not make a unit of them."""
    words = words_from("We shipped it on Friday, and then slept.")
    assert len(star_model.clause_units(words, sentence_spans(words))) == 1


# --- the bundled model ---------------------------------------------------------------------------


def test_bundled_model_loads_and_was_never_fitted_on_heldout_authors() -> None:
    """The shipped model reads cleanly, and its record of training authors holds no heldout one."""
    model = star_model.bundled_model()
    assert isinstance(model, star_model.StarModel), model
    authors = tomllib.loads((ROOT / "corpus/star/authors.toml").read_text())["author"]
    heldout = {a for a, meta in authors.items() if meta["split"] == "heldout"}
    assert heldout and not heldout & set(model.meta["trained_on"])
    assert model.weights.shape == (len(model.index), 4)


@pytest.mark.parametrize("name", ["textbook", "headline", "no_cues", "real_like_so"])
def test_typical_answers_are_split_as_a_person_would(name: str) -> None:
    """Clear answers, with or without cue phrases, land almost word for word where a person
    put them."""
    assert _agreement(ANSWERS[name]) >= 0.9


def test_canned_answers_agree_overall() -> None:
    """Across every canned answer, at least 90% of the words carry the person's label."""
    scores = [_agreement(parts) for parts in ANSWERS.values()]
    assert np.mean(scores) >= 0.9, scores


def test_subjectless_fragment_actions_stay_in_the_action() -> None:
    """Prep-site fragments ("Implemented …", "Discovered …", "Built …") are steps, not a Result
    starting early; the Result starts at the outcome."""
    text = (
        "Our nightly billing export failed twice a week and finance could not close the month. "
        "I was asked to make it reliable before the quarter end. "
        "Implemented structured logging across the export jobs. "
        "Discovered the failures came from a race between two writers. "
        "Built automated integrity checks that ran after every export. "
        "Moved the writers onto a single queue. "
        "The export has not failed since, and finance closed the quarter two days early."
    )
    got = _split(text)
    labels = [s.section for s in got]
    frag = [s for s in got if s.text.startswith(("Implemented", "Discovered", "Built", "Moved"))]
    assert {s.section for s in frag} == {A}
    assert labels[-1] == R


def test_a_section_can_start_inside_a_sentence() -> None:
    """ "…, and p99 fell to 110 ms" opens the Result mid-sentence: the Result section starts at
    that clause, in the report and its JSON."""
    text = (
        "Our checkout service slowed to a crawl every evening at peak. "
        "I owned the service, so fixing it was on me. "
        "I profiled the slow requests and found a missing index on the orders table. "
        "I added the index and raised the connection pool, and p99 latency fell from two "
        "seconds to 110 milliseconds within the hour."
    )
    words = words_from(text)
    report = analyze(Transcript(tuple(words), words[-1].end_s + 1))
    result = next(s for s in report.sections if s.name == R)
    and_p99 = next(i for i, w in enumerate(words) if w.text == "p99") - 1
    assert result.start_s == words[and_p99].start_s
    assert to_json(report)["sections"][-1]["start_s"] == pytest.approx(words[and_p99].start_s)


def test_every_unit_has_a_reason_in_plain_words() -> None:
    """Each unit says why it landed in its section, naming its section, with no internal
    feature names ("w:", "cue:", "pos:")."""
    for parts in ANSWERS.values():
        for s in _split(" ".join(t for _, t in parts)):
            assert s.section.capitalize() in s.reason, s.reason
            assert not any(tag in s.reason for tag in ("w:", "b:", "f1:", "cue:", "pos:")), s.reason


def test_reason_names_what_weighed_most() -> None:
    """A clear obligation sentence is explained by its own words, with the model's confidence."""
    got = _split(
        "Our release train kept slipping. My job was to get releases back on a weekly rhythm. "
        "I split the pipeline into stages and moved the slow tests to a nightly run."
    )
    task = next(s for s in got if s.section == T)
    assert "→ Task" in task.reason and "% sure" in task.reason
    assert '"' in task.reason  # quotes the words that decided it


def test_partial_answer_leaves_later_sections_unsaid() -> None:
    """While an answer is being spoken the last section heard is not forced to the Result."""
    words = words_from(
        "Last year our support queue doubled in a month. I had to bring response times back "
        "under a day. First I sorted the backlog by product and found two bugs behind most of it."
    )
    got = sections.assign_sections(words, sentence_spans(words), expected_s=120.0)
    assert got[-1].section == A


def test_partial_fit_names_the_section_of_the_last_words() -> None:
    """read_partial's fit (how well the words so far fit an answer that has reached each
    section) is largest for the last unit's section, and an unreached section fits worse."""
    words = words_from(
        "Last year our support queue doubled in a month. I had to bring response times back "
        "under a day. First I sorted the backlog by product and found two bugs behind most of it."
    )
    reading = sections.read_partial(words, sentence_spans(words), 120.0)
    got, fit = reading.sentences, reading.fit
    assert max(range(4), key=lambda k: fit[k]) == SECTION_NAMES.index(got[-1].section) == 2
    assert fit[3] < fit[2]


# --- a damaged model ---------------------------------------------------------------------------


def test_damaged_model_file_names_the_file(tmp_path: Path) -> None:
    """A truncated or malformed model file gives a StarModelError naming it, never a crash."""
    bad = tmp_path / "star_model.json"
    bad.write_text('{"format": 1, "weights": {')
    with pytest.raises(star_model.StarModelError, match="star_model.json"):
        star_model.read_model(bad)
    bad.write_text(json.dumps({"format": 1, "sections": ["a"], "weights": {}}))
    with pytest.raises(star_model.StarModelError, match="damaged"):
        star_model.read_model(bad)
    with pytest.raises(star_model.StarModelError, match="missing"):
        star_model.read_model(tmp_path / "nope.json")
    bad.write_bytes(b"\xff\xfe\x00garbage from a bad disk")
    with pytest.raises(star_model.StarModelError, match="damaged"):
        star_model.read_model(bad)


def test_unreadable_model_falls_back_to_the_cue_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the model unusable the splitter still answers (the cue rules), and says why once."""
    err = star_model.StarModelError("The section model file x/star_model.json is damaged (test).")
    monkeypatch.setattr(star_model, "bundled_model", lambda: err)
    assert sections.splitter_problem() == str(err)
    words = words_from(" ".join(t for _, t in ANSWERS["textbook"]))
    got = sections.assign_sections(words, sentence_spans(words))
    rules = sections.assign_sections(words, sentence_spans(words), model=None)
    assert got == rules


# --- robustness ----------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    toks=st.lists(
        st.sampled_from(
            [
                "I",
                "we",
                "fixed",
                "it,",
                "and",
                "then",
                "the",
                "result",
                "was",
                "40%",
                "so",
                "um",
                "Built",
                "checks.",
                "Because",
                "my",
                "job",
                "was",
                "to",
                "ship.",
            ]
        ),
        min_size=1,
        max_size=80,
    )
)
def test_any_words_give_ordered_units_with_reasons(toks: list[str]) -> None:
    """Arbitrary word lists: units cover every word once, labels go S→T→A→R, each has a reason."""
    words = [Word(t, 0.4 * i, 0.4 * i + 0.3) for i, t in enumerate(toks)]
    got = sections.assign_sections(words, sentence_spans(words))
    covered = [i for s in got for i in range(s.first_word, s.last_word + 1)]
    assert covered == list(range(len(words)))
    idx = [SECTION_NAMES.index(s.section) for s in got]
    assert idx == sorted(idx)
    assert all(s.reason for s in got)


def test_committed_model_is_what_the_corpus_trains() -> None:
    """tools/train_sections.py rebuilds star_model.json byte for byte from the corpus and code
    in the repo: a change to the corpus, the features or star.toml without retraining fails."""
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    import train_sections

    assert train_sections.main(["--check"]) == 0
