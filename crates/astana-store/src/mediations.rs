//! Live mediations (issue 13): each is its setup, the digests of its capability tokens and an
//! append-only log of events. The state of a mediation is a pure function of its setup and
//! its log (the engine replays it), so the log is all that must survive a crash.
//!
//! Creates and appends use a group commit: each caller queues its write (a new mediation or
//! an event) and takes the writer; whoever gets it first commits every queued write in one
//! transaction (one fsync for many mediations) and hands each caller its own result. A call
//! returns only once its write is committed (WAL, `synchronous = FULL`).

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

/// A write waiting for the writer.
pub(crate) enum Op {
    /// A new mediation: its setup (JSON text) and token digests.
    Create {
        setup: String,
        tokens: Vec<MediationToken>,
    },
    /// Event `seq` of mediation `mediation`.
    Append {
        mediation: String,
        seq: u64,
        event: String,
    },
}

/// A queued write and where its result goes: the new id for a create, `""` for an append.
pub(crate) struct Pending {
    op: Op,
    at: String,
    done: Arc<Mutex<Option<Result<String>>>>,
}

fn take(slot: &Mutex<Option<Result<String>>>) -> Option<Result<String>> {
    slot.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take()
}

fn put(slot: &Mutex<Option<Result<String>>>, r: Result<String>) {
    *slot
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(r);
}

fn insert(tx: &rusqlite::Transaction<'_>, p: &Pending) -> Result<String> {
    match &p.op {
        Op::Append {
            mediation,
            seq,
            event,
        } => {
            tx.execute(
                "INSERT INTO mediation_event (mediation, seq, event, at) VALUES (?1, ?2, ?3, ?4)",
                params![mediation, *seq as i64, event, p.at],
            )?;
            Ok(String::new())
        }
        Op::Create { setup, tokens } => {
            let id: String = tx.query_row("SELECT lower(hex(randomblob(16)))", [], |r| r.get(0))?;
            tx.execute(
                "INSERT INTO mediation (id, created, setup) VALUES (?1, ?2, ?3)",
                params![id, p.at, setup],
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
        }
    }
}

impl Store {
    /// Stores a new mediation with its setup and token digests; returns its id (32 hex
    /// digits) once it is committed, in one transaction with the other creates and appends
    /// waiting for the writer (group commit).
    ///
    /// # Errors
    /// A database error.
    pub fn create_mediation(&self, setup: &Value, tokens: &[MediationToken]) -> Result<String> {
        self.group_commit(Op::Create {
            setup: setup.to_string(),
            tokens: tokens.to_vec(),
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
        self.group_commit(Op::Append {
            mediation: id.to_string(),
            seq,
            event: event.to_string(),
        })
        .map(drop)
    }

    /// Queues `op`, then commits it with whatever else is queued (see the module's docs).
    fn group_commit(&self, op: Op) -> Result<String> {
        let done = Arc::new(Mutex::new(None));
        crate::lock(&self.inner.pending).push(Pending {
            op,
            at: now(),
            done: done.clone(),
        });
        let mut w = self.writer();
        // The previous holder of the writer may have committed ours with its batch.
        if let Some(r) = take(&done) {
            return r;
        }
        let batch = std::mem::take(&mut *crate::lock(&self.inner.pending));
        let all = (|| -> Result<Vec<String>> {
            let tx = w.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            let out = batch
                .iter()
                .map(|p| insert(&tx, p))
                .collect::<Result<Vec<_>>>()?;
            tx.commit()?;
            Ok(out)
        })();
        self.inner
            .batches
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        match all {
            Ok(out) => batch.iter().zip(out).for_each(|(p, r)| put(&p.done, Ok(r))),
            // One bad write must not fail the others: each on its own.
            Err(_) => {
                for p in &batch {
                    let one = (|| -> Result<String> {
                        let tx =
                            w.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                        let r = insert(&tx, p)?;
                        tx.commit()?;
                        Ok(r)
                    })();
                    put(&p.done, one);
                }
            }
        }
        drop(w);
        take(&done).unwrap_or_else(|| Err(StoreError::Sqlite(rusqlite::Error::InvalidQuery)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::sync::atomic::Ordering;

    fn tokens() -> Vec<MediationToken> {
        vec![MediationToken {
            role: MediationRole::Mediator,
            party: None,
            hash: [1; 32],
        }]
    }

    /// Creates and appends that arrive while the writer is busy are committed together, in
    /// one transaction, and each caller gets its own result (a new id, or `()`).
    #[test]
    fn creates_and_appends_that_wait_together_share_one_transaction() {
        let dir = tempfile::tempdir().expect("dir");
        let store = Store::open(&dir.path().join("astana.db")).expect("open");
        let old: Vec<String> = (0..4)
            .map(|_| {
                store
                    .create_mediation(&json!({}), &tokens())
                    .expect("create")
            })
            .collect();
        let busy = store.writer();
        let before = store.inner.batches.load(Ordering::Relaxed);
        let (ids, ()) = std::thread::scope(|s| {
            let creates: Vec<_> = (0..4)
                .map(|k| {
                    let store = store.clone();
                    s.spawn(move || store.create_mediation(&json!({ "k": k }), &tokens()))
                })
                .collect();
            let appends: Vec<_> = old
                .iter()
                .map(|id| {
                    let store = store.clone();
                    s.spawn(move || store.append_mediation_event(id, 1, &json!({"e": 1})))
                })
                .collect();
            // Every caller has queued its write and waits for the writer.
            while crate::lock(&store.inner.pending).len() < 8 {
                std::thread::yield_now();
            }
            drop(busy);
            let ids: Vec<String> = creates
                .into_iter()
                .map(|h| h.join().expect("thread").expect("create"))
                .collect();
            for h in appends {
                h.join().expect("thread").expect("append");
            }
            (ids, ())
        });
        assert_eq!(store.inner.batches.load(Ordering::Relaxed) - before, 1);
        for (k, id) in ids.iter().enumerate() {
            let m = store.mediation(id).expect("read").expect("created");
            assert_eq!(m.setup, json!({ "k": k }));
            assert_eq!(m.tokens, tokens());
        }
        for id in &old {
            let m = store.mediation(id).expect("read").expect("present");
            assert_eq!(m.events, vec![json!({"e": 1})]);
        }
    }
}
