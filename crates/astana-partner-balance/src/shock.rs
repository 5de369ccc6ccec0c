//! What a partial or total cut of trade with some partners does to value and concentration.

use crate::balance::{Balance, PartnerShare};
use crate::error::BalanceError;
use crate::measures::Concentration;
use astana_model::{Code, Scenario, REST_OF_WORLD};
use serde::Serialize;

/// One shocked partner.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ShockedPartner {
    /// Partner code.
    pub id: Code,
    /// Relative change applied, e.g. −0.5.
    pub change: f64,
    /// Value before, US dollars.
    pub before: f64,
    /// Value after.
    pub after: f64,
    /// Value lost (negative for a gain).
    pub lost: f64,
    /// `lost` as a fraction of the total before the shock.
    pub lost_share_of_total: f64,
}

/// The result of [`shock`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ShockResult {
    /// Changes as asked, after expanding bloc ids to members.
    pub shocked: Vec<ShockedPartner>,
    /// Total before.
    pub total_before: f64,
    /// Total after (other partners and the remainder unchanged).
    pub total_after: f64,
    /// Value lost overall.
    pub lost: f64,
    /// `lost` over `total_before`.
    pub lost_share: f64,
    /// Partners after the shock, sorted by value, with new shares.
    pub partners_after: Vec<PartnerShare>,
    /// Measures before.
    pub before: Concentration,
    /// Measures after.
    pub after: Concentration,
}

/// Parses `CHN=-0.5,RUS=-1` into pairs.
///
/// # Errors
/// [`BalanceError::BadShockSpec`] on anything else.
pub fn parse_shocks(spec: &str) -> Result<Vec<(String, f64)>, BalanceError> {
    spec.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|part| {
            let (code, x) = part
                .split_once('=')
                .ok_or_else(|| BalanceError::BadShockSpec(part.to_string()))?;
            let x: f64 = x
                .trim()
                .trim_end_matches('%')
                .parse()
                .map_err(|_| BalanceError::BadShockSpec(part.to_string()))?;
            let x = if part.trim_end().ends_with('%') {
                x / 100.0
            } else {
                x
            };
            Ok((code.trim().to_ascii_uppercase(), x))
        })
        .collect()
}

/// Applies relative changes (−1 = total cut, −0.5 = half) to partners of `balance`.
///
/// A code may be a bloc id, which applies the change to each of its members in the result,
/// or `ROW` for the unallocated remainder. The total shrinks by what is lost; nothing is
/// assumed to be diverted to other partners.
///
/// # Errors
/// An unknown code, or a change below −1.
pub fn shock(
    scenario: &Scenario,
    balance: &Balance,
    changes: &[(String, f64)],
) -> Result<ShockResult, BalanceError> {
    let mut factor = vec![None::<f64>; balance.partners.len()];
    for (code, x) in changes {
        if *x < -1.0 {
            return Err(BalanceError::ShockBelowMinusOne(code.clone(), *x));
        }
        let bloc = scenario.bloc(code);
        let mut hit = false;
        for (i, p) in balance.partners.iter().enumerate() {
            if p.id == *code || bloc.is_some_and(|b| b.contains(&p.id)) {
                factor[i] = Some(*x);
                hit = true;
            }
        }
        if !hit {
            return Err(BalanceError::UnknownShockTarget(code.clone()));
        }
    }
    let total_before = balance.total;
    let mut shocked = Vec::new();
    let mut after: Vec<PartnerShare> = Vec::new();
    let mut lost = 0.0;
    for (p, f) in balance.partners.iter().zip(&factor) {
        let x = f.unwrap_or(0.0);
        let v = p.value * (1.0 + x);
        if f.is_some() {
            shocked.push(ShockedPartner {
                id: p.id,
                change: x,
                before: p.value,
                after: v,
                lost: p.value - v,
                lost_share_of_total: if total_before > 0.0 {
                    (p.value - v) / total_before
                } else {
                    0.0
                },
            });
        }
        lost += p.value - v;
        after.push(PartnerShare {
            value: v,
            ..p.clone()
        });
    }
    let total_after = total_before - lost;
    for p in &mut after {
        p.share = if total_after > 0.0 {
            p.value / total_after
        } else {
            0.0
        };
    }
    after.sort_by(|a, b| {
        a.residual
            .cmp(&b.residual)
            .then(b.value.total_cmp(&a.value))
    });
    let named: Vec<f64> = after
        .iter()
        .filter(|p| p.id != REST_OF_WORLD)
        .map(|p| p.share)
        .collect();
    let n = balance.measures.n;
    Ok(ShockResult {
        shocked,
        total_before,
        total_after,
        lost,
        lost_share: if total_before > 0.0 {
            lost / total_before
        } else {
            0.0
        },
        after: Concentration::of_shares(&named, n),
        before: balance.measures.clone(),
        partners_after: after,
    })
}
