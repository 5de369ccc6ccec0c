//! `astana serve`.

use crate::args::ServeArgs;
use crate::{Failure, Outcome};

pub(crate) fn run(a: &ServeArgs) -> Outcome {
    let token = match &a.token_file {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .map_err(|e| {
                    Failure::input(format!("error: --token-file {}: {e}", path.display()))
                })?
                .trim()
                .to_string(),
        ),
        None => None,
    };
    let loopback = a
        .addr
        .rsplit_once(':')
        .is_some_and(|(h, _)| matches!(h, "127.0.0.1" | "localhost" | "[::1]"));
    if token.is_none() && !loopback {
        eprintln!(
            "warning: {} is reachable from other machines and no --token-file is set: anyone who reaches it can upload and delete scenarios",
            a.addr
        );
    }
    let config = astana_server::Config {
        db: a.db.clone(),
        addr: a.addr.clone(),
        token,
        ..astana_server::Config::default()
    };
    astana_server::serve(config, |addr| {
        // One line, flushed at once: scripts and tests wait for it to learn the port.
        out!("listening on http://{addr}");
    })
    .map_err(|e| match e {
        astana_server::ServeError::Token | astana_server::ServeError::Listen { .. } => {
            Failure::input(format!("error: {e}"))
        }
        _ => Failure::compute(format!("error: {e}")),
    })
}
