//! What a partial or total cut of trade with some partners does to value and concentration.

use crate::balance::{Balance, Frame, PartnerShare};
use crate::error::{BalanceError, MAX_SHOCK};
use crate::measures::{Concentration, NBasis, Scope};
use astana_model::{iso, Code, Scenario};
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
    /// `lost` as a fraction of the total before the shock (of the named partners' sum
    /// when `share_basis` is `named_partners`).
    pub lost_share_of_total: f64,
}

/// The result of [`shock`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ShockResult {
    /// What shares are of, as in [`Balance::share_basis`].
    pub share_basis: &'static str,
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
    /// Measures before (with both bounds when a remainder is not broken down).
    pub before: Concentration,
    /// Measures after, on the same footing: the remainder is unchanged and still split
    /// every possible way; N drops zero-trade partners when it counts partners with trade.
    pub after: Concentration,
}

/// Parses `CHN=-0.5,RUS=-1` into pairs.
///
/// # Errors
/// [`BalanceError::BadShockSpec`] on anything else; [`BalanceError::ShockOutOfRange`]
/// for NaN, ±inf or a change outside −1..=1000; [`BalanceError::ShockBelowMinusOne`];
/// [`BalanceError::DuplicateShock`] when a code appears twice.
pub fn parse_shocks(spec: &str) -> Result<Vec<(String, f64)>, BalanceError> {
    let pairs: Vec<(String, f64)> = spec
        .split(',')
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
        .collect::<Result<_, _>>()?;
    if pairs.is_empty() {
        return Err(BalanceError::BadShockSpec(spec.to_string()));
    }
    for (i, (code, x)) in pairs.iter().enumerate() {
        check_change(code, *x)?;
        if pairs[..i].iter().any(|(c, _)| c == code) {
            return Err(BalanceError::DuplicateShock(code.clone()));
        }
    }
    Ok(pairs)
}

fn check_change(code: &str, x: f64) -> Result<(), BalanceError> {
    if !x.is_finite() || x > MAX_SHOCK {
        return Err(BalanceError::ShockOutOfRange(code.to_string(), x));
    }
    if x < -1.0 {
        return Err(BalanceError::ShockBelowMinusOne(code.to_string(), x));
    }
    Ok(())
}

/// "; did you mean …?" from the result's partners and blocs, then ISO look-alikes.
fn did_you_mean(scenario: &Scenario, balance: &Balance, code: &str) -> String {
    // One letter off, or the same letters in another order (CNH for CHN).
    let sorted = |x: &str| {
        let mut v: Vec<char> = x.chars().collect();
        v.sort_unstable();
        v
    };
    let close = |a: &str| {
        a.len() == code.len()
            && (a.chars().zip(code.chars()).filter(|(x, y)| x != y).count() <= 1
                || sorted(a) == sorted(code))
    };
    let mut hints: Vec<String> = balance
        .partners
        .iter()
        .map(|p| p.id.to_string())
        .chain(scenario.blocs.iter().map(|b| b.id.clone()))
        .filter(|c| close(c))
        .collect();
    if hints.is_empty() {
        hints = iso::suggestions(code)
            .into_iter()
            .map(str::to_string)
            .collect();
    }
    hints.dedup();
    let named: Vec<String> = balance
        .partners
        .iter()
        .filter(|p| !p.residual)
        .map(|p| p.id.to_string())
        .collect();
    let mut out = String::new();
    if !hints.is_empty() {
        out.push_str(&format!("; did you mean {}?", hints.join(", ")));
    }
    out.push_str(&format!(" (partners here: {})", named.join(", ")));
    out
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
        check_change(code, *x)?;
        let bloc = scenario.bloc(code);
        let mut hit = false;
        for (i, p) in balance.partners.iter().enumerate() {
            if p.id == *code || bloc.is_some_and(|b| b.contains(&p.id)) {
                factor[i] = Some(*x);
                hit = true;
            }
        }
        if !hit {
            return Err(BalanceError::UnknownShockTarget(
                code.clone(),
                did_you_mean(scenario, balance, code),
            ));
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
    let named: Vec<&PartnerShare> = after.iter().filter(|p| !p.residual).collect();
    let shares: Vec<f64> = named.iter().map(|p| p.share).collect();
    let open: Vec<bool> = named.iter().map(|p| p.missing_side.is_some()).collect();
    let rest: f64 = after.iter().filter(|p| p.residual).map(|p| p.share).sum();
    let m = &balance.measures;
    let scope = if balance.share_basis == "named_partners" {
        Scope::NamedPartners
    } else {
        Scope::Total
    };
    let with_trade = named.iter().filter(|p| p.value > 0.0).count();
    // A partner cut to zero no longer counts among the partners with trade.
    let n = match m.n_basis {
        NBasis::PartnersWithTrade => None,
        _ => Some(m.n),
    };
    let frame = Frame::new(
        scope,
        rest,
        n,
        &balance.reporter,
        named.len(),
        with_trade,
        open.iter().any(|o| *o),
    )?;
    let mut after_measures = frame.measures(&shares, &open);
    if m.n_basis != NBasis::Given {
        after_measures.n_basis = m.n_basis;
    }
    Ok(ShockResult {
        share_basis: balance.share_basis,
        shocked,
        total_before,
        total_after,
        lost,
        lost_share: if total_before > 0.0 {
            lost / total_before
        } else {
            0.0
        },
        after: after_measures,
        before: balance.measures.clone(),
        partners_after: after,
    })
}
