//! A truthful, deterministic bot for tests, the server's tests and the load generator.
//! Given a party's own view it returns the next request to send, or `None`.
//!
//! The rule (everything it uses is in its own view: its profile, its utilities, the
//! round and the deadline):
//! - **Proposals** (blind bidding): the package it likes best among those it has not
//!   proposed yet (ties: first in row-major order), so it concedes one package per round.
//! - **Suggestions** (blind bidding): accepts each suggestion whose utility is at least its
//!   reservation value and its aspiration `m + (best − m)·(1 − round/rounds)`, where `m` is
//!   its reservation value and `best` its best utility: at the deadline it accepts every
//!   rational suggestion.
//! - **Revision** (single text): accepts iff the engine's model of a party does
//!   ([`astana_negotiation::protocol::tolerates`] with the round's `tolerance`): the
//!   revision costs it at most the tolerance, and does not take it below its reservation
//!   value when the text is above it.
//! - **Ratification**: accepts iff the text is at least its reservation value.
//! - **Improvement**: accepts iff it is not worse than the agreement nor below its
//!   reservation value.

use crate::{Accept, Event, Package, PartyView, Phase, Protocol, Status};
use astana_negotiation::domain::normalise;
use serde::Serialize;

/// The next request a bot sends.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum BotAction {
    /// `POST …/proposals` with this body.
    Propose {
        /// The current round.
        round: u32,
        /// The proposal.
        package: Package,
    },
    /// `POST …/responses` with this body.
    Respond {
        /// The current round.
        round: u32,
        /// The answer.
        accept: Accept,
    },
}

impl BotAction {
    /// The path segment the request goes to: `proposals` or `responses`.
    pub fn endpoint(&self) -> &'static str {
        match self {
            BotAction::Propose { .. } => "proposals",
            BotAction::Respond { .. } => "responses",
        }
    }

    /// The JSON body of the request.
    pub fn body(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// The engine event for party index `party`.
    pub fn event(self, party: usize) -> Event {
        match self {
            BotAction::Propose { round, package } => Event::Propose {
                party,
                round,
                package,
            },
            BotAction::Respond { round, accept } => Event::Respond {
                party,
                round,
                accept,
            },
        }
    }
}

/// The next action, from the party's view as JSON (what `GET /api/mediations/{id}`
/// returns to a party); `None` when there is nothing to do or the JSON is not a party view.
pub fn act(view: &serde_json::Value) -> Option<BotAction> {
    let view: PartyView = serde_json::from_value(view.clone()).ok()?;
    act_view(&view)
}

/// The next action, from the typed party view.
pub fn act_view(view: &PartyView) -> Option<BotAction> {
    let p = &view.public;
    if !matches!(p.status, Status::Running | Status::Agreed) {
        return None;
    }
    let me = p.parties.iter().find(|s| s.party == view.you)?;
    if me.responded {
        return None;
    }
    let u = &view.utilities;
    let r = u.reservation?;
    let round = p.round;
    let accept = match p.phase {
        Phase::Proposals => {
            return Some(BotAction::Propose {
                round,
                package: best_unproposed(view)?,
            })
        }
        Phase::Responses if p.protocol == Protocol::BlindBidding => {
            let best = best_utility(view)?;
            let m = r.min(best);
            let t = f64::from(round) / f64::from(p.rounds.max(1));
            let aspiration = m + (best - m) * (1.0 - t.min(1.0));
            Accept::Suggestions(
                p.suggestions
                    .iter()
                    .filter(|s| {
                        u.suggestions
                            .get(&s.id)
                            .is_some_and(|&x| x >= r && x >= aspiration)
                    })
                    .map(|s| s.id.clone())
                    .collect(),
            )
        }
        Phase::Responses => {
            let (old, new) = (u.text?, u.revision?);
            Accept::Text(astana_negotiation::protocol::tolerates(
                old,
                new,
                r,
                view.tolerance.unwrap_or(0.0),
            ))
        }
        Phase::Ratify => Accept::Text(u.text? >= r),
        Phase::PostSettlement => {
            let (a, i) = (u.agreement?, u.improvement?);
            Accept::Text(i >= a && i >= r)
        }
        Phase::Profiles | Phase::Done => return None,
    };
    Some(BotAction::Respond { round, accept })
}

/// Own normalised, weighted terms per issue, in the view's issue order.
fn terms(view: &PartyView) -> Option<Vec<Vec<f64>>> {
    let profile = view.profile.as_ref()?;
    view.public
        .issues
        .iter()
        .map(|i| {
            let w = *profile.weights.get(&i.name)?;
            let e = profile.evaluations.get(&i.name)?;
            Some(normalise(e).into_iter().map(|x| w * x).collect())
        })
        .collect()
}

fn best_utility(view: &PartyView) -> Option<f64> {
    let t = terms(view)?;
    let s: f64 = t
        .iter()
        .map(|v| v.iter().copied().fold(0.0, f64::max))
        .sum();
    Some(s.min(1.0))
}

/// The best package not yet proposed (ties: first in row-major order), by walking every
/// outcome (a live domain has at most [`crate::MAX_OUTCOMES`]).
fn best_unproposed(view: &PartyView) -> Option<Package> {
    let t = terms(view)?;
    let issues = &view.public.issues;
    if issues.iter().any(|i| i.options.is_empty()) {
        return None;
    }
    let proposed: Vec<Vec<usize>> = view
        .responses
        .iter()
        .filter_map(|r| r.package.as_ref())
        .map(|p| {
            issues
                .iter()
                .map(|i| {
                    p.get(&i.name)
                        .and_then(|l| i.options.iter().position(|o| o == l))
                        .unwrap_or(usize::MAX)
                })
                .collect()
        })
        .collect();
    let mut outcome = vec![0usize; issues.len()];
    let mut best: Option<(f64, Vec<usize>)> = None;
    loop {
        if !proposed.contains(&outcome) {
            let u: f64 = t
                .iter()
                .zip(&outcome)
                .map(|(v, &k)| v[k])
                .sum::<f64>()
                .min(1.0);
            if best.as_ref().is_none_or(|b| u > b.0) {
                best = Some((u, outcome.clone()));
            }
        }
        // Odometer, last issue fastest.
        let mut j = issues.len();
        loop {
            if j == 0 {
                let (_, o) = best?;
                return Some(
                    issues
                        .iter()
                        .zip(o)
                        .map(|(i, k)| (i.name.clone(), i.options[k].clone()))
                        .collect(),
                );
            }
            j -= 1;
            outcome[j] += 1;
            if outcome[j] < issues[j].options.len() {
                break;
            }
            outcome[j] = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Caller, Mediation, ProfileInput, Setup};
    use std::collections::BTreeMap;

    fn mediation() -> Mediation {
        let mut m = Mediation::new(Setup {
            domain_toml: "[[issue]]\nname = \"x\"\nvalues = [\"a\", \"b\", \"c\"]\n".into(),
            parties: vec!["p".into(), "q".into()],
            protocol: Protocol::BlindBidding,
            rounds: 2,
            seed: 0,
            post_settlement: true,
        })
        .expect("setup");
        for (party, e) in [[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]].into_iter().enumerate() {
            let profile = ProfileInput {
                reservation: 0.2,
                weights: BTreeMap::from([("x".into(), 1.0)]),
                evaluations: BTreeMap::from([("x".into(), e.to_vec())]),
                discount: None,
            };
            m.apply(&Event::Profile { party, profile })
                .expect("profile");
        }
        m.apply(&Event::Start).expect("start");
        m
    }

    /// The server adds `id` to a view: the bot still reads it. It proposes its best, then
    /// its next best; it has nothing to do on the mediator's view.
    #[test]
    fn acts_on_the_server_json() {
        let mut m = mediation();
        let mut v = serde_json::to_value(m.view(Caller::Party(0))).expect("json");
        v["id"] = "m1".into();
        let a = act(&v).expect("an action");
        assert_eq!(a.endpoint(), "proposals");
        assert_eq!(
            a.body(),
            serde_json::json!({"round": 1, "package": {"x": "c"}})
        );
        let mediator = serde_json::to_value(m.view(Caller::Mediator)).expect("json");
        assert_eq!(act(&mediator), None);
        m.apply(&a.event(0)).expect("applies");
        assert_eq!(
            act(&serde_json::to_value(m.view(Caller::Party(0))).expect("json")),
            None
        );
    }
}
