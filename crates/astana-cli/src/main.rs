//! The `astana` command: parses arguments, calls the libraries, prints text or JSON, and
//! maps failures to the documented exit codes (0 success, 1 computation failed, 2 bad
//! usage or input).

mod args;
mod balance_cmd;
mod brief_cmd;
mod fmt;
mod scenario_cmd;

use args::{Cli, Command, ScenarioCommand};
use clap::Parser;
use std::process::ExitCode;

/// An error with the exit code it maps to.
pub(crate) struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    /// Bad usage or bad input: exit 2.
    pub(crate) fn input(message: impl std::fmt::Display) -> Failure {
        Failure {
            code: 2,
            message: message.to_string(),
        }
    }

    /// The computation failed: exit 1.
    pub(crate) fn compute(message: impl std::fmt::Display) -> Failure {
        Failure {
            code: 1,
            message: message.to_string(),
        }
    }
}

pub(crate) type Outcome = Result<(), Failure>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let scenario = cli.scenario.as_deref();
    let result = match cli.command {
        Command::Brief(a) => brief_cmd::run(scenario, &a),
        Command::Scenario {
            command: ScenarioCommand::Check { dir, json },
        } => scenario_cmd::check(dir.as_deref().or(scenario), json),
        Command::Balance(a) => balance_cmd::run(scenario, &a),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            if !f.message.is_empty() {
                eprintln!("{}", f.message.trim_end());
            }
            ExitCode::from(f.code)
        }
    }
}
