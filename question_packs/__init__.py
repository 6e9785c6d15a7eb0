"""VoiceCoach question packs (TOML data files). Format: docs/question_packs.md."""
