"""The scripted answers behind every accuracy figure: valid, in STAR order, covering the shapes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.fixtures.script import (
    ANSWERS_DIR,
    SECTION_ORDER,
    SHAPES,
    Script,
    ScriptError,
    load_all,
    load_script,
    pieces,
)

SCRIPTS = load_all()


def test_every_script_parses_and_ids_are_unique() -> None:
    """Every answers/*.toml loads, and no two share an id."""
    files = sorted(ANSWERS_DIR.glob("*.toml"))
    assert len(SCRIPTS) == len(files) >= 8
    assert len({s.id for s in SCRIPTS}) == len(SCRIPTS)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda s: s.id)
def test_sections_in_star_order_without_repeats(script: Script) -> None:
    """Sections appear in S,T,A,R order, each once, and there is an Action."""
    names = script.sections
    assert list(names) == sorted(names, key=SECTION_ORDER.index)
    assert len(set(names)) == len(names)
    assert "action" in names


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda s: s.id)
def test_shape_is_honoured(script: Script) -> None:
    """Shapes that promise a missing section really leave it out."""
    if script.shape == "no-result":
        assert "result" not in script.sections
    elif script.shape == "no-task":
        assert "task" not in script.sections
    else:
        assert set(script.sections) >= {"situation", "action"}


def test_splits_and_shapes_cover_the_list() -> None:
    """Heldout holds every shape and at least 16 answers; dev has answers of varied shapes."""
    heldout = [s for s in SCRIPTS if s.split == "heldout"]
    dev = [s for s in SCRIPTS if s.split == "dev"]
    assert len(heldout) >= 16
    assert len(dev) >= 8
    assert {s.shape for s in heldout} == set(SHAPES)
    assert len({s.shape for s in dev}) >= 6


def test_no_cue_phrase_answers_have_no_textbook_cues() -> None:
    """The no-cue-phrases answers avoid the phrases a cue splitter would key on."""
    cues = (
        r"\b(the situation|my task|the task|my job was|my role|as a result|the result|"
        r"in the end|i decided|what i did|the outcome)\b"
    )
    for s in SCRIPTS:
        if s.shape == "no-cue-phrases":
            assert not re.search(cues, s.words_text.lower()), s.id


def test_pieces_cut_fillers_out_of_the_text() -> None:
    """Fillers become their own pieces and the clean text keeps only real words."""
    sc = next(s for s in SCRIPTS if s.shape == "filler-heavy")
    ps = pieces(sc)
    fillers = [p for p in ps if p.kind != "speech"]
    assert len(fillers) == sum(len(re.findall(r"\{[^}]*\}", seg.text)) for seg in sc.segments)
    assert "{" not in sc.words_text and "{" not in sc.spoken_text
    assert all(p.kind in ("filled_pause", "discourse") for p in fillers)
    assert {p.section for p in ps} == set(sc.sections)


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda s: s.id)
def test_every_piece_has_words_to_say(script: Script) -> None:
    """No piece is bare punctuation (piper makes no sound for it) and fillers keep their text."""
    for p in pieces(script):
        assert re.search(r"\w", p.text), p
        assert "{" not in p.text and "}" not in p.text, p


def test_bad_scripts_are_rejected(tmp_path: Path) -> None:
    """Out-of-order sections and unknown fillers are refused with the file name."""
    bad = tmp_path / "bad-01.toml"
    bad.write_text(
        'id = "bad-01"\nquestion = "q"\nshape = "short"\nsplit = "dev"\n'
        '[[segments]]\nsection = "action"\ntext = "I did it."\n'
        '[[segments]]\nsection = "task"\ntext = "It was my job."\n'
    )
    with pytest.raises(ScriptError, match="bad-01.toml"):
        load_script(bad)
    bad.write_text(
        'id = "bad-01"\nquestion = "q"\nshape = "short"\nsplit = "dev"\n'
        '[[segments]]\nsection = "action"\ntext = "I {erm} did it."\n'
    )
    with pytest.raises(ScriptError, match="unknown filler"):
        load_script(bad)


def test_moving_a_script_between_splits_keeps_its_audio(tmp_path: Path) -> None:
    """The split line is not part of the synthesis cache key; the words are."""
    from tests.fixtures.synth import _cache_key

    body = 'question = "q"\nshape = "short"\n[[segments]]\nsection = "action"\ntext = "{}"\n'
    keys = {}
    for name, split, text in [
        ("a", "dev", "I did it."),
        ("b", "heldout", "I did it."),
        ("c", "dev", "I did it twice."),
    ]:
        d = tmp_path / name
        d.mkdir()
        f = d / "short-09.toml"
        f.write_text(f'id = "short-09"\nsplit = "{split}"\n' + body.format(text))
        keys[name] = _cache_key(load_script(f))
    assert keys["a"] == keys["b"]
    assert keys["a"] != keys["c"]


@pytest.mark.e2e
def test_short_answer_synthesizes_with_consistent_truth(tmp_path: Path) -> None:
    """A synthesized short answer's truth times fit its audio and its loud stretches."""
    import numpy as np
    import soundfile as sf

    from tests.fixtures.synth import LEAD_IN_S, synthesize

    sc = next(s for s in SCRIPTS if s.shape == "short")
    fx = synthesize(sc.path, cache_dir=tmp_path)
    audio, rate = sf.read(fx.wav_path, dtype="float32")
    assert rate == 16000 and audio.ndim == 1
    t = fx.truth
    assert t.duration_s == pytest.approx(len(audio) / rate, abs=1e-3)
    assert [s.name for s in t.sections] == list(sc.sections)
    assert t.sections[0].start_s == pytest.approx(LEAD_IN_S, abs=0.02)
    for a, b in zip(t.sections, t.sections[1:], strict=False):
        assert a.end_s == b.start_s
    assert 0 < t.sections[-1].end_s == t.speech_end_s < t.duration_s

    # every piece is audible, and the silence between pieces really is silent
    def rms(a: float, b: float) -> float:
        x = audio[int(a * rate) : int(b * rate)]
        return float(np.sqrt(np.mean(x**2))) if len(x) else 0.0

    for p in t.pieces:
        assert rms(p.start_s, p.end_s) > 0.02, p
    for p, q in zip(t.pieces, t.pieces[1:], strict=False):
        assert q.start_s - p.end_s >= 0.1
        assert rms(p.end_s + 0.02, q.start_s - 0.02) < 0.005, (p, q)
    assert rms(0, t.speech_start_s - 0.02) < 0.005
    # a second call is served from the cache
    again = synthesize(sc.path, cache_dir=tmp_path)
    assert again.wav_path == fx.wav_path and again.truth == t
