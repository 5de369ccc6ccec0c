//! Trade matrices at scale (issue 15): probe.

pub mod import;

/// Probe.
pub fn probe() -> datafusion::prelude::SessionContext {
    datafusion::prelude::SessionContext::new()
}
