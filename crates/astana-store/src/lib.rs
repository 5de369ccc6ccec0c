//! astana's embedded store: the scenarios a team shares and the jobs the server runs, in one
//! SQLite file.
//!
//! * One file, no server: SQLite is compiled in (rusqlite's `bundled` feature), so `astana
//!   serve` needs nothing installed.
//! * WAL journal with `synchronous = FULL`: readers never block the writer, and a state change
//!   is on disk before the call returns (the server answers after that).
//! * One writer connection behind a mutex (SQLite allows one writer at a time anyway) and a
//!   small pool of reader connections.
//! * The schema is versioned in this crate ([`MIGRATIONS`], `PRAGMA user_version`); opening
//!   an older file migrates it in one transaction per step, and a newer file is refused.
//! * A scenario is stored whole or not at all (one transaction for its row and its files).
//! * Jobs left `queued` or `running` by a process that died are marked `interrupted` when
//!   the store is next opened; finished results stay.
//!
//! ```
//! let dir = tempfile::tempdir().unwrap();
//! let store = astana_store::Store::open(&dir.path().join("astana.db")).unwrap();
//! store
//!     .put_scenario("demo", "Demo", false, &[("scenario.toml".into(), b"name = 'Demo'".to_vec())])
//!     .unwrap();
//! assert_eq!(store.list_scenarios().unwrap()[0].id, "demo");
//! ```
#![deny(missing_docs)]

mod jobs;
mod mediations;
mod scenarios;

pub use jobs::{Job, JobState};
pub use mediations::{MediationRole, MediationToken, StoredMediation};
pub use scenarios::{ScenarioMeta, StoredScenario};

use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// The schema, one migration per version: entry `i` takes a database from version `i` to
/// `i + 1`. Never edit a published entry; append a new one.
pub const MIGRATIONS: &[&str] = &[
    // 1: scenarios with their files, jobs with their results.
    "CREATE TABLE scenario (
        id       TEXT PRIMARY KEY,
        name     TEXT NOT NULL,
        builtin  INTEGER NOT NULL DEFAULT 0,
        created  TEXT NOT NULL,
        bytes    INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE scenario_file (
        scenario_id TEXT NOT NULL REFERENCES scenario(id) ON DELETE CASCADE,
        path        TEXT NOT NULL,
        content     BLOB NOT NULL,
        PRIMARY KEY (scenario_id, path)
    ) STRICT;
    CREATE TABLE job (
        id        TEXT PRIMARY KEY,
        kind      TEXT NOT NULL,
        scenario  TEXT,
        params    TEXT NOT NULL,
        state     TEXT NOT NULL CHECK (state IN
                    ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
        progress  REAL NOT NULL DEFAULT 0,
        message   TEXT NOT NULL DEFAULT '',
        result    TEXT,
        problem   TEXT,
        created   TEXT NOT NULL,
        updated   TEXT NOT NULL
    ) STRICT;
    CREATE INDEX job_by_created ON job(created);",
    // 2: live mediations (issue 13): the setup, capability-token digests, the event log.
    "CREATE TABLE mediation (
        id       TEXT PRIMARY KEY,
        created  TEXT NOT NULL,
        setup    TEXT NOT NULL
    ) STRICT;
    CREATE TABLE mediation_token (
        mediation TEXT NOT NULL REFERENCES mediation(id) ON DELETE CASCADE,
        role      TEXT NOT NULL CHECK (role IN ('mediator', 'party')),
        party     INTEGER CHECK ((role = 'party') = (party IS NOT NULL)),
        hash      BLOB NOT NULL CHECK (length(hash) = 32)
    ) STRICT;
    CREATE INDEX mediation_token_by_mediation ON mediation_token(mediation);
    CREATE TABLE mediation_event (
        mediation TEXT NOT NULL REFERENCES mediation(id) ON DELETE CASCADE,
        seq       INTEGER NOT NULL CHECK (seq >= 1),
        event     TEXT NOT NULL,
        at        TEXT NOT NULL,
        PRIMARY KEY (mediation, seq)
    ) STRICT, WITHOUT ROWID;",
];

/// Readers kept open for reuse; more are opened on demand and closed after use.
const POOLED_READERS: usize = 8;

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite reported an error (I/O, corruption, a full disk).
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The file was written by a newer astana.
    #[error("{path}: schema version {found} is newer than this astana understands ({known}); use a newer astana")]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The newest version this build knows.
        known: i64,
    },
    /// An id that must be new is taken.
    #[error("{0} already exists")]
    Exists(String),
    /// The default scenario cannot be deleted or replaced.
    #[error("{0} is built in and cannot be deleted")]
    Protected(String),
    /// A stored JSON column did not parse (the file was edited by hand).
    #[error("stored JSON is damaged: {0}")]
    Json(#[from] serde_json::Error),
}

/// A `Result` with [`StoreError`].
pub type Result<T> = std::result::Result<T, StoreError>;

/// The store: cheap to clone, safe to share between threads. Calls block (SQLite is
/// synchronous); async callers run them on a blocking thread.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.inner.path)
            .finish()
    }
}

struct Inner {
    path: PathBuf,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    /// Mediation creates and events waiting for the writer (group commit, see
    /// [`mediations`]).
    pending: Mutex<Vec<mediations::Pending>>,
    /// Group-commit transactions begun (tests count them).
    batches: std::sync::atomic::AtomicU64,
}

impl Store {
    /// Opens (or creates) the database at `path`, migrates it to the current schema and marks
    /// jobs a previous process left unfinished as interrupted.
    ///
    /// # Errors
    /// The file cannot be opened or created, is not a database, or is from a newer astana.
    pub fn open(path: &Path) -> Result<Store> {
        let mut writer = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        writer.pragma_update(None, "journal_mode", "WAL")?;
        configure(&writer)?;
        migrate(&mut writer, path)?;
        let store = Store {
            inner: Arc::new(Inner {
                path: path.to_path_buf(),
                writer: Mutex::new(writer),
                readers: Mutex::new(Vec::new()),
                pending: Mutex::new(Vec::new()),
                batches: std::sync::atomic::AtomicU64::new(0),
            }),
        };
        store.interrupt_unfinished_jobs()?;
        Ok(store)
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// The schema version of the open file.
    ///
    /// # Errors
    /// A database error.
    pub fn schema_version(&self) -> Result<i64> {
        self.read(|c| Ok(c.pragma_query_value(None, "user_version", |r| r.get(0))?))
    }

    /// SQLite's `PRAGMA integrity_check` plus a foreign-key check: `Ok(vec![])` when the file
    /// is consistent, else the problems found.
    ///
    /// # Errors
    /// A database error.
    pub fn integrity_check(&self) -> Result<Vec<String>> {
        self.read(|c| {
            let mut problems = Vec::new();
            let mut st = c.prepare("PRAGMA integrity_check")?;
            for row in st.query_map([], |r| r.get::<_, String>(0))? {
                let row = row?;
                if row != "ok" {
                    problems.push(row);
                }
            }
            let mut st = c.prepare("PRAGMA foreign_key_check")?;
            for row in st.query_map([], |r| r.get::<_, String>(0))? {
                problems.push(format!("dangling reference in table {}", row?));
            }
            Ok(problems)
        })
    }

    /// Writes the WAL back into the main file and truncates it (on shutdown).
    ///
    /// # Errors
    /// A database error.
    pub fn checkpoint(&self) -> Result<()> {
        let w = self.writer();
        w.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Runs `f` in one write transaction: committed if `f` succeeds, rolled back otherwise.
    fn write<T>(&self, f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut w = self.writer();
        let tx = w.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    fn writer(&self) -> MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves the connection usable (SQLite rolls back an
        // open transaction when it is dropped), so a poisoned lock is taken over.
        self.inner
            .writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `f` on a reader connection (a consistent snapshot for the call's duration).
    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let pooled = self
            .inner
            .readers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .pop();
        let conn = match pooled {
            Some(c) => c,
            None => {
                let c = Connection::open_with_flags(
                    &self.inner.path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                configure(&c)?;
                c
            }
        };
        let out = f(&conn);
        let mut pool = self
            .inner
            .readers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if pool.len() < POOLED_READERS {
            pool.push(conn);
        }
        out
    }
}

/// A lock whose holder panicked is taken over (each holder leaves the data whole).
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn configure(c: &Connection) -> Result<()> {
    c.pragma_update(None, "foreign_keys", "ON")?;
    c.pragma_update(None, "synchronous", "FULL")?;
    c.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(())
}

fn migrate(c: &mut Connection, path: &Path) -> Result<()> {
    let known = MIGRATIONS.len() as i64;
    let found: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > known {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found,
            known,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Exclusive)?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// Now, as an RFC 3339 UTC timestamp (sorts as text).
fn now() -> String {
    jiff::Timestamp::now().to_string()
}
