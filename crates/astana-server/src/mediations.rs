//! Live mediations (issue 13): capability tokens, the in-memory state of each mediation and
//! the one way to change it.
//!
//! * A token is 32 random bytes (base64url, 43 characters), given out once at creation and
//!   stored only as its SHA-256. A request names its mediation by id and carries its token
//!   as `Authorization: Bearer …`; the token is compared, in constant time, with every token
//!   of that mediation. An unknown id and a wrong token get the same 404.
//! * The state of a mediation is `Mediation::replay(setup, log)`: the store keeps the setup
//!   and the log; memory keeps the replayed state, built on first use after a start.
//! * A change takes the mediation's lock, applies the event to a clone (all or nothing),
//!   appends it to the store (committed before the answer), then swaps the clone in and bumps
//!   the mediation's version, which wakes its event streams. Each stream then asks for its
//!   own caller's view: no stream is ever handed another role's data.
//! * Each caller's serialised view is cached per version in the entry, one slot per caller
//!   (mediator, then each party), so the streams, GETs and POST answers of one version
//!   serialise it once. A slot is keyed by the caller by construction and emptied on every
//!   change.
//! * An engine step on a small domain (≤ [`INLINE_OUTCOMES`] outcomes) runs inline: it is a
//!   scan of the outcomes, shorter than a trip through the heavy-work semaphore. So does the
//!   validation of a short domain text at creation (≤ [`INLINE_DOMAIN_BYTES`]); the store
//!   write of a create joins the group commit of event appends.

use crate::auth::{digest, same};
use crate::problem::{Located, Problem};
use crate::state::lock;
use crate::AppState;
use astana_mediation::{Caller, Event, Mediation, Reject, Setup};
use astana_negotiation::DomainErrors;
use astana_store::{MediationRole, MediationToken};
use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::watch;

/// Largest domain (in outcomes) whose engine steps run inline on the async runtime; bigger
/// ones go through [`AppState::blocking`]. A step scans the outcomes at most a few times:
/// 10⁴ outcomes take well under a millisecond.
pub(crate) const INLINE_OUTCOMES: u128 = 10_000;

/// Largest domain text (bytes) validated inline when a mediation is created; longer ones go
/// through [`AppState::blocking`]. Validation parses the TOML and only multiplies the option
/// counts, so its cost follows the text, not the outcome count (unknown before parsing):
/// the Trans-Caspian domain (5.7 KB) takes about 50 µs, and the slowest 8 KiB text measured
/// (about 100 issues, rejected) about 2 ms.
pub(crate) const INLINE_DOMAIN_BYTES: usize = 8 << 10;

/// One mediation in memory.
pub(crate) struct Entry {
    tokens: Vec<MediationToken>,
    state: tokio::sync::Mutex<Live>,
    version: watch::Sender<u64>,
    /// Whether engine steps run inline (see [`INLINE_OUTCOMES`]).
    inline: bool,
}

struct Live {
    mediation: Mediation,
    /// Events in the log (the next one is `seq + 1`).
    seq: u64,
    /// Serialised views of the current version: slot 0 the mediator's, slot `1 + p` party
    /// `p`'s; emptied on every change.
    views: Vec<Option<Bytes>>,
}

impl Live {
    fn new(mediation: Mediation, seq: u64) -> Live {
        let slots = mediation.setup().parties.len() + 1;
        Live {
            mediation,
            seq,
            views: vec![None; slots],
        }
    }

    /// `who`'s view of this version, serialised once and then reused.
    fn view(&mut self, id: &str, who: Caller) -> Bytes {
        let slot = match who {
            Caller::Mediator => 0,
            Caller::Party(p) => p + 1,
        };
        if let Some(Some(v)) = self.views.get(slot) {
            return v.clone();
        }
        let v = view_of(id, self.seq, &self.mediation, who);
        if let Some(s) = self.views.get_mut(slot) {
            *s = Some(v.clone());
        }
        v
    }

    /// Swaps in the state after event `seq`; every cached view is now stale.
    fn advance(&mut self, next: Mediation, seq: u64) {
        self.mediation = next;
        self.seq = seq;
        self.views.iter_mut().for_each(|v| *v = None);
    }
}

impl Entry {
    fn new(tokens: Vec<MediationToken>, mediation: Mediation, seq: u64) -> Entry {
        Entry {
            tokens,
            inline: outcome_count(&mediation) <= INLINE_OUTCOMES,
            state: tokio::sync::Mutex::new(Live::new(mediation, seq)),
            version: watch::channel(0).0,
        }
    }
}

/// The domain's outcome count, from the public issue list.
fn outcome_count(m: &Mediation) -> u128 {
    let issues = match m.view(Caller::Mediator) {
        astana_mediation::View::Mediator(v) => v.public.issues,
        astana_mediation::View::Party(v) => v.public.issues,
    };
    issues
        .iter()
        .fold(1u128, |n, i| n.saturating_mul(i.options.len() as u128))
}

/// The mediations in memory, by id.
#[derive(Default)]
pub(crate) struct Registry {
    map: Mutex<HashMap<String, Arc<Entry>>>,
}

/// A request that showed a valid token of a mediation.
pub(crate) struct Access {
    pub(crate) id: String,
    pub(crate) entry: Arc<Entry>,
    pub(crate) caller: Caller,
}

/// A new capability token: 32 bytes from the operating system, base64url without padding.
pub(crate) fn new_token() -> Result<String, Problem> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b)
        .map_err(|_| Problem::internal("the operating system gave no random bytes"))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b))
}

/// A seed for a mediation whose creator gave none.
pub(crate) fn new_seed() -> Result<u64, Problem> {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b)
        .map_err(|_| Problem::internal("the operating system gave no random bytes"))?;
    Ok(u64::from_le_bytes(b))
}

/// The answer to every request without a valid token for an existing mediation: the same
/// bytes whether the mediation does not exist or the token is not one of its tokens.
pub(crate) fn not_found() -> Problem {
    Problem::not_found("no mediation with this id accepts this token")
}

/// The answer to a request with no token at all.
pub(crate) fn unauthorized() -> Response {
    let mut r = Problem::new(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "Unauthorized",
        "send this mediation's token as `Authorization: Bearer TOKEN`",
    )
    .into_response();
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"mediation\""),
    );
    r
}

/// 422 with every located message of a domain, a profile or an event.
pub(crate) fn domain_problem(what: &str, e: &DomainErrors) -> Problem {
    let mut p = Problem::invalid(format!(
        "the {what} has {} error{}",
        e.0.len(),
        if e.0.len() == 1 { "" } else { "s" }
    ));
    p.errors =
        e.0.iter()
            .map(|d| Located {
                file: d.file.clone(),
                line: (d.line > 0).then_some(d.line),
                column: (d.line > 0).then_some(d.column),
                field: (!d.element.is_empty()).then(|| d.element.clone()),
                severity: "error".into(),
                message: d.message.clone(),
            })
            .collect();
    p
}

fn reject_problem(r: Reject) -> Problem {
    match r {
        Reject::Conflict(m) => Problem::conflict(m),
        Reject::Invalid(e) => domain_problem("request", &e),
    }
}

/// Ids are 32 lowercase hex digits; anything else is not looked up.
fn plausible_id(id: &str) -> bool {
    id.len() == 32
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Registry {
    /// Creates and stores a mediation; returns its id and tokens (mediator first, then one per
    /// party in order).
    pub(crate) async fn create(
        &self,
        state: &AppState,
        setup: Setup,
    ) -> Result<(String, String, Vec<String>), Problem> {
        let checked = setup.clone();
        let validate = move || Mediation::new(checked).map_err(|e| domain_problem("setup", &e));
        let mediation = if setup.domain_toml.len() <= INLINE_DOMAIN_BYTES {
            validate()?
        } else {
            state.blocking(validate).await?
        };
        let mediator = new_token()?;
        let parties = (0..setup.parties.len())
            .map(|_| new_token())
            .collect::<Result<Vec<_>, _>>()?;
        let mut tokens = vec![MediationToken {
            role: MediationRole::Mediator,
            party: None,
            hash: digest(&mediator),
        }];
        tokens.extend(parties.iter().enumerate().map(|(i, t)| MediationToken {
            role: MediationRole::Party,
            party: Some(i),
            hash: digest(t),
        }));
        let stored = serde_json::to_value(&setup)
            .map_err(|e| Problem::internal(format!("cannot encode the setup: {e}")))?;
        let store = state.store().clone();
        let rows = tokens.clone();
        let id = spawn_store(move || store.create_mediation(&stored, &rows)).await?;
        let entry = Arc::new(Entry::new(tokens, mediation, 0));
        lock(&self.map).insert(id.clone(), entry);
        Ok((id, mediator, parties))
    }

    /// The mediation `id` in memory, replayed from the store on first use; `None` if there is
    /// no such mediation.
    async fn entry(&self, state: &AppState, id: &str) -> Result<Option<Arc<Entry>>, Problem> {
        if let Some(e) = lock(&self.map).get(id) {
            return Ok(Some(e.clone()));
        }
        let store = state.store().clone();
        let key = id.to_string();
        let loaded = state
            .blocking(move || {
                let Some(m) = store.mediation(&key)? else {
                    return Ok(None);
                };
                let setup: Setup = serde_json::from_value(m.setup).map_err(|_| {
                    Problem::internal(format!("mediation {key}: its stored setup is unreadable"))
                })?;
                let events = m
                    .events
                    .into_iter()
                    .map(serde_json::from_value)
                    .collect::<Result<Vec<Event>, _>>()
                    .map_err(|_| {
                        Problem::internal(format!("mediation {key}: a stored event is unreadable"))
                    })?;
                let seq = events.len() as u64;
                let mediation = Mediation::replay(setup, &events).map_err(|e| {
                    // Only where it failed: the engine's message may quote a profile.
                    let at = match e {
                        astana_mediation::ReplayError::Setup(_) => "its setup".to_string(),
                        astana_mediation::ReplayError::Event { index, .. } => {
                            format!("event {}", index + 1)
                        }
                    };
                    eprintln!("error: mediation {key}: the stored log does not replay at {at}");
                    Problem::internal(
                        "this mediation's stored log does not replay; it has been logged",
                    )
                })?;
                Ok(Some((m.tokens, mediation, seq)))
            })
            .await?;
        let Some((tokens, mediation, seq)) = loaded else {
            return Ok(None);
        };
        // Two first uses may both replay; the first one in wins (both states are equal: no
        // change reaches a mediation that is not in memory).
        let entry = lock(&self.map)
            .entry(id.to_string())
            .or_insert_with(|| Arc::new(Entry::new(tokens, mediation, seq)))
            .clone();
        Ok(Some(entry))
    }

    /// Who is calling mediation `id`: 401 without a token, 404 (always the same) with a token
    /// that is not one of this mediation's or for a mediation that does not exist.
    pub(crate) async fn access(
        &self,
        state: &AppState,
        id: &str,
        headers: &HeaderMap,
    ) -> Result<Access, Response> {
        let Some(token) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
        else {
            return Err(unauthorized());
        };
        if !plausible_id(id) {
            return Err(not_found().into_response());
        }
        let entry = match self.entry(state, id).await {
            Ok(Some(e)) => e,
            Ok(None) => return Err(not_found().into_response()),
            Err(p) => return Err(p.into_response()),
        };
        let d = digest(token);
        // Every token is compared (no early exit), each in constant time.
        let mut found = None;
        for t in &entry.tokens {
            if same(&t.hash, &d) {
                found = Some(t.clone());
            }
        }
        let caller = match found {
            Some(MediationToken {
                role: MediationRole::Mediator,
                ..
            }) => Caller::Mediator,
            Some(MediationToken {
                party: Some(p),
                role: MediationRole::Party,
                ..
            }) => Caller::Party(p),
            _ => return Err(not_found().into_response()),
        };
        Ok(Access {
            id: id.to_string(),
            entry,
            caller,
        })
    }
}

/// Store work on a blocking thread, outside the engine semaphore (appends are short, and the
/// group commit wants many of them waiting at once).
async fn spawn_store<T: Send + 'static>(
    f: impl FnOnce() -> astana_store::Result<T> + Send + 'static,
) -> Result<T, Problem> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(Problem::from),
        Err(_) => Err(Problem::internal("the store call did not finish")),
    }
}

impl Access {
    /// The caller's view as JSON text, with the mediation's id (cached per version).
    pub(crate) async fn view(&self) -> Bytes {
        self.entry.state.lock().await.view(&self.id, self.caller)
    }

    /// The agreement, if there is one.
    pub(crate) async fn outcome(&self) -> Option<std::collections::BTreeMap<String, String>> {
        self.entry.state.lock().await.mediation.outcome()
    }

    /// Applies `event`: on success it is in the store and in memory, watchers are woken, and
    /// the caller's new view is returned. An event that changes nothing (a repeated answer)
    /// stores nothing.
    pub(crate) async fn apply(&self, state: &AppState, event: Event) -> Result<Bytes, Problem> {
        let mut live = self.entry.state.lock().await;
        let mut next = live.mediation.clone();
        let stored = serde_json::to_value(&event)
            .map_err(|e| Problem::internal(format!("cannot encode the event: {e}")))?;
        let (next, changed) = if self.entry.inline {
            let changed = next.apply(&event).map_err(reject_problem)?;
            (next, changed)
        } else {
            state
                .blocking(move || {
                    let changed = next.apply(&event).map_err(reject_problem)?;
                    Ok((next, changed))
                })
                .await?
        };
        if changed {
            let seq = live.seq + 1;
            let store = state.store().clone();
            let id = self.id.clone();
            spawn_store(move || store.append_mediation_event(&id, seq, &stored)).await?;
            live.advance(next, seq);
            self.entry.version.send_modify(|v| *v += 1);
        }
        Ok(live.view(&self.id, self.caller))
    }

    /// Wakes on every change of this mediation.
    pub(crate) fn watch(&self) -> watch::Receiver<u64> {
        self.entry.version.subscribe()
    }
}

/// `who`'s view of `m` as JSON text, with `id` and `seq` first: serialised straight to bytes
/// (no `Value` in between), spliced in front of the view's own fields. `seq` (events applied
/// so far) only grows, so a page can drop a view older than the one it shows: a GET's answer
/// may arrive after a newer view from the event stream.
pub(crate) fn view_of(id: &str, seq: u64, m: &Mediation, who: Caller) -> Bytes {
    let mut out = Vec::with_capacity(4096);
    out.extend_from_slice(b"{\"id\":");
    // A string and a derived struct always serialise.
    let _ = serde_json::to_writer(&mut out, id);
    out.extend_from_slice(b",\"seq\":");
    out.extend_from_slice(seq.to_string().as_bytes());
    let mut body = Vec::with_capacity(4096);
    let _ = serde_json::to_writer(&mut body, &m.view(who));
    match body.get(1..) {
        // `{` then `}`: no fields.
        Some(b"}") | None => out.push(b'}'),
        Some(rest) => {
            out.push(b',');
            out.extend_from_slice(rest);
        }
    }
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_43_base64url_characters_and_differ() {
        let a = new_token().expect("token");
        let b = new_token().expect("token");
        assert_eq!(a.len(), 43);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        assert_ne!(a, b);
    }

    fn live() -> Live {
        let domain =
            include_str!("../../../data/scenarios/kazakhstan/negotiation/trans-caspian.toml")
                .split("# --- Parties")
                .next()
                .unwrap_or_default()
                .to_string();
        let setup = Setup {
            domain_toml: domain,
            parties: vec!["KAZ".into(), "AZE".into(), "GEO".into()],
            protocol: astana_mediation::Protocol::SingleText,
            rounds: 20,
            seed: 7,
            post_settlement: true,
        };
        Live::new(Mediation::new(setup).expect("a valid setup"), 0)
    }

    fn json(b: &Bytes) -> serde_json::Value {
        serde_json::from_slice(b).expect("a view is JSON")
    }

    #[test]
    fn a_view_is_id_and_seq_first_then_the_engines_view() {
        let l = live();
        let b = view_of("abc", 12, &l.mediation, Caller::Party(1));
        assert!(b.starts_with(br#"{"id":"abc","seq":12,"#), "{b:?}");
        let mut want = serde_json::to_value(l.mediation.view(Caller::Party(1))).expect("view");
        let o = want.as_object_mut().expect("object");
        o.insert("id".into(), "abc".into());
        o.insert("seq".into(), 12.into());
        assert_eq!(json(&b), want);
    }

    #[test]
    fn each_caller_has_its_own_cached_view_until_a_change() {
        let mut l = live();
        // The trans-Caspian domain is small: its steps run inline.
        assert_eq!(outcome_count(&l.mediation), 5 * 4 * 3 * 3 * 4);
        let kaz = l.view("m", Caller::Party(0));
        let aze = l.view("m", Caller::Party(1));
        let mediator = l.view("m", Caller::Mediator);
        assert_eq!(json(&kaz)["you"], "KAZ");
        assert_eq!(json(&aze)["you"], "AZE");
        assert!(json(&mediator).get("you").is_none());
        // Served again from the cache, to the same caller only.
        let again = l.view("m", Caller::Party(1));
        assert_eq!(again.as_ptr(), aze.as_ptr());
        assert_eq!(json(&l.view("m", Caller::Party(0)))["you"], "KAZ");
        assert_eq!(json(&l.view("m", Caller::Party(2)))["you"], "GEO");
        // A change empties every slot.
        let next = l.mediation.clone();
        l.advance(next, 1);
        assert!(l.views.iter().all(Option::is_none));
        let fresh = l.view("m", Caller::Party(1));
        assert_ne!(fresh.as_ptr(), aze.as_ptr());
        assert_eq!(json(&fresh)["you"], "AZE");
        assert_eq!(
            (json(&aze)["seq"].clone(), json(&fresh)["seq"].clone()),
            (0.into(), 1.into())
        );
    }

    /// A short domain is validated on the async thread, a long one through the heavy-work
    /// pool: with the pool closed, only the long one fails.
    #[tokio::test]
    async fn a_short_domain_is_validated_inline_a_long_one_in_the_pool() {
        let dir = tempfile::tempdir().expect("dir");
        let config = crate::Config {
            db: dir.path().join("astana.db"),
            ..crate::Config::default()
        };
        let state = AppState::open(&config).expect("state");
        state.inner.heavy.close();
        let short = live().mediation.setup().clone();
        assert!(short.domain_toml.len() <= INLINE_DOMAIN_BYTES);
        let (id, _, parties) = state
            .inner
            .mediations
            .create(&state, short.clone())
            .await
            .expect("validated inline, stored through the group commit");
        assert_eq!((id.len(), parties.len()), (32, 3));
        let stored = state.store().mediation(&id).expect("read").expect("stored");
        assert_eq!(stored.tokens.len(), 4);
        // The same domain with a long comment: the same setup, too long to parse inline.
        let mut long = short;
        long.domain_toml
            .push_str(&"# a long comment\n".repeat(INLINE_DOMAIN_BYTES / 17 + 1));
        assert!(long.domain_toml.len() > INLINE_DOMAIN_BYTES);
        let e = state
            .inner
            .mediations
            .create(&state, long)
            .await
            .expect_err("the closed pool refuses");
        assert_eq!(e.detail, "the server is shutting down");
    }

    #[test]
    fn only_32_hex_digit_ids_are_looked_up() {
        assert!(plausible_id("0123456789abcdef0123456789abcdef"));
        assert!(!plausible_id("0123456789ABCDEF0123456789abcdef"));
        assert!(!plausible_id("../etc"));
        assert!(!plausible_id(""));
    }
}
