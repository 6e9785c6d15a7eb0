-- VoiceCoach history: the CURRENT schema, used to create a fresh database.
-- Existing databases reach it through the steps in migrations.py. When this file changes,
-- bump SCHEMA_VERSION there, add a step from the previous version, and update the pragma below.

CREATE TABLE takes (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at       TEXT NOT NULL,             -- ISO 8601, UTC
    question_id      TEXT NOT NULL,
    audio_path       TEXT NOT NULL,             -- relative to the database folder when inside it
    status           TEXT NOT NULL,             -- recording | recorded | analysed | failed
    report_json      TEXT,                      -- voicecoach.report.to_json(report)
    pack             TEXT NOT NULL DEFAULT '',
    question_text    TEXT NOT NULL DEFAULT '',
    duration_s       REAL,
    error            TEXT,
    corrections_json TEXT,                      -- section boundaries the user dragged
    model            TEXT NOT NULL DEFAULT ''
);

CREATE INDEX takes_question ON takes (question_id, created_at);
CREATE INDEX takes_created ON takes (created_at);

PRAGMA user_version = 2;
