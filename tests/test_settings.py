"""Typed settings: defaults, round trip, and tolerance of stale or broken files."""

from __future__ import annotations

from voicecoach.settings import Settings


def test_round_trip(tmp_path):
    """Saved settings load back equal."""
    s = Settings.from_dict({"tts": {"rate_wpm": 140}, "audio": {"input_device": "USB Mic"}})
    path = tmp_path / "settings.json"
    s.save(path)
    assert Settings.load(path) == s
    assert Settings.load(path).tts.rate_wpm == 140


def test_interview_settings_round_trip(tmp_path):
    """The mock-interview settings are saved and read back; a settings file from before they
    existed gets their defaults."""
    data = {"interview": {"questions": 6, "follow_ups": False, "silence_stop_s": 4}}
    s = Settings.from_dict(data)
    path = tmp_path / "settings.json"
    s.save(path)
    back = Settings.load(path)
    assert (back.interview.questions, back.interview.follow_ups) == (6, False)
    assert back.interview.silence_stop_s == 4.0
    assert Settings.from_dict({"tts": {}}).interview == Settings().interview


def test_partial_and_wrong_types_keep_defaults(tmp_path):
    """Unknown keys and wrongly typed values fall back to defaults instead of crashing."""
    s = Settings.from_dict(
        {"tts": {"rate_wpm": "fast", "enabled": False}, "bogus": 1, "analysis": {"targets": 3}}
    )
    assert s.tts.rate_wpm == Settings().tts.rate_wpm
    assert s.tts.enabled is False
    assert s.analysis.targets == Settings().analysis.targets


def test_int_accepted_for_float(tmp_path):
    """A whole number in the file is accepted for a float setting."""
    s = Settings.from_dict({"analysis": {"targets": {"situation_s": 20}}})
    assert s.analysis.targets.situation_s == 20.0


def test_corrupt_file_gives_defaults(tmp_path):
    """A corrupt settings file does not stop the app from starting."""
    path = tmp_path / "settings.json"
    path.write_text("{not json")
    assert Settings.load(path) == Settings()
