//! Multi-issue domains and additive utility profiles (GENIUS semantics).

/// Evaluations divided by their maximum, as GENIUS's `EvaluatorDiscrete` does; all zero
/// only when the maximum is zero. (GENIUS also zeroes an issue whose largest evaluation is
/// below 1e-5; astana does not: evaluations are relative, so 1e-6 and 9e-6 mean 1/9 and 1.)
pub fn normalise(evaluations: &[f64]) -> Vec<f64> {
    let max = evaluations.iter().copied().fold(0.0, f64::max);
    if max > 0.0 {
        evaluations.iter().map(|e| e / max).collect()
    } else {
        vec![0.0; evaluations.len()]
    }
}

/// One issue and its values, in file order.
#[derive(Clone, Debug, PartialEq)]
pub struct Issue {
    /// The issue's name.
    pub name: String,
    /// Value labels (the identity of a value); integer issues list their integers.
    pub values: Vec<String>,
}

/// One party's additive utility: u(o) = min(1, Σ_j w_j · e_j(o_j)).
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    /// The party's name (a profile file's stem, or the TOML id).
    pub name: String,
    /// `terms[j][v]` = w_j · e_j(v): the weighted, normalised evaluation of value v of
    /// issue j.
    pub terms: Vec<Vec<f64>>,
    /// Issue weights as written (GENIUS does not renormalise them).
    pub weights: Vec<f64>,
    /// Reservation value on the utility scale (0 when absent).
    pub reservation: f64,
    /// Discount factor per unit of normalised time (1 when absent or out of (0, 1]).
    pub discount: f64,
}

impl Profile {
    /// Utility of an outcome (value indices per issue). Summed in issue order, then capped
    /// at 1, as GENIUS does.
    pub fn utility(&self, outcome: &[u32]) -> f64 {
        let s: f64 = self
            .terms
            .iter()
            .zip(outcome)
            .map(|(t, &v)| t[v as usize])
            .sum();
        s.min(1.0)
    }
}

/// A domain with one profile per party.
#[derive(Clone, Debug, PartialEq)]
pub struct Negotiation {
    /// Domain name.
    pub name: String,
    /// Free text: what it models (says "Illustrative" when the file is marked so).
    pub description: String,
    /// Where the model comes from (free text; empty for GENIUS files).
    pub source: String,
    /// The issues, in domain order.
    pub issues: Vec<Issue>,
    /// One profile per party, in party order.
    pub parties: Vec<Profile>,
}

impl Negotiation {
    /// Number of outcomes (the product of the issues' value counts), saturating.
    pub fn outcome_count(&self) -> u128 {
        self.issues
            .iter()
            .fold(1u128, |a, i| a.saturating_mul(i.values.len() as u128))
    }

    /// Utilities of an outcome, in party order.
    pub fn utilities(&self, outcome: &[u32]) -> Vec<f64> {
        self.parties.iter().map(|p| p.utility(outcome)).collect()
    }

    /// The labels of an outcome's values, in issue order.
    pub fn labels<'a>(&'a self, outcome: &[u32]) -> Vec<&'a str> {
        self.issues
            .iter()
            .zip(outcome)
            .map(|(i, &v)| i.values[v as usize].as_str())
            .collect()
    }

    /// Calls `f` with every outcome in row-major order (the last issue varies fastest, as
    /// `itertools.product` and NegMAS enumerate) and its per-party sums before the cap,
    /// kept incrementally so an outcome costs about one addition per party.
    pub fn for_each_outcome(&self, mut f: impl FnMut(&[u32], &[f64])) {
        let k = self.issues.len();
        let n = self.parties.len();
        if self.issues.iter().any(|i| i.values.is_empty()) {
            return;
        }
        let mut outcome = vec![0u32; k];
        // prefix[j * n + p]: party p's sum over issues before j.
        let mut prefix = vec![0.0f64; (k + 1) * n];
        let mut sums = vec![0.0f64; n];
        let fill = |from: usize, outcome: &[u32], prefix: &mut [f64]| {
            for j in from..k {
                for (p, party) in self.parties.iter().enumerate() {
                    prefix[(j + 1) * n + p] =
                        prefix[j * n + p] + party.terms[j][outcome[j] as usize];
                }
            }
        };
        fill(0, &outcome, &mut prefix);
        loop {
            sums.copy_from_slice(&prefix[k * n..]);
            f(&outcome, &sums);
            // Odometer step.
            let mut j = k;
            loop {
                if j == 0 {
                    return;
                }
                j -= 1;
                outcome[j] += 1;
                if (outcome[j] as usize) < self.issues[j].values.len() {
                    break;
                }
                outcome[j] = 0;
            }
            fill(j, &outcome, &mut prefix);
        }
    }
}
