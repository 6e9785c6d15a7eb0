"""The README's claims about targets and the data folder are what the code does."""

from __future__ import annotations

from pathlib import Path

from voicecoach.packs import load_packs
from voicecoach.report import fmt_time
from voicecoach.store.paths import DATA_DIR_ENV, AppPaths

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def _paragraph_with(needle: str) -> str:
    return " ".join(next(p for p in README.split("\n\n") if needle in p).split())


def test_readme_states_the_packs_target_ranges_not_a_single_two_minutes():
    """Targets are set per question: the README names the real ranges, STAR and drill."""
    assert "two-minute target" not in " ".join(README.split())
    text = _paragraph_with("Press Record")
    for kind in ("star", "drill"):
        totals = [q.targets.total_s for q in load_packs().questions() if q.kind == kind]
        assert f"{fmt_time(min(totals))}–{fmt_time(max(totals))}" in text, kind


def test_readme_says_the_data_dir_override_moves_settings_and_logs(tmp_path, monkeypatch):
    """VOICECOACH_DATA_DIR moves settings and logs with the history; the README says so."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    paths = AppPaths.default()
    assert paths.settings_path.is_relative_to(tmp_path) and paths.log_dir.is_relative_to(tmp_path)
    text = _paragraph_with(DATA_DIR_ENV)
    tail = text.split(DATA_DIR_ENV, 1)[1]
    assert "settings" in tail and "logs" in tail
