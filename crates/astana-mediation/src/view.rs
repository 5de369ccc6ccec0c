//! What each caller may see. JSON field names are part of the server's API.
//!
//! [`Public`] (and so [`MediatorView`]) holds only names, labels, counts and flags: no
//! field can hold a utility, a profile value or an acceptance. A [`PartyView`] adds the
//! party's own profile, answers and utilities, and nothing of anyone else's.

use crate::{Accept, Package, Phase, ProfileInput, Protocol, Status};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An issue and its option labels, in domain order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IssueView {
    /// Issue name.
    pub name: String,
    /// Option labels.
    pub options: Vec<String>,
}

/// A party as everyone sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartyStatus {
    /// Party id.
    pub party: String,
    /// Whether its profile is in (never its values).
    pub profile_in: bool,
    /// Whether it has answered (or posted its proposal in) the current step; never how.
    pub responded: bool,
}

/// Single text: this round's proposed revision.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RevisionView {
    /// The text as revised.
    pub package: Package,
    /// The issues the revision changes.
    pub changed: Vec<String>,
}

/// Blind bidding: a system suggestion.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    /// `S1`, `S2`, … unique over the whole mediation.
    pub id: String,
    /// The package.
    pub package: Package,
}

/// One closed step, as everyone sees it: what was on the table and whether it was adopted
/// or agreed, never who accepted.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// The step's round.
    pub round: u32,
    /// The step's phase.
    pub phase: Phase,
    /// Single text: the text the step started from (or ratified).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<Package>,
    /// Single text: the revision proposed; post-settlement: the improvement offered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<Package>,
    /// Whether the revision or improvement was adopted (every party accepted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adopted: Option<bool>,
    /// Blind bidding: the round's proposals, party → package.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposals: Option<BTreeMap<String, Package>>,
    /// Blind bidding: the round's suggestions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggestions: Option<Vec<Suggestion>>,
    /// Whether the step ended in an agreement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<bool>,
}

/// What everyone in the mediation sees.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Public {
    /// Domain name.
    pub name: String,
    /// The protocol.
    pub protocol: Protocol,
    /// Where the mediation stands.
    pub status: Status,
    /// What the current step asks for.
    pub phase: Phase,
    /// The current round (see [`crate::Mediation::round`]).
    pub round: u32,
    /// The deadline in revision or bidding rounds.
    pub rounds: u32,
    /// The issues.
    pub issues: Vec<IssueView>,
    /// The parties and their progress.
    pub parties: Vec<PartyStatus>,
    /// Single text: the current text.
    pub text: Option<Package>,
    /// Single text: the revision proposed this round.
    pub revision: Option<RevisionView>,
    /// Blind bidding: this round's proposals, party → package, shown once all are in.
    pub proposals: BTreeMap<String, Package>,
    /// Blind bidding: this round's suggestions.
    pub suggestions: Vec<Suggestion>,
    /// Closed steps.
    pub history: Vec<HistoryEntry>,
    /// The agreement, if any.
    pub agreement: Option<Package>,
    /// The post-settlement improvement on offer, if any.
    pub improvement: Option<Package>,
}

/// The mediator's view: the public state only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MediatorView {
    /// The public state.
    #[serde(flatten)]
    pub public: Public,
}

/// A party's own utilities of what is on the table (its private data).
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Utilities {
    /// Of the current text.
    pub text: Option<f64>,
    /// Of this round's revision.
    pub revision: Option<f64>,
    /// Of each visible proposal, party → utility.
    pub proposals: BTreeMap<String, f64>,
    /// Of each suggestion, id → utility.
    pub suggestions: BTreeMap<String, f64>,
    /// Of the agreement.
    pub agreement: Option<f64>,
    /// Of the improvement on offer.
    pub improvement: Option<f64>,
    /// Its reservation value.
    pub reservation: Option<f64>,
}

/// One of the party's own answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OwnResponse {
    /// Round.
    pub round: u32,
    /// Phase answered.
    pub phase: Phase,
    /// The answer (responses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept: Option<Accept>,
    /// The proposal (blind bidding's proposals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<Package>,
}

/// A party's view: the public state and its own private data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartyView {
    /// The public state.
    #[serde(flatten)]
    pub public: Public,
    /// The party's id.
    pub you: String,
    /// Its own profile, once submitted.
    pub profile: Option<ProfileInput>,
    /// Single text, during a revision round: the tolerance the engine's model of a party
    /// grants this round (a public parameter of the protocol, see
    /// [`astana_negotiation::protocol::step_tolerance`]).
    pub tolerance: Option<f64>,
    /// Its own answers, in order.
    pub responses: Vec<OwnResponse>,
    /// Its own utilities.
    pub utilities: Utilities,
}

/// What a caller sees.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
// Built per request and serialised at once; boxing the larger variant buys nothing.
#[allow(clippy::large_enum_variant)]
pub enum View {
    /// The mediator (or any caller without a party).
    Mediator(MediatorView),
    /// A party.
    Party(PartyView),
}
