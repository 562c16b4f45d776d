//! The results store: runs, their turns and their rule results, in SQLite (default) or
//! PostgreSQL. The only module with SQL in it.
//!
//! One schema in one dialect serves both backends (`migrations/`), applied at start. Every
//! statement is written once and run on whichever pool is open (the `on!` macro expands the
//! same code for each backend's concrete types). SQLite gets one writer connection (so
//! writers queue in the pool instead of failing on the database lock) and a few readers.

use std::borrow::Cow;
use std::path::Path;
use std::str::FromStr as _;
use std::time::Duration;

use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::SqlSafeStr as _;

/// The migrations, compiled in (one dialect for both backends).
const MIGRATIONS: &[(i64, &str, &str)] = &[(
    1,
    "results",
    include_str!("../../../migrations/0001_results.sql"),
)];

/// The connection pools of whichever backend is open.
#[derive(Clone, Debug)]
pub enum Pools {
    Sqlite { write: SqlitePool, read: SqlitePool },
    Postgres(PgPool),
}

/// An open results store: its pools and the writer task the turn path's writes go through
/// (group commit, [`writer`]).
#[derive(Clone, Debug)]
pub struct Store {
    pools: Pools,
    writer: writer::Writer,
}

/// Runs the same code on the writer (or reader) pool of whichever backend is open.
macro_rules! on {
    ($store:expr, write $pool:ident => $body:expr) => {
        match &$store.pools {
            Pools::Sqlite { write: $pool, .. } => $body,
            Pools::Postgres($pool) => $body,
        }
    };
    ($store:expr, read $pool:ident => $body:expr) => {
        match &$store.pools {
            Pools::Sqlite { read: $pool, .. } => $body,
            Pools::Postgres($pool) => $body,
        }
    };
}

/// Marks turn `$from` and every later turn of a run undone, and the run unfinished, inside
/// the transaction `$tx` (a macro: the same statements for either backend's transaction).
macro_rules! undo_in {
    ($tx:expr, $run_id:expr, $from:expr) => {{
        sqlx::query(
            "UPDATE turns SET undone = TRUE WHERE run_id = $1 AND turn >= $2 AND undone = FALSE",
        )
        .bind($run_id)
        .bind($from)
        .execute(&mut *$tx)
        .await?;
        sqlx::query(
            "UPDATE runs SET status = 'in_progress', finished_at = NULL, ending = NULL, \
             outcome = NULL, earned = NULL, total = NULL, tenths = NULL, passed = NULL \
             WHERE id = $1",
        )
        .bind($run_id)
        .execute(&mut *$tx)
        .await?;
        sqlx::query("DELETE FROM run_rules WHERE run_id = $1")
            .bind($run_id)
            .execute(&mut *$tx)
            .await?;
    }};
}

/// Records how a run finished inside the transaction `$tx`.
macro_rules! finish_in {
    ($tx:expr, $run_id:expr, $finish:expr) => {{
        let finish: &Finish = $finish;
        let score = finish.score;
        sqlx::query(
            "UPDATE runs SET status = $2, finished_at = $3, ending = $4, outcome = $5, \
             earned = $6, total = $7, tenths = $8, passed = $9 WHERE id = $1",
        )
        .bind($run_id)
        .bind(finish.status)
        .bind(finish.at)
        .bind(finish.ending.as_deref())
        .bind(finish.outcome.as_deref())
        .bind(score.map(|s| s.earned))
        .bind(score.map(|s| s.total))
        .bind(score.map(|s| s.tenths))
        .bind(score.map(|s| s.passed))
        .execute(&mut *$tx)
        .await?;
        sqlx::query("DELETE FROM run_rules WHERE run_id = $1")
            .bind($run_id)
            .execute(&mut *$tx)
            .await?;
        // One statement for all the rules (in chunks well under either backend's limit on
        // bound parameters): one round trip instead of one per rule.
        for (chunk, rules) in finish.rules.chunks(RULES_PER_STATEMENT).enumerate() {
            let mut sql = String::from(
                "INSERT INTO run_rules (run_id, rule, title, worth, earned, passed, critical, feedback) VALUES ",
            );
            for i in 0..rules.len() {
                let b = i * 8;
                if i > 0 {
                    sql.push_str(", ");
                }
                sql.push_str(&format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                    b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8
                ));
            }
            let mut insert = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (i, rule) in rules.iter().enumerate() {
                insert = insert
                    .bind($run_id)
                    .bind(i64::try_from(chunk * RULES_PER_STATEMENT + i).unwrap_or(i64::MAX))
                    .bind(rule.title.as_str())
                    .bind(rule.worth)
                    .bind(rule.earned)
                    .bind(rule.passed)
                    .bind(rule.critical)
                    .bind(rule.feedback.as_deref());
            }
            insert.execute(&mut *$tx).await?;
        }
    }};
}

mod read;
mod writer;

/// Rules written by one statement at most (8 parameters each).
const RULES_PER_STATEMENT: usize = 100;

/// Records a turn unless a live one is there (the unique index): 1 row affected, or 0.
const INSERT_TURN: &str = "INSERT INTO turns (run_id, turn, attempt, scene, choice_number, \
     choice_text, tags, emotions, mode, source_hash, undone, recorded_at, offered) \
     SELECT $1, $2, (SELECT COUNT(*) FROM turns WHERE run_id = $1 AND turn = $2), \
     $3, $4, $5, $6, $7, $8, $9, FALSE, $10, $11 \
     ON CONFLICT DO NOTHING";

/// A store error: what failed, for the log (never shown to a trainee).
#[derive(Debug)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        StoreError(e.to_string())
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError(format!("cannot apply the migrations: {e}"))
    }
}

/// A run as it starts.
#[derive(Clone, Debug)]
pub struct NewRun {
    pub id: String,
    pub learner: String,
    pub scenario: String,
    pub source_hash: String,
    pub mode: String,
    pub started_at: i64,
}

/// One answered turn.
#[derive(Clone, Debug)]
pub struct TurnRecord {
    pub run_id: String,
    /// 1-based.
    pub turn: i64,
    pub scene: String,
    pub number: i64,
    pub text: String,
    pub tags: String,
    pub emotions: String,
    /// A JSON array of the texts offered at this turn.
    pub offered: String,
    pub mode: String,
    pub source_hash: String,
    pub at: i64,
}

/// One rule's result in a finished run.
#[derive(Clone, Debug)]
pub struct RuleRecord {
    pub title: String,
    pub worth: i64,
    pub earned: i64,
    pub passed: bool,
    pub critical: bool,
    pub feedback: Option<String>,
}

/// How a run finished.
#[derive(Clone, Debug)]
pub struct Finish {
    pub status: &'static str,
    pub ending: Option<String>,
    pub outcome: Option<String>,
    pub score: Option<Score>,
    pub rules: Vec<RuleRecord>,
    pub at: i64,
}

/// A grade as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Score {
    pub earned: i64,
    pub total: i64,
    pub tenths: i64,
    pub passed: bool,
}

/// What recording a turn did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recorded {
    /// Written now.
    New,
    /// The same answer was already recorded for this turn (a resubmit): nothing changed.
    Same,
    /// Another answer is recorded for this turn.
    Conflict { number: i64, text: String },
}

/// A run as listed.
#[derive(Clone, Debug)]
pub struct RunRow {
    pub id: String,
    pub learner: String,
    pub scenario: String,
    pub source_hash: String,
    pub mode: String,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub status: String,
    pub ending: Option<String>,
    pub score: Option<Score>,
    /// Turns answered (not undone).
    pub turns: i64,
}

/// A pick as stored: its number and text, the scene and the texts offered then.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredPick {
    pub number: i64,
    pub text: String,
    pub scene: String,
    pub offered: Vec<String>,
}

/// Per-scenario figures for the cohort view.
#[derive(Clone, Debug, Default)]
pub struct ScenarioStats {
    pub runs: i64,
    pub learners: i64,
    pub finished: i64,
    pub graded: i64,
    pub passed: i64,
    /// Each graded finished run's percentage × 10.
    pub tenths: Vec<i64>,
    /// Ending id → runs that reached it.
    pub endings: Vec<(String, i64)>,
    /// Rule index, title, runs graded on it, runs that failed it, a fail feedback.
    pub rules: Vec<RuleStats>,
    /// Scene id, choice text, times picked (turns not undone).
    pub choices: Vec<(String, String, i64)>,
}

/// How often a rule was passed and failed.
#[derive(Clone, Debug)]
pub struct RuleStats {
    pub rule: i64,
    pub title: String,
    pub graded: i64,
    pub failed: i64,
    pub feedback: Option<String>,
}

/// One row of the CSV export: a turn with its run (or a run with no turn yet).
#[derive(Clone, Debug)]
pub struct ExportRow {
    pub run: RunRow,
    pub turn: Option<ExportTurn>,
}

/// The turn columns of an export row.
#[derive(Clone, Debug)]
pub struct ExportTurn {
    pub turn: i64,
    pub scene: String,
    pub number: i64,
    pub text: String,
    pub tags: String,
    pub emotions: String,
    pub undone: bool,
    pub recorded_at: i64,
}

/// What a deletion removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Deleted {
    pub runs: u64,
    pub turns: u64,
}

/// Hides the password of a database URL, for messages.
#[must_use]
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            if userinfo.contains(':') {
                format!("{scheme}://{user}:***@{host}")
            } else {
                format!("{scheme}://{user}@{host}")
            }
        }
        None => url.to_string(),
    }
}

pub(super) const RUN_COLUMNS: &str =
    "r.id, r.learner, r.scenario, r.source_hash, r.mode, r.started_at, \
     r.finished_at, r.status, r.ending, r.earned, r.total, r.tenths, r.passed";

pub(super) fn run_row<R>(row: &R, turns: i64) -> Result<RunRow, sqlx::Error>
where
    R: sqlx::Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> bool: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    let earned: Option<i64> = row.try_get("earned")?;
    let total: Option<i64> = row.try_get("total")?;
    let tenths: Option<i64> = row.try_get("tenths")?;
    let passed: Option<bool> = row.try_get("passed")?;
    let score = match (earned, total, tenths, passed) {
        (Some(earned), Some(total), Some(tenths), Some(passed)) => Some(Score {
            earned,
            total,
            tenths,
            passed,
        }),
        _ => None,
    };
    Ok(RunRow {
        id: row.try_get("id")?,
        learner: row.try_get("learner")?,
        scenario: row.try_get("scenario")?,
        source_hash: row.try_get("source_hash")?,
        mode: row.try_get("mode")?,
        started_at: row.try_get("started_at")?,
        finished_at: row.try_get("finished_at")?,
        status: row.try_get("status")?,
        ending: row.try_get("ending")?,
        score,
        turns,
    })
}

impl Store {
    /// Opens the store: `url` is `sqlite://PATH` / a file path, or `postgres://…`;
    /// `None` is `rapport.sqlite` in `dir`. Applies the migrations.
    ///
    /// # Errors
    /// When the database cannot be opened or reached, or a migration fails.
    pub async fn open(url: Option<&str>, dir: &Path) -> Result<Store, StoreError> {
        let pools = match url {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                let options = PgConnectOptions::from_str(url).map_err(|e| {
                    StoreError(format!(
                        "`{}` is not a usable database URL: {e}",
                        redact(url)
                    ))
                })?;
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(5))
                    .connect_with(options)
                    .await
                    .map_err(|e| {
                        StoreError(format!("cannot reach the database {}: {e}", redact(url)))
                    })?;
                Pools::Postgres(pool)
            }
            Some(url) => {
                let path = url
                    .strip_prefix("sqlite://")
                    .or_else(|| url.strip_prefix("sqlite:"))
                    .unwrap_or(url);
                Self::open_sqlite(Path::new(path)).await?
            }
            None => Self::open_sqlite(&dir.join("rapport.sqlite")).await?,
        };
        let store = Store {
            writer: writer::Writer::spawn(pools.clone()),
            pools,
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn open_sqlite(path: &Path) -> Result<Pools, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // With WAL, NORMAL commits survive a killed process; only an OS crash or power
            // loss can lose the last commits (docs/serve.md).
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            // Statement journals (a statement that might need undoing inside a batch) and
            // temporary tables in memory, not in temporary files.
            .pragma("temp_store", "memory")
            .foreign_keys(true);
        let open = |max| {
            SqlitePoolOptions::new()
                .max_connections(max)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options.clone())
        };
        let write = open(1).await.map_err(|e| {
            StoreError(format!(
                "cannot open the database `{}`: {e}",
                path.display()
            ))
        })?;
        let read = open(4).await.map_err(|e| {
            StoreError(format!(
                "cannot open the database `{}`: {e}",
                path.display()
            ))
        })?;
        Ok(Pools::Sqlite { write, read })
    }

    /// Applies the migrations not applied yet.
    async fn migrate(&self) -> Result<(), StoreError> {
        let migrations = MIGRATIONS
            .iter()
            .map(|(version, name, sql)| {
                Migration::new(
                    *version,
                    Cow::Borrowed(*name),
                    MigrationType::Simple,
                    sqlx::AssertSqlSafe(*sql).into_sql_str(),
                    false,
                )
            })
            .collect();
        let migrator = Migrator::with_migrations(migrations);
        on!(self, write pool => { migrator.run(pool).await?; });
        Ok(())
    }

    /// Which backend this is, for logs: `sqlite` or `postgres`.
    #[must_use]
    pub fn backend(&self) -> &'static str {
        match self.pools {
            Pools::Sqlite { .. } => "sqlite",
            Pools::Postgres(_) => "postgres",
        }
    }

    /// Whether the database answers.
    ///
    /// # Errors
    /// When it does not.
    pub async fn ping(&self) -> Result<(), StoreError> {
        on!(self, write pool => { sqlx::query("SELECT 1").execute(pool).await?; });
        Ok(())
    }

    /// Closes the pools (after the server has drained).
    pub async fn close(&self) {
        match &self.pools {
            Pools::Sqlite { write, read } => {
                read.close().await;
                write.close().await;
            }
            Pools::Postgres(pool) => pool.close().await,
        }
    }

    /// Records a new run (through the writer task), committed when this returns.
    ///
    /// # Errors
    /// On a database failure.
    pub async fn create_run(&self, run: NewRun) -> Result<(), StoreError> {
        self.writer
            .submit(writer::Op::Create(run))
            .await
            .map(|_| ())
    }

    /// Records a turn (and, when it ended the run, how it finished) in one transaction,
    /// before the answer goes out (through the writer task, which commits the turns queued
    /// meanwhile in the same transaction). A turn already recorded with the same answer changes
    /// nothing; with another answer it is a conflict, unless `replace` (practice mode),
    /// where the recorded turn and every later one are marked undone first.
    ///
    /// # Errors
    /// On a database failure.
    pub async fn record_turn(
        &self,
        turn: TurnRecord,
        finish: Option<Finish>,
        replace: bool,
    ) -> Result<Recorded, StoreError> {
        self.writer
            .submit(writer::Op::Turn {
                turn,
                finish,
                replace,
            })
            .await
    }

    /// Records how a run finished (a run that ends before its first choice).
    ///
    /// # Errors
    /// On a database failure.
    pub async fn finish_run(&self, run_id: &str, finish: &Finish) -> Result<(), StoreError> {
        on!(self, write pool => {
            let mut tx = pool.begin().await?;
            finish_in!(tx, run_id, finish);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Marks turn `from` and every later turn of a run undone (practice: undo, restart).
    ///
    /// # Errors
    /// On a database failure.
    pub async fn undo(&self, run_id: &str, from: i64) -> Result<(), StoreError> {
        on!(self, write pool => {
            let mut tx = pool.begin().await?;
            undo_in!(tx, run_id, from);
            tx.commit().await?;
        });
        Ok(())
    }

    /// Deletes every run of a learner, with its turns and rule results (erasure requests).
    ///
    /// # Errors
    /// On a database failure.
    pub async fn delete_learner(&self, learner: &str) -> Result<Deleted, StoreError> {
        on!(self, write pool => {
            let mut tx = pool.begin().await?;
            let turns = sqlx::query(
                "DELETE FROM turns WHERE run_id IN (SELECT id FROM runs WHERE learner = $1)",
            )
            .bind(learner)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            sqlx::query(
                "DELETE FROM run_rules WHERE run_id IN (SELECT id FROM runs WHERE learner = $1)",
            )
            .bind(learner)
            .execute(&mut *tx)
            .await?;
            let runs = sqlx::query("DELETE FROM runs WHERE learner = $1")
                .bind(learner)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            Ok(Deleted { runs, turns })
        })
    }

    /// Deletes every run started before `before` (unix seconds), with its turns and rule
    /// results (retention).
    ///
    /// # Errors
    /// On a database failure.
    pub async fn delete_before(&self, before: i64) -> Result<Deleted, StoreError> {
        on!(self, write pool => {
            let mut tx = pool.begin().await?;
            let turns = sqlx::query(
                "DELETE FROM turns WHERE run_id IN (SELECT id FROM runs WHERE started_at < $1)",
            )
            .bind(before)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            sqlx::query(
                "DELETE FROM run_rules WHERE run_id IN (SELECT id FROM runs WHERE started_at < $1)",
            )
            .bind(before)
            .execute(&mut *tx)
            .await?;
            let runs = sqlx::query("DELETE FROM runs WHERE started_at < $1")
                .bind(before)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            Ok(Deleted { runs, turns })
        })
    }
}
