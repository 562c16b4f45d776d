//! The store's reads: a run and its picks, run lists, the cohort figures, the export, the
//! schema (for the test that both backends have the same one).

use sqlx::Row as _;

use super::{
    run_row, ExportRow, ExportTurn, Pools, RuleStats, RunRow, ScenarioStats, Store, StoreError,
    StoredPick, RUN_COLUMNS,
};

impl Store {
    /// The run's answered turns (not undone), in order.
    ///
    /// # Errors
    /// On a database failure.
    pub async fn picks(&self, run_id: &str) -> Result<Vec<StoredPick>, StoreError> {
        on!(self, read pool => {
            let rows = sqlx::query(
                "SELECT choice_number, choice_text, scene, offered FROM turns \
                 WHERE run_id = $1 AND undone = FALSE ORDER BY turn",
            )
            .bind(run_id)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| {
                    let offered: String = r.try_get("offered")?;
                    Ok(StoredPick {
                        number: r.try_get("choice_number")?,
                        text: r.try_get("choice_text")?,
                        scene: r.try_get("scene")?,
                        offered: serde_json::from_str(&offered).unwrap_or_default(),
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()
                .map_err(StoreError::from)
        })
    }

    /// One run.
    ///
    /// # Errors
    /// On a database failure.
    pub async fn run(&self, run_id: &str) -> Result<Option<RunRow>, StoreError> {
        let sql = format!(
            "SELECT {RUN_COLUMNS}, (SELECT COUNT(*) FROM turns t WHERE t.run_id = r.id AND t.undone = FALSE) AS n \
             FROM runs r WHERE r.id = $1"
        );
        on!(self, read pool => {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(run_id)
                .fetch_optional(pool)
                .await?;
            match row {
                Some(row) => {
                    let n: i64 = row.try_get("n")?;
                    Ok(Some(run_row(&row, n)?))
                }
                None => Ok(None),
            }
        })
    }

    /// A learner's runs, newest first (`learner` None: every run).
    ///
    /// # Errors
    /// On a database failure.
    pub async fn runs(&self, learner: Option<&str>) -> Result<Vec<RunRow>, StoreError> {
        let filter = if learner.is_some() {
            "WHERE r.learner = $1"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {RUN_COLUMNS}, (SELECT COUNT(*) FROM turns t WHERE t.run_id = r.id AND t.undone = FALSE) AS n \
             FROM runs r {filter} ORDER BY r.started_at DESC, r.id LIMIT 1000"
        );
        on!(self, read pool => {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            if let Some(learner) = learner {
                query = query.bind(learner);
            }
            let rows = query.fetch_all(pool).await?;
            rows.iter()
                .map(|row| {
                    let n: i64 = row.try_get("n")?;
                    run_row(row, n)
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()
                .map_err(StoreError::from)
        })
    }

    /// Every learner with runs, and how many, in name order.
    ///
    /// # Errors
    /// On a database failure.
    pub async fn learners(&self) -> Result<Vec<(String, i64)>, StoreError> {
        on!(self, read pool => {
            let rows = sqlx::query(
                "SELECT learner, COUNT(*) AS n FROM runs GROUP BY learner ORDER BY learner",
            )
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| Ok((r.try_get("learner")?, r.try_get("n")?)))
                .collect::<Result<Vec<_>, sqlx::Error>>()
                .map_err(StoreError::from)
        })
    }

    /// The cohort figures of one scenario.
    ///
    /// # Errors
    /// On a database failure.
    pub async fn scenario_stats(&self, scenario: &str) -> Result<ScenarioStats, StoreError> {
        on!(self, read pool => {
            let mut stats = ScenarioStats::default();
            let row = sqlx::query(
                "SELECT COUNT(*) AS runs, COUNT(DISTINCT learner) AS learners, \
                 COALESCE(SUM(CASE WHEN status <> 'in_progress' THEN 1 ELSE 0 END), 0) AS finished \
                 FROM runs WHERE scenario = $1",
            )
            .bind(scenario)
            .fetch_one(pool)
            .await?;
            stats.runs = row.try_get("runs")?;
            stats.learners = row.try_get("learners")?;
            stats.finished = row.try_get("finished")?;
            let rows = sqlx::query(
                "SELECT tenths, passed FROM runs \
                 WHERE scenario = $1 AND status <> 'in_progress' AND tenths IS NOT NULL \
                 ORDER BY tenths",
            )
            .bind(scenario)
            .fetch_all(pool)
            .await?;
            for row in &rows {
                stats.tenths.push(row.try_get("tenths")?);
                if row.try_get::<bool, _>("passed")? {
                    stats.passed += 1;
                }
            }
            stats.graded = i64::try_from(stats.tenths.len()).unwrap_or(i64::MAX);
            let rows = sqlx::query(
                "SELECT ending, COUNT(*) AS n FROM runs \
                 WHERE scenario = $1 AND ending IS NOT NULL GROUP BY ending ORDER BY ending",
            )
            .bind(scenario)
            .fetch_all(pool)
            .await?;
            for row in &rows {
                stats.endings.push((row.try_get("ending")?, row.try_get("n")?));
            }
            let rows = sqlx::query(
                "SELECT q.rule, q.title, COUNT(*) AS graded, \
                 COALESCE(SUM(CASE WHEN q.passed THEN 0 ELSE 1 END), 0) AS failed, \
                 MAX(CASE WHEN q.passed THEN NULL ELSE q.feedback END) AS feedback \
                 FROM run_rules q JOIN runs r ON r.id = q.run_id \
                 WHERE r.scenario = $1 GROUP BY q.rule, q.title ORDER BY failed DESC, q.rule",
            )
            .bind(scenario)
            .fetch_all(pool)
            .await?;
            for row in &rows {
                stats.rules.push(RuleStats {
                    rule: row.try_get("rule")?,
                    title: row.try_get("title")?,
                    graded: row.try_get("graded")?,
                    failed: row.try_get("failed")?,
                    feedback: row.try_get("feedback")?,
                });
            }
            let rows = sqlx::query(
                "SELECT t.scene, t.choice_text, COUNT(*) AS n \
                 FROM turns t JOIN runs r ON r.id = t.run_id \
                 WHERE r.scenario = $1 AND t.undone = FALSE \
                 GROUP BY t.scene, t.choice_text ORDER BY t.scene, n DESC, t.choice_text",
            )
            .bind(scenario)
            .fetch_all(pool)
            .await?;
            for row in &rows {
                stats.choices.push((
                    row.try_get("scene")?,
                    row.try_get("choice_text")?,
                    row.try_get("n")?,
                ));
            }
            Ok(stats)
        })
    }

    /// Every run with its turns, for the CSV export, oldest first.
    ///
    /// # Errors
    /// On a database failure.
    pub async fn export(&self) -> Result<Vec<ExportRow>, StoreError> {
        let sql = format!(
            "SELECT {RUN_COLUMNS}, t.turn, t.scene, t.choice_number, t.choice_text, t.tags, \
             t.emotions, t.undone, t.recorded_at \
             FROM runs r LEFT JOIN turns t ON t.run_id = r.id \
             ORDER BY r.started_at, r.id, t.turn, t.attempt"
        );
        on!(self, read pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                let run = run_row(row, 0)?;
                let turn: Option<i64> = row.try_get("turn")?;
                let turn = match turn {
                    Some(turn) => Some(ExportTurn {
                        turn,
                        scene: row.try_get("scene")?,
                        number: row.try_get("choice_number")?,
                        text: row.try_get("choice_text")?,
                        tags: row.try_get("tags")?,
                        emotions: row.try_get("emotions")?,
                        undone: row.try_get("undone")?,
                        recorded_at: row.try_get("recorded_at")?,
                    }),
                    None => None,
                };
                out.push(ExportRow { run, turn });
            }
            Ok(out)
        })
    }

    /// Counts of runs and turns stored (the load benchmark compares them with what it was
    /// acknowledged).
    ///
    /// # Errors
    /// On a database failure.
    pub async fn counts(&self) -> Result<(i64, i64), StoreError> {
        on!(self, read pool => {
            let runs: i64 = sqlx::query("SELECT COUNT(*) AS n FROM runs")
                .fetch_one(pool)
                .await?
                .try_get("n")?;
            let turns: i64 = sqlx::query("SELECT COUNT(*) AS n FROM turns WHERE undone = FALSE")
                .fetch_one(pool)
                .await?
                .try_get("n")?;
            Ok((runs, turns))
        })
    }

    /// The schema as (table, column, type class, nullable) rows, sorted: the test that
    /// both backends get the same schema compares these.
    ///
    /// # Errors
    /// On a database failure.
    pub async fn schema(&self) -> Result<Vec<(String, String, bool)>, StoreError> {
        let mut out = Vec::new();
        match &self.pools {
            Pools::Sqlite { read, .. } => {
                for table in ["runs", "turns", "run_rules"] {
                    let sql = format!("PRAGMA table_info({table})");
                    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .fetch_all(read)
                        .await?;
                    for row in &rows {
                        let name: String = row.try_get("name")?;
                        let notnull: i64 = row.try_get("notnull")?;
                        let pk: i64 = row.try_get("pk")?;
                        out.push((table.to_string(), name, notnull == 0 && pk == 0));
                    }
                }
            }
            Pools::Postgres(pool) => {
                let rows = sqlx::query(
                    "SELECT table_name::TEXT AS t, column_name::TEXT AS c, is_nullable::TEXT AS n \
                     FROM information_schema.columns \
                     WHERE table_schema = current_schema() \
                     AND table_name IN ('runs', 'turns', 'run_rules')",
                )
                .fetch_all(pool)
                .await?;
                for row in &rows {
                    let nullable: String = row.try_get("n")?;
                    out.push((row.try_get("t")?, row.try_get("c")?, nullable == "YES"));
                }
            }
        }
        out.sort();
        Ok(out)
    }
}
