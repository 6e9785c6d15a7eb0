"""Every count a content check shows is of the words it names, so replaying the answer confirms
it; a question's key point is offered only under the check it is about (newcomer's report)."""

from __future__ import annotations

import re

import pytest

from tests.analysis.words import words_from
from voicecoach.analysis.delivery import content_checks, load_check_lexicon
from voicecoach.analysis.text import norm
from voicecoach.domain import Check, Question

# the newcomer's takes: one "because" and one "so that"; then "so that" alone
BOTH = (
    "I cut the bill by forty percent. I sorted it out, because I was the one who talked to him. "
    "I set up auto scaling so that we ran 12 nodes at night. My manager and I agreed on it."
)
SO_THAT_ONLY = (
    "I cut our monthly cloud bill by forty percent. I set up auto scaling so that we ran 12 "
    "nodes at night instead of 30. Query latency stayed the same."
)
_NAMED = re.compile(r"\"([^\"]+)\" (once|\d+×)")


def _checks(text: str, question: Question | None = None) -> dict[str, Check]:
    words = words_from(text)
    return {c.name: c for c in content_checks(words, None, None, question, words[-1].end_s)}


def _said(text: str, phrase: str) -> int:
    norms = [norm(w) for w in text.split()]
    want = phrase.lower().split()
    return sum(norms[i : i + len(want)] == want for i in range(len(norms)))


@pytest.mark.parametrize("text", [BOTH, SO_THAT_ONLY])
@pytest.mark.parametrize("name", ["because", "for_example", "but"])
def test_each_phrase_named_is_counted_as_said_and_the_quote_holds_one(text, name):
    """Protects: 'because 2×' for one "because" and one "so that": each phrase the detail
    names has its own count, equal to the times it is said; nothing else was counted, and the
    quote is of a phrase it names."""
    c = _checks(text)[name]
    named = {p: 1 if n == "once" else int(n.rstrip("×")) for p, n in _NAMED.findall(c.detail)}
    if c.value == 0.0:
        return  # nothing said: the detail lists what would count, it counts nothing
    assert named, c.detail
    for phrase, n in named.items():
        assert _said(text, phrase) == n, (phrase, c.detail)
    per_two_min = sum(named.values()) * 120.0 / words_from(text)[-1].end_s
    assert c.value == pytest.approx(per_two_min)
    quote = c.detail.split("as in ", 1)[1] if "as in " in c.detail else ""
    assert not quote or any(p in quote.lower() for p in named)


def test_a_take_with_only_so_that_is_not_said_to_have_a_because():
    """Protects: '"because" once' quoting "…so that we ran 12 nodes…" (r4-checks.png)."""
    c = _checks(SO_THAT_ONLY)["because"]
    assert '"so that" once' in c.detail and '"because"' not in c.detail


def test_i_and_we_counts_name_the_forms_counted():
    """Protects: 'You said "I" 5×' when "my" and "me" were counted as "I" too."""
    c = _checks(BOTH)["i_vs_we"]
    i_part = c.detail.split(" and ", 1)[0]
    forms = re.findall(r"\"([^\"]+)\"", i_part)
    n = int(re.search(r"(\d+)×", i_part).group(1))
    assert "my" in [f.lower() for f in forms]
    assert n == sum(_said(BOTH, f) for f in forms)


TECH_02 = Question(
    "tech-02",
    "core",
    "Performance",
    "Describe a time you made a system significantly faster or cheaper to run.",
    key_points=(
        "Give the before number and the goal: p99 latency, monthly cost, throughput.",
        "End with how the working relationship changed, with an example.",
        "Describe the friction by its effect on the work, not the person's character.",
    ),
)


def test_a_key_point_is_not_offered_under_an_unrelated_check():
    """Protects: 'Contrast … Key point: Give the before number…' (r4-checks.png, the export):
    the point is about numbers; the Result-in-numbers check passed, so no check offers it."""
    checks = _checks(SO_THAT_ONLY, TECH_02)
    assert checks["quantified_result"].passed and not checks["but"].passed
    assert all("before number" not in c.detail for c in checks.values())


def test_a_key_point_goes_only_under_the_check_it_is_about():
    """The example point goes under Examples (failed), and under nothing else; a point about
    none of the checks is offered under none."""
    checks = _checks(SO_THAT_ONLY, TECH_02)
    with_point = [c.name for c in checks.values() if "Key point" in c.detail]
    assert with_point == ["for_example"]
    assert checks["for_example"].detail.endswith(
        "Key point: End with how the working relationship changed, with an example."
    )
    assert all("friction" not in c.detail for c in checks.values())


@pytest.mark.parametrize(
    ("point", "name"),
    [
        (
            "Give the before number and the goal: p99 latency, monthly cost, throughput.",
            "quantified_result",
        ),
        ("Explain the trade-off you accepted: complexity, memory, stale data.", "but"),
        ("Explain what you learned about their point of view.", "learning"),
        ("Say 'I' for what you did yourself; keep 'we' for the team's work.", "i_vs_we"),
        ("Explain why the part was risky: no tests, many callers.", "because"),
        ("Pick one project and name it in your first sentence.", "headline"),
        ("Walk through your hypotheses in order.", None),  # about no check
        ("Give a later example where the lesson changed what you did.", None),  # a tie
    ],
)
def test_key_point_check_reads_the_point_not_its_examples(point, name):
    from voicecoach.analysis.delivery import key_point_check

    lex = load_check_lexicon()
    assert key_point_check(point, list(lex.hints), lex) == name
