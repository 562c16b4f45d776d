//! Group commit: every write of the turn path (a run's start, a turn, a finish) goes through
//! one writer task. Requests queue their operation on a bounded channel and wait; the task
//! takes everything queued (up to [`MAX_BATCH`]), applies it in one transaction, commits,
//! and only then answers each request. So an acknowledged write is a committed one, and
//! under load one commit (one WAL append, or one PostgreSQL flush) carries many turns. When
//! anything in a batch fails, the batch is rolled back and each operation is retried in a
//! transaction of its own, so one bad write never fails the others.

use tokio::sync::{mpsc, oneshot};

use super::{
    Finish, NewRun, Pools, Recorded, StoreError, TurnRecord, INSERT_TURN, RULES_PER_STATEMENT,
};

/// Operations waiting for the writer at most (senders wait beyond, which bounds memory).
pub const QUEUE: usize = 4096;
/// Operations committed together at most.
pub const MAX_BATCH: usize = 256;

/// A write of the turn path (a turn is the common case: not boxed).
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub(super) enum Op {
    Create(NewRun),
    Turn {
        turn: TurnRecord,
        finish: Option<Finish>,
        replace: bool,
    },
}

struct Job {
    op: Op,
    reply: oneshot::Sender<Result<Recorded, StoreError>>,
}

/// The handle requests queue their writes on.
#[derive(Clone, Debug)]
pub(super) struct Writer(mpsc::Sender<Job>);

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.op.fmt(f)
    }
}

impl Writer {
    /// Starts the writer task on the current runtime; it ends when every handle is gone.
    pub(super) fn spawn(pools: Pools) -> Writer {
        let (sender, receiver) = mpsc::channel(QUEUE);
        tokio::spawn(run(pools, receiver));
        Writer(sender)
    }

    /// Queues a write and waits until it is committed (or failed).
    pub(super) async fn submit(&self, op: Op) -> Result<Recorded, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.0
            .send(Job { op, reply })
            .await
            .map_err(|_| StoreError("the store's writer has stopped".to_string()))?;
        answer.await.map_err(|_| {
            StoreError("the store's writer stopped before the write was committed".to_string())
        })?
    }
}

async fn run(pools: Pools, mut receiver: mpsc::Receiver<Job>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while receiver.recv_many(&mut batch, MAX_BATCH).await > 0 {
        match &pools {
            Pools::Sqlite { write, .. } => commit_sqlite(write, &mut batch).await,
            Pools::Postgres(pool) => commit_postgres(pool, &mut batch).await,
        }
        batch.clear();
    }
}

/// The same batch logic for each backend's concrete types.
macro_rules! committer {
    ($commit:ident, $apply:ident, $db:ty) => {
        /// Applies one operation inside the batch's transaction.
        async fn $apply(
            tx: &mut sqlx::Transaction<'static, $db>,
            op: &Op,
        ) -> Result<Recorded, StoreError> {
            match op {
                Op::Create(run) => {
                    sqlx::query(
                        "INSERT INTO runs (id, learner, scenario, source_hash, mode, started_at, status) \
                         VALUES ($1, $2, $3, $4, $5, $6, 'in_progress')",
                    )
                    .bind(&run.id)
                    .bind(&run.learner)
                    .bind(&run.scenario)
                    .bind(&run.source_hash)
                    .bind(&run.mode)
                    .bind(run.started_at)
                    .execute(&mut **tx)
                    .await?;
                    Ok(Recorded::New)
                }
                Op::Turn {
                    turn,
                    finish,
                    replace,
                } => {
                    let inserted = sqlx::query(INSERT_TURN)
                        .bind(&turn.run_id)
                        .bind(turn.turn)
                        .bind(&turn.scene)
                        .bind(turn.number)
                        .bind(&turn.text)
                        .bind(&turn.tags)
                        .bind(&turn.emotions)
                        .bind(&turn.mode)
                        .bind(&turn.source_hash)
                        .bind(turn.at)
                        .bind(&turn.offered)
                        .execute(&mut **tx)
                        .await?
                        .rows_affected();
                    if inserted == 0 {
                        let existing = sqlx::query(
                            "SELECT choice_number, choice_text FROM turns \
                             WHERE run_id = $1 AND turn = $2 AND undone = FALSE",
                        )
                        .bind(&turn.run_id)
                        .bind(turn.turn)
                        .fetch_optional(&mut **tx)
                        .await?;
                        let Some(existing) = existing else {
                            return Err(StoreError(format!(
                                "turn {} of run {} could not be recorded (a concurrent answer); try again",
                                turn.turn, turn.run_id
                            )));
                        };
                        let number: i64 = sqlx::Row::try_get(&existing, "choice_number")?;
                        let text: String = sqlx::Row::try_get(&existing, "choice_text")?;
                        if number == turn.number && text == turn.text {
                            return Ok(Recorded::Same);
                        }
                        if !replace {
                            return Ok(Recorded::Conflict { number, text });
                        }
                        undo_in!((*tx), &turn.run_id, turn.turn);
                        sqlx::query(
                            "INSERT INTO turns (run_id, turn, attempt, scene, choice_number, choice_text, \
                             tags, emotions, mode, source_hash, undone, recorded_at, offered) \
                             SELECT $1, $2, (SELECT COUNT(*) FROM turns WHERE run_id = $1 AND turn = $2), \
                             $3, $4, $5, $6, $7, $8, $9, FALSE, $10, $11",
                        )
                        .bind(&turn.run_id)
                        .bind(turn.turn)
                        .bind(&turn.scene)
                        .bind(turn.number)
                        .bind(&turn.text)
                        .bind(&turn.tags)
                        .bind(&turn.emotions)
                        .bind(&turn.mode)
                        .bind(&turn.source_hash)
                        .bind(turn.at)
                        .bind(&turn.offered)
                        .execute(&mut **tx)
                        .await?;
                    }
                    if let Some(finish) = finish {
                        finish_in!((*tx), &turn.run_id, finish);
                    }
                    Ok(Recorded::New)
                }
            }
        }

        /// Commits a batch in one transaction and answers each request; on a failure, each
        /// operation again in a transaction of its own.
        async fn $commit(pool: &sqlx::Pool<$db>, batch: &mut Vec<Job>) {
            let together = async {
                let mut tx = pool.begin().await?;
                let mut results = Vec::with_capacity(batch.len());
                for job in batch.iter() {
                    results.push($apply(&mut tx, &job.op).await?);
                }
                tx.commit().await?;
                Ok::<_, StoreError>(results)
            }
            .await;
            match together {
                Ok(results) => {
                    for (job, result) in batch.drain(..).zip(results) {
                        let _ = job.reply.send(Ok(result));
                    }
                }
                Err(e) if batch.len() == 1 => {
                    for job in batch.drain(..) {
                        let _ = job.reply.send(Err(StoreError(e.0.clone())));
                    }
                }
                Err(_) => {
                    for job in batch.drain(..) {
                        let alone = async {
                            let mut tx = pool.begin().await?;
                            let result = $apply(&mut tx, &job.op).await?;
                            tx.commit().await?;
                            Ok::<_, StoreError>(result)
                        }
                        .await;
                        let _ = job.reply.send(alone);
                    }
                }
            }
        }
    };
}

committer!(commit_sqlite, apply_sqlite, sqlx::Sqlite);
committer!(commit_postgres, apply_postgres, sqlx::Postgres);
