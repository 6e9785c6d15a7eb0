"""VoiceCoach: rehearse spoken behavioural-interview answers, measured locally."""

__version__ = "0.1.0"
