//! The `astana` command: parses arguments, calls the libraries, prints text or JSON, and
//! maps failures to the documented exit codes (0 success, 1 computation failed, 2 bad
//! usage or input).

/// `println!` that ends the program quietly when stdout is closed (e.g. piped to `head`).
macro_rules! out {
    ($($t:tt)*) => { $crate::emit(format_args!($($t)*)) };
}

mod args;
mod balance_cmd;
mod brief_cmd;
mod cluster_cmd;
mod corridor_cmd;
mod fmt;
mod forum_cmd;
mod mediate_cmd;
mod power_cmd;
mod scenario_cmd;
mod serve_cmd;
mod trade_cmd;
mod write;

use args::{Cli, Command, MediateCommand, ScenarioCommand};
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

impl From<astana_query::QueryError> for Failure {
    fn from(e: astana_query::QueryError) -> Failure {
        Failure {
            code: e.exit_code(),
            message: e.to_string(),
        }
    }
}

pub(crate) type Outcome = Result<(), Failure>;

/// Writes one line to stdout; a closed pipe ends the program with success, as in `grep`.
pub(crate) fn emit(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{args}") {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to stdout: {e}");
        std::process::exit(1);
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let scenario = cli.scenario.as_deref();
    let result = match cli.command {
        Command::Brief(a) => brief_cmd::run(scenario, &a),
        Command::Serve(a) => serve_cmd::run(&a),
        Command::Scenario {
            command: ScenarioCommand::Check { dir, json },
        } => scenario_cmd::check(dir.as_deref().or(scenario), json),
        Command::Scenario {
            command: ScenarioCommand::Export { dir, force, json },
        } => scenario_cmd::export(&dir, force, json),
        Command::Scenario {
            command:
                ScenarioCommand::Init {
                    dir,
                    country,
                    force,
                    json,
                },
        } => scenario_cmd::init(&dir, &country, force, json),
        Command::Balance(a) => balance_cmd::run(scenario, &a),
        Command::Power(a) => power_cmd::run(&a),
        Command::Mediate {
            command: MediateCommand::Analyze(a),
        } => mediate_cmd::analyze(&a),
        Command::Mediate {
            command: MediateCommand::Run(a),
        } => mediate_cmd::run(&a),
        Command::Corridor { command } => corridor_cmd::run(scenario, command),
        Command::Forum { command } => forum_cmd::run(command),
        Command::Cluster { command } => cluster_cmd::run(&command),
        Command::Trade { command } => trade_cmd::run(command),
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
