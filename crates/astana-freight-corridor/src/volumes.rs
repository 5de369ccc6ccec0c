//! Corridor volumes: the series, growth rates, and a projection to a target year capped by
//! the corridor's capacity.

use astana_model::corridor::Volume;
use serde::Serialize;

/// One year of the series with its growth.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct YearRow {
    /// Year.
    pub year: i32,
    /// Million tonnes.
    pub mt: f64,
    /// Growth over the previous full year, if both are actual full years.
    pub growth: Option<f64>,
    /// actual, projection, potential, or `capped projection` (computed here).
    pub kind: String,
    /// Period (FY, Jan-Sep, ...).
    pub period: String,
    /// Source id, empty for computed rows.
    pub source: String,
}

/// The volume report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VolumeReport {
    /// Corridor id.
    pub corridor: String,
    /// Published rows with growth.
    pub series: Vec<YearRow>,
    /// Compound annual growth of the last `window` full years of actuals.
    pub cagr: Option<f64>,
    /// Capacity used as the cap, Mt per year (`None`: uncapped).
    pub capacity_mt: Option<f64>,
    /// Projection from the last actual full year to the target year: growth at the CAGR,
    /// capped by the capacity.
    pub projection: Vec<YearRow>,
}

/// Most years a projection runs past the last actual year.
pub const MAX_PROJECTION_YEARS: i32 = 100;

/// Builds the report for `corridor`: growth over `window` years, projected to `to_year`.
///
/// # Errors
/// A window of 0 years, a target year more than [`MAX_PROJECTION_YEARS`] after the last
/// actual year, a capacity that is not a finite number above 0.
pub fn report(
    volumes: &[Volume],
    corridor: &str,
    window: usize,
    to_year: i32,
    capacity_mt: Option<f64>,
) -> Result<VolumeReport, String> {
    if window == 0 {
        return Err("--window 0: growth needs at least 1 year".into());
    }
    if let Some(c) = capacity_mt {
        if !(c.is_finite() && c > 0.0) {
            return Err(format!(
                "--capacity-mt {c}: must be a finite number of Mt per year above 0"
            ));
        }
    }
    let mut rows: Vec<&Volume> = volumes.iter().filter(|v| v.corridor == corridor).collect();
    rows.sort_by(|a, b| a.year.cmp(&b.year).then(a.period.cmp(&b.period)));
    let full = |v: &&Volume| v.period == "FY" && v.kind == "actual";
    let actual: Vec<&Volume> = rows.iter().copied().filter(full).collect();
    let series = rows
        .iter()
        .map(|v| {
            let prev = actual.iter().find(|p| p.year == v.year - 1);
            YearRow {
                year: v.year,
                mt: v.tonnes / 1e6,
                growth: (full(v) && prev.is_some())
                    .then(|| prev.map_or(0.0, |p| v.tonnes / p.tonnes - 1.0)),
                kind: v.kind.clone(),
                period: v.period.clone(),
                source: v.source.clone(),
            }
        })
        .collect();
    let cagr = (actual.len() > window).then(|| {
        let last = actual[actual.len() - 1];
        let first = actual[actual.len() - 1 - window];
        (last.tonnes / first.tonnes).powf(1.0 / (last.year - first.year) as f64) - 1.0
    });
    let mut projection = Vec::new();
    if let Some(last) = actual.last() {
        if i64::from(to_year) - i64::from(last.year) > i64::from(MAX_PROJECTION_YEARS) {
            return Err(format!(
                "--to {to_year}: at most {MAX_PROJECTION_YEARS} years after the last actual year ({})",
                last.year
            ));
        }
    }
    if let (Some(g), Some(last)) = (cagr, actual.last()) {
        let mut mt = last.tonnes / 1e6;
        for year in last.year + 1..=to_year {
            mt *= 1.0 + g;
            if let Some(c) = capacity_mt {
                mt = mt.min(c);
            }
            projection.push(YearRow {
                year,
                mt,
                growth: None,
                kind: "capped projection".into(),
                period: "FY".into(),
                source: String::new(),
            });
        }
    }
    Ok(VolumeReport {
        corridor: corridor.to_string(),
        series,
        cagr,
        capacity_mt,
        projection,
    })
}
