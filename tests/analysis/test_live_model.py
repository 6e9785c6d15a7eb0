"""The live reading of an answer still being spoken: the live model (trained on answers cut
short), its mix with the main model, and the front's section summed over every labelling."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.analysis.test_live import SCENE
from tests.analysis.words import words_from
from voicecoach.analysis import sections, star_model
from voicecoach.analysis.text import sentence_spans

ANSWER = (
    SCENE
    + "My job was to get the release back on schedule. [0.6] "
    + "I split the work into two streams and paired each junior with a senior. [0.6] "
)


def _units(*names: tuple[str, ...]) -> list[star_model.UnitFeatures]:
    return [star_model.UnitFeatures(dict.fromkeys(n, 1.0), {}) for n in names]


def _pushing(k: int, strength: float = 20.0) -> star_model.StarModel:
    """A live model whose only feature, the front mark, pushes the front toward section k."""
    w = np.full((1, 4), -strength)
    w[0, k] = strength
    return star_model.StarModel({"live:front": 0}, w, np.zeros(4), star_model.DecoderParams(), {})


def test_live_features_mark_the_front_without_its_predecessor() -> None:
    """Only the last unit changes: marked as the front, its predecessor's context gone, its
    opening and tense read as a front's; the units before it are as the main model sees them."""
    before, front = _units(
        ("w:we", "t:was/were", "next:t:future"),
        ("w:will", "f1:we", "t:future", "prev:t:was/were", "len:4-7"),
    )
    got = star_model.live_features([before, front])
    assert got[0] is before
    assert set(got[1].values) == {
        "w:will",
        "f1:we",
        "t:future",
        "len:4-7",
        "live:front",
        "front|f1:we",
        "front|t:future",
    }
    assert star_model.live_features([]) == []


def test_front_section_sums_over_every_labelling() -> None:
    """The best single labelling keeps all four units in the Situation, but more labellings
    that end in the Task add up to more: the front's section is the Task (the forward
    algorithm), not the best path's last section."""
    costs = sections.DecodeCosts.for_model(
        star_model.DecoderParams(switch=1.0, clause_switch=2.0, missing=(2.0,) * 4),
        sections.load_star_lexicon(),
    )
    scores = [
        (0.0, -0.5, -2.0, -3.0),
        (-0.5, -3.0, -1.0, 0.0),
        (0.0, 0.0, -6.0, -2.0),
        (-1.0, -0.5, -1.0, -1.0),
    ]
    labels, ends = sections._decode_ends(scores, costs, [0.0] * 4, open_end=True)
    assert labels == [0, 0, 0, 0] and ends[0] - ends[1] == pytest.approx(0.5)
    assert sections.front_section(scores, costs, [0.0] * 4) == 1
    # one unit: there is one labelling per section, so both agree (skipped sections still cost)
    for one in ([(-3.0, -2.0, -0.1, -4.0)], [(-3.0, -2.0, 2.5, -4.0)]):
        best, _ = sections._decode_ends(one, costs, [0.0], open_end=True)
        assert sections.front_section(one, costs, [0.0]) == best[0]


def test_an_unfinished_answer_is_read_with_the_live_model_too() -> None:
    """While an answer is being spoken the live model's reading of the front counts (here a
    live model that hears every front as the Result moves the last sentence there); a finished
    answer is the main model's alone, whatever live model is passed."""
    words = words_from(ANSWER)
    spans = sentence_spans(words)
    alone = sections.read_partial(words, spans, 120.0, live_model=None)
    assert alone.sentences[-1].section == "action"
    pushed = sections.read_partial(words, spans, 120.0, live_model=_pushing(3))
    assert pushed.sentences[-1].section == "result"
    assert pushed.front[3] > alone.front[3]
    assert sections.assign_sections(words, spans, live_model=_pushing(3)) == (
        sections.assign_sections(words, spans, live_model=None)
    )


def test_the_bundled_live_model_is_used_and_never_saw_heldout_authors() -> None:
    """The bundled live model loads, was trained on the train and dev authors only, and is
    what read_partial uses by default."""
    live = star_model.bundled_live_model()
    assert isinstance(live, star_model.StarModel)
    assert not {"a08", "a09", "a10"} & set(live.meta["trained_on"])
    words = words_from(ANSWER)
    spans = sentence_spans(words)
    default = sections.read_partial(words, spans, 120.0)
    assert default == sections.read_partial(words, spans, 120.0, live_model=live)
    assert default.front != sections.read_partial(words, spans, 120.0, live_model=None).front


def test_an_unusable_live_model_leaves_the_main_model_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A missing or damaged live model file: the words so far are read by the main model
    alone (as before the live model existed), and the start-up check names the file."""
    err = star_model.StarModelError("The section model file star_live_model.json is missing.")
    monkeypatch.setattr(star_model, "bundled_live_model", lambda: err)
    words = words_from(ANSWER)
    spans = sentence_spans(words)
    assert sections.read_partial(words, spans, 120.0) == sections.read_partial(
        words, spans, 120.0, live_model=None
    )
    problem = sections.splitter_problem()
    assert problem is not None and "star_live_model.json" in problem
    assert "live" in problem.lower()


def test_mixed_scores_are_log_probabilities() -> None:
    """The mix of the two models' readings is itself a distribution over the four sections."""
    words = words_from(ANSWER)
    reading = sections.read_partial(words, sentence_spans(words), 120.0)
    assert sum(math.exp(x) for x in reading.front) == pytest.approx(1.0)
