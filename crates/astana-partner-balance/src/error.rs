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
    #[error("shock names `{0}`, which is neither a partner in this result nor a bloc with partners in it{1}")]
    UnknownShockTarget(String, String),
    /// A shock would make a flow negative (below −100%).
    #[error("shock of {1} for `{0}` is below -1 (a cut of more than 100%)")]
    ShockBelowMinusOne(String, f64),
    /// A shock is not a finite number, or is an implausibly large rise.
    #[error("shock for `{0}` is {1}: a change must be a finite number between -1 (a total cut) and {max} (a {max}-fold rise)", max = MAX_SHOCK)]
    ShockOutOfRange(String, f64),
    /// A shock specification could not be read.
    #[error("cannot read shock `{0}`: expected CODE=FRACTION pairs such as CHN=-0.5,RUS=-1")]
    BadShockSpec(String),
    /// The same code appears twice in a shock.
    #[error("shock names `{0}` twice; give each partner or bloc once")]
    DuplicateShock(String),
    /// `n` for the normalised indices is too small for the data.
    #[error("n = {n} is too small: {why}; use at least {need}")]
    NTooSmall {
        /// n asked for.
        n: usize,
        /// The smallest n that fits.
        need: usize,
        /// Why.
        why: String,
    },
    /// A figure or a sum of figures is not a finite number (values near the largest
    /// double overflow when added).
    #[error("{0} is not a finite number; values must be finite US dollar amounts whose sums fit a double")]
    NotFinite(String),
    /// Nothing to measure: no product (or partner × product cell) has a value above zero,
    /// and every share divides by the total.
    #[error("no product value to measure: {0}")]
    NoProductValue(String),
    /// A product code or value that cannot be used (`code` is quoted and clipped).
    #[error("product {code}: {why}")]
    BadProduct {
        /// The code(s), as shown to the reader.
        code: String,
        /// Why.
        why: String,
    },
    /// The universe N of potential products is below the products actually exported.
    #[error("universe N = {universe} ({basis}) is smaller than the {active} products with a value above zero; give at least {active}")]
    UniverseTooSmall {
        /// N used.
        universe: usize,
        /// Where N came from.
        basis: String,
        /// Active products.
        active: usize,
    },
}

/// The largest relative change a shock accepts (a thousandfold rise): larger ones are
/// typos, and unbounded ones overflow.
pub const MAX_SHOCK: f64 = 1000.0;
