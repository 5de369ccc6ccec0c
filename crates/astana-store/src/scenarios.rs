//! Scenarios: a row per scenario and its files, stored whole or not at all.

use crate::{now, Result, Store, StoreError};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

/// A stored scenario without its files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScenarioMeta {
    /// Its id in URLs (`kazakhstan`).
    pub id: String,
    /// Its display name.
    pub name: String,
    /// The embedded default scenario: cannot be deleted.
    pub builtin: bool,
    /// When it was stored (RFC 3339, UTC).
    pub created: String,
    /// The total size of its files.
    pub bytes: i64,
}

/// A stored scenario with its files (relative path → content), sorted by path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredScenario {
    /// What the list shows.
    pub meta: ScenarioMeta,
    /// The files, as uploaded.
    pub files: Vec<(String, Vec<u8>)>,
}

const META: &str = "SELECT id, name, builtin, created, bytes FROM scenario";

fn meta(r: &rusqlite::Row<'_>) -> rusqlite::Result<ScenarioMeta> {
    Ok(ScenarioMeta {
        id: r.get(0)?,
        name: r.get(1)?,
        builtin: r.get(2)?,
        created: r.get(3)?,
        bytes: r.get(4)?,
    })
}

impl Store {
    /// Every stored scenario, the built-in one first, then by id.
    ///
    /// # Errors
    /// A database error.
    pub fn list_scenarios(&self) -> Result<Vec<ScenarioMeta>> {
        self.read(|c| {
            let mut st = c.prepare(&format!("{META} ORDER BY builtin DESC, id"))?;
            let rows = st.query_map([], meta)?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }

    /// One scenario with its files, or `None`.
    ///
    /// # Errors
    /// A database error.
    pub fn scenario(&self, id: &str) -> Result<Option<StoredScenario>> {
        self.read(|c| {
            let Some(m) = c
                .query_row(&format!("{META} WHERE id = ?1"), [id], meta)
                .optional()?
            else {
                return Ok(None);
            };
            let mut st = c.prepare(
                "SELECT path, content FROM scenario_file WHERE scenario_id = ?1 ORDER BY path",
            )?;
            let files = st
                .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(Some(StoredScenario { meta: m, files }))
        })
    }

    /// Stores a new scenario with its files in one transaction.
    ///
    /// # Errors
    /// [`StoreError::Exists`] if the id is taken; a database error.
    pub fn put_scenario(
        &self,
        id: &str,
        name: &str,
        builtin: bool,
        files: &[(String, Vec<u8>)],
    ) -> Result<ScenarioMeta> {
        self.write(|tx| {
            let taken: Option<i64> = tx
                .query_row("SELECT 1 FROM scenario WHERE id = ?1", [id], |r| r.get(0))
                .optional()?;
            if taken.is_some() {
                return Err(StoreError::Exists(format!("scenario `{id}`")));
            }
            insert(tx, id, name, builtin, files)
        })
    }

    /// Stores the built-in scenario, replacing an older copy in the same transaction (a new
    /// astana brings new embedded data). Returns `true` if anything changed.
    ///
    /// # Errors
    /// A database error, or [`StoreError::Exists`] if a user scenario holds the id.
    pub fn seed_builtin(&self, id: &str, name: &str, files: &[(String, Vec<u8>)]) -> Result<bool> {
        let current = self.scenario(id)?;
        if let Some(c) = &current {
            if !c.meta.builtin {
                return Err(StoreError::Exists(format!("a user scenario `{id}`")));
            }
            let mut want: Vec<_> = files.to_vec();
            want.sort();
            if c.meta.name == name && c.files == want {
                return Ok(false);
            }
        }
        self.write(|tx| {
            tx.execute("DELETE FROM scenario WHERE id = ?1 AND builtin = 1", [id])?;
            insert(tx, id, name, true, files)?;
            Ok(true)
        })
    }

    /// Deletes a scenario and its files; `Ok(false)` if there was none.
    ///
    /// # Errors
    /// [`StoreError::Protected`] for the built-in scenario; a database error.
    pub fn delete_scenario(&self, id: &str) -> Result<bool> {
        self.write(|tx| {
            let builtin: Option<bool> = tx
                .query_row("SELECT builtin FROM scenario WHERE id = ?1", [id], |r| {
                    r.get(0)
                })
                .optional()?;
            match builtin {
                None => Ok(false),
                Some(true) => Err(StoreError::Protected(format!("scenario `{id}`"))),
                Some(false) => {
                    tx.execute("DELETE FROM scenario WHERE id = ?1", [id])?;
                    Ok(true)
                }
            }
        })
    }
}

fn insert(
    tx: &rusqlite::Transaction<'_>,
    id: &str,
    name: &str,
    builtin: bool,
    files: &[(String, Vec<u8>)],
) -> Result<ScenarioMeta> {
    let m = ScenarioMeta {
        id: id.to_string(),
        name: name.to_string(),
        builtin,
        created: now(),
        bytes: files.iter().map(|(_, b)| b.len() as i64).sum(),
    };
    tx.execute(
        "INSERT INTO scenario (id, name, builtin, created, bytes) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![m.id, m.name, m.builtin, m.created, m.bytes],
    )?;
    let mut st =
        tx.prepare("INSERT INTO scenario_file (scenario_id, path, content) VALUES (?1, ?2, ?3)")?;
    for (path, content) in files {
        st.execute(params![id, path, content])?;
    }
    Ok(m)
}
