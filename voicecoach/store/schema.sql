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
    model            TEXT NOT NULL DEFAULT '',
    interview_id     INTEGER,                   -- interviews.id when the take is part of a run
    interview_pos    INTEGER,                   -- 0-based question number within the run
    kind             TEXT NOT NULL DEFAULT 'answer',  -- answer | follow_up
    thinking_s       REAL,                      -- silence before the first word (not in the answer)
    story_id         INTEGER                    -- stories.id the user said this answer told
);

CREATE INDEX takes_question ON takes (question_id, created_at);
CREATE INDEX takes_created ON takes (created_at);
CREATE INDEX takes_interview ON takes (interview_id, interview_pos);

-- A mock interview: a run of questions (each answered by one take, plus a follow-up take).
CREATE TABLE interviews (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at    TEXT NOT NULL,                -- ISO 8601, UTC
    pack          TEXT NOT NULL DEFAULT '',
    topics_json   TEXT NOT NULL DEFAULT '[]',   -- the topics chosen; [] means mixed
    plan_json     TEXT NOT NULL DEFAULT '[]',   -- the question ids in the order asked
    settings_json TEXT NOT NULL DEFAULT '{}',   -- follow-ups on/off, pause threshold, ...
    status        TEXT NOT NULL,                -- running | finished | ended_early
    summary_json  TEXT                          -- the interview summary once finished
);

-- The user's story bank: one story told across many questions.
CREATE TABLE stories (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    title       TEXT NOT NULL,
    situation   TEXT NOT NULL DEFAULT '',       -- one line each
    task        TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL DEFAULT '',
    result      TEXT NOT NULL DEFAULT '',
    tags_json   TEXT NOT NULL DEFAULT '[]',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- Which questions a story answers (question ids from the packs).
CREATE TABLE story_questions (
    story_id    INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    PRIMARY KEY (story_id, question_id)
);

PRAGMA user_version = 3;
