//! `astana cluster scheduler|executor` (Apache Ballista, built with the `cluster` feature) and
//! the columnar query on a cluster (`balance --cluster`).

use crate::Outcome;
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub(crate) enum ClusterCommand {
    /// Run the cluster's scheduler: it plans each query and hands tasks to the executors.
    /// Prints "scheduler listening on IP:PORT" when ready; stops on Ctrl-C or SIGTERM.
    ///
    /// Example: astana cluster scheduler --bind 10.0.0.5:50050
    Scheduler(SchedulerArgs),
    /// Run an executor: it polls the scheduler for tasks, reads the data and sends results
    /// over Arrow Flight. Prints "executor ID listening on IP:PORT, registered with HOST:PORT"
    /// when ready; stops on Ctrl-C or SIGTERM after its running tasks finish.
    ///
    /// Example: astana cluster executor --scheduler 10.0.0.5:50050 --bind 10.0.0.6:50051
    Executor(ExecutorArgs),
}

#[derive(Debug, Args)]
#[cfg_attr(not(feature = "cluster"), allow(dead_code))]
pub(crate) struct SchedulerArgs {
    /// Address to listen on (0.0.0.0: every interface; port 0: a free port, shown on start).
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:50050")]
    pub(crate) bind: String,
}

#[derive(Debug, Args)]
#[cfg_attr(not(feature = "cluster"), allow(dead_code))]
pub(crate) struct ExecutorArgs {
    /// The scheduler's address.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:50050")]
    pub(crate) scheduler: String,
    /// Address to listen on for the scheduler's clients and the other executors; give this
    /// machine's IP on the cluster's network (with 0.0.0.0 the scheduler advertises the
    /// address the executor calls it from).
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:50051")]
    pub(crate) bind: String,
    /// Folder for intermediate (shuffle) files (default: a temporary folder removed on exit).
    #[arg(long, value_name = "DIR")]
    pub(crate) work_dir: Option<PathBuf>,
    /// Tasks run at once (default: the number of CPU cores).
    #[arg(long, value_name = "N")]
    pub(crate) concurrency: Option<usize>,
}

pub(crate) fn run(command: &ClusterCommand) -> Outcome {
    imp::run(command)
}

/// `balance --cluster ADDR`: checks the address before any file is read (exit 2), or says
/// that this build has no cluster.
pub(crate) fn check_address(addr: &str) -> Outcome {
    imp::check_address(addr)
}

/// `balance --cluster ADDR`: the same plan as the embedded run ([`astana_trade::aggregate`]),
/// on a context whose queries run on the Ballista cluster whose scheduler is at `addr`.
#[cfg(feature = "columnar")]
pub(crate) fn aggregate(
    addr: &str,
    src: &astana_trade::Source,
    filter: &astana_trade::Filter,
    by: astana_trade::By,
) -> Result<Vec<astana_trade::Cell>, crate::Failure> {
    imp::aggregate(addr, src, filter, by)
}

#[cfg(feature = "cluster")]
mod imp {
    use super::ClusterCommand;
    use crate::{Failure, Outcome};
    use astana_cluster::{ClusterError, ExecutorOptions};

    /// A multi-threaded runtime with deep stacks (Ballista's binaries use 32 MiB: plans are
    /// walked recursively).
    fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_stack_size(32 << 20)
            .build()
            .map_err(|e| Failure::compute(format!("error: cannot start the async runtime: {e}")))
    }

    pub(super) fn check_address(addr: &str) -> Outcome {
        astana_cluster::HostPort::parse("--cluster", addr)
            .map(drop)
            .map_err(failure)
    }

    pub(super) fn aggregate(
        addr: &str,
        src: &astana_trade::Source,
        filter: &astana_trade::Filter,
        by: astana_trade::By,
    ) -> Result<Vec<astana_trade::Cell>, Failure> {
        let rt = runtime()?;
        let cells = rt.block_on(async {
            let ctx = astana_cluster::remote_context(addr)
                .await
                .map_err(failure)?;
            astana_trade::aggregate(&ctx, src, filter, by)
                .await
                .map_err(crate::balance_cmd::trade_failure)
        });
        // The Ballista client's background tasks would keep a graceful shutdown waiting.
        rt.shutdown_background();
        cells
    }

    pub(super) fn failure(e: ClusterError) -> Failure {
        let message = format!("error: {e}");
        match e.exit_code() {
            2 => Failure::input(message),
            _ => Failure::compute(message),
        }
    }

    pub(super) fn run(command: &ClusterCommand) -> Outcome {
        let rt = runtime()?;
        match command {
            ClusterCommand::Scheduler(a) => {
                rt.block_on(astana_cluster::run_scheduler(&a.bind, |addr| {
                    // One line, flushed at once: scripts and tests wait for it.
                    out!("scheduler listening on {addr}");
                }))
            }
            ClusterCommand::Executor(a) => {
                let opts = ExecutorOptions {
                    scheduler: a.scheduler.clone(),
                    bind: a.bind.clone(),
                    work_dir: a.work_dir.clone(),
                    concurrency: a.concurrency,
                };
                rt.block_on(astana_cluster::run_executor(&opts, |r| {
                    out!(
                        "executor {} listening on {}, registered with {}",
                        r.id,
                        r.bind,
                        r.scheduler
                    );
                }))
            }
        }
        .map_err(failure)?;
        // Ballista's background tasks (heartbeats, cleaners) would keep a graceful runtime
        // shutdown waiting; the work is done, so do not wait for them.
        rt.shutdown_background();
        Ok(())
    }
}

#[cfg(not(feature = "cluster"))]
mod imp {
    use super::ClusterCommand;
    use crate::{Failure, Outcome};

    fn not_built() -> Failure {
        Failure::input(
            "error: this astana was built without the `cluster` feature; build it with \
             `cargo build --release -p astana-cli --features cluster`",
        )
    }

    pub(super) fn run(_: &ClusterCommand) -> Outcome {
        Err(not_built())
    }

    pub(super) fn check_address(_: &str) -> Outcome {
        Err(not_built())
    }

    #[cfg(feature = "columnar")]
    pub(super) fn aggregate(
        _: &str,
        _: &astana_trade::Source,
        _: &astana_trade::Filter,
        _: astana_trade::By,
    ) -> Result<Vec<astana_trade::Cell>, Failure> {
        Err(not_built())
    }
}
