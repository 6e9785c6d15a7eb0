"""Headless Chromium with no network and a throwaway profile: for the export tests and the
export screenshot (bench/export_report.py), so both render a report the same way."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")


def chromium(profile: Path, *args: str, check: bool = False) -> subprocess.CompletedProcess:
    """Run headless Chromium with `args` (a page URI last); raises if it is not installed."""
    if BROWSER is None:
        raise FileNotFoundError("Chromium is not installed (apt-get install chromium).")
    flags = [
        "--headless",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={profile}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        flags.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
    return subprocess.run(
        [BROWSER, *flags, *args], capture_output=True, text=True, timeout=120, check=check
    )
