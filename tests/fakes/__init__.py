"""Test doubles for the device layer, the transcriber and the TTS engine."""
