"""Widgets, one per file. No analysis, no file or device I/O here."""

from voicecoach.ui import _pyside_fix

_pyside_fix.guard()
