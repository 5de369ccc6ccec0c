//! Voting alignment in the UN General Assembly: how often two countries vote alike.
//!
//! Definitions, over the roll calls on which both countries recorded yes, no or abstain
//! (absences are not in the data and so never count):
//! * `identical_share` = identical votes / roll calls;
//! * `agreement_index` = (identical + ½ · roll calls where exactly one abstained) / roll
//!   calls: Lijphart's index of agreement (A. Lijphart, "The Analysis of Bloc Voting in
//!   the General Assembly", *American Political Science Review* 57(4), 1963), which counts
//!   an abstention against a yes or a no as half agreement; yes against no counts zero.

use astana_model::iso;
use astana_model::unvotes::{UnVotes, Vote};
use astana_model::AlignmentRow;
use serde::Serialize;
use std::collections::BTreeMap;

/// One line of the definition, for output.
pub const DEFINITION: &str = "over roll calls where both voted yes/no/abstain: identical_share = identical / roll_calls; agreement_index = (identical + 0.5 * one-abstains) / roll_calls (Lijphart 1963)";

/// Counts and indices for one pair over some roll calls.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Agreement {
    /// Roll calls on which both voted.
    pub roll_calls: u32,
    /// Same vote.
    pub identical: u32,
    /// Exactly one abstained.
    pub half: u32,
    /// identical / roll_calls; `None` (no data) without roll calls.
    pub identical_share: Option<f64>,
    /// (identical + half/2) / roll_calls; `None` without roll calls.
    pub agreement_index: Option<f64>,
}

impl Agreement {
    fn add(&mut self, roll_calls: u32, identical: u32, half: u32) {
        self.roll_calls += roll_calls;
        self.identical += identical;
        self.half += half;
        // No roll calls is no data, never "0% agreement".
        let n = f64::from(self.roll_calls);
        (self.identical_share, self.agreement_index) = if self.roll_calls == 0 {
            (None, None)
        } else {
            (
                Some(f64::from(self.identical) / n),
                Some((f64::from(self.identical) + 0.5 * f64::from(self.half)) / n),
            )
        };
    }
}

/// One partner's alignment with the country.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PartnerAlignment {
    /// Over the whole period.
    #[serde(flatten)]
    pub overall: Agreement,
    /// Per calendar year.
    pub by_year: BTreeMap<i32, Agreement>,
}

/// The result of [`alignment`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Alignment {
    /// Focal country.
    pub country: String,
    /// First year.
    pub from: i32,
    /// Last year.
    pub to: i32,
    /// How the indices are defined.
    pub definition: &'static str,
    /// Partner → alignment.
    pub partners: BTreeMap<String, PartnerAlignment>,
    /// Partners with roll calls in the period, from most to least often identical.
    pub ranking: Vec<String>,
    /// Partners asked for that have no roll call with the country in the period.
    pub no_data: Vec<String>,
    /// First year of the data for the country (any partner), if any.
    pub data_from: Option<i32>,
    /// Last year of the data for the country, if any.
    pub data_to: Option<i32>,
}

impl Alignment {
    /// True when no partner has a roll call with the country in the period.
    pub fn is_empty(&self) -> bool {
        self.ranking.is_empty()
    }
}

/// What to compute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlignmentQuery {
    /// Focal ISO3.
    pub country: String,
    /// Partner ISO3 codes; empty for every country in the data except `country`.
    pub partners: Vec<String>,
    /// First year, inclusive.
    pub from: i32,
    /// Last year, inclusive.
    pub to: i32,
}

fn finish(
    q: &AlignmentQuery,
    mut partners: BTreeMap<String, PartnerAlignment>,
    years: Option<(i32, i32)>,
) -> Alignment {
    if q.partners.is_empty() {
        // "Everyone" means everyone who voted alongside the country in the period.
        partners.retain(|_, p| p.overall.roll_calls > 0);
    }
    let (mut ranking, no_data): (Vec<String>, Vec<String>) = partners
        .keys()
        .cloned()
        .partition(|p| partners[p].overall.roll_calls > 0);
    let share = |p: &String| partners[p].overall.identical_share.unwrap_or(0.0);
    ranking.sort_by(|a, b| share(b).total_cmp(&share(a)));
    Alignment {
        country: q.country.clone(),
        from: q.from,
        to: q.to,
        definition: DEFINITION,
        partners,
        ranking,
        no_data,
        data_from: years.map(|y| y.0),
        data_to: years.map(|y| y.1),
    }
}

/// Alignment from raw roll-call data. Linear in the number of votes.
///
/// ```
/// use astana_model::unvotes::{RollCall, UnVotes, Vote, VoteRecord};
/// use astana_partner_balance::{alignment, AlignmentQuery};
/// let rc = |rcid| RollCall { rcid, year: 2010, important: false };
/// let v = |rcid, country, vote| VoteRecord { rcid, country, vote };
/// let data = UnVotes {
///     roll_calls: vec![rc(1), rc(2)],
///     votes: vec![
///         v(1, "KAZ", Vote::Yes), v(1, "CHN", Vote::Yes),
///         v(2, "KAZ", Vote::Abstain), v(2, "CHN", Vote::No),
///     ],
///     skipped_codes: vec![],
/// };
/// let q = AlignmentQuery { country: "KAZ".into(), partners: vec!["CHN".into()], from: 2010, to: 2010 };
/// let a = alignment(&data, &q);
/// assert_eq!(a.partners["CHN"].overall.identical_share, Some(0.5));
/// assert_eq!(a.partners["CHN"].overall.agreement_index, Some(0.75));
/// ```
pub fn alignment(data: &UnVotes, q: &AlignmentQuery) -> Alignment {
    // Roll-call ids are small integers and codes have a dense index: plain vectors instead
    // of hash maps keep this one pass over ~870,000 votes.
    let max_rcid = data.roll_calls.iter().map(|r| r.rcid).max().unwrap_or(0) as usize;
    let mut year_of: Vec<Option<i32>> = vec![None; max_rcid + 1];
    for r in data
        .roll_calls
        .iter()
        .filter(|r| (q.from..=q.to).contains(&r.year))
    {
        year_of[r.rcid as usize] = Some(r.year);
    }
    let year = |rcid: u32| year_of.get(rcid as usize).copied().flatten();
    let mut focal: Vec<Option<Vote>> = vec![None; max_rcid + 1];
    for v in data.votes.iter().filter(|v| v.country == q.country) {
        if year(v.rcid).is_some() {
            focal[v.rcid as usize] = Some(v.vote);
        }
    }
    // Partner slot per country code, then per-slot counts.
    let mut slot: Vec<Option<usize>> = vec![None; iso::LETTER_CODES];
    let mut names: Vec<String> = Vec::new();
    let wanted =
        |c: &str| c != q.country && (q.partners.is_empty() || q.partners.iter().any(|p| p == c));
    for v in &data.votes {
        if let Some(i) = iso::letter_index(v.country) {
            if slot[i].is_none() && wanted(v.country) {
                slot[i] = Some(names.len());
                names.push(v.country.to_string());
            }
        }
    }
    let mut found: Vec<PartnerAlignment> = vec![PartnerAlignment::default(); names.len()];
    for v in &data.votes {
        let Some(k) = iso::letter_index(v.country).and_then(|i| slot[i]) else {
            continue;
        };
        let (Some(mine), Some(year)) =
            (focal.get(v.rcid as usize).copied().flatten(), year(v.rcid))
        else {
            continue;
        };
        let identical = u32::from(mine == v.vote);
        let half = u32::from((mine == Vote::Abstain) != (v.vote == Vote::Abstain));
        let pa = &mut found[k];
        pa.overall.add(1, identical, half);
        pa.by_year.entry(year).or_default().add(1, identical, half);
    }
    let mut partners: BTreeMap<String, PartnerAlignment> = names.into_iter().zip(found).collect();
    for p in &q.partners {
        partners.entry(p.clone()).or_default();
    }
    // The years of roll calls on which the country voted at all.
    let mut years: Option<(i32, i32)> = None;
    let mut voted = vec![false; max_rcid + 1];
    for v in data.votes.iter().filter(|v| v.country == q.country) {
        if let Some(x) = voted.get_mut(v.rcid as usize) {
            *x = true;
        }
    }
    for r in data.roll_calls.iter().filter(|r| voted[r.rcid as usize]) {
        years = Some(years.map_or((r.year, r.year), |(a, b)| (a.min(r.year), b.max(r.year))));
    }
    finish(q, partners, years)
}

/// The same result from the derived per-year table (counts are stored, so it is exact).
pub fn alignment_from_rows(rows: &[AlignmentRow], q: &AlignmentQuery) -> Alignment {
    let mut partners: BTreeMap<String, PartnerAlignment> = rows
        .iter()
        .filter(|r| r.country == q.country)
        .map(|r| &r.partner)
        .filter(|p| q.partners.is_empty() || q.partners.contains(p))
        .map(|p| (p.clone(), PartnerAlignment::default()))
        .collect();
    for p in &q.partners {
        partners.entry(p.clone()).or_default();
    }
    let mut years: Option<(i32, i32)> = None;
    for r in rows
        .iter()
        .filter(|r| r.country == q.country && r.roll_calls > 0)
    {
        years = Some(years.map_or((r.year, r.year), |(a, b)| (a.min(r.year), b.max(r.year))));
    }
    for r in rows
        .iter()
        .filter(|r| r.country == q.country && (q.from..=q.to).contains(&r.year))
    {
        if let Some(pa) = partners.get_mut(&r.partner) {
            pa.overall.add(r.roll_calls, r.identical, r.half);
            pa.by_year
                .entry(r.year)
                .or_default()
                .add(r.roll_calls, r.identical, r.half);
        }
    }
    finish(q, partners, years)
}

/// The per-year table of a result, for committing as a scenario's `alignment.csv`.
pub fn alignment_rows(a: &Alignment, source: &str) -> Vec<AlignmentRow> {
    a.partners
        .iter()
        .flat_map(|(p, pa)| {
            pa.by_year.iter().map(move |(year, g)| AlignmentRow {
                year: *year,
                country: a.country.clone(),
                partner: p.clone(),
                roll_calls: g.roll_calls,
                identical: g.identical,
                half: g.half,
                source: source.to_string(),
            })
        })
        .collect()
}
