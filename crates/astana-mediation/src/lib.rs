//! A live mediation between parties whose profiles stay private: the engine behind
//! `astana serve`'s mediation API (issue 13).
//!
//! The engine is pure and event-sourced: a [`Mediation`] is its [`Setup`] plus the
//! [`Event`]s applied to it, in order (profiles, start, proposals, responses). Applying an
//! event is all or nothing and deterministic, so the server stores the log and rebuilds the
//! state with [`Mediation::replay`] after a restart. There is no clock, no IO and no
//! randomness but the setup's seed.
//!
//! Protocols ([`Protocol`]): the mediator's single negotiating text (the revision logic of
//! [`astana_negotiation::protocol::single_text`]) and blind bidding (visible proposals,
//! secret acceptances of system suggestions on the private Pareto frontier); both followed,
//! optionally, by post-settlement improvement.
//!
//! Secrecy is in the types: [`Mediation::view`] gives the mediator a [`MediatorView`],
//! which has no field that can hold a utility, a profile value or an acceptance, and gives
//! a party a [`PartyView`] that adds only its own profile, answers and utilities.

use astana_negotiation::{
    protocol, search, DomainError, DomainErrors, Negotiation, Point, Profile,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

pub mod bot;
mod profile;
mod view;

pub use view::{
    HistoryEntry, IssueView, MediatorView, OwnResponse, PartyStatus, PartyView, Public,
    RevisionView, Suggestion, Utilities, View,
};

/// A package: issue name → option label.
pub type Package = BTreeMap<String, String>;

/// The parties' tolerance at the first revision round of a single text (as the CLI's
/// `mediate --tolerance` default); it shrinks linearly towards zero at the deadline.
pub const TOLERANCE: f64 = 0.1;
/// Most outcomes a live mediation's domain may have: the frontier and the post-settlement
/// search are recomputed from the profiles.
pub const MAX_OUTCOMES: u128 = 1_000_000;
/// Most suggestions offered in one blind-bidding round.
pub const MAX_SUGGESTIONS: usize = 8;
/// Fewest and most parties.
pub const PARTIES: std::ops::RangeInclusive<usize> = 2..=12;
/// Fewest and most rounds.
pub const ROUNDS: std::ops::RangeInclusive<u32> = 1..=1000;

/// The protocol of a mediation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Protocol {
    /// The mediator's single negotiating text, revised round by round.
    SingleText,
    /// Visible proposals, then secret acceptances of system suggestions.
    BlindBidding,
}

fn yes() -> bool {
    true
}

/// What a mediation is: fixed at creation, stored by the server as JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Setup {
    /// Native TOML: name/description/source and `[[issue]]` tables; a `[[party]]` table is
    /// an error (profiles are private; parties submit them).
    pub domain_toml: String,
    /// 2..=12 distinct ids, `[A-Za-z0-9_-]{1,32}`.
    pub parties: Vec<String>,
    /// The protocol.
    pub protocol: Protocol,
    /// 1..=1000, the deadline in rounds.
    pub rounds: u32,
    /// Drawn by the server at creation; makes replays identical.
    pub seed: u64,
    /// Whether an agreement is followed by the post-settlement search (default true).
    #[serde(default = "yes")]
    pub post_settlement: bool,
}

/// A party's private profile: the fields of a native `[[party]]` table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileInput {
    /// Utility of no agreement, in 0..=1.
    pub reservation: f64,
    /// Issue name → weight (non-negative, not all zero; used as written, as GENIUS does).
    pub weights: BTreeMap<String, f64>,
    /// Issue name → one non-negative number per option (divided by the issue's maximum).
    pub evaluations: BTreeMap<String, Vec<f64>>,
    /// Discount factor in (0, 1]; recorded, not used by the live protocols (rounds are
    /// counted, not timed).
    #[serde(default)]
    pub discount: Option<f64>,
}

/// A party's answer to a round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Accept {
    /// Single text, ratification and post-settlement: accept or reject.
    Text(bool),
    /// Blind bidding: the ids of the suggestions accepted (`["S3", "S7"]`).
    Suggestions(Vec<String>),
}

/// The unit of the mediation's log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// A party's profile; replaces an earlier one; only before the start.
    Profile {
        /// Party index (in `Setup::parties`).
        party: usize,
        /// The profile.
        profile: ProfileInput,
    },
    /// The mediator starts the mediation; only when every profile is in.
    Start,
    /// Blind bidding: a party's visible proposal for a round.
    Propose {
        /// Party index.
        party: usize,
        /// The current round.
        round: u32,
        /// Issue → option label, every issue.
        package: Package,
    },
    /// A party's secret answer for a round.
    Respond {
        /// Party index.
        party: usize,
        /// The current round.
        round: u32,
        /// The answer.
        accept: Accept,
    },
}

/// Who is looking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Caller {
    /// The mediator (and anyone else allowed to see only public state).
    Mediator,
    /// A party, by index.
    Party(usize),
}

/// Why an event was not applied. The state is unchanged.
#[derive(Clone, Debug, PartialEq)]
pub enum Reject {
    /// 409: wrong phase or round (a response for a past or future round, start before all
    /// profiles, a profile after start, a second different answer for the same round).
    Conflict(String),
    /// 422: the body is well-formed but wrong (unknown issue/option/suggestion id, NaN,
    /// weights that are all zero, wrong number of evaluations…), every problem collected.
    Invalid(DomainErrors),
}

impl Reject {
    /// The HTTP status the server answers with: 409 for a conflict, 422 for invalid.
    pub fn http_status(&self) -> u16 {
        match self {
            Reject::Conflict(_) => 409,
            Reject::Invalid(_) => 422,
        }
    }
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reject::Conflict(m) => write!(f, "conflict: {m}"),
            Reject::Invalid(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for Reject {}

/// Why a log could not be replayed.
#[derive(Clone, Debug, PartialEq)]
pub enum ReplayError {
    /// The setup is invalid.
    Setup(DomainErrors),
    /// Event `index` (0-based) was rejected.
    Event {
        /// 0-based position in the log.
        index: usize,
        /// Why.
        reject: Reject,
    },
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayError::Setup(e) => write!(f, "setup: {e}"),
            ReplayError::Event { index, reject } => write!(f, "event {index}: {reject}"),
        }
    }
}

impl std::error::Error for ReplayError {}

/// Where the mediation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Some profile is missing, or the mediator has not started.
    WaitingProfiles,
    /// Rounds are running.
    Running,
    /// An agreement exists (post-settlement may still improve it).
    Agreed,
    /// Ended without agreement.
    NoAgreement,
}

/// What the current step asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Waiting for profiles and the start.
    #[default]
    Profiles,
    /// Blind bidding: every party posts one visible proposal.
    Proposals,
    /// Every party answers the round's revision or suggestions.
    Responses,
    /// Single text: every party accepts or rejects the final text.
    Ratify,
    /// Every party accepts or rejects an improvement of the agreement.
    PostSettlement,
    /// Nothing more to do.
    Done,
}

/// A party's answer as the engine keeps it.
#[derive(Clone, Debug, PartialEq)]
enum Answer {
    Yes(bool),
    Ids(BTreeSet<u32>),
    Package(Vec<u32>),
}

/// A live mediation: the setup and the state reached by the events applied so far.
#[derive(Clone, Debug)]
pub struct Mediation {
    setup: Setup,
    /// The domain; `parties` holds the compiled profiles from the start on.
    neg: Negotiation,
    profiles: Vec<Option<(ProfileInput, Profile)>>,
    status: Status,
    phase: Phase,
    round: u32,
    /// Single text: revision rounds opened so far (the `step` of the tolerance schedule).
    step: u32,
    text: Option<Vec<u32>>,
    /// Single text: this round's revision and the issues it changes.
    revision: Option<(Vec<u32>, Vec<usize>)>,
    rejected: BTreeSet<Vec<u32>>,
    /// Blind bidding: this round's visible proposals.
    proposals: Vec<Option<Vec<u32>>>,
    /// Blind bidding: this round's suggestions (id number, outcome).
    suggestions: Vec<(u32, Vec<u32>)>,
    next_id: u32,
    /// Answers to the current step.
    answers: Vec<Option<Answer>>,
    /// Every answer of each party: (round, phase, answer); shown to its owner only.
    own: Vec<Vec<(u32, Phase, Answer)>>,
    history: Vec<HistoryEntry>,
    agreement: Option<Vec<u32>>,
    improvement: Option<Vec<u32>>,
    improvements: u32,
}

fn error(file: &str, element: &str, message: String) -> DomainError {
    DomainError {
        file: file.to_string(),
        line: 0,
        column: 0,
        element: element.to_string(),
        message,
    }
}

fn valid_id(id: &str) -> bool {
    (1..=32).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Product of gains over the reservation values, clipped at zero.
fn nash_product(u: &[f64], r: &[f64]) -> f64 {
    u.iter().zip(r).map(|(x, ri)| (x - ri).max(0.0)).product()
}

impl Mediation {
    /// Validates the setup (domain TOML located errors, parties, rounds). No profiles yet.
    ///
    /// # Errors
    /// Every problem, located (file `domain` for the TOML, `setup` for the rest).
    pub fn new(setup: Setup) -> Result<Mediation, DomainErrors> {
        let mut errors = Vec::new();
        let neg = match astana_negotiation::native::read_issues("domain", &setup.domain_toml) {
            Ok(neg) => Some(neg),
            Err(e) => {
                errors.extend(e.0);
                None
            }
        };
        if let Some(neg) = &neg {
            let count = neg.outcome_count();
            if count > MAX_OUTCOMES {
                errors.push(error(
                    "domain",
                    "issue",
                    format!("{count} outcomes: a live mediation allows at most {MAX_OUTCOMES} (suggestions and improvements scan every outcome)"),
                ));
            }
        }
        if !PARTIES.contains(&setup.parties.len()) {
            errors.push(error(
                "setup",
                "parties",
                format!(
                    "{} parties: a mediation has {} to {}",
                    setup.parties.len(),
                    PARTIES.start(),
                    PARTIES.end()
                ),
            ));
        }
        let mut seen = BTreeSet::new();
        for (k, id) in setup.parties.iter().enumerate() {
            if !valid_id(id) {
                errors.push(error(
                    "setup",
                    &format!("parties[{k}]"),
                    format!("party id {id:?} must be 1 to 32 characters of A-Z, a-z, 0-9, _ and -"),
                ));
            } else if !seen.insert(id.as_str()) {
                errors.push(error(
                    "setup",
                    &format!("parties[{k}]"),
                    format!("duplicate party {id:?}"),
                ));
            }
        }
        if !ROUNDS.contains(&setup.rounds) {
            errors.push(error(
                "setup",
                "rounds",
                format!(
                    "rounds {} must lie in {}..={}",
                    setup.rounds,
                    ROUNDS.start(),
                    ROUNDS.end()
                ),
            ));
        }
        let Some(neg) = neg.filter(|_| errors.is_empty()) else {
            return Err(DomainErrors(errors));
        };
        let n = setup.parties.len();
        Ok(Mediation {
            neg,
            profiles: vec![None; n],
            status: Status::WaitingProfiles,
            phase: Phase::Profiles,
            round: 0,
            step: 0,
            text: None,
            revision: None,
            rejected: BTreeSet::new(),
            proposals: vec![None; n],
            suggestions: Vec::new(),
            next_id: 1,
            answers: vec![None; n],
            own: vec![Vec::new(); n],
            history: Vec::new(),
            agreement: None,
            improvement: None,
            improvements: 0,
            setup,
        })
    }

    /// The setup.
    pub fn setup(&self) -> &Setup {
        &self.setup
    }

    /// Where the mediation stands.
    pub fn status(&self) -> Status {
        self.status
    }

    /// What the current step asks for.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// The current round (0 before the start). Every step that collects answers has its
    /// own number: revision rounds (single text) or bidding rounds (blind bidding, one
    /// number for its proposals and its responses), then ratification, then each
    /// post-settlement offer. The deadline `rounds` bounds the revision or bidding rounds.
    pub fn round(&self) -> u32 {
        self.round
    }

    /// The agreed package, issue → option label.
    pub fn outcome(&self) -> Option<Package> {
        self.agreement.as_ref().map(|o| self.package(o))
    }

    /// Replays a log (used on restart).
    ///
    /// # Errors
    /// An invalid setup, or the first event rejected (a log the engine accepted once is
    /// always accepted again: applying is deterministic).
    pub fn replay(setup: Setup, events: &[Event]) -> Result<Mediation, ReplayError> {
        let mut m = Mediation::new(setup).map_err(ReplayError::Setup)?;
        for (index, e) in events.iter().enumerate() {
            m.apply(e)
                .map_err(|reject| ReplayError::Event { index, reject })?;
        }
        Ok(m)
    }

    fn package(&self, outcome: &[u32]) -> Package {
        self.neg
            .issues
            .iter()
            .zip(outcome)
            .map(|(i, &v)| (i.name.clone(), i.values[v as usize].clone()))
            .collect()
    }

    fn party_name(&self, party: usize) -> &str {
        &self.setup.parties[party]
    }

    fn check_party(&self, party: usize) -> Result<(), Reject> {
        if party < self.setup.parties.len() {
            return Ok(());
        }
        Err(Reject::Invalid(DomainErrors(vec![error(
            "event",
            "party",
            format!(
                "party {party} does not exist (the mediation has {})",
                self.setup.parties.len()
            ),
        )])))
    }

    fn check_round(&self, round: u32, phases: &[Phase], what: &str) -> Result<(), Reject> {
        if !phases.contains(&self.phase) {
            let phase = serde_json::to_value(self.phase)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            return Err(Reject::Conflict(format!(
                "no {what} is asked now (phase {phase})"
            )));
        }
        if round != self.round {
            let when = if round < self.round { "past" } else { "future" };
            return Err(Reject::Conflict(format!(
                "round {round} is a {when} round; the current round is {}",
                self.round
            )));
        }
        Ok(())
    }

    /// Applies one event. All or nothing: on `Err` the state is unchanged. Deterministic:
    /// the same setup and the same event sequence always give the same state.
    ///
    /// # Errors
    /// [`Reject::Conflict`] for the wrong phase or round, [`Reject::Invalid`] for a wrong
    /// body (every problem listed).
    ///
    /// Returns `Ok(false)` when the event changes nothing (an identical repeated profile,
    /// proposal or response: idempotent).
    pub fn apply(&mut self, event: &Event) -> Result<bool, Reject> {
        match event {
            Event::Profile { party, profile } => {
                self.check_party(*party)?;
                if self.status != Status::WaitingProfiles {
                    return Err(Reject::Conflict(
                        "the mediation has started: profiles are fixed".into(),
                    ));
                }
                let file = format!("profile of {}", self.party_name(*party));
                let compiled = profile::compile(&file, profile, &self.neg.issues, *party)
                    .map_err(Reject::Invalid)?;
                if self.profiles[*party]
                    .as_ref()
                    .is_some_and(|(p, _)| p == profile)
                {
                    return Ok(false);
                }
                self.profiles[*party] = Some((profile.clone(), compiled));
                Ok(true)
            }
            Event::Start => {
                if self.status != Status::WaitingProfiles {
                    return Err(Reject::Conflict("the mediation has already started".into()));
                }
                let missing: Vec<&str> = (0..self.profiles.len())
                    .filter(|&k| self.profiles[k].is_none())
                    .map(|k| self.party_name(k))
                    .collect();
                if !missing.is_empty() {
                    return Err(Reject::Conflict(format!(
                        "waiting for the profile of {}",
                        missing.join(", ")
                    )));
                }
                self.start();
                Ok(true)
            }
            Event::Propose {
                party,
                round,
                package,
            } => {
                self.check_party(*party)?;
                if self.setup.protocol != Protocol::BlindBidding {
                    return Err(Reject::Conflict(
                        "proposals belong to blind bidding; this mediation uses a single text"
                            .into(),
                    ));
                }
                self.check_round(*round, &[Phase::Proposals], "proposal")?;
                let outcome = self.read_package(package).map_err(Reject::Invalid)?;
                match &self.proposals[*party] {
                    Some(o) if *o == outcome => return Ok(false),
                    Some(_) => {
                        return Err(Reject::Conflict(format!(
                            "{} has already posted a different proposal for round {round}",
                            self.party_name(*party)
                        )))
                    }
                    None => {}
                }
                self.proposals[*party] = Some(outcome.clone());
                self.own[*party].push((*round, Phase::Proposals, Answer::Package(outcome)));
                if self.proposals.iter().all(Option::is_some) {
                    self.suggest();
                }
                Ok(true)
            }
            Event::Respond {
                party,
                round,
                accept,
            } => {
                self.check_party(*party)?;
                self.check_round(
                    *round,
                    &[Phase::Responses, Phase::Ratify, Phase::PostSettlement],
                    "response",
                )?;
                let answer = self.read_answer(accept).map_err(Reject::Invalid)?;
                match &self.answers[*party] {
                    Some(a) if *a == answer => return Ok(false),
                    Some(_) => {
                        return Err(Reject::Conflict(format!(
                            "{} has already answered round {round} differently",
                            self.party_name(*party)
                        )))
                    }
                    None => {}
                }
                self.answers[*party] = Some(answer.clone());
                self.own[*party].push((*round, self.phase, answer));
                if self.answers.iter().all(Option::is_some) {
                    self.close_round();
                }
                Ok(true)
            }
        }
    }

    /// Outcome indices of a package: every issue named once, every option known.
    fn read_package(&self, package: &Package) -> Result<Vec<u32>, DomainErrors> {
        let mut errors = Vec::new();
        let names: Vec<&str> = self.neg.issues.iter().map(|i| i.name.as_str()).collect();
        for key in package.keys() {
            if !names.contains(&key.as_str()) {
                errors.push(error(
                    "proposal",
                    &format!("package.{key}"),
                    format!(
                        "{key:?} is not an issue{}",
                        astana_negotiation::native::did_you_mean(key, &names)
                    ),
                ));
            }
        }
        let mut outcome = Vec::with_capacity(names.len());
        for issue in &self.neg.issues {
            match package.get(&issue.name) {
                None => errors.push(error(
                    "proposal",
                    "package",
                    format!("no option for issue {:?}", issue.name),
                )),
                Some(label) => match issue.values.iter().position(|v| v == label) {
                    Some(v) => outcome.push(v as u32),
                    None => {
                        let known: Vec<&str> = issue.values.iter().map(String::as_str).collect();
                        errors.push(error(
                            "proposal",
                            &format!("package.{}", issue.name),
                            format!(
                                "{label:?} is not an option of {:?}{}",
                                issue.name,
                                astana_negotiation::native::did_you_mean(label, &known)
                            ),
                        ));
                    }
                },
            }
        }
        if errors.is_empty() {
            Ok(outcome)
        } else {
            Err(DomainErrors(errors))
        }
    }

    fn read_answer(&self, accept: &Accept) -> Result<Answer, DomainErrors> {
        let bidding =
            self.phase == Phase::Responses && self.setup.protocol == Protocol::BlindBidding;
        match (accept, bidding) {
            (Accept::Text(b), false) => Ok(Answer::Yes(*b)),
            (Accept::Suggestions(ids), true) => {
                let mut errors = Vec::new();
                let mut set = BTreeSet::new();
                let known: Vec<String> = self.suggestions.iter().map(|(i, _)| format!("S{i}")).collect();
                for id in ids {
                    let num = id
                        .strip_prefix('S')
                        .and_then(|s| s.parse::<u32>().ok())
                        .filter(|x| self.suggestions.iter().any(|(i, _)| i == x));
                    match num {
                        Some(x) => {
                            set.insert(x);
                        }
                        None => errors.push(error(
                            "response",
                            "accept",
                            format!(
                                "{id:?} is not a suggestion of this round; they are {}",
                                if known.is_empty() { "none".to_string() } else { known.join(", ") }
                            ),
                        )),
                    }
                }
                if errors.is_empty() {
                    Ok(Answer::Ids(set))
                } else {
                    Err(DomainErrors(errors))
                }
            }
            (Accept::Text(_), true) => Err(DomainErrors(vec![error(
                "response",
                "accept",
                "blind bidding's responses list the suggestions accepted, e.g. [\"S3\"] (or [] for none)".into(),
            )])),
            (Accept::Suggestions(_), false) => Err(DomainErrors(vec![error(
                "response",
                "accept",
                "this round asks for true or false, not a list of suggestions".into(),
            )])),
        }
    }

    fn reservations(&self) -> Vec<f64> {
        self.neg.parties.iter().map(|p| p.reservation).collect()
    }

    /// Opens a step that collects one answer per party.
    fn ask(&mut self, phase: Phase, new_round: bool) {
        if new_round {
            self.round += 1;
        }
        self.phase = phase;
        self.answers = vec![None; self.setup.parties.len()];
    }

    fn start(&mut self) {
        self.neg.parties = self
            .profiles
            .iter()
            .map(|p| {
                p.as_ref()
                    .map(|(_, c)| c.clone())
                    .unwrap_or_else(unreachable_profile)
            })
            .collect();
        self.status = Status::Running;
        match self.setup.protocol {
            Protocol::SingleText => {
                self.text = Some(protocol::first_text(&self.neg, self.setup.seed));
                self.next_revision();
            }
            Protocol::BlindBidding => self.ask(Phase::Proposals, true),
        }
    }

    /// Single text: the next revision round, or ratification at the deadline or when no
    /// revision not yet rejected gains.
    fn next_revision(&mut self) {
        let Some(text) = self.text.clone() else {
            return;
        };
        self.revision = None;
        if self.step < self.setup.rounds {
            self.step += 1;
            let slack = protocol::step_tolerance(TOLERANCE, self.step, self.setup.rounds);
            let rejected = &self.rejected;
            let allowed = |c: &[u32]| !rejected.contains(c);
            if let Some((cand, _, changed)) =
                protocol::best_revision(&self.neg, &text, slack, &allowed)
            {
                self.revision = Some((cand, changed));
                self.ask(Phase::Responses, true);
                return;
            }
        }
        self.ask(Phase::Ratify, true);
    }

    fn all_yes(&self) -> bool {
        self.answers
            .iter()
            .all(|a| matches!(a, Some(Answer::Yes(true))))
    }

    /// Every party has answered the current step.
    fn close_round(&mut self) {
        let round = self.round;
        match (self.phase, self.setup.protocol) {
            (Phase::Responses, Protocol::SingleText) => {
                let Some((cand, _)) = self.revision.clone() else {
                    return;
                };
                let adopted = self.all_yes();
                self.history.push(HistoryEntry {
                    round,
                    phase: Phase::Responses,
                    text: self.text.as_ref().map(|t| self.package(t)),
                    revision: Some(self.package(&cand)),
                    adopted: Some(adopted),
                    ..HistoryEntry::default()
                });
                if adopted {
                    self.text = Some(cand);
                } else {
                    self.rejected.insert(cand);
                }
                self.next_revision();
            }
            (Phase::Responses, Protocol::BlindBidding) => {
                let mut common: Option<BTreeSet<u32>> = None;
                for a in self.answers.iter().flatten() {
                    if let Answer::Ids(ids) = a {
                        common = Some(match common {
                            None => ids.clone(),
                            Some(c) => c.intersection(ids).copied().collect(),
                        });
                    }
                }
                let r = self.reservations();
                // Highest Nash product; ties to the lowest id (suggestions are in id order).
                let mut best: Option<(f64, Vec<u32>)> = None;
                for (id, o) in &self.suggestions {
                    if common.as_ref().is_some_and(|c| c.contains(id)) {
                        let p = nash_product(&self.neg.utilities(o), &r);
                        if best.as_ref().is_none_or(|b| p > b.0) {
                            best = Some((p, o.clone()));
                        }
                    }
                }
                self.history.push(HistoryEntry {
                    round,
                    phase: Phase::Responses,
                    proposals: Some(self.proposal_packages()),
                    suggestions: Some(self.suggestion_views()),
                    agreement: Some(best.is_some()),
                    ..HistoryEntry::default()
                });
                self.suggestions.clear();
                self.proposals = vec![None; self.setup.parties.len()];
                match best {
                    Some((_, o)) => self.agree(o),
                    None if self.round < self.setup.rounds => self.ask(Phase::Proposals, true),
                    None => self.finish(Status::NoAgreement),
                }
            }
            (Phase::Ratify, _) => {
                let agreed = self.all_yes();
                self.history.push(HistoryEntry {
                    round,
                    phase: Phase::Ratify,
                    text: self.text.as_ref().map(|t| self.package(t)),
                    agreement: Some(agreed),
                    ..HistoryEntry::default()
                });
                match (agreed, self.text.clone()) {
                    (true, Some(t)) => self.agree(t),
                    _ => self.finish(Status::NoAgreement),
                }
            }
            (Phase::PostSettlement, _) => {
                let adopted = self.all_yes();
                let Some(offer) = self.improvement.take() else {
                    return;
                };
                self.history.push(HistoryEntry {
                    round,
                    phase: Phase::PostSettlement,
                    revision: Some(self.package(&offer)),
                    adopted: Some(adopted),
                    ..HistoryEntry::default()
                });
                if adopted {
                    self.agreement = Some(offer);
                    self.improvements += 1;
                    self.post_settle();
                } else {
                    self.finish(Status::Agreed);
                }
            }
            _ => {}
        }
    }

    fn finish(&mut self, status: Status) {
        self.status = status;
        self.phase = Phase::Done;
        self.revision = None;
        self.answers = vec![None; self.setup.parties.len()];
    }

    fn agree(&mut self, outcome: Vec<u32>) {
        self.status = Status::Agreed;
        self.revision = None;
        self.agreement = Some(outcome);
        self.post_settle();
    }

    /// Offers the package every party strictly prefers to the agreement with the highest
    /// Nash product ([`search::strict_improvement`], a scan of every outcome: the
    /// agreement may lie below someone's reservation value, where the rational frontier
    /// does not help), if any; at most `rounds` improvements.
    fn post_settle(&mut self) {
        if !self.setup.post_settlement || self.improvements >= self.setup.rounds {
            return self.finish(Status::Agreed);
        }
        let Some(a) = self.agreement.clone() else {
            return self.finish(Status::Agreed);
        };
        match search::strict_improvement(&self.neg, &a) {
            Some(o) => {
                self.improvement = Some(o);
                self.ask(Phase::PostSettlement, true);
            }
            None => self.finish(Status::Agreed),
        }
    }

    fn proposal_packages(&self) -> BTreeMap<String, Package> {
        self.proposals
            .iter()
            .enumerate()
            .filter_map(|(k, p)| {
                p.as_ref()
                    .map(|o| (self.setup.parties[k].clone(), self.package(o)))
            })
            .collect()
    }

    fn suggestion_views(&self) -> Vec<Suggestion> {
        self.suggestions
            .iter()
            .map(|(id, o)| Suggestion {
                id: format!("S{id}"),
                package: self.package(o),
            })
            .collect()
    }

    /// Blind bidding: the round's suggestions, once every proposal is in. The region
    /// between the proposals (every party gets at least the least any proposal gives it,
    /// and its reservation value) or, when that is empty, every rational outcome; in it,
    /// the Nash point and the weighted Nash points leaning towards each party (weight 3 on
    /// it, 1 on the others): all Pareto-efficient, found in one pass over the outcomes
    /// (bounded, unlike the frontier). At most [`MAX_SUGGESTIONS`], spread (see `spread`).
    fn suggest(&mut self) {
        let n = self.setup.parties.len();
        let r = self.reservations();
        let props: Vec<Vec<f64>> = self
            .proposals
            .iter()
            .flatten()
            .map(|o| self.neg.utilities(o))
            .collect();
        let between: Vec<f64> = (0..n)
            .map(|i| {
                let least = props.iter().map(|u| u[i]).fold(f64::INFINITY, f64::min);
                least.max(r[i])
            })
            .collect();
        let mut weights = vec![vec![1.0; n]];
        for i in 0..n {
            let mut w = vec![1.0; n];
            w[i] = 3.0;
            weights.push(w);
        }
        let mut points = search::weighted_nash(&self.neg, &between, &weights);
        if points.iter().all(Option::is_none) {
            points = search::weighted_nash(&self.neg, &r, &weights);
        }
        let mut unique: Vec<Point> = Vec::new();
        for p in points.into_iter().flatten() {
            if !unique.iter().any(|q| q.outcome == p.outcome) {
                unique.push(p);
            }
        }
        self.suggestions = spread(&unique)
            .into_iter()
            .map(|o| {
                let id = self.next_id;
                self.next_id += 1;
                (id, o)
            })
            .collect();
        self.ask(Phase::Responses, false);
    }

    /// What `who` may see, and nothing else. A party index that does not exist sees the
    /// public (mediator's) view.
    pub fn view(&self, who: Caller) -> View {
        let public = self.public();
        match who {
            Caller::Party(k) if k < self.setup.parties.len() => {
                View::Party(self.party_view(public, k))
            }
            _ => View::Mediator(MediatorView { public }),
        }
    }

    fn public(&self) -> Public {
        let bidding = self.setup.protocol == Protocol::BlindBidding;
        let open = matches!(
            self.phase,
            Phase::Responses | Phase::Ratify | Phase::PostSettlement
        );
        Public {
            name: self.neg.name.clone(),
            protocol: self.setup.protocol,
            status: self.status,
            phase: self.phase,
            round: self.round,
            rounds: self.setup.rounds,
            issues: self
                .neg
                .issues
                .iter()
                .map(|i| IssueView {
                    name: i.name.clone(),
                    options: i.values.clone(),
                })
                .collect(),
            parties: self
                .setup
                .parties
                .iter()
                .enumerate()
                .map(|(k, p)| PartyStatus {
                    party: p.clone(),
                    profile_in: self.profiles[k].is_some(),
                    responded: match self.phase {
                        Phase::Proposals => self.proposals[k].is_some(),
                        _ if open => self.answers[k].is_some(),
                        _ => false,
                    },
                })
                .collect(),
            text: self.text.as_ref().map(|t| self.package(t)),
            revision: self.revision.as_ref().map(|(o, changed)| RevisionView {
                package: self.package(o),
                changed: changed
                    .iter()
                    .map(|&j| self.neg.issues[j].name.clone())
                    .collect(),
            }),
            // Sealed until every party has posted (no last-mover advantage).
            proposals: if bidding && self.phase == Phase::Responses {
                self.proposal_packages()
            } else {
                BTreeMap::new()
            },
            suggestions: self.suggestion_views(),
            history: self.history.clone(),
            agreement: self.outcome(),
            improvement: self.improvement.as_ref().map(|o| self.package(o)),
        }
    }

    fn party_view(&self, public: Public, k: usize) -> PartyView {
        let own = self.profiles[k].as_ref();
        let u = |o: &[u32]| own.map(|(_, p)| p.utility(o));
        let utilities = Utilities {
            reservation: own.map(|(p, _)| p.reservation),
            text: self.text.as_deref().and_then(u),
            revision: self.revision.as_ref().and_then(|(o, _)| u(o)),
            proposals: if public.proposals.is_empty() {
                BTreeMap::new()
            } else {
                self.proposals
                    .iter()
                    .enumerate()
                    .filter_map(|(j, o)| Some((self.setup.parties[j].clone(), u(o.as_deref()?)?)))
                    .collect()
            },
            suggestions: self
                .suggestions
                .iter()
                .filter_map(|(id, o)| Some((format!("S{id}"), u(o)?)))
                .collect(),
            agreement: self.agreement.as_deref().and_then(u),
            improvement: self.improvement.as_deref().and_then(u),
        };
        let responses = self.own[k]
            .iter()
            .map(|(round, phase, a)| OwnResponse {
                round: *round,
                phase: *phase,
                accept: match a {
                    Answer::Yes(b) => Some(Accept::Text(*b)),
                    Answer::Ids(ids) => Some(Accept::Suggestions(
                        ids.iter().map(|i| format!("S{i}")).collect(),
                    )),
                    Answer::Package(_) => None,
                },
                package: match a {
                    Answer::Package(o) => Some(self.package(o)),
                    _ => None,
                },
            })
            .collect();
        let tolerance = (self.setup.protocol == Protocol::SingleText
            && self.phase == Phase::Responses)
            .then(|| protocol::step_tolerance(TOLERANCE, self.step, self.setup.rounds));
        PartyView {
            public,
            you: self.setup.parties[k].clone(),
            profile: own.map(|(p, _)| p.clone()),
            tolerance,
            responses,
            utilities,
        }
    }
}

/// Never reached: `start` runs only when every profile is in.
fn unreachable_profile() -> Profile {
    Profile {
        name: String::new(),
        terms: Vec::new(),
        weights: Vec::new(),
        reservation: 0.0,
        discount: 1.0,
    }
}

fn distance(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f64>()
        .sqrt()
}

/// Up to [`MAX_SUGGESTIONS`] points spread along the frontier: the first (the Nash
/// point), then each time the point farthest (in utility) from those already chosen; ties
/// to the earlier point. Returned in the order chosen.
fn spread(points: &[Point]) -> Vec<Vec<u32>> {
    let Some(first) = points.first() else {
        return Vec::new();
    };
    let mut chosen: Vec<usize> = vec![0];
    let mut nearest: Vec<f64> = points
        .iter()
        .map(|p| distance(&p.utilities, &first.utilities))
        .collect();
    while chosen.len() < MAX_SUGGESTIONS.min(points.len()) {
        let mut far: Option<(f64, usize)> = None;
        for (k, &d) in nearest.iter().enumerate() {
            if !chosen.contains(&k) && far.is_none_or(|f| d > f.0) {
                far = Some((d, k));
            }
        }
        let Some((_, k)) = far else { break };
        chosen.push(k);
        for (j, p) in points.iter().enumerate() {
            nearest[j] = nearest[j].min(distance(&p.utilities, &points[k].utilities));
        }
    }
    chosen
        .into_iter()
        .map(|k| points[k].outcome.clone())
        .collect()
}
