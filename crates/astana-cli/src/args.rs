//! Command-line arguments, as close to the flags as possible.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// astana makes a middle power's diplomacy computable.
///
/// Every command works on the embedded default scenario (Kazakhstan) unless `--scenario DIR`
/// names another scenario folder. `--json` prints one JSON document on stdout. Exit codes:
/// 0 success, 1 the computation failed, 2 bad usage or bad input.
#[derive(Debug, Parser)]
#[command(
    name = "astana",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub(crate) struct Cli {
    /// Scenario folder to use instead of the embedded Kazakhstan scenario.
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) scenario: Option<PathBuf>,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Write the HTML brief of the scenario and print a short summary.
    ///
    /// Example: astana brief --out brief.html
    Brief(BriefArgs),
    /// Serve every engine over HTTP for a team: a JSON API (OpenAPI at /api/openapi.json),
    /// a dashboard at /, and the scenarios and jobs in one SQLite file.
    ///
    /// Examples:
    ///   astana serve
    ///   astana serve --db team.db --addr 0.0.0.0:8080
    ///   astana serve --addr 127.0.0.1:0      (port 0: a free port, shown on start)
    #[command(verbatim_doc_comment)]
    Serve(ServeArgs),
    /// Check a scenario folder (every problem with file, line and field), export the
    /// default one as files, or start one for any country.
    ///
    /// Examples:
    ///   astana scenario check data/scenarios/kazakhstan
    ///   astana scenario export my-scenario
    ///   astana scenario init indonesia --country IDN
    #[command(verbatim_doc_comment)]
    Scenario {
        #[command(subcommand)]
        command: ScenarioCommand,
    },
    /// Partner shares and concentration (HHI, UNCTAD index, entropy, blocs), shocks, trend,
    /// asymmetric dependence, and UN voting alignment.
    ///
    /// Examples:
    ///   astana balance --year 2023
    ///   astana balance --year 2023 --shock CHN=-0.5,RUS=-1
    ///   astana balance --trend --json
    ///   astana balance --flows world.csv --all --flow exports
    ///   astana balance alignment --with CHN,RUS,USA,DEU --from 2007 --to 2019
    #[command(verbatim_doc_comment)]
    Balance(BalanceArgs),
    /// Voting power: Shapley–Shubik, Banzhaf, Johnston, Deegan–Packel and Holler indices,
    /// exact, for any weighted or multi-weight boolean rule in a game file.
    ///
    /// Examples:
    ///   astana power data/scenarios/kazakhstan/power/unsc.toml
    ///   astana power game.toml --index shapley_shubik,banzhaf --json
    #[command(verbatim_doc_comment)]
    Power(PowerArgs),
    /// Negotiation for mediators: where agreement is possible, which settlement is fair,
    /// and how a negotiation or a mediated single text converges.
    ///
    /// Domains: a GENIUS/ANAC domain XML with one --profile XML per party, a GENIUS folder,
    /// or a native TOML domain holding its parties.
    ///
    /// Examples:
    ///   astana mediate analyze --domain data/scenarios/kazakhstan/negotiation/trans-caspian.toml
    ///   astana mediate analyze --domain laptop_domain.xml --profile buyer.xml --profile seller.xml --json
    ///   astana mediate run --domain D.xml --profile A.xml --profile B.xml --agents boulware,conceder
    ///   astana mediate run --domain trans-caspian.toml --protocol single-text
    #[command(verbatim_doc_comment)]
    Mediate {
        #[command(subcommand)]
        command: MediateCommand,
    },
    /// Freight corridors China–Europe as a multimodal network: routes, bottlenecks, demand
    /// split, simulation of ports and ferries, volumes.
    ///
    /// Examples:
    ///   astana corridor routes --from "Xi'an" --to Duisburg --k 5
    ///   astana corridor routes --from xian --to duisburg --avoid RUS,BLR --by generalized
    ///   astana corridor bottleneck --from Altynkol --to Poti --corridor middle-caspian
    ///   astana corridor assign --demand 200000 --from xian --to duisburg --avoid RUS
    ///   astana corridor simulate --days 365 --seed 7
    ///   astana corridor queue --servers 2 --arrival-rate 1.6 --service-rate 1 --customers 1000000
    ///   astana corridor volumes
    #[command(verbatim_doc_comment)]
    Corridor {
        #[command(subcommand)]
        command: CorridorCommand,
    },
    /// Forum scheduling: panels and bilateral meetings in days, slots and rooms, a calendar
    /// per person, re-planning after changes.
    ///
    /// Examples:
    ///   astana forum schedule data/scenarios/kazakhstan/forum --out calendars
    ///   astana forum check data/scenarios/kazakhstan/forum schedule.json
    ///   astana forum replan DIR schedule.json --change changes.csv
    ///   astana forum generate /tmp/forum --participants 4000 --requests 20000 --panels 120 --days 3
    #[command(verbatim_doc_comment)]
    Forum {
        #[command(subcommand)]
        command: ForumCommand,
    },
    /// Run trade queries on several machines: an Apache Ballista scheduler and executors
    /// (needs the `cluster` build feature); `balance --cluster HOST:PORT` then uses them.
    ///
    /// Examples:
    ///   astana cluster scheduler --bind 10.0.0.5:50050
    ///   astana cluster executor --scheduler 10.0.0.5:50050 --bind 10.0.0.6:50051
    #[command(verbatim_doc_comment)]
    Cluster {
        #[command(subcommand)]
        command: crate::cluster_cmd::ClusterCommand,
    },
    /// Trade data at scale: convert BACI, UN Comtrade and IMF DOTS downloads into the flows
    /// table (zstd Parquet) that `balance --flows` reads.
    ///
    /// Examples:
    ///   astana trade import baci BACI_HS17_Y2022_V202501.csv --out baci2022.parquet
    ///   astana trade import baci BACI_HS17_Y2022_V202501.csv --countries country_codes_V202501.csv --out baci/
    ///   astana trade import comtrade TradeData.csv --out comtrade.parquet
    ///   astana trade import dots DOT.csv --unit millions --out dots.parquet
    #[command(verbatim_doc_comment)]
    Trade {
        #[command(subcommand)]
        command: TradeCommand,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum TradeCommand {
    /// Convert a BACI, UN Comtrade or IMF DOTS CSV into the flows table: one Parquet file
    /// (--out X.parquet) or a folder partitioned by year (--out DIR → DIR/year=YYYY/).
    Import(TradeImportArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum TradeFormat {
    /// CEPII BACI `t,i,j,k,v,q` (values in thousands of USD).
    Baci,
    /// UN Comtrade bulk or API CSV (comma or tab separated).
    Comtrade,
    /// IMF Direction of Trade Statistics CSV (long or wide).
    Dots,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum TradeUnit {
    /// US dollars.
    Usd,
    /// Thousands of US dollars.
    Thousands,
    /// Millions of US dollars.
    Millions,
}

#[derive(Debug, Args)]
pub(crate) struct TradeImportArgs {
    /// Input layout.
    pub(crate) format: TradeFormat,
    /// Input CSV.
    pub(crate) input: PathBuf,
    /// Output: a `.parquet` file, or any other path for a folder partitioned by year.
    #[arg(long, value_name = "PATH")]
    pub(crate) out: PathBuf,
    /// Country table `country_code,…,country_iso3` (BACI's country_codes_V*.csv; for DOTS,
    /// IMF codes) instead of the built-in one.
    #[arg(long, value_name = "CSV")]
    pub(crate) countries: Option<PathBuf>,
    /// BACI: also write each row as the importer's `imports` row (BACI is a mirror dataset).
    #[arg(long)]
    pub(crate) both: bool,
    /// The `source` column (default: from the format and, for BACI, the file name).
    #[arg(long, value_name = "ID")]
    pub(crate) source: Option<String>,
    /// DOTS: unit of values when the file has no unit column.
    #[arg(long, value_enum)]
    pub(crate) unit: Option<TradeUnit>,
    /// Replace an existing output.
    #[arg(long)]
    pub(crate) force: bool,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ForumCommand {
    /// Schedule a forum folder: panels first, then as much bilateral value as possible;
    /// prints the objective, an upper bound and the gap.
    Schedule(ForumScheduleArgs),
    /// Check a schedule JSON against a forum: names every violated constraint.
    Check {
        /// Forum folder.
        dir: PathBuf,
        /// Schedule JSON (as written by `forum schedule --json`).
        schedule: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Re-plan after changes (CSV `change,id,value`: cancel_request, cancel_panel, arrive,
    /// depart, close_room), keeping what still fits in place.
    Replan(ForumReplanArgs),
    /// Write a synthetic forum folder (distributions documented in the crate).
    Generate(ForumGenerateArgs),
}

#[derive(Debug, Args)]
pub(crate) struct ForumScheduleArgs {
    /// Forum folder (forum.toml, rooms.csv, participants.csv, requests.csv, panels.csv).
    pub(crate) dir: PathBuf,
    /// Write calendars (.ics per participant), room sheets (.csv per room) and
    /// schedule.json here, replacing the folder as a whole (an earlier run's output is
    /// replaced; a folder holding anything else needs --force).
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Replace the --out folder even when it holds files astana did not write.
    #[arg(long)]
    pub(crate) force: bool,
    /// Time cap on improving the schedule, seconds (0 to 86400); a run it ends depends on
    /// the machine's speed and load.
    #[arg(long, default_value_t = astana_forum_scheduler::solve::DEFAULT_SECONDS, value_parser = forum_seconds)]
    pub(crate) seconds: f64,
    /// Work budget for improving the schedule: insertion attempts, counted, so the same
    /// seed and budget give the same schedule anywhere (unless --seconds ends it first).
    #[arg(long, default_value_t = astana_forum_scheduler::solve::DEFAULT_WORK)]
    pub(crate) work: u64,
    /// Seed for tie-breaking.
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ForumReplanArgs {
    /// Forum folder.
    pub(crate) dir: PathBuf,
    /// The schedule to change (JSON).
    pub(crate) schedule: PathBuf,
    /// The changes (CSV).
    #[arg(long, value_name = "CSV")]
    pub(crate) change: PathBuf,
    /// Write calendars, room sheets and schedule.json here (the folder is replaced as a
    /// whole, as with `forum schedule --out`).
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<PathBuf>,
    /// Replace the --out folder even when it holds files astana did not write.
    #[arg(long)]
    pub(crate) force: bool,
    /// Time cap, seconds (0 to 86400).
    #[arg(long, default_value_t = astana_forum_scheduler::solve::DEFAULT_SECONDS, value_parser = forum_seconds)]
    pub(crate) seconds: f64,
    /// Work budget: insertion attempts (reproducible, unlike --seconds).
    #[arg(long, default_value_t = astana_forum_scheduler::solve::DEFAULT_WORK)]
    pub(crate) work: u64,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ForumGenerateArgs {
    /// Folder to write (new or empty; an existing forum is replaced only with --force).
    pub(crate) dir: PathBuf,
    /// Replace DIR even when it already holds files (such as an earlier forum).
    #[arg(long)]
    pub(crate) force: bool,
    /// Participants (1 to 1,000,000).
    #[arg(long, default_value_t = 4000)]
    pub(crate) participants: usize,
    /// Meeting requests.
    #[arg(long, default_value_t = 20000)]
    pub(crate) requests: usize,
    /// Panels.
    #[arg(long, default_value_t = 120)]
    pub(crate) panels: usize,
    /// Days (at most 30).
    #[arg(long, default_value_t = 3)]
    pub(crate) days: usize,
    /// Slots per day (at most 32: 30 minutes each, from 08:00).
    #[arg(long, default_value_t = 16)]
    pub(crate) slots_per_day: usize,
    /// Bilateral meeting rooms.
    #[arg(long, default_value_t = 60)]
    pub(crate) bilateral_rooms: usize,
    /// Halls.
    #[arg(long, default_value_t = 10)]
    pub(crate) halls: usize,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
}

/// A forum time budget: finite, 0 to 86,400 seconds (NaN and infinities are errors).
fn forum_seconds(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if (0.0..=86_400.0).contains(&x) => Ok(x),
        Ok(x) if !x.is_finite() => Err(format!("`{s}` is not a finite number of seconds")),
        Ok(_) => Err(format!("`{s}` is not between 0 and 86400 seconds")),
        Err(_) => Err(format!("`{s}` is not a number of seconds")),
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum CorridorCommand {
    /// k loopless best routes between two nodes, each with its corridor family, days, km,
    /// cost, countries, transshipments and legs.
    Routes(RoutesArgs),
    /// Maximum annual flow between two nodes, the binding links, and what an investment
    /// (--set LINK.capacity=VALUE) changes.
    Bottleneck(BottleneckArgs),
    /// Split a demand between the routes by a logit model on generalised cost, with
    /// congestion at capacity (method of successive averages).
    Assign(AssignArgs),
    /// Discrete-event simulation of trains through the network: queues at ports and border
    /// stations, scheduled Caspian sailings with storm cancellations.
    Simulate(SimulateArgs),
    /// One M/M/c station simulated with the same engine, against Erlang C.
    Queue(QueueArgs),
    /// The corridor's volume series, growth, and a capacity-capped projection.
    Volumes(VolumesArgs),
}

#[derive(Debug, Args)]
pub(crate) struct OdArgs {
    /// Origin: node id, or a name or its leading words (case, accents and punctuation
    /// ignored).
    #[arg(long)]
    pub(crate) from: String,
    /// Destination, as --from.
    #[arg(long)]
    pub(crate) to: String,
}

#[derive(Debug, Args)]
pub(crate) struct OdOptArgs {
    /// Origin: node id, or a name or its leading words (case, accents and punctuation
    /// ignored).
    #[arg(long, required_unless_present = "all_pairs")]
    pub(crate) from: Option<String>,
    /// Destination, as --from.
    #[arg(long, required_unless_present = "all_pairs")]
    pub(crate) to: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct FilterArgs {
    /// Countries (ISO3) not to enter or cross, comma-separated; each must be a country of
    /// the network.
    #[arg(long, value_name = "ISO3,...", value_delimiter = ',')]
    pub(crate) avoid: Vec<String>,
    /// Links closed, by id, comma-separated.
    #[arg(long, value_name = "LINK,...", value_delimiter = ',')]
    pub(crate) close: Vec<String>,
    /// Only this corridor family: northern, middle-caspian, middle-turkiye, southern,
    /// sea-suez, sea-cape.
    #[arg(long, value_name = "FAMILY")]
    pub(crate) corridor: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ByArg {
    /// Days: running time plus dwell at nodes.
    Time,
    /// USD per FEU: freight plus handling.
    Cost,
    /// Cost plus value of time.
    Generalized,
}

#[derive(Debug, Args)]
pub(crate) struct RoutesArgs {
    #[command(flatten)]
    pub(crate) od: OdOptArgs,
    /// k routes for every ordered pair of distinct nodes (a whole-network table; with
    /// --json, totals per pair).
    #[arg(long, conflicts_with_all = ["from", "to"])]
    pub(crate) all_pairs: bool,
    #[command(flatten)]
    pub(crate) filter: FilterArgs,
    /// What to minimise.
    #[arg(long, value_enum, default_value = "time")]
    pub(crate) by: ByArg,
    /// Value of time, USD per FEU-hour (generalised cost; an assumption, state yours).
    #[arg(long, default_value_t = 2.0)]
    pub(crate) value_of_time: f64,
    /// Number of routes, 1 to 1000.
    #[arg(long, default_value_t = 5)]
    pub(crate) k: usize,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct BottleneckArgs {
    #[command(flatten)]
    pub(crate) od: OdArgs,
    #[command(flatten)]
    pub(crate) filter: FilterArgs,
    /// An investment: LINK.capacity=TEU_PER_YEAR (repeat the flag for several).
    #[arg(long, value_name = "LINK.capacity=VALUE")]
    pub(crate) set: Vec<String>,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct AssignArgs {
    #[command(flatten)]
    pub(crate) od: OdArgs,
    #[command(flatten)]
    pub(crate) filter: FilterArgs,
    /// Demand, TEU per year.
    #[arg(long)]
    pub(crate) demand: f64,
    /// Routes considered overall, besides the two best of each corridor family.
    #[arg(long, default_value_t = 5)]
    pub(crate) k: usize,
    /// Logit scale per USD per FEU (a route USD 1/θ dearer gets e times less demand).
    #[arg(long, default_value_t = 0.002)]
    pub(crate) theta: f64,
    /// Value of time, USD per FEU-hour.
    #[arg(long, default_value_t = 2.0)]
    pub(crate) value_of_time: f64,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct SimulateArgs {
    /// Only shipments from this node (with --to).
    #[arg(long, requires = "to")]
    pub(crate) from: Option<String>,
    /// Only shipments to this node (with --from).
    #[arg(long, requires = "from")]
    pub(crate) to: Option<String>,
    #[command(flatten)]
    pub(crate) filter: FilterArgs,
    /// Demand, TEU per year, split equally between origin–destination pairs and by logit
    /// between each pair's routes.
    #[arg(long, default_value_t = 120_000.0)]
    pub(crate) demand: f64,
    /// Days of shipments (at most 3650).
    #[arg(long, default_value_t = 365.0)]
    pub(crate) days: f64,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// TEU per train.
    #[arg(long, default_value_t = 82.0)]
    pub(crate) teu_per_train: f64,
    /// Probability that a Caspian sailing is cancelled by weather, from 0 to below 1.
    #[arg(long, default_value_t = 0.08)]
    pub(crate) caspian_closure: f64,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct QueueArgs {
    /// Servers, 1 to 10000.
    #[arg(long)]
    pub(crate) servers: u32,
    /// Arrivals per hour.
    #[arg(long)]
    pub(crate) arrival_rate: f64,
    /// Services per hour per server.
    #[arg(long)]
    pub(crate) service_rate: f64,
    /// Customers, at most 100000000.
    #[arg(long, default_value_t = 1_000_000)]
    pub(crate) customers: u64,
    /// Seed.
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct VolumesArgs {
    /// Corridor id in volumes.csv.
    #[arg(long, default_value = "middle")]
    pub(crate) corridor: String,
    /// Last year of the projection.
    #[arg(long, default_value_t = 2030)]
    pub(crate) to: i32,
    /// Years of growth the projection extrapolates.
    #[arg(long, default_value_t = 3)]
    pub(crate) window: usize,
    /// Capacity cap, Mt per year (default: the latest `capacity` row of the corridor).
    #[arg(long)]
    pub(crate) capacity_mt: Option<f64>,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum MediateCommand {
    /// Outcome count, Pareto frontier of the rational outcomes, and the Nash,
    /// Kalai–Smorodinsky, egalitarian and max-welfare settlements.
    Analyze(DomainArgs),
    /// Run a protocol: stacked alternating offers between agents, or a mediator's single
    /// negotiating text; prints the transcript summary.
    ///
    /// Discount factors (GENIUS: utility × δ^t at normalised time t) are applied to the
    /// agreement and reported beside the undiscounted utilities; the agents' strategies
    /// depend on time, not on δ.
    Run(RunArgs),
}

#[derive(Debug, Args)]
pub(crate) struct DomainArgs {
    /// Domain: GENIUS domain XML, GENIUS folder, or native TOML.
    #[arg(long, value_name = "PATH")]
    pub(crate) domain: PathBuf,
    /// One GENIUS profile XML per party, in party order (repeat the flag).
    #[arg(long, value_name = "XML")]
    pub(crate) profile: Vec<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// Work limit: most dominance tests the Pareto frontier may take (estimated before
    /// each issue). Beyond it the frontier is skipped and the settlements are found by
    /// scanning every outcome (exact); beyond 200,000,000 outcomes the analysis is refused.
    /// `run` also bounds the single text's revisions and repeated sessions by it.
    #[arg(long, value_name = "TESTS", default_value = "5e10", value_parser = crate::mediate_cmd::parse_max_work)]
    pub(crate) max_work: f64,
    /// Lift every work limit (the frontier and the scan run however long they take;
    /// progress is shown on a terminal, Ctrl-C stops).
    #[arg(long)]
    pub(crate) insist: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ProtocolArg {
    /// Stacked alternating offers between agents.
    Alternating,
    /// A mediator revises one negotiating text the parties accept or reject.
    SingleText,
}

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    #[command(flatten)]
    pub(crate) domain: DomainArgs,
    /// The protocol.
    #[arg(long, value_enum, default_value = "alternating")]
    pub(crate) protocol: ProtocolArg,
    /// One agent per party, in party order: boulware, linear, conceder, hardliner,
    /// tit-for-tat, or time:E for aspiration 1 − t^E (default: boulware for every party).
    #[arg(long, value_name = "A,B,...", value_delimiter = ',')]
    pub(crate) agents: Vec<String>,
    /// Deadline: rounds of offers, or the mediator's revision steps (1 to 1,000,000).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub(crate) rounds: u32,
    /// Run the session this many times and report the last (for timing; the agents are
    /// deterministic, every session is recomputed from scratch; 1 to 10,000).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub(crate) sessions: u32,
    /// Single text: the utility a party is willing to give up on one revision at the
    /// start (0 to 1); it shrinks linearly to zero at the deadline.
    #[arg(long, default_value_t = 0.1, value_parser = crate::mediate_cmd::parse_tolerance)]
    pub(crate) tolerance: f64,
    /// Seed for the mediator's first text.
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// Print every offer or step.
    #[arg(long)]
    pub(crate) trace: bool,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub(crate) struct PowerArgs {
    #[command(subcommand)]
    pub(crate) command: Option<PowerCommand>,
    /// The game file (TOML): players with named weights and a `rule`, or `quota` + `weight`.
    #[arg(required = true)]
    pub(crate) game: Option<PathBuf>,
    /// Compute only these indices: shapley_shubik, banzhaf, banzhaf_absolute, johnston,
    /// deegan_packel, holler.
    #[arg(long, value_delimiter = ',', value_name = "NAME,...")]
    pub(crate) index: Vec<String>,
    /// Exact methods only: fail rather than estimate.
    #[arg(long, conflicts_with = "monte_carlo")]
    pub(crate) exact: bool,
    /// Estimate by Monte Carlo even where an exact method exists.
    #[arg(long)]
    pub(crate) monte_carlo: bool,
    /// Monte Carlo draws per index (1 to 10⁹).
    #[arg(long, default_value_t = 200_000,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000_000))]
    pub(crate) samples: u64,
    /// Monte Carlo seed (the same seed gives the same estimates).
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// Force a method: enumeration, winning-coalitions, generating-function,
    /// meet-in-the-middle, kinds (exact, for cross-checks) or float (double precision with
    /// an error bound; one weighted clause, Shapley–Shubik and Banzhaf).
    #[arg(long, value_name = "METHOD", conflicts_with = "monte_carlo")]
    pub(crate) method: Option<String>,
    /// Run the computation even when its estimated time or memory is above the limits
    /// (60 s, 3 GiB), instead of leaving the index out or estimating it.
    #[arg(long)]
    pub(crate) no_cost_limit: bool,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct BriefArgs {
    /// Where to write the HTML file.
    #[arg(long, default_value = "brief.html", value_name = "FILE")]
    pub(crate) out: PathBuf,
    /// Year of the balance section (default: the scenario's default year).
    #[arg(long)]
    pub(crate) year: Option<i32>,
    /// Date printed on the brief, YYYY-MM-DD (default: the day of SOURCE_DATE_EPOCH when
    /// set, else today in UTC); the same date gives the same bytes.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = astana_brief::parse_date)]
    pub(crate) date: Option<astana_brief::Date>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum PowerCommand {
    /// One player's voice under several rules, side by side.
    ///
    /// Example: astana power compare data/scenarios/kazakhstan/power/unsc*.toml --player 'E*'
    Compare(CompareArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CompareArgs {
    /// Game files.
    #[arg(required = true)]
    pub(crate) games: Vec<PathBuf>,
    /// Player id, or a prefix ending in `*` for a class of players (their mean), e.g. `E*`
    /// for an elected member.
    #[arg(long)]
    pub(crate) player: String,
    /// Indices to show (default: shapley_shubik, banzhaf, banzhaf_absolute).
    #[arg(long, value_delimiter = ',', value_name = "NAME,...")]
    pub(crate) index: Vec<String>,
    /// Regional groups and seats per rule (e.g. data/scenarios/kazakhstan/power/tenure.toml):
    /// adds the share of years seated and the power averaged over years.
    #[arg(long, value_name = "FILE")]
    pub(crate) tenure: Option<PathBuf>,
    /// Regional group for --tenure (default: the focal country's group in that file).
    #[arg(long, requires = "tenure")]
    pub(crate) group: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum ScenarioCommand {
    /// Parse and validate a scenario; exit 2 if any error is found.
    ///
    /// Without DIR, checks the embedded default scenario (or --scenario DIR).
    Check {
        /// Scenario folder.
        dir: Option<PathBuf>,
        /// Print the problems as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write the embedded default scenario as an editable folder, README included.
    ///
    /// The folder is what --scenario DIR reads. Refuses to overwrite files without --force
    /// (exit 2, naming each file).
    ///
    /// Example: astana scenario export my-scenario && astana brief --scenario my-scenario
    Export {
        /// Folder to write (created if missing).
        dir: PathBuf,
        /// Overwrite files that exist.
        #[arg(long)]
        force: bool,
        /// Print the files written as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write a skeleton scenario for any country, pre-filled from the data astana holds.
    ///
    /// Name, blocs, memberships and UN voting alignment (against CHN, DEU, RUS and USA,
    /// 1946–2019) are filled in; flows.csv is empty with a comment per column; README.md
    /// is a checklist of what to add. `scenario check` passes on it, with a warning per
    /// missing part. Refuses to overwrite files without --force.
    ///
    /// Example: astana scenario init indonesia --country IDN
    Init {
        /// Folder to write (created if missing).
        dir: PathBuf,
        /// The focal country, ISO 3166 alpha-3 (e.g. IDN).
        #[arg(long, value_name = "ISO3")]
        country: String,
        /// Overwrite files that exist.
        #[arg(long)]
        force: bool,
        /// Print the files written and what is missing as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum FlowArg {
    /// Goods exports.
    Exports,
    /// Goods imports.
    Imports,
    /// Exports plus imports.
    Turnover,
    /// Gross FDI inflow by source country.
    FdiInflow,
}

impl BalanceArgs {
    /// The flow asked for: turnover by default, exports by default with `--by product`
    /// (export diversification is what the product measures are about).
    pub(crate) fn flow(&self) -> FlowArg {
        self.flow.unwrap_or(match self.by {
            BalanceBy::Product => FlowArg::Exports,
            BalanceBy::Partner => FlowArg::Turnover,
        })
    }
}

impl From<FlowArg> for astana_model::FlowKind {
    fn from(f: FlowArg) -> Self {
        match f {
            FlowArg::Exports => Self::Exports,
            FlowArg::Imports => Self::Imports,
            FlowArg::Turnover => Self::Turnover,
            FlowArg::FdiInflow => Self::FdiInflow,
        }
    }
}

/// `astana balance --by`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum BalanceBy {
    /// Partner concentration (the default).
    Partner,
    /// Product diversification.
    Product,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct BalanceArgs {
    #[command(subcommand)]
    pub(crate) command: Option<BalanceCommand>,
    /// Read flows from a flows table instead of a scenario: a CSV file
    /// (year,reporter,partner,flow,value_usd,source), a Parquet file, or a folder of Parquet
    /// files (optionally split into year=YYYY/ folders).
    #[arg(long, value_name = "PATH")]
    pub(crate) flows: Option<PathBuf>,
    /// What the concentration is over: partners, or products (needs a product column).
    #[arg(long, value_enum, default_value = "partner")]
    pub(crate) by: BalanceBy,
    /// Reporter country, ISO 3166 alpha-3 (default: the scenario's focal country).
    #[arg(long, value_name = "ISO3")]
    pub(crate) reporter: Option<String>,
    /// Year (default: the scenario's default year).
    #[arg(long)]
    pub(crate) year: Option<i32>,
    /// Which flow [default: turnover; with --by product: exports].
    #[arg(long, value_enum)]
    pub(crate) flow: Option<FlowArg>,
    /// Part of the year: FY, Q1..Q4, H1, H2 or a month range such as Jan-Sep.
    #[arg(long, default_value = "FY")]
    pub(crate) period: String,
    /// Use the partners' statistics about the reporter (mirror data) instead of its own.
    #[arg(long)]
    pub(crate) mirror: bool,
    /// N (= n) of the normalised HHI and UNCTAD's index, e.g. --n 200. Default: the
    /// partners with trade when they cover the total; the economies of the ISO 3166 list
    /// (248 besides the reporter) when part of the total is not broken down.
    #[arg(long)]
    pub(crate) n: Option<usize>,
    /// Cut partners by a fraction: CHN=-0.5,RUS=-1 (bloc ids allowed, e.g. EU27=-0.2);
    /// each change between -1 and 1000.
    #[arg(long, value_name = "SPEC", allow_hyphen_values = true)]
    pub(crate) shock: Option<String>,
    /// Concentration over every year with data instead of one year.
    #[arg(long)]
    pub(crate) trend: bool,
    /// Every reporter and year in the data (a whole trade matrix), one summary line each.
    #[arg(long, conflicts_with_all = ["shock", "trend", "dependence", "year", "reporter"])]
    pub(crate) all: bool,
    /// Asymmetric dependence: my share of your trade against your share of mine.
    #[arg(long)]
    pub(crate) dependence: bool,
    /// Run the flows query on the Apache Ballista cluster whose scheduler is at HOST:PORT
    /// (see `astana cluster`; every executor must read --flows at the same path).
    #[arg(long, value_name = "HOST:PORT", requires = "flows")]
    pub(crate) cluster: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum BalanceCommand {
    /// How often the country votes like its partners in the UN General Assembly.
    ///
    /// Reads the roll-call data (layout of the R package `unvotes`) from --unvotes DIR,
    /// else $ASTANA_REFERENCE_DIR/balance/unvotes, else ../shared/reference/balance/unvotes;
    /// without it, uses the scenario's derived table alignment.csv.
    ///
    /// Example: astana balance alignment --country KAZ --with CHN,RUS,USA,DEU --from 2007 --to 2019
    Alignment(AlignmentArgs),
}

#[derive(Debug, Args)]
pub(crate) struct AlignmentArgs {
    /// Focal country (default: the scenario's focal country).
    #[arg(long, value_name = "ISO3")]
    pub(crate) country: Option<String>,
    /// Partners, comma-separated ISO3 codes, or `all` for every country in the data.
    #[arg(
        long = "with",
        value_name = "ISO3,...",
        value_delimiter = ',',
        default_value = "CHN,RUS,USA,DEU"
    )]
    pub(crate) partners: Vec<String>,
    /// First year.
    #[arg(long, default_value_t = 2007)]
    pub(crate) from: i32,
    /// Last year.
    #[arg(long, default_value_t = 2019)]
    pub(crate) to: i32,
    /// Folder with roll_calls.csv and votes.csv.
    #[arg(long, value_name = "DIR")]
    pub(crate) unvotes: Option<PathBuf>,
    /// Also write the per-year table as CSV (the scenario's alignment.csv layout).
    #[arg(long, value_name = "FILE")]
    pub(crate) write_table: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The database file; created and seeded with the default scenario if missing.
    #[arg(long, value_name = "PATH", default_value = "astana.db")]
    pub(crate) db: PathBuf,
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080")]
    pub(crate) addr: String,
    /// A file holding the team's access token (at least 22 characters): every request then
    /// needs it (`Authorization: Bearer TOKEN`, or the dashboard's sign-in page).
    #[arg(long, value_name = "PATH")]
    pub(crate) token_file: Option<PathBuf>,
}
