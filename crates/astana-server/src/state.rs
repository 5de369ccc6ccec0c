//! What every handler shares: the store, loaded scenarios, the bound on engine work, the job
//! runner and a cache of answers.

use crate::jobs::Runner;
use crate::problem::Problem;
use crate::{Config, ServeError};
use astana_model::Scenario;
use astana_store::Store;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

/// The id of the embedded default scenario.
pub(crate) const DEFAULT_SCENARIO: &str = "kazakhstan";

/// Answers kept; past this the cache starts again (scenarios are immutable once stored, so
/// an answer is valid until its scenario is deleted).
const CACHED_ANSWERS: usize = 4096;

/// Shared state; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub(crate) inner: Arc<Shared>,
}

pub(crate) struct Shared {
    pub(crate) store: Store,
    scenarios: Mutex<HashMap<String, Arc<Scenario>>>,
    answers: Mutex<HashMap<String, Arc<[u8]>>>,
    pub(crate) heavy: Arc<Semaphore>,
    pub(crate) jobs: Runner,
    /// The digest of the team's access token, if one is required.
    pub(crate) token: Option<crate::auth::Digest32>,
    /// Live mediations in memory.
    pub(crate) mediations: crate::mediations::Registry,
    /// Becomes true when the server starts shutting down (ends event streams).
    pub(crate) closing: tokio::sync::watch::Sender<bool>,
}

/// A lock whose holder panicked is taken over: the data behind it stays consistent (each
/// holder only inserts or removes whole entries).
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl AppState {
    /// Opens the store at `config.db` and seeds (or refreshes) the built-in scenario.
    ///
    /// # Errors
    /// The store cannot be opened, or the embedded scenario is broken.
    pub fn open(config: &Config) -> Result<AppState, ServeError> {
        let token = match &config.token {
            Some(t) => {
                let ok = t.chars().count() >= crate::auth::MIN_TOKEN_CHARS
                    && t.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-._~+/=".contains(&b));
                if !ok {
                    return Err(ServeError::Token);
                }
                Some(crate::auth::digest(t))
            }
            None => None,
        };
        let store = Store::open(&config.db).map_err(|source| ServeError::Store {
            db: config.db.clone(),
            source,
        })?;
        let (scenario, _) =
            astana_scenario::load_embedded().map_err(|d| ServeError::Seed(d.summary()))?;
        let files: Vec<(String, Vec<u8>)> = astana_scenario::embedded_files()
            .iter()
            .map(|(p, t)| ((*p).to_string(), t.as_bytes().to_vec()))
            .collect();
        store
            .seed_builtin(DEFAULT_SCENARIO, &scenario.name, &files)
            .map_err(|source| ServeError::Store {
                db: config.db.clone(),
                source,
            })?;
        let mut scenarios = HashMap::new();
        scenarios.insert(DEFAULT_SCENARIO.to_string(), Arc::new(scenario));
        Ok(AppState {
            inner: Arc::new(Shared {
                jobs: Runner::new(store.clone(), config.job_workers),
                store,
                scenarios: Mutex::new(scenarios),
                answers: Mutex::new(HashMap::new()),
                heavy: Arc::new(Semaphore::new(config.heavy.max(1))),
                token,
                mediations: crate::mediations::Registry::default(),
                closing: tokio::sync::watch::channel(false).0,
            }),
        })
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Runs blocking work (SQLite, an engine) off the async threads, at most
    /// [`Config::heavy`] at a time.
    pub async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> Result<T, Problem> + Send + 'static,
    ) -> Result<T, Problem> {
        let permit = self
            .inner
            .heavy
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Problem::internal("the server is shutting down"))?;
        let out = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f()
        })
        .await;
        match out {
            Ok(r) => r,
            Err(e) if e.is_panic() => {
                eprintln!("error: engine call panicked: {e}");
                Err(Problem::internal(
                    "the computation failed inside the server; it has been logged",
                ))
            }
            Err(_) => Err(Problem::internal("the computation was cancelled")),
        }
    }

    /// The loaded scenario `id` (from the cache, else loaded from the store).
    pub async fn scenario(&self, id: &str) -> Result<Arc<Scenario>, Problem> {
        if let Some(s) = lock(&self.inner.scenarios).get(id) {
            return Ok(s.clone());
        }
        let store = self.inner.store.clone();
        let key = id.to_string();
        let loaded = self
            .blocking(move || {
                let stored = store
                    .scenario(&key)?
                    .ok_or_else(|| Problem::not_found(format!("no scenario `{key}`")))?;
                astana_scenario::load_from_bytes(&stored.files)
                    .map(|(s, _)| s)
                    .map_err(|d| Problem::from_diagnostics(&d))
            })
            .await?;
        let s = Arc::new(loaded);
        lock(&self.inner.scenarios).insert(id.to_string(), s.clone());
        Ok(s)
    }

    /// Forgets scenario `id` and every cached answer about it (after a delete).
    pub(crate) fn forget(&self, id: &str) {
        lock(&self.inner.scenarios).remove(id);
        let prefix = format!("{id}\u{0}");
        lock(&self.inner.answers).retain(|k, _| !k.starts_with(&prefix));
    }

    /// A cached answer about scenario `id` for `question`.
    pub(crate) fn cached(&self, id: &str, question: &str) -> Option<Arc<[u8]>> {
        lock(&self.inner.answers)
            .get(&format!("{id}\u{0}{question}"))
            .cloned()
    }

    /// Remembers an answer.
    pub(crate) fn remember(&self, id: &str, question: &str, answer: Arc<[u8]>) {
        let mut a = lock(&self.inner.answers);
        if a.len() >= CACHED_ANSWERS {
            a.clear();
        }
        a.insert(format!("{id}\u{0}{question}"), answer);
    }

    /// Graceful end: running jobs are asked to stop and given `drain` to do so; what is
    /// still unfinished is marked interrupted; the WAL is written back.
    pub(crate) async fn shutdown(&self, drain: std::time::Duration) {
        self.inner.jobs.stop(drain).await;
        let store = self.inner.store.clone();
        let _ = tokio::task::spawn_blocking(move || {
            if let Err(e) = store.interrupt_unfinished_jobs() {
                eprintln!("error: cannot mark unfinished jobs: {e}");
            }
            if let Err(e) = store.checkpoint() {
                eprintln!("error: cannot checkpoint the database: {e}");
            }
        })
        .await;
    }
}
