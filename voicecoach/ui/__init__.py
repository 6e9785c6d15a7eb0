"""Widgets, one per file. No analysis, no file or device I/O here."""
