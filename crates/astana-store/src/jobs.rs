//! Jobs: long computations the server runs in the background. Their state, progress and
//! result are stored, so a finished result outlives the process and an unfinished job is
//! reported as interrupted after a restart.

use crate::{now, Result, Store};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::Value;

/// Where a job is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Accepted, waiting for a worker.
    Queued,
    /// Being computed.
    Running,
    /// Finished; the result is stored.
    Done,
    /// Finished with an error; the problem is stored.
    Failed,
    /// Stopped on request.
    Cancelled,
    /// The process stopped (crash, kill, shutdown) before the job finished.
    Interrupted,
}

impl JobState {
    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
            JobState::Interrupted => "interrupted",
        }
    }

    /// True once the job can change no more.
    pub fn is_final(self) -> bool {
        !matches!(self, JobState::Queued | JobState::Running)
    }

    fn parse(s: &str) -> JobState {
        match s {
            "queued" => JobState::Queued,
            "running" => JobState::Running,
            "done" => JobState::Done,
            "failed" => JobState::Failed,
            "cancelled" => JobState::Cancelled,
            // The CHECK constraint admits nothing else.
            _ => JobState::Interrupted,
        }
    }
}

/// A stored job.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Job {
    /// Its id (32 hex digits).
    pub id: String,
    /// What it computes (`corridor-simulate`, `forum-schedule`, …).
    pub kind: String,
    /// The scenario it runs on, if any.
    pub scenario: Option<String>,
    /// Its parameters, as submitted.
    pub params: Value,
    /// Where it is.
    pub state: JobState,
    /// 0 to 1.
    pub progress: f64,
    /// What it is doing, for people.
    pub message: String,
    /// The result document, when done.
    pub result: Option<Value>,
    /// The problem details, when failed.
    pub problem: Option<Value>,
    /// When it was submitted (RFC 3339, UTC).
    pub created: String,
    /// When it last changed.
    pub updated: String,
}

const JOB: &str = "SELECT id, kind, scenario, params, state, progress, message, result, problem, created, updated FROM job";

type RawJob = (Job, String, Option<String>, Option<String>);

fn raw(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawJob> {
    Ok((
        Job {
            id: r.get(0)?,
            kind: r.get(1)?,
            scenario: r.get(2)?,
            params: Value::Null,
            state: JobState::parse(&r.get::<_, String>(4)?),
            progress: r.get(5)?,
            message: r.get(6)?,
            result: None,
            problem: None,
            created: r.get(9)?,
            updated: r.get(10)?,
        },
        r.get(3)?,
        r.get(7)?,
        r.get(8)?,
    ))
}

fn cook((mut job, params, result, problem): RawJob) -> Result<Job> {
    job.params = serde_json::from_str(&params)?;
    job.result = result.as_deref().map(serde_json::from_str).transpose()?;
    job.problem = problem.as_deref().map(serde_json::from_str).transpose()?;
    Ok(job)
}

impl Store {
    /// Records a new queued job and returns it.
    ///
    /// # Errors
    /// A database error.
    pub fn create_job(&self, kind: &str, scenario: Option<&str>, params: &Value) -> Result<Job> {
        let id = self.write(|tx| {
            let t = now();
            // Ids need only be unique and unguessable enough not to collide; SQLite's
            // generator is seeded from the OS.
            let id: String = tx.query_row("SELECT lower(hex(randomblob(16)))", [], |r| r.get(0))?;
            tx.execute(
                "INSERT INTO job (id, kind, scenario, params, state, created, updated) VALUES (?1, ?2, ?3, ?4, 'queued', ?5, ?5)",
                params![id, kind, scenario, params.to_string(), t],
            )?;
            Ok(id)
        })?;
        self.job(&id)?
            .ok_or_else(|| crate::StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
    }

    /// One job, or `None`.
    ///
    /// # Errors
    /// A database error or a damaged JSON column.
    pub fn job(&self, id: &str) -> Result<Option<Job>> {
        self.read(|c| {
            c.query_row(&format!("{JOB} WHERE id = ?1"), [id], raw)
                .optional()?
                .map(cook)
                .transpose()
        })
    }

    /// The most recent jobs, newest first.
    ///
    /// # Errors
    /// A database error or a damaged JSON column.
    pub fn list_jobs(&self, limit: usize) -> Result<Vec<Job>> {
        self.read(|c| {
            let mut st = c.prepare(&format!("{JOB} ORDER BY created DESC, id LIMIT ?1"))?;
            let rows = st.query_map([limit as i64], raw)?;
            rows.map(|r| cook(r?)).collect()
        })
    }

    /// Marks a queued job running; `false` if it was no longer queued (e.g. cancelled).
    ///
    /// # Errors
    /// A database error.
    pub fn start_job(&self, id: &str) -> Result<bool> {
        self.write(|tx| {
            Ok(tx.execute(
                "UPDATE job SET state = 'running', updated = ?2 WHERE id = ?1 AND state = 'queued'",
                params![id, now()],
            )? == 1)
        })
    }

    /// Records progress (0 to 1, clamped) of a running job.
    ///
    /// # Errors
    /// A database error.
    pub fn job_progress(&self, id: &str, progress: f64, message: &str) -> Result<()> {
        let p = if progress.is_finite() {
            progress.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.write(|tx| {
            tx.execute(
                "UPDATE job SET progress = ?2, message = ?3, updated = ?4 WHERE id = ?1 AND state = 'running'",
                params![id, p, message, now()],
            )?;
            Ok(())
        })
    }

    /// Ends a job: `Done` with a result, `Failed` with a problem, `Cancelled` or
    /// `Interrupted`, with a last message. A job already final is left as it is; returns
    /// whether it changed.
    ///
    /// # Errors
    /// A database error.
    pub fn finish_job(
        &self,
        id: &str,
        state: JobState,
        message: &str,
        result: Option<&Value>,
        problem: Option<&Value>,
    ) -> Result<bool> {
        let progress_done = state == JobState::Done;
        self.write(|tx| {
            Ok(tx.execute(
                "UPDATE job SET state = ?2, result = ?3, problem = ?4, updated = ?5,
                    progress = CASE WHEN ?6 THEN 1.0 ELSE progress END, message = ?7
                 WHERE id = ?1 AND state IN ('queued', 'running')",
                params![
                    id,
                    state.as_str(),
                    result.map(Value::to_string),
                    problem.map(Value::to_string),
                    now(),
                    progress_done,
                    message
                ],
            )? == 1)
        })
    }

    /// Marks every job still queued or running as interrupted (at start, and at shutdown
    /// for jobs that did not finish in time). Returns how many.
    ///
    /// # Errors
    /// A database error.
    pub fn interrupt_unfinished_jobs(&self) -> Result<usize> {
        self.write(|tx| {
            Ok(tx.execute(
                "UPDATE job SET state = 'interrupted', updated = ?1,
                    message = 'the server stopped before this job finished; submit it again'
                 WHERE state IN ('queued', 'running')",
                [now()],
            )?)
        })
    }
}
