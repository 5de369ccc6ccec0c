//! `astana serve`.

use crate::args::ServeArgs;
use crate::{Failure, Outcome};

pub(crate) fn run(a: &ServeArgs) -> Outcome {
    let config = astana_server::Config {
        db: a.db.clone(),
        addr: a.addr.clone(),
        ..astana_server::Config::default()
    };
    astana_server::serve(config, |addr| {
        // One line, flushed at once: scripts and tests wait for it to learn the port.
        out!("listening on http://{addr}");
    })
    .map_err(|e| Failure::compute(format!("error: {e}")))
}
