use astana_model::FlowKind;

/// Why a balance computation could not be done.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum BalanceError {
    /// No partner figures exist for this reporter, year, period and flow. Recoverable: pick
    /// another year or flow (the message lists the years that have data).
    #[error("no {flow} figures for {reporter} in {year} ({period}); years with data: {available}")]
    NoData {
        /// Reporter code.
        reporter: String,
        /// Year asked for.
        year: i32,
        /// Period asked for.
        period: String,
        /// Flow asked for.
        flow: FlowKind,
        /// Years that do have data, comma-separated.
        available: String,
    },
    /// A shock names a partner that is not in the result.
    #[error("shock names `{0}`, which is neither a partner in this result nor a bloc with partners in it")]
    UnknownShockTarget(String),
    /// A shock would make a flow negative (below −100%).
    #[error("shock of {1} for `{0}` is below -1 (a cut of more than 100%)")]
    ShockBelowMinusOne(String, f64),
    /// A shock specification could not be read.
    #[error("cannot read shock `{0}`: expected CODE=FRACTION pairs such as CHN=-0.5,RUS=-1")]
    BadShockSpec(String),
}
