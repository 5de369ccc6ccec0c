//! Two protocols: stacked alternating offers between agents with simple, published
//! strategies, and a mediator's single negotiating text for any number of parties.

use crate::analysis::Point;
use crate::domain::Negotiation;
use std::str::FromStr;

/// An agent's strategy in alternating offers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Strategy {
    /// Time-dependent aspiration a(t) = 1 − t^e: Boulware e = 4, Linear e = 1,
    /// Conceder e = 0.25 (as NegMAS's time-based negotiators).
    TimeBased(f64),
    /// Never concedes: offers its best outcome and accepts only that level.
    Hardliner,
    /// Relative tit-for-tat: concedes, in its own utility, as much as the opponent's offers
    /// have improved for it since the opponent's first offer.
    TitForTat,
}

impl Strategy {
    /// The strategy's name as written on the command line.
    pub fn name(self) -> String {
        match self {
            Strategy::TimeBased(4.0) => "boulware".into(),
            Strategy::TimeBased(1.0) => "linear".into(),
            Strategy::TimeBased(0.25) => "conceder".into(),
            Strategy::TimeBased(e) => format!("time:{e}"),
            Strategy::Hardliner => "hardliner".into(),
            Strategy::TitForTat => "tit-for-tat".into(),
        }
    }
}

impl FromStr for Strategy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        Ok(match s.as_str() {
            "boulware" => Strategy::TimeBased(4.0),
            "linear" => Strategy::TimeBased(1.0),
            "conceder" => Strategy::TimeBased(0.25),
            "hardliner" | "hardheaded" => Strategy::Hardliner,
            "tit-for-tat" | "titfortat" | "tft" => Strategy::TitForTat,
            other => match other.strip_prefix("time:").map(str::parse::<f64>) {
                Some(Ok(e)) if e > 0.0 && e.is_finite() => Strategy::TimeBased(e),
                _ => {
                    return Err(format!(
                        "unknown agent {other:?}: use boulware, linear, conceder, hardliner, tit-for-tat or time:E (aspiration 1 − t^E)"
                    ))
                }
            },
        })
    }
}

/// One offer in a session's transcript.
#[derive(Clone, Debug, PartialEq)]
pub struct Offer {
    /// 0-based round.
    pub round: u32,
    /// The proposing party.
    pub proposer: usize,
    /// The outcome offered.
    pub outcome: Vec<u32>,
}

/// The result of an alternating-offers session.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    /// The agreed outcome and its utilities, if any.
    pub agreement: Option<Point>,
    /// Round of the agreement (0-based), or the last round played.
    pub round: u32,
    /// Number of offers made.
    pub offers: usize,
    /// Every offer, in order.
    pub trace: Vec<Offer>,
}

/// One party's outcomes by utility, for the queries an agent makes: the first outcome at
/// or above a level, and the highest just below it. Outcomes are put in buckets of equal
/// width by a counting pass and a bucket is sorted (by utility, then row-major index) only
/// when a query reaches it: a session touches a few buckets, not the whole space.
struct Ladder {
    /// Utility by outcome index.
    by_index: Vec<f64>,
    /// (utility, outcome index), grouped by bucket.
    items: Vec<(f64, u64)>,
    /// Bucket b holds items[starts[b]..starts[b + 1]].
    starts: Vec<usize>,
    sorted: Vec<bool>,
    best: f64,
    floor: f64,
}

impl Ladder {
    fn new(by_index: Vec<f64>, reservation: f64) -> Ladder {
        let buckets = (by_index.len() / 4).clamp(1, 1 << 20);
        let bucket = |u: f64| ((u.max(0.0) * buckets as f64) as usize).min(buckets - 1);
        let mut starts = vec![0usize; buckets + 1];
        for &u in &by_index {
            starts[bucket(u) + 1] += 1;
        }
        for b in 0..buckets {
            starts[b + 1] += starts[b];
        }
        let mut fill = starts.clone();
        let mut items = vec![(0.0, 0u64); by_index.len()];
        for (i, &u) in by_index.iter().enumerate() {
            let b = bucket(u);
            items[fill[b]] = (u, i as u64);
            fill[b] += 1;
        }
        let best = by_index.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let worst = by_index.iter().copied().fold(f64::INFINITY, f64::min);
        Ladder {
            by_index,
            items,
            starts,
            sorted: vec![false; buckets],
            best: if best.is_finite() { best } else { 0.0 },
            floor: if worst.is_finite() {
                worst.max(reservation)
            } else {
                reservation
            },
        }
    }

    fn bucket(&self, u: f64) -> usize {
        let n = self.sorted.len();
        ((u.max(0.0) * n as f64) as usize).min(n - 1)
    }

    /// Bucket b, sorted.
    fn slice(&mut self, b: usize) -> &[(f64, u64)] {
        let (from, to) = (self.starts[b], self.starts[b + 1]);
        if !self.sorted[b] {
            self.items[from..to].sort_unstable_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
            self.sorted[b] = true;
        }
        &self.items[from..to]
    }

    /// The first outcome (lowest utility, then lowest index) with utility ≥ `level`.
    fn first_at_or_above(&mut self, level: f64) -> Option<(f64, u64)> {
        for b in self.bucket(level)..self.sorted.len() {
            let s = self.slice(b);
            let k = s.partition_point(|x| x.0 < level);
            if let Some(&x) = s.get(k) {
                return Some(x);
            }
        }
        None
    }

    /// The highest utility in [from, below), with its first outcome.
    fn highest_in(&mut self, from: f64, below: f64) -> Option<(f64, u64)> {
        for b in (self.bucket(from)..=self.bucket(below)).rev() {
            let s = self.slice(b);
            let k = s.partition_point(|x| x.0 < below);
            if k > 0 && s[k - 1].0 >= from {
                let u = s[k - 1].0;
                return Some(s[s.partition_point(|x| x.0 < u)]);
            }
        }
        None
    }
}

/// Most (outcome, party) utilities the agents keep: each agent holds every outcome's
/// utility twice (by index and sorted), 24 bytes in all, so about 1 GB.
pub const AGENT_LIMIT: u128 = 40_000_000;

fn ladders(neg: &Negotiation) -> Vec<Ladder> {
    let n = neg.parties.len();
    let total = neg.outcome_count() as usize;
    let mut by_index: Vec<Vec<f64>> = vec![Vec::with_capacity(total); n];
    neg.for_each_outcome(|_, sums| {
        for (v, s) in by_index.iter_mut().zip(sums) {
            v.push(s.min(1.0));
        }
    });
    by_index
        .into_iter()
        .zip(&neg.parties)
        .map(|(u, p)| Ladder::new(u, p.reservation))
        .collect()
}

/// Decodes a row-major outcome index.
fn decode(neg: &Negotiation, mut index: u64) -> Vec<u32> {
    let mut out = vec![0u32; neg.issues.len()];
    for (j, issue) in neg.issues.iter().enumerate().rev() {
        let m = issue.values.len() as u64;
        out[j] = (index % m) as u32;
        index /= m;
    }
    out
}

struct Agent {
    strategy: Strategy,
    ladder: Ladder,
    /// My utility of the opponents' first and best offers (tit-for-tat).
    first_seen: Option<f64>,
    best_seen: f64,
}

impl Agent {
    /// The utility the agent asks for at time t.
    fn threshold(&self, t: f64) -> f64 {
        let (m, top) = (self.ladder.floor, self.ladder.best);
        let aspiration = match self.strategy {
            Strategy::TimeBased(e) => 1.0 - t.powf(e),
            Strategy::Hardliner => 1.0,
            Strategy::TitForTat => {
                let conceded = self
                    .first_seen
                    .map_or(0.0, |f| (self.best_seen - f).max(0.0));
                if top > m {
                    1.0 - (conceded / (top - m)).min(1.0)
                } else {
                    1.0
                }
            }
        };
        m + (top - m) * aspiration - 1e-4
    }

    /// The outcome whose utility is nearest the threshold, from 1e-6 below it upwards
    /// (NegMAS's presorted inverse utility: the first outcome at or above the threshold,
    /// unless one within 1e-6 below is nearer); the best outcome if none.
    fn offer(&mut self, t: f64) -> u64 {
        let th = self.threshold(t);
        let Some((above, pick)) = self.ladder.first_at_or_above(th) else {
            let best = self.ladder.best;
            return self.ladder.first_at_or_above(best).map_or(0, |x| x.1);
        };
        match self.ladder.highest_in(th - 1e-6, th) {
            Some((u, i)) if th - u < above - th => i,
            _ => pick,
        }
    }

    fn accepts(&mut self, offer: u64, t: f64) -> bool {
        let u = self.ladder.by_index[offer as usize];
        if self.first_seen.is_none() {
            self.first_seen = Some(u);
        }
        self.best_seen = self.best_seen.max(u);
        u >= self.threshold(t)
    }
}

/// Stacked alternating offers: in each round every agent in turn responds to the standing
/// offer (accept, or reject and make its own offer); the first agent opens. An offer is
/// agreed when all other agents have accepted it. Time is t = (round + 1)/(rounds + 1).
/// Deterministic.
///
/// # Errors
/// When the outcome space is larger than [`AGENT_LIMIT`] or the agents do not match the
/// parties.
pub fn alternating_offers(
    neg: &Negotiation,
    strategies: &[Strategy],
    rounds: u32,
) -> Result<Session, String> {
    let n = neg.parties.len();
    if strategies.len() != n {
        return Err(format!(
            "{} agents given for {n} parties: name one agent per party, in party order",
            strategies.len()
        ));
    }
    if neg.outcome_count().saturating_mul(n as u128) > AGENT_LIMIT {
        return Err(format!(
            "{} outcomes × {n} parties: the agents keep every outcome's utility for each party, at most {AGENT_LIMIT} in all (a fixed memory limit, about 1 GB)",
            neg.outcome_count()
        ));
    }
    let mut agents: Vec<Agent> = strategies
        .iter()
        .zip(ladders(neg))
        .map(|(&strategy, ladder)| Agent {
            strategy,
            ladder,
            first_seen: None,
            best_seen: f64::NEG_INFINITY,
        })
        .collect();
    let mut trace = Vec::new();
    // (outcome, proposer, acceptances so far)
    let mut standing: Option<(u64, usize, usize)> = None;
    for round in 0..rounds {
        // In f64: `rounds + 1` overflows u32 at u32::MAX (both exact below 2^53).
        let t = (f64::from(round) + 1.0) / (f64::from(rounds) + 1.0);
        for (k, agent) in agents.iter_mut().enumerate() {
            if let Some((offer, proposer, accepted)) = standing {
                if proposer != k && agent.accepts(offer, t) {
                    if accepted + 1 == n - 1 {
                        let outcome = decode(neg, offer);
                        let utilities = neg.utilities(&outcome);
                        return Ok(Session {
                            agreement: Some(Point { outcome, utilities }),
                            round,
                            offers: trace.len(),
                            trace,
                        });
                    }
                    standing = Some((offer, proposer, accepted + 1));
                    continue;
                }
            }
            let offer = agent.offer(t);
            trace.push(Offer {
                round,
                proposer: k,
                outcome: decode(neg, offer),
            });
            standing = Some((offer, k, 0));
        }
    }
    Ok(Session {
        agreement: None,
        round: rounds.saturating_sub(1),
        offers: trace.len(),
        trace,
    })
}

/// One step of a single-text mediation.
#[derive(Clone, Debug, PartialEq)]
pub struct TextStep {
    /// 0-based step.
    pub step: u32,
    /// The text after this step.
    pub text: Point,
    /// Euclidean distance in utility space to the Nash point.
    pub distance_to_nash: f64,
    /// Issues changed in this step (names).
    pub changed: Vec<String>,
}

type Revision = (f64, Vec<u32>, Vec<f64>, Vec<usize>);

/// An upper bound on the utility terms [`single_text`] evaluates: `steps` times every
/// revision of one or two issues, each costing one term per party and issue.
pub fn single_text_cost(neg: &Negotiation, steps: u32) -> f64 {
    let changes: Vec<f64> = neg
        .issues
        .iter()
        .map(|i| i.values.len().saturating_sub(1) as f64)
        .collect();
    let mut revisions = 0.0;
    let mut later: f64 = changes.iter().sum();
    for c in &changes {
        later -= c;
        revisions += c * (1.0 + later);
    }
    f64::from(steps) * revisions * (neg.parties.len() * neg.issues.len()) as f64
}

/// The first text of a single-text mediation, drawn with `seed` (xorshift64*: the same on
/// every platform, so a live mediation and [`single_text`] start from the same text).
pub fn first_text(neg: &Negotiation, seed: u64) -> Vec<u32> {
    let mut state = seed ^ 0x9e37_79b9_7f4a_7c15;
    let mut next = |m: usize| {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % m.max(1)
    };
    neg.issues
        .iter()
        .map(|i| next(i.values.len()) as u32)
        .collect()
}

/// A party's tolerance at 1-based `step` of `steps`: `tolerance` at the first step,
/// shrinking linearly towards zero at the deadline.
pub fn step_tolerance(tolerance: f64, step: u32, steps: u32) -> f64 {
    tolerance * (1.0 - f64::from(step.saturating_sub(1)) / f64::from(steps.max(1)))
}

/// Whether a party with reservation `reservation` accepts moving from utility `old` to
/// `new` under tolerance `slack` (the single-text mediator's model of a party).
pub fn tolerates(old: f64, new: f64, reservation: f64, slack: f64) -> bool {
    !(new < old - slack || (new < reservation && old >= reservation))
}

/// The single-text mediator's criterion: the product of gains over the reservation values,
/// clipped at zero, plus a small welfare term so that texts below some party's reservation
/// value still have a direction to move in.
pub fn text_score(utilities: &[f64], reservations: &[f64]) -> f64 {
    let product: f64 = utilities
        .iter()
        .zip(reservations)
        .map(|(x, ri)| (x - ri).max(0.0))
        .product();
    product + 1e-9 * utilities.iter().sum::<f64>()
}

/// The revision of one or two issues of `text` that raises [`text_score`] most among those
/// every party tolerates (see [`tolerates`]) and `allowed` admits, with its utilities and
/// the indices of the issues changed; `None` when no such revision raises the score.
/// Candidates are visited in a fixed order and only a strictly higher score replaces the
/// best, so ties go to the first.
pub fn best_revision(
    neg: &Negotiation,
    text: &[u32],
    slack: f64,
    allowed: &dyn Fn(&[u32]) -> bool,
) -> Option<(Vec<u32>, Vec<f64>, Vec<usize>)> {
    let r: Vec<f64> = neg.parties.iter().map(|p| p.reservation).collect();
    let u = neg.utilities(text);
    let current = text_score(&u, &r);
    let mut best: Option<Revision> = None;
    let mut consider = |cand: Vec<u32>, changed: Vec<usize>| {
        let cu = neg.utilities(&cand);
        let all = cu
            .iter()
            .zip(&u)
            .zip(&r)
            .all(|((new, old), ri)| tolerates(*old, *new, *ri, slack));
        if !all || !allowed(&cand) {
            return;
        }
        let s = text_score(&cu, &r);
        if s > current && best.as_ref().is_none_or(|b| s > b.0) {
            best = Some((s, cand, cu, changed));
        }
    };
    let k = neg.issues.len();
    for a in 0..k {
        for va in 0..neg.issues[a].values.len() as u32 {
            if va == text[a] {
                continue;
            }
            let mut cand = text.to_vec();
            cand[a] = va;
            consider(cand.clone(), vec![a]);
            for b in a + 1..k {
                for vb in 0..neg.issues[b].values.len() as u32 {
                    if vb == text[b] {
                        continue;
                    }
                    let mut c2 = cand.clone();
                    c2[b] = vb;
                    consider(c2, vec![a, b]);
                }
            }
        }
    }
    best.map(|(_, cand, cu, changed)| (cand, cu, changed))
}

/// A single-text mediation (Raiffa's single negotiating text, with Klein et al.'s
/// conceding parties): the mediator drafts a text and proposes revisions of one or two
/// issues; a party accepts a revision unless it costs it more than its current tolerance,
/// which starts at `tolerance` and shrinks linearly to zero at the deadline (so parties
/// concede a little early on and nothing at the end), or takes it below its reservation
/// value; among the revisions every party accepts, the mediator adopts the one that raises
/// the product of gains over the reservation values most. It stops at the deadline or when
/// no accepted revision raises the product. The first text is drawn with `seed`.
pub fn single_text(
    neg: &Negotiation,
    nash: &Point,
    steps: u32,
    tolerance: f64,
    seed: u64,
) -> Vec<TextStep> {
    let distance = |u: &[f64]| {
        u.iter()
            .zip(&nash.utilities)
            .map(|(a, b)| (a - b) * (a - b))
            .sum::<f64>()
            .sqrt()
    };
    let mut text = first_text(neg, seed);
    let u = neg.utilities(&text);
    let mut path = vec![TextStep {
        step: 0,
        text: Point {
            outcome: text.clone(),
            utilities: u.clone(),
        },
        distance_to_nash: distance(&u),
        changed: Vec::new(),
    }];
    for step in 1..=steps {
        let slack = step_tolerance(tolerance, step, steps);
        let Some((cand, cu, changed)) = best_revision(neg, &text, slack, &|_| true) else {
            break;
        };
        text = cand;
        path.push(TextStep {
            step,
            text: Point {
                outcome: text.clone(),
                utilities: cu.clone(),
            },
            distance_to_nash: distance(&cu),
            changed: changed
                .into_iter()
                .map(|j| neg.issues[j].name.clone())
                .collect(),
        });
    }
    path
}
