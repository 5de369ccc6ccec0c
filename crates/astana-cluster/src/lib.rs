//! Scale-out for astana's trade queries on Apache Ballista (issue 15).
//!
//! A cluster is one scheduler and any number of executors, all run from the `astana` binary
//! ([`run_scheduler`], [`run_executor`]); [`remote_context`] gives a DataFusion
//! [`SessionContext`] whose queries run on that cluster, so the same DataFrame plan runs
//! embedded or distributed.
//!
//! Both sides use Ballista's pull-staged scheduling: executors poll the scheduler for work, so
//! the scheduler never dials an executor and each executor needs one open port (Arrow Flight,
//! for shuffle and result fetches).

use ballista::prelude::SessionContextExt;
use ballista_core::config::TaskSchedulingPolicy;
use ballista_executor::executor_process::{start_executor_process, ExecutorProcessConfig};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::{create_scheduler, start_grpc_service_with_listener};
use datafusion::prelude::SessionContext;
use datafusion_proto::protobuf::{LogicalPlanNode, PhysicalPlanNode};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How long [`remote_context`] waits for the scheduler's port to answer.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long an executor waits for its scheduler to come up (executors may start first).
const SCHEDULER_WAIT: Duration = Duration::from_secs(30);

/// What went wrong while starting or reaching a cluster.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// A HOST:PORT argument that does not parse (bad input).
    #[error("{flag} {value:?}: {reason}")]
    BadAddress {
        /// The flag that carried it, e.g. `--bind`.
        flag: &'static str,
        /// The value as given.
        value: String,
        /// What is wrong and what is expected.
        reason: String,
    },
    /// A number argument out of range (bad input).
    #[error("{flag} {value}: {reason}")]
    BadValue {
        /// The flag that carried it.
        flag: &'static str,
        /// The value as given.
        value: String,
        /// What is wrong.
        reason: String,
    },
    /// The scheduler did not answer on its port.
    #[error(
        "cannot reach the Ballista scheduler at {addr}: {cause}\n  hint: start one with \
         `astana cluster scheduler --bind {addr}` (and executors with `astana cluster executor \
         --scheduler {addr} --bind HOST:PORT`), or check the address and the firewall"
    )]
    Unreachable {
        /// The scheduler address as given.
        addr: String,
        /// Why the connection failed.
        cause: String,
    },
    /// The local address could not be bound.
    #[error("cannot listen on {addr}: {cause}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        cause: std::io::Error,
    },
    /// Ballista or DataFusion failed.
    #[error("{what}: {cause}")]
    Ballista {
        /// Which step.
        what: &'static str,
        /// Ballista's message.
        cause: String,
    },
}

impl ClusterError {
    /// The documented exit code: 2 for bad input, 1 for everything else.
    pub fn exit_code(&self) -> u8 {
        match self {
            ClusterError::BadAddress { .. } | ClusterError::BadValue { .. } => 2,
            _ => 1,
        }
    }

    fn ballista(what: &'static str, cause: impl std::fmt::Display) -> ClusterError {
        ClusterError::Ballista {
            what,
            cause: cause.to_string(),
        }
    }
}

/// A scheduler address: a host name or IP literal and a port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPort {
    /// Host name or IP (IPv6 without brackets).
    pub host: String,
    /// Port (1..=65535).
    pub port: u16,
}

impl HostPort {
    /// Parses `HOST:PORT` (IPv6 as `[::1]:50050`); `flag` names the argument in errors.
    pub fn parse(flag: &'static str, value: &str) -> Result<HostPort, ClusterError> {
        let bad = |reason: &str| ClusterError::BadAddress {
            flag,
            value: value.to_string(),
            reason: format!("{reason}; expected HOST:PORT, e.g. 10.0.0.5:50050"),
        };
        let (host, port) = value.rsplit_once(':').ok_or_else(|| bad("no port"))?;
        let bracketed = host.strip_prefix('[').and_then(|h| h.strip_suffix(']'));
        // `::1:5` could be read two ways; an IPv6 address goes in brackets, `[::1]:5`.
        match bracketed {
            None if host.contains(':') => return Err(bad("IPv6 addresses go in brackets")),
            Some(h) if h.parse::<std::net::Ipv6Addr>().is_err() => {
                return Err(bad("only an IPv6 address goes in brackets"))
            }
            _ => {}
        }
        let host = bracketed.unwrap_or(host);
        if host.is_empty() || host.contains(|c: char| c.is_whitespace() || c == '/') {
            return Err(bad("no host name"));
        }
        let port: u16 = port
            .parse()
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| bad("the port must be a number from 1 to 65535"))?;
        Ok(HostPort {
            host: host.to_string(),
            port,
        })
    }

    /// The host as it goes into a URL (IPv6 in brackets).
    fn url_host(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        }
    }
}

impl std::fmt::Display for HostPort {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.url_host(), self.port)
    }
}

/// Parses a local listening address: an IP literal and a port (0 = any free port).
pub fn parse_bind(flag: &'static str, value: &str) -> Result<SocketAddr, ClusterError> {
    value.parse().map_err(|_| ClusterError::BadAddress {
        flag,
        value: value.to_string(),
        reason: "expected IP:PORT, e.g. 0.0.0.0:50050 (every interface) or 127.0.0.1:50050"
            .to_string(),
    })
}

/// A DataFusion context whose queries run on the Ballista cluster at `addr` (`HOST:PORT` of
/// its scheduler). Fails with [`ClusterError::Unreachable`] (the address, the cause and how to
/// start a scheduler) when nothing answers there, rather than at the first query.
pub async fn remote_context(addr: &str) -> Result<SessionContext, ClusterError> {
    let hp = HostPort::parse("--cluster", addr)?;
    probe(&hp)
        .await
        .map_err(|cause| ClusterError::Unreachable {
            addr: hp.to_string(),
            cause,
        })?;
    SessionContext::remote(&format!("df://{hp}"))
        .await
        .map_err(|e| ClusterError::ballista("cannot open a Ballista session", e))
}

/// One TCP connection to the scheduler's port, bounded by [`CONNECT_TIMEOUT`].
async fn probe(hp: &HostPort) -> Result<(), String> {
    match tokio::time::timeout(
        CONNECT_TIMEOUT,
        tokio::net::TcpStream::connect((hp.host.as_str(), hp.port)),
    )
    .await
    {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no answer within {} s", CONNECT_TIMEOUT.as_secs())),
    }
}

/// Resolves when the process gets SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Runs a Ballista scheduler on `bind` (`IP:PORT`; port 0 picks a free one) until SIGINT or
/// SIGTERM. `on_ready` gets the bound address once the port is open and the scheduler is
/// initialised.
pub async fn run_scheduler(
    bind: &str,
    on_ready: impl FnOnce(SocketAddr),
) -> Result<(), ClusterError> {
    let addr = parse_bind("--bind", bind)?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|cause| ClusterError::Bind { addr, cause })?;
    let local = listener
        .local_addr()
        .map_err(|cause| ClusterError::Bind { addr, cause })?;
    let mut config = SchedulerConfig::default()
        .with_scheduler_policy(TaskSchedulingPolicy::PullStaged)
        .with_port(local.port());
    config.bind_host = local.ip().to_string();
    if !local.ip().is_unspecified() {
        config = config.with_hostname(local.ip().to_string());
    }
    config
        .validate()
        .map_err(|e| ClusterError::ballista("bad scheduler configuration", e))?;
    let cluster = BallistaCluster::new_from_config(&config)
        .await
        .map_err(|e| ClusterError::ballista("cannot create the cluster state", e))?;
    let scheduler =
        create_scheduler::<LogicalPlanNode, PhysicalPlanNode>(cluster, Arc::new(config))
            .await
            .map_err(|e| ClusterError::ballista("cannot start the scheduler", e))?;
    on_ready(local);
    tokio::select! {
        r = start_grpc_service_with_listener(listener, scheduler) => {
            r.map_err(|e| ClusterError::ballista("the scheduler stopped", e))
        }
        () = shutdown_signal() => Ok(()),
    }
}

/// Settings of one executor.
#[derive(Debug, Clone)]
pub struct ExecutorOptions {
    /// The scheduler, `HOST:PORT`.
    pub scheduler: String,
    /// Where this executor's Arrow Flight service listens, `IP:PORT` (port 0: a free port).
    /// The scheduler and the other executors connect to it: with a specific IP it is
    /// advertised as is; with 0.0.0.0 the scheduler uses the address the executor calls from.
    pub bind: String,
    /// Folder for shuffle files (default: a temporary folder removed on exit).
    pub work_dir: Option<PathBuf>,
    /// Tasks run at once (default: the number of CPU cores).
    pub concurrency: Option<usize>,
}

/// What [`run_executor`] reports once the scheduler has accepted the executor.
#[derive(Debug, Clone)]
pub struct ExecutorReady {
    /// The executor id Ballista gave it.
    pub id: String,
    /// The address it listens on.
    pub bind: SocketAddr,
    /// The scheduler it registered with.
    pub scheduler: String,
}

/// Runs a Ballista executor attached to `opts.scheduler` until SIGINT or SIGTERM (or the
/// scheduler stops it). Waits up to 30 s for the scheduler to answer first, so executors may
/// be started before it. `on_ready` is called once, after the first successful exchange with
/// the scheduler.
pub async fn run_executor(
    opts: &ExecutorOptions,
    on_ready: impl FnOnce(ExecutorReady) + Send + 'static,
) -> Result<(), ClusterError> {
    let scheduler = HostPort::parse("--scheduler", &opts.scheduler)?;
    let mut bind = parse_bind("--bind", &opts.bind)?;
    let vcores = match opts.concurrency {
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
        Some(n @ 1..=4096) => n,
        Some(n) => {
            return Err(ClusterError::BadValue {
                flag: "--concurrency",
                value: n.to_string(),
                reason: "must be from 1 to 4096".to_string(),
            })
        }
    };
    if bind.port() == 0 {
        // Ballista advertises the configured port, so resolve "any free port" here.
        let l = std::net::TcpListener::bind(bind)
            .map_err(|cause| ClusterError::Bind { addr: bind, cause })?;
        bind = l
            .local_addr()
            .map_err(|cause| ClusterError::Bind { addr: bind, cause })?;
    }
    if !wait_for_scheduler(&scheduler).await? {
        return Ok(()); // stopped while waiting
    }

    // A temporary work dir lives (and is removed) with this function.
    let temp;
    let work_dir = match &opts.work_dir {
        Some(d) => d.clone(),
        None => {
            temp = tempfile::Builder::new()
                .prefix("astana-executor-")
                .tempdir()
                .map_err(|e| ClusterError::ballista("cannot create a work folder", e))?;
            temp.path().to_path_buf()
        }
    };
    let work_dir =
        work_dir
            .to_str()
            .map(str::to_string)
            .ok_or_else(|| ClusterError::BadAddress {
                flag: "--work-dir",
                value: work_dir.display().to_string(),
                reason: "the path must be valid UTF-8".to_string(),
            })?;

    let config = ExecutorProcessConfig {
        bind_host: bind.ip().to_string(),
        external_host: (!bind.ip().is_unspecified()).then(|| bind.ip().to_string()),
        port: bind.port(),
        // Only used by push-staged scheduling; astana's cluster pulls.
        grpc_port: bind.port(),
        scheduler_host: scheduler.host.clone(),
        scheduler_port: scheduler.port,
        vcores,
        task_scheduling_policy: TaskSchedulingPolicy::PullStaged,
        work_dir: Some(work_dir),
        ..ExecutorProcessConfig::default()
    };
    let ready = ExecutorReady {
        id: config.executor_id.clone(),
        bind,
        scheduler: scheduler.to_string(),
    };
    let health = config.health.clone();
    let watcher = tokio::spawn(async move {
        // The poll loop marks the executor healthy once the scheduler answers it.
        while !health.is_ready() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        on_ready(ready);
    });
    // Ballista's executor handles SIGINT/SIGTERM itself: it tells the scheduler it is
    // leaving, drains running tasks and returns.
    let result = start_executor_process(Arc::new(config))
        .await
        .map_err(|e| ClusterError::ballista("the executor stopped", e));
    watcher.abort();
    result
}

/// Waits (bounded) until the scheduler's port answers: `true`, or `false` after SIGINT or
/// SIGTERM.
async fn wait_for_scheduler(hp: &HostPort) -> Result<bool, ClusterError> {
    let deadline = tokio::time::Instant::now() + SCHEDULER_WAIT;
    let mut last;
    loop {
        match probe(hp).await {
            Ok(()) => return Ok(true),
            Err(e) => last = e,
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(ClusterError::Unreachable {
                addr: hp.to_string(),
                cause: format!("{last} (waited {} s)", SCHEDULER_WAIT.as_secs()),
            });
        }
        tokio::select! {
            () = tokio::time::sleep(Duration::from_millis(250)) => {}
            () = shutdown_signal() => return Ok(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_port_parses_names_ips_and_ipv6() {
        let hp = HostPort::parse("--cluster", "sched.lan:50050").expect("valid");
        assert_eq!((hp.host.as_str(), hp.port), ("sched.lan", 50050));
        let hp = HostPort::parse("--cluster", "[::1]:7").expect("valid");
        assert_eq!((hp.host.as_str(), hp.port), ("::1", 7));
        assert_eq!(hp.to_string(), "[::1]:7");
    }

    #[test]
    fn host_port_errors_name_the_flag_and_the_value() {
        for (v, why) in [
            ("localhost", "no port"),
            (":50050", "no host name"),
            ("h:0", "from 1 to 65535"),
            ("h:65536", "from 1 to 65535"),
            ("h:x", "from 1 to 65535"),
            ("::1:5", "brackets"),
            ("[sched]:5", "only an IPv6 address"),
        ] {
            let e = HostPort::parse("--cluster", v).expect_err(v).to_string();
            assert!(e.starts_with(&format!("--cluster {v:?}: ")), "{e}");
            assert!(e.contains(why), "{v}: {e}");
            assert_eq!(HostPort::parse("--cluster", v).expect_err(v).exit_code(), 2);
        }
    }

    #[test]
    fn bind_needs_an_ip_literal() {
        assert_eq!(
            parse_bind("--bind", "0.0.0.0:0").expect("valid"),
            "0.0.0.0:0".parse::<SocketAddr>().expect("literal")
        );
        let e = parse_bind("--bind", "localhost:50050").expect_err("a name");
        assert!(e.to_string().contains("expected IP:PORT"), "{e}");
    }

    #[tokio::test]
    async fn unreachable_scheduler_is_a_located_error_with_a_hint() {
        // A port that was free a moment ago: nothing listens there.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let addr = format!("127.0.0.1:{port}");
        let Err(e) = remote_context(&addr).await else {
            panic!("a context without a scheduler");
        };
        let msg = e.to_string();
        assert!(
            msg.starts_with(&format!("cannot reach the Ballista scheduler at {addr}: ")),
            "{msg}"
        );
        assert!(msg.contains("astana cluster scheduler --bind"), "{msg}");
        assert_eq!(e.exit_code(), 1);
    }
}
