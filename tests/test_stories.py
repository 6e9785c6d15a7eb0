"""Story bank logic without Qt or a database: validation, import/export, suggestion, coverage."""

from __future__ import annotations

import json
import tomllib

import pytest

from voicecoach.packs import load_packs
from voicecoach.stories import (
    MIN_SCORE,
    Story,
    StoryError,
    StoryImportError,
    format_of,
    parse_stories,
    parse_tags,
    plan_import,
    rank_stories,
    suggest_story,
    to_json_text,
    to_toml_text,
    topic_coverage,
    transcript_of,
    uncovered_topics,
    validate_story,
)

OUTAGE = Story(
    title="The checkout outage on Black Friday",
    situation="Payments failed for a third of shoppers during our busiest sale",
    task="I was on call and had to stop the losses within the hour",
    action="Rolled back the payment gateway release and throttled retries from the queue",
    result="Checkout recovered in forty minutes; we added canary releases for payments",
    tags=("incident", "ownership"),
    question_ids=("incident-1",),
)
MENTOR = Story(
    title="Coaching a new graduate",
    situation="A graduate joined mid-project with no Python experience",
    task="Get her shipping reviewed code on her own",
    action="Paired daily for two weeks, then weekly design walkthroughs",
    result="She led the reporting module three months later",
    tags=("mentoring",),
)


@pytest.fixture(scope="module")
def packs():
    return load_packs()


def test_validate_tidies_and_rejects_with_the_field() -> None:
    """Titles and tags are tidied; an empty title or multi-line note names its field."""
    s = validate_story(Story(title="  A   story ", tags=("Lead", "lead", " ")))
    assert (s.title, s.tags) == ("A story", ("lead",))
    with pytest.raises(StoryError) as e:
        validate_story(Story(title="  "))
    assert e.value.field == "title"
    with pytest.raises(StoryError) as e:
        validate_story(Story(title="ok", action="line one\nline two"))
    assert e.value.field == "action" and "one line" in str(e.value)
    with pytest.raises(StoryError) as e:
        validate_story(Story(title="ok", result="x" * 400))
    assert e.value.field == "result"


def test_parse_tags_splits_on_commas() -> None:
    """Tags typed in one box: comma-separated, lower case, no repeats or blanks."""
    assert parse_tags("Incident, ownership,, INCIDENT , on call") == (
        "incident",
        "ownership",
        "on call",
    )


@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_export_then_import_round_trip(fmt: str) -> None:
    """Exported stories import back exactly, with quotes, backslashes and non-ASCII intact."""
    odd = Story(
        title='Quotes "and" back\\slashes',
        situation="Zürich office, café talk — 50% done",
        task="tab\there",
        tags=("naïve", "a,b"),
        question_ids=("q1", "q2"),
    )
    text = to_toml_text([OUTAGE, odd]) if fmt == "toml" else to_json_text([OUTAGE, odd])
    back = parse_stories(text, fmt)  # type: ignore[arg-type]
    assert back == [OUTAGE, odd]


def test_toml_export_is_plain_toml() -> None:
    """The TOML file is read by tomllib into the documented shape."""
    doc = tomllib.loads(to_toml_text([MENTOR]))
    assert doc["format"] == "voicecoach-stories" and doc["version"] == 1
    assert doc["stories"][0]["title"] == MENTOR.title
    assert doc["stories"][0]["tags"] == ["mentoring"]


def _problems(text: str, fmt: str = "json", known=None) -> tuple[str, ...]:
    with pytest.raises(StoryImportError) as e:
        parse_stories(text, fmt, known, source="bank.json")  # type: ignore[arg-type]
    assert "Nothing was imported from bank.json" in str(e.value)
    return e.value.problems


def test_import_wrong_types_name_entry_and_field() -> None:
    """A note that is a number and tags that are text are reported with entry number and title."""
    doc = {
        "stories": [
            {"title": "Fine one"},
            {"title": "Typed wrong", "action": 42, "tags": "lead"},
            {"title": "Bad tag item", "questions": ["q1", 7]},
        ]
    }
    problems = _problems(json.dumps(doc))
    assert any(
        'entry 2 ("Typed wrong"): "action" must be text, not a number' in p for p in problems
    )
    assert any(
        'entry 2 ("Typed wrong"): "tags" must be a list of text, not text' in p for p in problems
    )
    assert any('entry 3 ("Bad tag item"): "questions" must hold only text' in p for p in problems)


def test_import_missing_title() -> None:
    """An entry without a title is named by its number."""
    problems = _problems(json.dumps({"stories": [{"title": "A"}, {"situation": "no name"}]}))
    assert problems == ('entry 2: no "title"; every story needs one',)


def test_import_unknown_question_id(packs) -> None:
    """A question id the packs do not have is an error, with the nearest id as a hint."""
    real = packs.questions()[0].id
    doc = {"stories": [{"title": "T", "questions": [real, real + "x"]}]}
    problems = _problems(json.dumps(doc), known={q.id for q in packs.questions()})
    assert len(problems) == 1
    assert f'entry 1 ("T"): "questions": no question "{real}x"' in problems[0]
    assert f'did you mean "{real}"' in problems[0]


def test_import_unknown_field_suggests_the_right_one() -> None:
    """A misspelt field is not silently dropped (that would lose the note)."""
    problems = _problems(json.dumps({"stories": [{"title": "T", "sitaution": "x"}]}))
    assert problems == ('entry 1 ("T"): unknown field "sitaution" (did you mean "situation"?)',)


def test_import_broken_toml_and_json() -> None:
    """Syntax errors say which format and where."""
    (p,) = _problems('[[stories]]\ntitle = "unterminated\n', "toml")
    assert p.startswith("the file is not valid TOML")
    (p,) = _problems('{"stories": [', "json")
    assert p.startswith("the file is not valid JSON") and "line 1" in p


def test_import_not_utf8_and_wrong_shape() -> None:
    """Bytes that are not UTF-8, a list at the top, a newer version: each explained."""
    (p,) = _problems(b"\xff\xfe\x00garbage")  # type: ignore[arg-type]
    assert "not UTF-8" in p
    (p,) = _problems("[1, 2]")
    assert '"stories"' in p
    problems = _problems(json.dumps({"version": 9, "stories": []}))
    assert any("newer VoiceCoach" in p for p in problems)


def test_import_duplicate_titles_in_one_file() -> None:
    """Two entries with the same title (case and spaces aside) are refused, naming both."""
    doc = {"stories": [{"title": "Outage"}, {"title": "  outage "}]}
    (p,) = _problems(json.dumps(doc))
    assert p.startswith('entry 2 ("outage"): the same title as entry 1')


def test_import_plan_skips_identical_and_refuses_conflicts() -> None:
    """An entry equal to a bank story is skipped; same title, other notes: the import stops."""
    plan = plan_import([OUTAGE], [OUTAGE, MENTOR], "f")
    assert plan.new == (MENTOR,) and plan.already_there == (OUTAGE.title,)
    assert "Imported 1 story" in plan.summary() and "skipped" in plan.summary()
    changed = Story(title=OUTAGE.title.upper(), situation="something else")
    with pytest.raises(StoryImportError) as e:
        plan_import([OUTAGE], [MENTOR, changed], "f")
    assert e.value.problems[0].startswith("entry 2 (")
    assert "already has a story with this title" in e.value.problems[0]


def test_format_from_file_name() -> None:
    """Only .toml and .json are story files."""
    assert format_of("a/b.TOML") == "toml" and format_of("x.json") == "json"
    with pytest.raises(StoryImportError):
        format_of("stories.txt")


ANSWER = (
    "So last year during Black Friday our checkout started failing, payments were timing out "
    "for about a third of shoppers. I was on call, so I rolled back the gateway release and "
    "throttled the retries. Checkout recovered and we added canary releases afterwards."
)


def test_suggest_picks_the_story_told_and_explains() -> None:
    """The outage answer suggests the outage story, naming words they share."""
    s = suggest_story(ANSWER, [MENTOR, OUTAGE])
    assert s is not None and s.story is OUTAGE
    assert s.score >= MIN_SCORE
    assert "checkout" in s.shared and "friday" in s.shared
    assert "key words" in s.reason() and "checkout" in s.reason()
    ranked = rank_stories(ANSWER, [MENTOR, OUTAGE])
    assert [r.story for r in ranked] == [OUTAGE, MENTOR]
    assert ranked[1].score < ranked[0].score


def test_no_suggestion_below_threshold() -> None:
    """An answer about something else suggests nothing rather than a wrong story."""
    unrelated = "I prefer to plan my week on Mondays and keep a short list of priorities."
    assert suggest_story(unrelated, [MENTOR, OUTAGE]) is None
    assert suggest_story(ANSWER, []) is None
    # filler words and stop words never count as shared
    assert suggest_story("um uh like the the and so we were", [OUTAGE]) is None


def test_transcript_of_report_json() -> None:
    """The answer's text comes from the stored report (text, or else its words)."""
    assert transcript_of({"transcript": "hello there"}) == "hello there"
    assert transcript_of({"transcript": "", "words": [{"text": "a"}, {"text": "b"}]}) == "a b"
    assert transcript_of(None) == ""


def test_topic_coverage(packs) -> None:
    """A topic is covered once a story links any of its questions; the rest are listed."""
    name = next(iter(packs.packs))
    topic = packs.topics(name)[0]
    q = packs.questions(name, topic)[-1]
    before = uncovered_topics(packs, [])
    assert len(before) == len(topic_coverage(packs, []))
    story = Story(title="Linked", question_ids=(q.id,))
    after = uncovered_topics(packs, [story])
    assert len(after) == len(before) - 1
    assert (name, topic) not in {(c.pack, c.topic) for c in after}
    row = next(c for c in topic_coverage(packs, [story]) if (c.pack, c.topic) == (name, topic))
    assert row.stories == ("Linked",) and q.id in row.question_ids
