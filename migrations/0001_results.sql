-- The results store of `rapport serve`, one dialect for SQLite and PostgreSQL: only types
-- and statements both read the same way (TEXT, BIGINT, BOOLEAN, partial unique indexes).

-- One play-through: who, what, in which mode, and (once over) how it ended.
CREATE TABLE runs (
    id          TEXT PRIMARY KEY,
    learner     TEXT NOT NULL,
    scenario    TEXT NOT NULL,
    source_hash TEXT NOT NULL,
    mode        TEXT NOT NULL,
    started_at  BIGINT NOT NULL,
    finished_at BIGINT,
    -- in_progress, ended or stuck
    status      TEXT NOT NULL,
    ending      TEXT,
    outcome     TEXT,
    earned      BIGINT,
    total       BIGINT,
    -- the percentage × 10, rounded half up (the rubric's exact figure)
    tenths      BIGINT,
    passed      BOOLEAN
);
CREATE INDEX runs_learner ON runs (learner);
CREATE INDEX runs_scenario ON runs (scenario);
CREATE INDEX runs_started ON runs (started_at);

-- One answered turn. A turn taken back (undo, restart) stays, marked undone; among the
-- turns not undone, run id + turn index is unique, so a resubmitted answer is idempotent.
CREATE TABLE turns (
    run_id        TEXT NOT NULL,
    turn          BIGINT NOT NULL,
    attempt       BIGINT NOT NULL,
    scene         TEXT NOT NULL,
    choice_number BIGINT NOT NULL,
    choice_text   TEXT NOT NULL,
    -- space-separated, in written order
    tags          TEXT NOT NULL,
    -- a JSON object: each emotion's value after the turn, in declaration order
    emotions      TEXT NOT NULL,
    -- a JSON array: the texts offered at this turn (the save rules match picks with them)
    offered       TEXT NOT NULL,
    mode          TEXT NOT NULL,
    source_hash   TEXT NOT NULL,
    undone        BOOLEAN NOT NULL,
    recorded_at   BIGINT NOT NULL,
    PRIMARY KEY (run_id, turn, attempt)
);
CREATE UNIQUE INDEX turns_live ON turns (run_id, turn) WHERE undone = FALSE;

-- Each rubric rule's result for a finished run.
CREATE TABLE run_rules (
    run_id   TEXT NOT NULL,
    rule     BIGINT NOT NULL,
    title    TEXT NOT NULL,
    worth    BIGINT NOT NULL,
    earned   BIGINT NOT NULL,
    passed   BOOLEAN NOT NULL,
    critical BOOLEAN NOT NULL,
    feedback TEXT,
    PRIMARY KEY (run_id, rule)
);
