"""Question packs: the shipped packs, validation messages, target precedence, selection."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voicecoach import packs as packs_module
from voicecoach.domain import PackError, Question, SectionTargets
from voicecoach.packs import PackSet, load_packs, shipped_packs_dir

GOOD = """
[pack]
title = "Good"

[[questions]]
id = "good-1"
topic = "Alpha"
prompt = "Tell me about a time you shipped something."

[[questions]]
id = "good-2"
topic = "Beta"
prompt = "Tell me about a time you fixed something."
"""

# A question that is fine, placed before each bad one so we can see the rest of the file loads.
OK_QUESTION = """
[[questions]]
id = "bad-ok"
topic = "Alpha"
prompt = "A valid question in the same file."
"""


def write(dir_: Path, name: str, text: str) -> Path:
    path = dir_ / name
    path.write_text(text, encoding="utf-8")
    return path


def question(body: str) -> str:
    return "[[questions]]\n" + body.strip() + "\n"


@pytest.fixture(scope="module")
def shipped() -> PackSet:
    return load_packs()


# --- shipped packs -------------------------------------------------------------------------


def test_shipped_packs_load_without_errors(shipped: PackSet) -> None:
    """Every shipped pack parses and validates cleanly."""
    assert shipped.errors == ()
    assert {"core_senior", "engineering_manager", "drills"} <= set(shipped.packs)


def test_shipped_pack_sizes(shipped: PackSet) -> None:
    """The shipped packs keep their promised breadth."""
    assert len(shipped.questions("core_senior")) >= 32
    assert len(shipped.topics("core_senior")) >= 10
    assert len(shipped.questions("engineering_manager")) >= 20
    assert len(shipped.topics("engineering_manager")) >= 10
    drills = shipped.questions("drills")
    assert len(drills) >= 12
    assert {q.kind for q in drills} == {"drill"}
    assert shipped.packs["drills"].kind == "drill"


def test_every_shipped_question_is_fully_coached(shipped: PackSet) -> None:
    """No shipped question lacks the coaching the review screen shows."""
    problems = []
    for q in shipped.questions():
        checks = {
            "probing": bool(q.probing),
            "structure_hint": bool(q.structure_hint),
            "key_points 3-5": 3 <= len(q.key_points) <= 5,
            "mistakes 2-4": 2 <= len(q.mistakes) <= 4,
            "follow_ups 2-3": 2 <= len(q.follow_ups) <= 3,
            "tags": bool(q.tags),
            "prompt is a question or request": q.prompt.endswith(("?", ".")),
        }
        if q.kind == "star":  # the hint must say what goes in each STAR section
            checks["hint has S/T/A/R"] = all(
                f"{s}:" in q.structure_hint for s in ("S", "T", "A", "R")
            )
        problems += [f"{q.id}: {name}" for name, ok in checks.items() if not ok]
    assert problems == []


def test_shipped_drill_totals_are_short(shipped: PackSet) -> None:
    """Drills stay short (at most 3 minutes); STAR answers stay within 1-4 minutes."""
    for q in shipped.questions("drills"):
        assert 20 <= q.targets.total_s <= 180, q.id
    for q in shipped.questions("core_senior") + shipped.questions("engineering_manager"):
        assert 60 <= q.targets.total_s <= 240, q.id


def test_shipped_prompts_are_unique(shipped: PackSet) -> None:
    """No prompt is shipped twice under different ids."""
    prompts = [q.prompt.casefold() for q in shipped.questions()]
    assert len(prompts) == len(set(prompts))


def test_shipped_dir_holds_the_pack_files() -> None:
    """The shipped packs are found through the package, as they will be in the wheel."""
    names = {f.name for f in shipped_packs_dir().iterdir()}
    assert {"core_senior.toml", "engineering_manager.toml", "drills.toml"} <= names


def test_shipped_dir_falls_back_to_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the installed package mapping, the checkout's question_packs/ is used."""

    def not_installed(name: str) -> None:
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(packs_module.resources, "files", not_installed)
    fallback = shipped_packs_dir()
    assert isinstance(fallback, Path) and fallback.name == "question_packs"
    assert set(load_packs().packs) >= {"core_senior", "engineering_manager", "drills"}


# --- errors --------------------------------------------------------------------------------

BAD_QUESTIONS = {
    "missing field": ('id = "q-1"\ntopic = "T"', 'question "q-1"', "prompt"),
    "empty string": ('id = "q-1"\ntopic = "T"\nprompt = "  "', 'question "q-1"', "prompt"),
    "wrong type": ('id = "q-1"\ntopic = "T"\nprompt = "P"\ntags = "x"', 'question "q-1"', "tags"),
    "list item type": (
        'id = "q-1"\ntopic = "T"\nprompt = "P"\nkey_points = ["a", 3]',
        'question "q-1"',
        "key_points",
    ),
    "unknown field": (
        'id = "q-1"\ntopic = "T"\nprompt = "P"\npromt = "x"',
        'question "q-1"',
        "promt",
    ),
    "bad difficulty": (
        'id = "q-1"\ntopic = "T"\nprompt = "P"\ndifficulty = "brutal"',
        'question "q-1"',
        "difficulty",
    ),
    "no id": ('topic = "T"\nprompt = "P"', "question #2", "id"),
    "id not a slug": ('id = "two words"\ntopic = "T"\nprompt = "P"', "question #2", "id"),
    "negative target": (
        'id = "q-1"\ntopic = "T"\nprompt = "P"\ntargets = { action_s = -5 }',
        'question "q-1"',
        "targets.action_s",
    ),
    "string target": (
        'id = "q-1"\ntopic = "T"\nprompt = "P"\ntargets = { result_s = "20" }',
        'question "q-1"',
        "targets.result_s",
    ),
    "sections longer than total": (
        'id = "q-1"\ntopic = "T"\nprompt = "P"\ntargets = { action_s = 100 }',
        'question "q-1"',
        "targets.total_s",
    ),
    "unknown target": (
        'id = "q-1"\ntopic = "T"\nprompt = "P"\ntargets = { action = 50 }',
        'question "q-1"',
        "targets.action",
    ),
    "duplicate in pack": ('id = "bad-ok"\ntopic = "T"\nprompt = "P"', 'question "bad-ok"', "id"),
    "duplicate across packs": (
        'id = "good-1"\ntopic = "T"\nprompt = "P"',
        'question "good-1"',
        "id",
    ),
}


@pytest.mark.parametrize("case", list(BAD_QUESTIONS))
def test_bad_question_is_reported_and_skipped(tmp_path: Path, case: str) -> None:
    """A bad question yields one clear message and is skipped; the rest still loads."""
    body, who, field = BAD_QUESTIONS[case]
    write(tmp_path, "a_good.toml", GOOD)
    write(tmp_path, "bad.toml", '[pack]\ntitle = "Bad"\n' + OK_QUESTION + question(body))
    packs = load_packs([tmp_path])
    assert len(packs.errors) == 1, packs.errors
    message = packs.errors[0]
    assert message.startswith(f'bad.toml: {who}: field "{field}" ')
    assert [q.id for q in packs.questions("a_good")] == ["good-1", "good-2"]
    assert [q.id for q in packs.questions("bad")] == ["bad-ok"]
    if case == "duplicate across packs":
        assert "a_good.toml" in message


def test_unknown_field_suggests_the_likely_name(tmp_path: Path) -> None:
    """A misspelt field name is answered with the name that was probably meant."""
    write(tmp_path, "p.toml", question('id = "q"\ntopic = "T"\nprompt = "P"\nfollowups = ["x"]'))
    (message,) = load_packs([tmp_path]).errors
    assert 'did you mean "follow_ups"' in message


def test_bad_syntax_names_file_line_and_column(tmp_path: Path) -> None:
    """A file that is not TOML is skipped with its line and column; other packs load."""
    write(tmp_path, "a_good.toml", GOOD)
    write(tmp_path, "broken.toml", '[pack]\ntitle = "Broken"\n\n[[questions]]\nid = "x\n')
    packs = load_packs([tmp_path])
    (message,) = packs.errors
    assert message.startswith("broken.toml: not valid TOML")
    assert "line 5" in message and "column" in message
    assert set(packs.packs) == {"a_good"}


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('[pack]\ntitle = "P"\nkind = "quiz"\n' + OK_QUESTION, "pack.kind"),
        ('[pack]\ntitel = "P"\n' + OK_QUESTION, "pack.titel"),
        ("[defaults.targets]\nsituation_s = 0\n" + OK_QUESTION, "defaults.targets.situation_s"),
        ('[defaults]\ntargets = "long"\n' + OK_QUESTION, "defaults.targets"),
        ('[pack]\ntitle = "P"\n', "questions"),
        ('questions = ["not a table"]\n', None),
        ('colour = "blue"\n' + OK_QUESTION, "colour"),
    ],
)
def test_bad_pack_header_is_reported(tmp_path: Path, text: str, field: str | None) -> None:
    """Problems outside the questions name the file and field; other packs still load."""
    write(tmp_path, "a_good.toml", GOOD)
    write(tmp_path, "bad.toml", text)
    packs = load_packs([tmp_path])
    assert len(packs.errors) == 1, packs.errors
    assert packs.errors[0].startswith("bad.toml: ")
    if field is not None:
        assert f'field "{field}"' in packs.errors[0]
    assert "bad" not in packs.packs
    assert len(packs.questions("a_good")) == 2


def test_same_pack_id_twice_is_rejected(tmp_path: Path) -> None:
    """Two files claiming one pack id: the second is refused, naming where the first came from."""
    write(tmp_path, "a_good.toml", GOOD)
    write(tmp_path, "b.toml", '[pack]\nid = "a_good"\n' + OK_QUESTION)
    packs = load_packs([tmp_path])
    (message,) = packs.errors
    assert message.startswith('b.toml: field "pack.id"') and "a_good.toml" in message
    assert [q.id for q in packs.questions()] == ["good-1", "good-2"]


def test_unreadable_inputs_are_reported(tmp_path: Path) -> None:
    """A missing folder and a non-UTF-8 file become messages, not exceptions."""
    write(tmp_path, "a_good.toml", GOOD)
    (tmp_path / "latin1.toml").write_bytes(b'[pack]\ntitle = "Caf\xe9"\n')
    packs = load_packs([tmp_path, tmp_path / "missing"])
    assert len(packs.errors) == 2
    assert packs.errors[0].startswith("latin1.toml: not UTF-8")
    assert "missing" in packs.errors[1]
    assert set(packs.packs) == {"a_good"}


def test_deep_nesting_is_reported(tmp_path: Path) -> None:
    """tomllib's RecursionError on absurdly nested arrays is reported, not raised."""
    write(tmp_path, "deep.toml", "x = " + "[" * 5000)
    (message,) = load_packs([tmp_path]).errors
    assert message.startswith("deep.toml: not valid TOML")


def test_extra_dirs_add_to_shipped_packs(tmp_path: Path) -> None:
    """A user's folder loads alongside the shipped packs."""
    write(tmp_path, "mine.toml", GOOD)
    packs = load_packs([shipped_packs_dir(), tmp_path])
    assert packs.errors == ()
    assert {"core_senior", "mine"} <= set(packs.packs)


# --- targets -------------------------------------------------------------------------------


def test_target_precedence(tmp_path: Path) -> None:
    """Question targets override pack defaults, which override the domain defaults."""
    write(tmp_path, "plain.toml", question('id = "plain"\ntopic = "T"\nprompt = "P"'))
    write(
        tmp_path,
        "tuned.toml",
        "[defaults.targets]\nsituation_s = 10\naction_s = 70\n"
        + question('id = "pack-level"\ntopic = "T"\nprompt = "P"')
        + question('id = "own"\ntopic = "T"\nprompt = "P"\ntargets = { action_s = 45.5 }'),
    )
    packs = load_packs([tmp_path])
    assert packs.errors == ()
    assert packs.get("plain").targets == SectionTargets()
    assert packs.packs["tuned"].default_targets == SectionTargets(10, 15, 70, 20)
    assert packs.get("pack-level").targets == SectionTargets(10, 15, 70, 20)
    assert packs.get("own").targets == SectionTargets(10, 15, 45.5, 20)


def test_total_target_rescales_inherited_proportions(tmp_path: Path) -> None:
    """`total_s` keeps the inherited proportions and changes only the total."""
    write(
        tmp_path,
        "d.toml",
        '[pack]\nkind = "drill"\n[defaults.targets]\ntotal_s = 90\n'
        + question('id = "d1"\ntopic = "T"\nprompt = "P"')
        + question('id = "d2"\ntopic = "T"\nprompt = "P"\ntargets = { total_s = 120 }'),
    )
    packs = load_packs([tmp_path])
    d1, d2 = packs.get("d1"), packs.get("d2")
    assert d1.targets == SectionTargets().scaled_to(90)
    assert d2.targets == d1.targets.scaled_to(120)
    assert d2.targets.total_s == 120 and d2.targets.action_s == pytest.approx(60)
    assert d1.kind == d2.kind == "drill"


def test_sections_with_total_keep_both(tmp_path: Path) -> None:
    """Sections and total given together are both taken as written, not rescaled."""
    write(
        tmp_path,
        "p.toml",
        question('id = "q"\ntopic = "T"\nprompt = "P"\ntargets = { action_s = 90, total_s = 150 }'),
    )
    assert load_packs([tmp_path]).get("q").targets == SectionTargets(action_s=90, total_s=150)


# --- selection -----------------------------------------------------------------------------


@pytest.fixture
def two_packs(tmp_path: Path) -> PackSet:
    write(tmp_path, "a_good.toml", GOOD)
    write(
        tmp_path,
        "other.toml",
        question('id = "o-1"\ntopic = "Beta"\nprompt = "P"')
        + question('id = "o-2"\ntopic = "Gamma"\nprompt = "P"'),
    )
    packs = load_packs([tmp_path])
    assert packs.errors == ()
    return packs


def test_questions_and_topics_filter(two_packs: PackSet) -> None:
    """questions() and topics() honour the pack and (case-insensitive) topic filters."""
    assert [q.id for q in two_packs.questions()] == ["good-1", "good-2", "o-1", "o-2"]
    assert [q.id for q in two_packs.questions(topic="beta")] == ["good-2", "o-1"]
    assert [q.id for q in two_packs.questions("other", "Beta")] == ["o-1"]
    assert two_packs.questions("nope") == []
    assert two_packs.topics() == ["Alpha", "Beta", "Gamma"]
    assert two_packs.topics("other") == ["Beta", "Gamma"]


def test_get_unknown_id_is_keyerror_and_packerror(two_packs: PackSet) -> None:
    """get() of an unknown id raises an error callers can catch as KeyError or PackError."""
    assert two_packs.get("o-2").pack == "other"
    with pytest.raises(KeyError):
        two_packs.get("o-3")
    with pytest.raises(PackError, match='"o-3".*Did you mean'):
        two_packs.get("o-3")


def test_random_respects_filters_and_exclusions(two_packs: PackSet) -> None:
    """random() draws only matching, non-excluded questions, and is reproducible by seed."""
    rng = random.Random(1)
    drawn = {two_packs.random(topic="Beta", rng=rng).id for _ in range(50)}
    assert drawn == {"good-2", "o-1"}
    drawn = {two_packs.random("other", rng=rng, exclude={"o-1"}).id for _ in range(20)}
    assert drawn == {"o-2"}
    # everything excluded: better to repeat a question than to leave nothing to practise
    assert two_packs.random("other", "Gamma", rng=rng, exclude={"o-2"}).id == "o-2"
    seq = [two_packs.random(rng=random.Random(7)).id for _ in range(3)]
    assert len(set(seq)) == 1
    with pytest.raises(PackError, match='topic "Delta"'):
        two_packs.random(topic="Delta")


# --- fuzz ----------------------------------------------------------------------------------

FIELDS = [
    "id",
    "topic",
    "prompt",
    "difficulty",
    "tags",
    "probing",
    "key_points",
    "structure_hint",
    "mistakes",
    "follow_ups",
    "targets",
    "kind",
    "situation_s",
    "total_s",
    "title",
]
leaf = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["easy", "medium", "hard", "star", "drill", "q-1", "good-1"]),
    st.integers(-5, 5000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
value = st.recursive(
    leaf,
    lambda kids: (
        st.lists(kids, max_size=4)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=6), kids, max_size=4)
    ),
    max_leaves=12,
)
table = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=6), value, max_size=8)
# Mostly-valid questions too, so the accepting path is fuzzed, not only the rejecting one.
plausible_question = st.fixed_dictionaries(
    {
        "id": st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True),
        "topic": st.text(min_size=1, max_size=10),
        "prompt": st.text(min_size=1, max_size=20),
    },
    optional={
        "targets": st.dictionaries(
            st.sampled_from(["situation_s", "action_s", "total_s"]),
            st.integers(-1, 4000) | st.floats(),
        ),
        "tags": st.lists(st.text(max_size=5), max_size=3),
        "kind": st.sampled_from(["star", "drill", "quiz"]),
    },
)
document = st.fixed_dictionaries(
    {},
    optional={
        "pack": st.fixed_dictionaries(
            {}, optional={"title": leaf, "kind": st.sampled_from(["star", "drill"])}
        )
        | table
        | value,
        "defaults": st.fixed_dictionaries({"targets": table}) | value,
        "questions": st.lists(plausible_question | table, min_size=1, max_size=4) | value,
        "extra": value,
    },
)


def toml_str(text: str) -> str:
    """A TOML basic string (JSON escapes are TOML escapes, bar DEL and surrogate pairs)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def to_toml(obj: object) -> str:
    """A TOML value for `obj`; good enough that most generated documents parse."""
    if isinstance(obj, bool):
        return "true" if obj else "false"
    if isinstance(obj, int | float):
        return repr(obj)  # inf, -inf and nan are TOML too
    if isinstance(obj, str):
        return toml_str(obj)
    if isinstance(obj, list):
        return "[" + ", ".join(to_toml(v) for v in obj) + "]"
    assert isinstance(obj, dict)
    return "{" + ", ".join(f"{toml_str(k)} = {to_toml(v)}" for k, v in obj.items()) + "}"


def check_never_raises(dir_: Path, content: bytes) -> None:
    (dir_ / "fuzz.toml").write_bytes(content)
    packs = load_packs([dir_])  # must not raise
    assert all(e.startswith("fuzz.toml: ") for e in packs.errors)
    assert len(packs.questions("a_good")) == 2
    for q in packs.questions("fuzz"):
        assert isinstance(q, Question) and q.prompt and q.topic and q.targets.total_s > 0


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("fuzz")
    write(d, "a_good.toml", GOOD)
    return d


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.binary(max_size=300))
def test_fuzz_bytes_never_raise(fuzz_dir: Path, content: bytes) -> None:
    """Arbitrary bytes in a pack file are reported as errors, never raised."""
    check_never_raises(fuzz_dir, content)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=document)
def test_fuzz_documents_never_raise(fuzz_dir: Path, doc: dict[str, object]) -> None:
    """Arbitrary TOML documents shaped like packs are validated without raising."""
    text = "\n".join(f"{toml_str(k)} = {to_toml(v)}" for k, v in doc.items())
    check_never_raises(fuzz_dir, text.encode("utf-8"))
