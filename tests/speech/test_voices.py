"""Reading voices: names a person recognises and the order Settings lists them in (pure)."""

from __future__ import annotations

import random

from voicecoach.speech import voices as V
from voicecoach.speech.voices import ENGLISH, JOE, NATURAL, OTHER, voice_label, voice_menu

# A slice of what pyttsx3 lists from espeak-ng 1.51, in its own (alphabetical by id) order.
ESPEAK = [
    ("gmw/af", "Afrikaans"),
    ("trk/ba", "Bashkir"),
    ("zle/be", "Belarusian"),
    ("iro/chr", "Cherokee "),
    ("gmw/de", "German"),
    ("gmw/en-029", "English (Caribbean)"),
    ("gmw/en", "English (Great Britain)"),
    ("gmw/en-gb-scotland", "English (Scotland)"),
    ("gmw/en-gb-x-gbclan", "English (Lancaster)"),
    ("gmw/en-gb-x-rp", "English (Received Pronunciation)"),
    ("gmw/en-us", "English (America)"),
    ("gmw/en-us-nyc", "English (America, New York City)"),
    ("art/eo", "Esperanto"),
    ("roa/es", "Spanish (Spain)"),
    ("art/qdb", "Lang_Belta"),
    ("eu", "Basque"),
]


def test_espeak_codes_become_names_a_person_knows():
    """Protects: 'gmw/en-us' / 'English (America)' is shown as 'English (US)', and so on."""
    assert voice_label("gmw/en-us", "English (America)") == "English (US)"
    assert voice_label("gmw/en", "English (Great Britain)") == "English (UK)"
    assert voice_label("gmw/en-us-nyc", "English (America, New York City)") == (
        "English (US, New York City)"
    )
    assert voice_label("gmw/en-gb-x-rp", "x") == "English (UK, Received Pronunciation)"
    assert voice_label("iro/chr", "Cherokee ") == "Cherokee"  # espeak's trailing space
    assert voice_label("art/qdb", "Lang_Belta") == "Lang Belta"
    assert voice_label(JOE, "anything") == "Joe (natural, US English)"


def test_other_engines_voices_keep_the_persons_name():
    """Protects: Windows/macOS voice names stay readable and are recognised as English."""
    zira = (
        r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Speech\Voices\Tokens\TTS_MS_EN-US_ZIRA_11.0",
        "Microsoft Zira Desktop - English (United States)",
    )
    assert V.is_english(*zira)
    assert voice_label(*zira) == "Zira (English, US)"
    hedda = (r"HKEY_LOCAL_MACHINE\...\TTS_MS_DE-DE_HEDDA_11.0", "Microsoft Hedda Desktop - German")
    assert not V.is_english(*hedda)
    assert voice_label(*hedda) == "Microsoft Hedda Desktop - German"
    assert V.is_english("com.apple.voice.compact.en-AU.Karen", "Karen")
    assert not V.is_english("com.apple.voice.compact.fr-FR.Thomas", "Thomas")


def test_menu_puts_natural_then_english_by_region_then_the_rest():
    """Protects: the list no longer opens on 'Bashkir, Belarusian…': English first, US first."""
    shuffled = ESPEAK[:]
    random.Random(3).shuffle(shuffled)
    menu = voice_menu(shuffled, [(JOE, "Joe")])
    groups = [e.group for e in menu]
    assert groups == sorted(groups, key=[NATURAL, ENGLISH, OTHER].index)
    assert [e.label for e in menu[:4]] == [
        "Joe (natural, US English)",
        "English (US)",
        "English (US, New York City)",
        "English (UK)",
    ]
    assert groups.count(ENGLISH) == 7
    others = [e.label for e in menu if e.group == OTHER]
    assert others == sorted(others, key=str.casefold)
    assert others[:3] == ["Afrikaans", "Bashkir", "Basque"]


def test_menu_lists_each_voice_once_and_keeps_ids():
    """Protects: a speaker that already lists the natural voice does not show it twice."""
    menu = voice_menu([(JOE, "Joe"), *ESPEAK], [(JOE, "Joe")])
    ids = [e.id for e in menu]
    assert len(ids) == len(set(ids)) == len(ESPEAK) + 1
    assert {e.id for e in menu if e.label == "English (US)"} == {"gmw/en-us"}


def test_neural_voices_empty_without_the_extra(monkeypatch):
    """Protects: without piper installed, no natural voice is offered (nothing imported)."""
    real = V.importlib.util.find_spec

    def find_spec(name, *a):
        return None if name == "piper" else real(name, *a)

    monkeypatch.setattr(V.importlib.util, "find_spec", find_spec)
    assert V.neural_voices() == []
    assert not V.is_neural("gmw/en-us") and V.is_neural(JOE)
