//! Live mediations (issue 13): each is its setup, the digests of its capability tokens and an
//! append-only log of events. The state of a mediation is a pure function of its setup and
//! its log (the engine replays it), so the log is all that must survive a crash.
//!
//! Appends use a group commit: each caller queues its event and takes the writer; whoever
//! gets it first commits every queued event in one transaction (one fsync for many
//! mediations) and hands each caller its own result. An append returns only once its event
//! is committed (WAL, `synchronous = FULL`).

use crate::{now, Result, Store, StoreError};
use rusqlite::{params, OptionalExtension};
use serde_json::Value;
use std::sync::{Arc, Mutex};

/// Who a capability token belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediationRole {
    /// The mediator (created the mediation, starts it).
    Mediator,
    /// A party; its index in the setup's list of parties is [`MediationToken::party`].
    Party,
}

/// A capability token as stored: only its SHA-256 digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediationToken {
    /// Whose it is.
    pub role: MediationRole,
    /// The party index, for a party's token.
    pub party: Option<usize>,
    /// SHA-256 of the token text.
    pub hash: [u8; 32],
}

/// A stored mediation: what replaying needs.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredMediation {
    /// Its id.
    pub id: String,
    /// When it was created (RFC 3339, UTC).
    pub created: String,
    /// The setup, as the server wrote it.
    pub setup: Value,
    /// Its tokens' digests.
    pub tokens: Vec<MediationToken>,
    /// The event log, in order (sequence numbers 1, 2, …).
    pub events: Vec<Value>,
}

/// An event waiting for the writer, and where its result goes.
pub(crate) struct Pending {
    mediation: String,
    seq: u64,
    event: String,
    at: String,
    done: Arc<Mutex<Option<Result<()>>>>,
}

fn take(slot: &Mutex<Option<Result<()>>>) -> Option<Result<()>> {
    slot.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take()
}

fn put(slot: &Mutex<Option<Result<()>>>, r: Result<()>) {
    *slot
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(r);
}

fn insert(tx: &rusqlite::Transaction<'_>, p: &Pending) -> Result<()> {
    tx.execute(
        "INSERT INTO mediation_event (mediation, seq, event, at) VALUES (?1, ?2, ?3, ?4)",
        params![p.mediation, p.seq as i64, p.event, p.at],
    )?;
    Ok(())
}

impl Store {
    /// Stores a new mediation with its setup and token digests; returns its id (32 hex
    /// digits).
    ///
    /// # Errors
    /// A database error.
    pub fn create_mediation(&self, setup: &Value, tokens: &[MediationToken]) -> Result<String> {
        self.write(|tx| {
            let id: String = tx.query_row("SELECT lower(hex(randomblob(16)))", [], |r| r.get(0))?;
            tx.execute(
                "INSERT INTO mediation (id, created, setup) VALUES (?1, ?2, ?3)",
                params![id, now(), setup.to_string()],
            )?;
            for t in tokens {
                let role = match t.role {
                    MediationRole::Mediator => "mediator",
                    MediationRole::Party => "party",
                };
                tx.execute(
                    "INSERT INTO mediation_token (mediation, role, party, hash) VALUES (?1, ?2, ?3, ?4)",
                    params![id, role, t.party.map(|p| p as i64), &t.hash[..]],
                )?;
            }
            Ok(id)
        })
    }

    /// A mediation with its tokens and its whole log, or `None`.
    ///
    /// # Errors
    /// A database error or a damaged JSON column.
    pub fn mediation(&self, id: &str) -> Result<Option<StoredMediation>> {
        self.read(|c| {
            let Some((created, setup)) = c
                .query_row(
                    "SELECT created, setup FROM mediation WHERE id = ?1",
                    [id],
                    |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
                )
                .optional()?
            else {
                return Ok(None);
            };
            let mut st = c.prepare(
                "SELECT role, party, hash FROM mediation_token WHERE mediation = ?1 ORDER BY rowid",
            )?;
            let tokens = st
                .query_map([id], |r| {
                    let role: String = r.get(0)?;
                    let party: Option<i64> = r.get(1)?;
                    let hash: Vec<u8> = r.get(2)?;
                    Ok((role, party, hash))
                })?
                .map(|row| {
                    let (role, party, hash) = row?;
                    Ok(MediationToken {
                        role: if role == "mediator" {
                            MediationRole::Mediator
                        } else {
                            MediationRole::Party
                        },
                        party: party.and_then(|p| usize::try_from(p).ok()),
                        // The CHECK constraint keeps every hash 32 bytes long.
                        hash: hash.try_into().unwrap_or([0; 32]),
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let mut st =
                c.prepare("SELECT event FROM mediation_event WHERE mediation = ?1 ORDER BY seq")?;
            let events = st
                .query_map([id], |r| r.get::<_, String>(0))?
                .map(|e| Ok(serde_json::from_str(&e?)?))
                .collect::<Result<Vec<Value>>>()?;
            Ok(Some(StoredMediation {
                id: id.to_string(),
                created,
                setup: serde_json::from_str(&setup)?,
                tokens,
                events,
            }))
        })
    }

    /// Appends event number `seq` (1 for the first) to mediation `id`'s log; returns once it
    /// is committed. The caller appends one mediation's events in order, one at a time; a
    /// sequence number already taken is an error (two writers of one mediation).
    ///
    /// # Errors
    /// A database error (including a taken `seq` or an unknown mediation).
    pub fn append_mediation_event(&self, id: &str, seq: u64, event: &Value) -> Result<()> {
        let done = Arc::new(Mutex::new(None));
        crate::lock(&self.inner.pending).push(Pending {
            mediation: id.to_string(),
            seq,
            event: event.to_string(),
            at: now(),
            done: done.clone(),
        });
        let mut w = self.writer();
        // The previous holder of the writer may have committed ours with its batch.
        if let Some(r) = take(&done) {
            return r;
        }
        let batch = std::mem::take(&mut *crate::lock(&self.inner.pending));
        let all = (|| -> Result<()> {
            let tx = w.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            for p in &batch {
                insert(&tx, p)?;
            }
            tx.commit()?;
            Ok(())
        })();
        match all {
            Ok(()) => batch.iter().for_each(|p| put(&p.done, Ok(()))),
            // One bad event must not fail the others: each on its own.
            Err(_) => {
                for p in &batch {
                    let one = (|| -> Result<()> {
                        let tx =
                            w.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                        insert(&tx, p)?;
                        tx.commit()?;
                        Ok(())
                    })();
                    put(&p.done, one);
                }
            }
        }
        drop(w);
        take(&done).unwrap_or_else(|| Err(StoreError::Sqlite(rusqlite::Error::InvalidQuery)))
    }
}
