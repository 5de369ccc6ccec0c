//! Trade matrices at scale (issue 15): probe.

/// Probe.
pub fn probe() -> datafusion::prelude::SessionContext {
    datafusion::prelude::SessionContext::new()
}
