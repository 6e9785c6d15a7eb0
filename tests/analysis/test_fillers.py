"""Filler detection on canned transcripts: filled pauses, discourse fillers in and out of
context, multi-word fillers, voiced gaps, summaries, lexicon loading, robustness."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.analysis.words import words_from
from voicecoach.analysis.fillers import (
    FillerLexicon,
    fillers_by_word,
    fillers_per_minute,
    find_fillers,
    is_filled_pause,
    load_filler_lexicon,
)
from voicecoach.analysis.text import sentence_spans
from voicecoach.domain import Filler, VoicedGap, Word


def _texts(text: str) -> list[tuple[str, int | None, int]]:
    """(filler text, word_index, n_words) for every filler found in `text`."""
    return [(f.text, f.word_index, f.n_words) for f in find_fillers(words_from(text))]


# --- filled pauses ---------------------------------------------------------------------------


def test_filled_pauses_get_canonical_spellings():
    """Spelling variants of hesitation sounds are counted under one canonical name."""
    found = find_fillers(words_from("Umm, we uhh, erm, hmm, mm, uhm, ah, tried it. Uh-"))
    assert [(f.text, f.kind) for f in found] == [
        ("um", "filled_pause"),
        ("uh", "filled_pause"),
        ("er", "filled_pause"),
        ("hmm", "filled_pause"),
        ("hmm", "filled_pause"),
        ("um", "filled_pause"),
        ("ah", "filled_pause"),
        ("uh", "filled_pause"),
    ]


def test_real_words_that_start_like_hesitations_are_not_fillers():
    """Words such as 'umbrella', 'era', 'ahead', 'hum' are not hesitation sounds."""
    assert _texts("The umbrella era ahead had a hum and errors.") == []


def test_is_filled_pause_reads_whisper_spelling():
    """pace_wpm relies on this to leave hesitations out of the word count."""
    assert is_filled_pause(" Um,") and is_filled_pause("hmm...")
    assert not is_filled_pause("like,") and not is_filled_pause("")


# --- "like" ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I would like to explain the plan.",
        "I'd like to add one thing.",
        "I'd like 3 more engineers.",
        "We would like really fast builds.",
        "It looked like really bad data.",
        "It looked like a network issue.",
        "It felt like forever.",
        "We saved something like 30% of the cost.",
        "The queue worked like a cache.",
        "It was like a cache for the whole team.",
        "We fixed things like logging and retries.",
        "People like fast pages.",
        "They moved to tools they already like.",
        "It is the one we still like.",
        "It is a format I really like.",
    ],
)
def test_like_as_verb_or_comparison_is_not_a_filler(text):
    """'like' meaning enjoy/want/resemble/such-as is left alone."""
    assert all(f.text != "like" for f in find_fillers(words_from(text)))


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("It was, like, really slow.", 2),
        ("We, like, rewrote it.", 1),
        ("Like, the whole team was there.", 0),
        ("It was like really slow.", 2),
        ("It took like three weeks.", 2),
        ("It took like 3 weeks.", 2),
        ("I, like, fixed it myself.", 1),
        ("Builds went from 40% to like 2%.", 5),
        ("This was on a project like a year and a half ago.", 5),
        ("The rollout took like a couple of weeks.", 3),
        ("It sat in review like an hour.", 4),
        ("It was really, like, slow.", 3),
        ("It was slow, like.", 3),
    ],
)
def test_like_set_off_or_hedging_is_a_filler(text, index):
    """'like' between pauses, before an intensifier or before a number is a filler."""
    assert ("like", index, 1) in _texts(text)


# --- "so", "okay so", "well", "right" -------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "We cached it so that pages load fast.",
        "We split the service so we could ship weekly.",
        "We added logs, metrics and so on.",
        "It cost so much.",
        "So far, it has held up.",
        "It was not so bad.",
        "Even so, we shipped.",
        "We had a deadline, so we shipped early.",
        "So that we could ship faster, we cut scope.",
    ],
)
def test_so_inside_a_sentence_is_not_a_filler(text):
    """Only a sentence-opening discourse 'so' counts; 'so that', 'so far' etc. never do."""
    assert all(f.text != "so" for f in find_fillers(words_from(text)))


def test_sentence_opening_so_is_a_filler():
    """'So, last year I ...' opens with a discourse 'so'."""
    assert _texts("So, last year I led a migration.") == [("so", 0, 1)]


def test_so_after_a_hesitation_still_opens_the_sentence():
    """'Um, so ...': the 'so' is first apart from fillers, so it counts too."""
    assert _texts("Um, so we started over.") == [("um", 0, 1), ("so", 1, 1)]


@pytest.mark.parametrize(
    ("text", "index"),
    [
        ("Sure, so, the biggest one was the billing rewrite.", 1),
        ("Um, okay. So, there was this period last year.", 2),
        ("Yes. So we were building a new onboarding flow.", 1),
    ],
)
def test_so_after_taking_the_turn_opens_the_answer(text, index):
    """'Sure, so ...': a word taking the turn does not stop 'so' from opening the answer."""
    assert ("so", index, 1) in _texts(text)


def test_so_after_the_answer_has_begun_is_not_an_opener():
    """Only the answer's opening counts: 'Okay' later in the answer is ordinary speech."""
    assert all(
        f.text != "so"
        for f in find_fillers(words_from("We shipped it. Okay. So we waited a week."))
    )


def test_like_a_thing_is_a_comparison_not_a_hedge():
    """'like a cache' compares; only an amount after the article makes a hedge."""
    assert all(f.text != "like" for f in find_fillers(words_from("It behaves like a cache.")))


def test_so_with_a_pause_after_it_opens_a_new_part_of_the_story():
    """Mid-answer 'So, the bug ...' (a pause after 'so') is throat-clearing and counts."""
    assert _texts("We explained it. So, the bug itself was simple.") == [("so", 3, 1)]


def test_so_connecting_a_later_sentence_is_not_a_filler():
    """Mid-answer 'So I ...' means 'therefore': a real connective, not a filler."""
    assert _texts("The queue backed up. So I paired with the on-call engineer.") == []


def test_so_running_into_another_filler_is_a_filler():
    """Mid-answer 'So, um, ...' or 'So basically ...' is throat-clearing and counts."""
    assert _texts("We shipped. So, um, then we waited.") == [("so", 2, 1), ("um", 3, 1)]
    assert _texts("We shipped. So basically we waited.") == [("so", 2, 1), ("basically", 3, 1)]


def test_spans_given_by_the_caller_are_used():
    """find_fillers honours the sentence spans it is handed instead of recomputing them."""
    words = words_from("we shipped so um we waited")
    assert find_fillers(words) == (find_fillers(words)[0],)  # only the "um"
    found = find_fillers(words, spans=[(0, 1), (2, 5)])
    assert [(f.text, f.word_index) for f in found] == [("so", 2), ("um", 3)]


def test_okay_so_is_one_two_word_filler():
    """'Okay, so' at a sentence start is a single filler spanning both words."""
    words = words_from("Okay, so the system was slow.")
    (f,) = find_fillers(words)
    assert (f.text, f.word_index, f.n_words) == ("okay so", 0, 2)
    assert (f.start_s, f.end_s) == (words[0].start_s, words[1].end_s)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yeah, so, um, the best example is Acme.", [("yeah so", 0, 2), ("um", 2, 1)]),
        ("We shipped it on time. So, yeah.", [("so yeah", 5, 2)]),
        ("It was so, yeah, slow.", []),
    ],
)
def test_yeah_so_openers_and_so_yeah_endings(text, expected):
    """'Yeah, so' opening and 'So, yeah.' trailing off are two-word fillers."""
    assert _texts(text) == expected


def test_okay_so_inside_a_sentence_is_not_a_filler():
    """'it was okay so we kept it' is an ordinary clause."""
    assert _texts("It was okay so we kept it.") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Well, it depends on the load.", [("well", 0, 1)]),
        ("Well over half the tests failed.", []),
        ("The launch went well.", []),
    ],
)
def test_well_only_at_sentence_start(text, expected):
    """A sentence-opening 'Well' counts; 'well over', 'went well' do not."""
    assert _texts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We had to ship, right?", [("right", 4, 1)]),
        ("We picked the right tool right away.", []),
        ("Right, so the plan was simple.", [("right so", 0, 2)]),
        ("We shipped. Right, then we waited.", [("right", 2, 1)]),
        ("Right. We shipped on time.", []),
        ("Right? Um, so this was last year.", [("um", 1, 1), ("so", 2, 1)]),
    ],
)
def test_right_as_tag_or_opener(text, expected):
    """The tag 'right?' and a sentence-opening 'Right,' count; 'Right, so' is one filler; a
    'Right.' taking the turn before the answer is not counted; 'the right tool' never is."""
    assert _texts(text) == expected


# --- "you know", "I mean" --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It was, you know, a big deal.", [("you know", 2, 2)]),
        ("You know, the whole team left.", [("you know", 0, 2)]),
        ("It broke again, you know?", [("you know", 3, 2)]),
        ("You know the answer already.", []),
        ("Do you know the answer?", []),
        ("As you know, we ship weekly.", []),
    ],
)
def test_you_know(text, expected):
    """'you know' set off by a pause is a filler; as a real verb phrase it is not."""
    assert _texts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I mean, we tried everything.", [("i mean", 0, 2)]),
        ("It was hard, I mean, really hard.", [("i mean", 3, 2)]),
        ("What I mean is simple.", []),
        ("He said what I mean to fix.", []),
    ],
)
def test_i_mean(text, expected):
    """'I mean' as a hedge is a filler; 'what I mean is' is not."""
    assert _texts(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I mean, I My job was to fix it.", []),
        ("It broke. I mean, I We rolled back.", []),
        ("You know, you The team knew.", []),
        ("I mean, I think it worked.", [("i mean", 0, 2)]),
        ("I mean, I I think it worked.", [("i mean", 0, 2)]),
    ],
)
def test_a_stutter_before_a_fresh_start_is_not_i_mean(text, expected):
    """'I mean, I My job was' is a restart Whisper wrote with the prompt's words (issue 11), not
    the filler 'I mean'; 'I mean, I think' and a doubled 'I' still count."""
    assert _texts(text) == expected


# --- single-word and hedge fillers ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We basically rewrote it.", [("basically", 1, 1)]),
        ("It was literally down all day.", [("literally", 2, 1)]),
        ("We actually shipped it.", []),
        ("It was actually a lot messier.", []),
        ("That helped a lot, actually, because she saw it.", [("actually", 4, 1)]),
        ("Actually, we shipped it.", [("actually", 0, 1)]),
        ("She got promoted, and actually she mentors now.", [("actually", 4, 1)]),
        ("But actually it was the cache.", []),
        ("It was kind of slow.", [("kind of", 2, 2)]),
        ("We sort of rewrote it.", [("sort of", 1, 2)]),
        ("We kinda rewrote it.", [("kind of", 1, 1)]),
        ("What kind of tool was it?", []),
        ("It was a sort of cache.", []),
    ],
)
def test_single_word_and_hedge_fillers(text, expected):
    """basically/literally/actually and the kind of/sort of hedges, with their exceptions."""
    assert _texts(text) == expected


# --- voiced gaps, order, summaries -------------------------------------------------------------


def test_voiced_gaps_become_unlabelled_fillers_in_time_order():
    """A hum Whisper left out is reported where it happened, with no word index."""
    words = words_from("We, like, [1.0] rewrote it.")  # 'rewrote' starts at 1.8
    gap = VoicedGap(1.0, 1.5)
    found = find_fillers(words, voiced_gaps=[gap])
    assert [(f.text, f.kind, f.word_index) for f in found] == [
        ("like", "discourse", 1),
        ("(voiced pause)", "unlabelled", None),
    ]
    assert (found[1].start_s, found[1].end_s) == (1.0, 1.5)


def test_voiced_gap_over_a_transcribed_um_is_not_counted_twice():
    """A gap overlapping a word already counted as a filled pause is dropped."""
    words = words_from("We, um, rewrote it.")  # 'um,' spans 0.4-0.7
    found = find_fillers(words, voiced_gaps=[VoicedGap(0.5, 0.9), VoicedGap(3.0, 3.4)])
    assert [(f.text, f.start_s) for f in found] == [("um", 0.4), ("(voiced pause)", 3.0)]


def test_fillers_are_sorted_by_time():
    """Filled pauses, discourse fillers and gaps come back interleaved in spoken order."""
    words = words_from("So, um, it was, like, uh, slow.")
    found = find_fillers(words, voiced_gaps=[VoicedGap(0.35, 0.39)])
    starts = [f.start_s for f in found]
    assert starts == sorted(starts)
    assert [f.text for f in found] == ["so", "(voiced pause)", "um", "like", "uh"]


def test_fillers_per_minute_and_by_word():
    """Summary helpers: rate per minute of the given duration, counts most frequent first."""
    fillers = find_fillers(words_from("Um, it was, like, um, slow. Um, so, like, yes."))
    assert fillers_by_word(fillers) == {"um": 3, "like": 2, "so": 1}
    assert list(fillers_by_word(fillers)) == ["um", "like", "so"]
    assert fillers_per_minute(fillers, 90.0) == pytest.approx(4.0)
    assert fillers_per_minute(fillers, 0.0) == 0.0
    assert fillers_per_minute((), 60.0) == 0.0


# --- lexicon ------------------------------------------------------------------------------------


def test_packaged_lexicon_loads_with_every_entry_usable():
    """fillers.toml ships in the package and every entry has phrases and valid conditions."""
    lex = load_filler_lexicon()
    texts = {r.text for r in lex.discourse}
    assert {"like", "so", "okay so", "you know", "i mean", "kind of", "well"} <= texts
    assert {c for c, _ in lex.filled_pauses} == {"um", "uh", "er", "ah", "hmm"}
    assert lex.discourse[0].phrases[0] and len(lex.discourse[0].phrases[0]) >= 2


def test_custom_lexicon_is_used():
    """A caller-supplied lexicon replaces the packaged one (fillers are data, not code)."""
    lex = FillerLexicon.from_dict(
        {
            "filled_pauses": {"um": "u+m+"},
            "discourse": [{"text": "honestly", "phrases": ["honestly"]}],
        }
    )
    assert [f.text for f in find_fillers(words_from("Honestly, um, like, uh."), lexicon=lex)] == [
        "honestly",
        "um",
    ]


def test_unknown_condition_in_lexicon_is_rejected():
    """A typo in fillers.toml fails loudly, naming the entry, instead of never matching."""
    with pytest.raises(ValueError, match="like"):
        FillerLexicon.from_dict(
            {"discourse": [{"text": "like", "phrases": ["like"], "when": ["sentance_start"]}]}
        )


# --- robustness ---------------------------------------------------------------------------------

_times = st.floats(min_value=-10, max_value=1000, allow_nan=False, allow_infinity=False)
_texts_st = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["like,", "So,", "um", "you", "know,", "I", "mean", "kind", "of", "?", "..."]),
)
_words = st.lists(st.builds(Word, _texts_st, _times, _times), max_size=40)


@settings(max_examples=300, deadline=None)
@given(
    words=_words,
    gaps=st.lists(st.builds(VoicedGap, _times, _times), max_size=5),
    spans=st.one_of(
        st.none(), st.lists(st.tuples(st.integers(-3, 50), st.integers(-3, 50)), max_size=8)
    ),
)
def test_find_fillers_never_crashes(words, gaps, spans):
    """Arbitrary text, timings and spans give a sorted tuple of well-formed fillers."""
    found = find_fillers(words, spans, gaps)
    assert all(isinstance(f, Filler) for f in found)
    assert [f.start_s for f in found] == sorted(f.start_s for f in found)
    for f in found:
        if f.word_index is not None:
            assert 0 <= f.word_index and f.word_index + f.n_words <= len(words)
    # spans=None means "use text.sentence_spans"
    assert find_fillers(words, sentence_spans(words)) == find_fillers(words)
