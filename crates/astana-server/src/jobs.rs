//! Jobs: long engine work (a simulated year of the corridor, a forum schedule, Monte Carlo
//! power indices, a large negotiation) runs in the background. The store keeps each job's
//! state and result; progress goes to watchers (Server-Sent Events) as it happens and to
//! the store at most every [`STORE_EVERY`].

use crate::problem::Problem;
use crate::state::lock;
use astana_store::{Job, JobState, Store};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{watch, Semaphore};

/// How often progress is written to the store (each write is a synced transaction).
pub const STORE_EVERY: Duration = Duration::from_millis(500);

/// The work of a job: gets a [`Progress`] to report to and to ask whether to stop.
pub type Work = Box<dyn FnOnce(&Progress) -> Result<Value, Problem> + Send + 'static>;

/// A job's live state, as watchers see it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Snapshot {
    /// Where the job is.
    pub state: JobState,
    /// 0 to 1.
    pub progress: f64,
    /// What it is doing.
    pub message: String,
}

/// Handed to a job's work.
pub struct Progress {
    id: String,
    store: Store,
    cancel: Arc<AtomicBool>,
    tx: watch::Sender<Snapshot>,
    last_stored: Mutex<Option<Instant>>,
}

impl Progress {
    /// Reports progress (0 to 1) with a message for people.
    pub fn report(&self, fraction: f64, message: &str) {
        let fraction = if fraction.is_finite() {
            fraction.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.tx.send_replace(Snapshot {
            state: JobState::Running,
            progress: fraction,
            message: message.to_string(),
        });
        let mut last = self
            .last_stored
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if last.is_none_or(|t| t.elapsed() >= STORE_EVERY) {
            *last = Some(Instant::now());
            if let Err(e) = self.store.job_progress(&self.id, fraction, message) {
                eprintln!("error: job {}: cannot store progress: {e}", self.id);
            }
        }
    }

    /// True once the job was cancelled or the server is stopping: the work should return
    /// soon (its result is discarded).
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
}

struct Live {
    cancel: Arc<AtomicBool>,
    rx: watch::Receiver<Snapshot>,
}

/// Runs jobs, at most `workers` at once; the rest wait in order of submission.
pub struct Runner {
    store: Store,
    slots: Arc<Semaphore>,
    live: Arc<Mutex<HashMap<String, Live>>>,
    stopping: Arc<AtomicBool>,
}

impl Runner {
    /// A runner over `store` with `workers` slots.
    pub fn new(store: Store, workers: usize) -> Runner {
        Runner {
            store,
            slots: Arc::new(Semaphore::new(workers.max(1))),
            live: Arc::new(Mutex::new(HashMap::new())),
            stopping: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Stores a queued job and starts it when a slot is free.
    ///
    /// # Errors
    /// The server is stopping (503) or the store failed.
    pub async fn submit(
        &self,
        kind: &str,
        scenario: Option<&str>,
        params: Value,
        work: Work,
    ) -> Result<Job, Problem> {
        if self.stopping.load(Ordering::Relaxed) {
            return Err(Problem::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "stopping",
                "Server stopping",
                "the server is shutting down; submit the job again after it restarts",
            ));
        }
        let store = self.store.clone();
        let (kind_s, scen) = (kind.to_string(), scenario.map(str::to_string));
        let job = tokio::task::spawn_blocking(move || {
            store.create_job(&kind_s, scen.as_deref(), &params)
        })
        .await
        .map_err(|e| Problem::internal(e.to_string()))??;
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, rx) = watch::channel(Snapshot {
            state: JobState::Queued,
            progress: 0.0,
            message: "waiting for a free worker".into(),
        });
        lock(&self.live).insert(
            job.id.clone(),
            Live {
                cancel: cancel.clone(),
                rx,
            },
        );
        let progress = Progress {
            id: job.id.clone(),
            store: self.store.clone(),
            cancel,
            tx,
            last_stored: Mutex::new(None),
        };
        let (slots, live, stopping) =
            (self.slots.clone(), self.live.clone(), self.stopping.clone());
        tokio::spawn(async move {
            let id = progress.id.clone();
            let permit = slots.acquire_owned().await;
            let done = tokio::task::spawn_blocking(move || {
                let _permit = permit;
                run(progress, work, &stopping)
            })
            .await;
            if let Err(e) = done {
                eprintln!("error: job {id} failed inside the server: {e}");
            }
            lock(&live).remove(&id);
        });
        Ok(job)
    }

    /// A receiver of the live state of job `id`, if it is queued or running in this process.
    pub fn watch(&self, id: &str) -> Option<watch::Receiver<Snapshot>> {
        lock(&self.live).get(id).map(|l| l.rx.clone())
    }

    /// Asks job `id` to stop; `false` if it is not live in this process.
    pub fn cancel(&self, id: &str) -> bool {
        match lock(&self.live).get(id) {
            Some(l) => {
                l.cancel.store(true, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }

    /// Stops taking jobs, asks every live job to stop and waits up to `drain` for them.
    pub async fn stop(&self, drain: Duration) {
        self.stopping.store(true, Ordering::Relaxed);
        for l in lock(&self.live).values() {
            l.cancel.store(true, Ordering::Relaxed);
        }
        let until = Instant::now() + drain;
        while !lock(&self.live).is_empty() && Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Runs one job on a blocking thread and stores how it ended.
fn run(progress: Progress, work: Work, stopping: &AtomicBool) {
    let store = progress.store.clone();
    let id = progress.id.clone();
    let ended = |state: JobState, result: Option<&Value>, problem: Option<&Value>, msg: &str| {
        if let Err(e) = store.finish_job(&id, state, msg, result, problem) {
            eprintln!("error: job {id}: cannot store its end: {e}");
        }
        let p = if state == JobState::Done {
            1.0
        } else {
            progress.tx.borrow().progress
        };
        progress.tx.send_replace(Snapshot {
            state,
            progress: p,
            message: msg.to_string(),
        });
    };
    let stop_state = || {
        if stopping.load(Ordering::Relaxed) {
            JobState::Interrupted
        } else {
            JobState::Cancelled
        }
    };
    if progress.cancelled() {
        ended(stop_state(), None, None, "stopped before it started");
        return;
    }
    match store.start_job(&id) {
        Ok(true) => {}
        Ok(false) => return,
        Err(e) => {
            eprintln!("error: job {id}: cannot start: {e}");
            return;
        }
    }
    progress.tx.send_replace(Snapshot {
        state: JobState::Running,
        progress: 0.0,
        message: "started".into(),
    });
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&progress)));
    match outcome {
        _ if progress.cancelled() => ended(stop_state(), None, None, "stopped on request"),
        Ok(Ok(result)) => ended(JobState::Done, Some(&result), None, "done"),
        Ok(Err(problem)) => {
            let p = serde_json::to_value(&problem).unwrap_or(Value::Null);
            ended(JobState::Failed, None, Some(&p), &problem.detail);
        }
        Err(_) => {
            let p = Problem::internal("the job failed inside the server; it has been logged");
            eprintln!("error: job {id} panicked");
            let v = serde_json::to_value(&p).unwrap_or(Value::Null);
            ended(JobState::Failed, None, Some(&v), &p.detail);
        }
    }
}
