//! `astana._native`: the Rust side of the Python package `astana`. Thin on purpose: each
//! function reads its inputs as the CLI does, calls `astana-query` (the same code behind
//! `astana X --json`) and turns its JSON document into Python dicts and lists. The Pythonic
//! API (argument shapes, `fractions.Fraction`, DataFrames) lives in `python/astana/`.
//!
//! Every call (but a small game's, see `INLINE_PLAYERS`) runs on a worker thread while the
//! caller waits with the GIL released, polling for signals: Ctrl-C raises
//! `KeyboardInterrupt` at once and sets the query's cancel flag. The engines cannot stop
//! mid-run (astana-query polls the flag before and after the work), so the interrupted
//! work finishes in the background on its thread and its answer is dropped.

use astana_model::Scenario;
use astana_query::{ErrorKind, Progress, QueryError};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{Map, Value};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

mod worker;

/// How often the waiting caller looks for Ctrl-C.
const POLL: Duration = Duration::from_millis(20);

// ---------------------------------------------------------------------------------------
// Errors: `astana.InputError` (exit 2), `astana.ComputationError` (exit 1),
// `astana.NotFoundError` (exit 2), defined in python/astana/_errors.py.

static ERRORS: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

/// The Python exception for `e`, carrying the CLI's message, title, located errors and exit
/// code.
fn py_error(py: Python<'_>, e: &QueryError) -> PyErr {
    let class = match e.kind {
        ErrorKind::Input => "InputError",
        ErrorKind::Compute => "ComputationError",
        ErrorKind::NotFound => "NotFoundError",
    };
    let made = (|| -> PyResult<PyErr> {
        let module =
            ERRORS.get_or_try_init(py, || py.import("astana._errors").map(Bound::unbind))?;
        let errors = serde_json::to_value(&e.errors).unwrap_or(Value::Null);
        let exc = module.bind(py).getattr(class)?.call1((
            e.to_string().trim_end(),
            e.title.as_str(),
            to_py(py, &errors)?,
            e.exit_code(),
        ))?;
        Ok(PyErr::from_value(exc))
    })();
    made.unwrap_or_else(|err| err)
}

fn input(message: impl std::fmt::Display) -> QueryError {
    QueryError::input(message)
}

// ---------------------------------------------------------------------------------------
// JSON ⇄ Python.

/// A JSON document as Python objects (dict, list, str, int, float, bool, None).
fn to_py(py: Python<'_>, v: &Value) -> PyResult<Py<PyAny>> {
    Ok(match v {
        Value::Null => py.None(),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any().unbind(),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any().unbind()
            } else if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any().unbind()
            } else {
                n.as_f64()
                    .unwrap_or(f64::NAN)
                    .into_pyobject(py)?
                    .into_any()
                    .unbind()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any().unbind(),
        Value::Array(a) => {
            let items = a
                .iter()
                .map(|x| to_py(py, x))
                .collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)?.into_any().unbind()
        }
        Value::Object(m) => {
            let d = PyDict::new(py);
            for (k, x) in m {
                d.set_item(k, to_py(py, x)?)?;
            }
            d.into_any().unbind()
        }
    })
}

/// Python keyword arguments as JSON; a non-finite number is an input error naming its key.
fn from_py(obj: &Bound<'_, PyAny>, key: &str) -> Result<Value, QueryError> {
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if obj.is_instance_of::<PyBool>() {
        return Ok(Value::Bool(obj.is_truthy().unwrap_or(false)));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::from(i));
        }
        if let Ok(u) = obj.extract::<u64>() {
            return Ok(Value::from(u));
        }
        return Err(input(format!("error: {key}={obj}: out of range")));
    }
    if obj.is_instance_of::<PyFloat>() {
        let x: f64 = obj
            .extract()
            .map_err(|e| input(format!("error: {key}: {e}")))?;
        return serde_json::Number::from_f64(x)
            .map(Value::Number)
            .ok_or_else(|| input(format!("error: {key}={x}: not a finite number")));
    }
    if let Ok(s) = obj.extract::<String>() {
        return Ok(Value::String(s));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut out = Vec::new();
        for (i, x) in obj
            .try_iter()
            .map_err(|e| input(format!("error: {key}: {e}")))?
            .enumerate()
        {
            let x = x.map_err(|e| input(format!("error: {key}: {e}")))?;
            out.push(from_py(&x, &format!("{key}[{i}]"))?);
        }
        return Ok(Value::Array(out));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut m = Map::new();
        for (k, x) in d.iter() {
            let k: String = k
                .extract()
                .map_err(|_| input(format!("error: {key}: keys must be strings")))?;
            let v = from_py(&x, &k)?;
            m.insert(k, v);
        }
        return Ok(Value::Object(m));
    }
    let ty = obj
        .get_type()
        .name()
        .map_or_else(|_| "?".to_string(), |n| n.to_string());
    Err(input(format!("error: {key}: unsupported type {ty}")))
}

/// The parameters struct of a query from keyword arguments named as the CLI's long flags
/// (with `_` for `-`); `None` values take the default.
fn params<P: DeserializeOwned>(kwargs: Option<&Bound<'_, PyDict>>) -> Result<P, QueryError> {
    let mut m = Map::new();
    if let Some(d) = kwargs {
        for (k, v) in d.iter() {
            let k: String = k
                .extract()
                .map_err(|_| input("error: parameter names must be strings"))?;
            let v = from_py(&v, &k)?;
            if !v.is_null() {
                m.insert(k, v);
            }
        }
    }
    let doc = Value::Object(m);
    P::deserialize(&doc).map_err(|e| {
        // serde names no field for a bad value; find the parameter by trying each alone.
        let bad = doc.as_object().into_iter().flatten().find(|(k, v)| {
            let one = Value::Object(Map::from_iter([((*k).clone(), (*v).clone())]));
            P::deserialize(&one).is_err()
        });
        match bad {
            Some((k, v)) => input(format!("error: {k}={v}: {e}")),
            None => input(format!("error: {e}")),
        }
    })
}

// ---------------------------------------------------------------------------------------
// Running a question off the caller's thread.

type Answer = Result<Value, QueryError>;

/// Runs `job` on a worker thread and waits for it with the GIL released, looking for
/// signals every [`POLL`]. On Ctrl-C (or any signal handler raising) the job is told to
/// stop through its progress hook and the exception is raised at once.
fn run<T, F>(py: Python<'_>, job: F) -> PyResult<Py<PyAny>>
where
    T: Serialize,
    F: FnOnce(Option<&Progress<'_>>) -> Result<T, QueryError> + Send + 'static,
{
    let cancel = Arc::new(AtomicBool::new(false));
    let (tx, rx) = mpsc::sync_channel::<Answer>(1);
    let stop = Arc::clone(&cancel);
    worker::submit(Box::new(move || {
        let report = |_: f64, _: &str| {};
        let cancelled = || stop.load(Ordering::Relaxed);
        let progress = Progress {
            report: &report,
            cancelled: &cancelled,
        };
        let answer = job(Some(&progress)).and_then(|t| {
            serde_json::to_value(&t).map_err(|e| QueryError::compute(format!("error: {e}")))
        });
        // The caller may have gone (interrupted): nobody wants the answer then.
        let _ = tx.send(answer);
    }))
    .map_err(|e| PyRuntimeError::new_err(format!("cannot start a worker thread: {e}")))?;
    let mut rx = rx;
    loop {
        // The receiver moves in and out: it is Send but not Sync.
        let (back, got) = py.detach(move || {
            let got = rx.recv_timeout(POLL);
            (rx, got)
        });
        rx = back;
        match got {
            Ok(Ok(v)) => return to_py(py, &v),
            Ok(Err(e)) => return Err(py_error(py, &e)),
            Err(RecvTimeoutError::Timeout) => {
                if let Err(e) = py.check_signals() {
                    cancel.store(true, Ordering::Relaxed);
                    return Err(e);
                }
            }
            Err(RecvTimeoutError::Disconnected) => {
                return Err(PyRuntimeError::new_err(
                    "the computation stopped without an answer (a bug in astana; please report it)",
                ))
            }
        }
    }
}

/// An answer computed on the calling thread, as Python objects or the Python exception.
fn now(py: Python<'_>, r: Answer) -> PyResult<Py<PyAny>> {
    match r {
        Ok(v) => to_py(py, &v),
        Err(e) => Err(py_error(py, &e)),
    }
}

// ---------------------------------------------------------------------------------------
// Scenarios.

/// The embedded scenario, read once per process.
fn embedded() -> Result<Arc<Scenario>, QueryError> {
    static EMBEDDED: OnceLock<Mutex<Option<Arc<Scenario>>>> = OnceLock::new();
    let cell = EMBEDDED.get_or_init(|| Mutex::new(None));
    let mut guard = cell.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(s) = guard.as_ref() {
        return Ok(Arc::clone(s));
    }
    let (s, _) = astana_scenario::load_embedded().map_err(|d| QueryError::diagnostics(&d))?;
    let s = Arc::new(s);
    *guard = Some(Arc::clone(&s));
    Ok(s)
}

/// The scenario in `dir`, or the embedded one; the CLI's message on failure.
fn scenario(dir: Option<&str>) -> Result<Arc<Scenario>, QueryError> {
    let Some(dir) = dir else {
        return embedded();
    };
    astana_scenario::load_dir(Path::new(dir))
        .map(|(s, _)| Arc::new(s))
        .map_err(|d| {
            let located = QueryError::diagnostics(&d).errors;
            input(format!(
                "{d}\nhint: run `astana scenario check {dir}` for details"
            ))
            .located(located)
        })
}

fn read_text(path: &str) -> Result<String, QueryError> {
    let bytes =
        std::fs::read(path).map_err(|e| input(format!("error: cannot read {path}: {e}")))?;
    astana_query::power::decode(path, bytes)
}

// ---------------------------------------------------------------------------------------
// The questions.

/// `astana power GAME --json` on a game file's text (`name` names it in errors) or, with
/// `text=None`, on the file at path `name`.
#[pyfunction]
#[pyo3(signature = (name, text=None, **kwargs))]
fn power(
    py: Python<'_>,
    name: String,
    text: Option<String>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let p: astana_query::power::Params = params(kwargs).map_err(|e| py_error(py, &e))?;
    let text = match text {
        Some(t) => t,
        None => read_text(&name).map_err(|e| py_error(py, &e))?,
    };
    let game = astana_query::power::read_game(&name, &text).map_err(|e| py_error(py, &e))?;
    if game.n() <= INLINE_PLAYERS && !p.monte_carlo {
        // Small enough to answer in well under a millisecond: no hand-off to a worker
        // (which costs more than the answer), still without the GIL.
        let r = py.detach(|| {
            astana_query::power::run(game, &p, None).and_then(|r| {
                serde_json::to_value(&r).map_err(|e| QueryError::compute(format!("error: {e}")))
            })
        });
        return now(py, r);
    }
    run(py, move |progress| {
        astana_query::power::run(game, &p, progress)
    })
}

/// Games with at most this many players are answered on the calling thread: 2^16
/// coalitions take milliseconds (14 ms for 16 random weights and all six indices), about
/// the Ctrl-C polling period, while a worker's hand-off costs more than a small game.
const INLINE_PLAYERS: usize = 16;

/// Seconds per answer of `astana power` on a game's text, parsing and the JSON document
/// included, measured in Rust over `repeats` runs: the engine's share of a Python call
/// (bench/python subtracts it to get the per-call overhead).
#[pyfunction]
#[pyo3(signature = (name, text, repeats, **kwargs))]
fn power_engine_seconds(
    py: Python<'_>,
    name: &str,
    text: &str,
    repeats: u32,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<f64> {
    let p: astana_query::power::Params = params(kwargs).map_err(|e| py_error(py, &e))?;
    let started = std::time::Instant::now();
    for _ in 0..repeats.max(1) {
        let r = astana_query::power::run_text(name, text, &p, None)
            .and_then(|r| {
                serde_json::to_value(&r).map_err(|e| QueryError::compute(format!("error: {e}")))
            })
            .map_err(|e| py_error(py, &e))?;
        std::hint::black_box(r);
    }
    Ok(started.elapsed().as_secs_f64() / f64::from(repeats.max(1)))
}

/// A negotiation from a path (GENIUS folder or XML with profiles, or native TOML) or from
/// in-memory files `(name, text)`.
fn negotiation(
    path: Option<String>,
    profiles: Vec<String>,
    files: Option<Vec<(String, String)>>,
) -> Result<astana_negotiation::Negotiation, QueryError> {
    match (path, files) {
        (_, Some(files)) => astana_query::mediate::read_files(&files),
        (Some(path), None) => {
            let profiles: Vec<&Path> = profiles.iter().map(Path::new).collect();
            astana_negotiation::open(Path::new(&path), &profiles)
                .map_err(|e| astana_query::mediate::domain_error(&e))
        }
        (None, None) => Err(input("error: no domain given")),
    }
}

/// `astana mediate analyze --json`.
#[pyfunction]
#[pyo3(signature = (path=None, profiles=Vec::new(), files=None, **kwargs))]
fn negotiation_analyze(
    py: Python<'_>,
    path: Option<String>,
    profiles: Vec<String>,
    files: Option<Vec<(String, String)>>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let p: astana_query::mediate::Params = params(kwargs).map_err(|e| py_error(py, &e))?;
    run(py, move |progress| {
        astana_query::mediate::analyze(negotiation(path, profiles, files)?, &p, progress)
    })
}

/// `astana mediate run --json`.
#[pyfunction]
#[pyo3(signature = (path=None, profiles=Vec::new(), files=None, **kwargs))]
fn negotiation_run(
    py: Python<'_>,
    path: Option<String>,
    profiles: Vec<String>,
    files: Option<Vec<(String, String)>>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let p: astana_query::mediate::RunParams = params(kwargs).map_err(|e| py_error(py, &e))?;
    run(py, move |progress| {
        astana_query::mediate::run(negotiation(path, profiles, files)?, &p, progress)
    })
}

/// `astana balance --json` on a scenario folder (or the embedded one), or on a bare flows
/// CSV given as `flows=(name, text)`.
#[pyfunction]
#[pyo3(signature = (scenario=None, flows=None, **kwargs))]
fn balance(
    py: Python<'_>,
    scenario: Option<String>,
    flows: Option<(String, String)>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let p: astana_query::balance::Params = params(kwargs).map_err(|e| py_error(py, &e))?;
    run(py, move |_| {
        let s = match flows {
            Some((name, text)) => astana_scenario::load_flows_text(&name, &text)
                .map(|(s, _)| Arc::new(s))
                .map_err(|d| QueryError::diagnostics(&d))?,
            None => self::scenario(scenario.as_deref())?,
        };
        astana_query::balance::run(&s, &p)
    })
}

/// Product diversification of one reporter-year-flow from `(HS code, value in USD)` cells
/// already selected and summed per product by the caller: the measures of
/// `astana_partner_balance::product_measures`, with N = `universe` or from the code length.
#[pyfunction]
#[pyo3(signature = (cells, universe=None))]
fn balance_products(
    py: Python<'_>,
    cells: Vec<(String, f64)>,
    universe: Option<usize>,
) -> PyResult<Py<PyAny>> {
    let r = py.detach(move || {
        let cells: Vec<(&str, f64)> = cells.iter().map(|(c, v)| (c.as_str(), *v)).collect();
        astana_partner_balance::product_measures(&cells, universe)
            .map_err(astana_query::balance::engine_error)
            .and_then(|m| {
                serde_json::to_value(&m).map_err(|e| QueryError::compute(format!("error: {e}")))
            })
    });
    now(py, r)
}

/// Balassa RCA of `reporter`'s products against every reporter in `cells`
/// (`(reporter, HS code, value in USD)` of one year and flow); `world=True` only when the
/// cells hold every exporter (it changes the label, not the numbers).
#[pyfunction]
#[pyo3(signature = (reporter, cells, world=false))]
fn balance_rca(
    py: Python<'_>,
    reporter: String,
    cells: Vec<(String, String, f64)>,
    world: bool,
) -> PyResult<Py<PyAny>> {
    use astana_partner_balance::RcaReference;
    let r = py.detach(move || {
        let cells: Vec<(&str, &str, f64)> = cells
            .iter()
            .map(|(r, c, v)| (r.as_str(), c.as_str(), *v))
            .collect();
        let reference = if world {
            RcaReference::World
        } else {
            RcaReference::ReportersInData
        };
        astana_partner_balance::rca_table(&reporter, &cells, reference)
            .map_err(astana_query::balance::engine_error)
            .and_then(|t| {
                serde_json::to_value(&t).map_err(|e| QueryError::compute(format!("error: {e}")))
            })
    });
    now(py, r)
}

/// `astana corridor routes --json`.
#[pyfunction]
#[pyo3(signature = (scenario=None, **kwargs))]
fn corridor_routes(
    py: Python<'_>,
    scenario: Option<String>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let p: astana_query::corridor::RoutesParams = params(kwargs).map_err(|e| py_error(py, &e))?;
    run(py, move |_| {
        let s = self::scenario(scenario.as_deref())?;
        astana_query::corridor::routes(&s, &p)
    })
}

/// `astana corridor queue --json` (no scenario).
#[pyfunction]
#[pyo3(signature = (**kwargs))]
fn corridor_queue(py: Python<'_>, kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<Py<PyAny>> {
    let p: astana_query::corridor::QueueParams = params(kwargs).map_err(|e| py_error(py, &e))?;
    run(py, move |_| astana_query::corridor::queue(&p))
}

/// `astana corridor simulate --json`.
#[pyfunction]
#[pyo3(signature = (scenario=None, **kwargs))]
fn corridor_simulate(
    py: Python<'_>,
    scenario: Option<String>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let p: astana_query::corridor::SimulateParams = params(kwargs).map_err(|e| py_error(py, &e))?;
    run(py, move |progress| {
        let s = self::scenario(scenario.as_deref())?;
        astana_query::corridor::simulate(&s, &p, progress)
    })
}

/// `astana forum schedule FOLDER --json`.
#[pyfunction]
#[pyo3(signature = (folder, **kwargs))]
fn forum_schedule(
    py: Python<'_>,
    folder: String,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let p: astana_query::forum::Params = params(kwargs).map_err(|e| py_error(py, &e))?;
    run(py, move |progress| {
        let f = astana_forum_scheduler::load(Path::new(&folder))
            .map_err(|d| QueryError::diagnostics(&d))?;
        astana_query::forum::schedule(&f, &p, progress, &mut |_| {})
    })
}

/// `astana brief`: `{"html", "bytes", "footnotes", "summary"}`.
#[pyfunction]
#[pyo3(signature = (scenario=None, **kwargs))]
fn brief(
    py: Python<'_>,
    scenario: Option<String>,
    kwargs: Option<&Bound<'_, PyDict>>,
) -> PyResult<Py<PyAny>> {
    let p: astana_query::brief::Params = params(kwargs).map_err(|e| py_error(py, &e))?;
    run(py, move |_| {
        let s = self::scenario(scenario.as_deref())?;
        let b = astana_query::brief::run_from(&s, &p, scenario.as_deref())?;
        let mut doc = serde_json::to_value(&b).unwrap_or(Value::Null);
        doc["html"] = Value::String(b.html);
        Ok(doc)
    })
}

/// The extension module `astana._native`.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(power, m)?)?;
    m.add_function(wrap_pyfunction!(power_engine_seconds, m)?)?;
    m.add_function(wrap_pyfunction!(negotiation_analyze, m)?)?;
    m.add_function(wrap_pyfunction!(negotiation_run, m)?)?;
    m.add_function(wrap_pyfunction!(balance, m)?)?;
    m.add_function(wrap_pyfunction!(balance_products, m)?)?;
    m.add_function(wrap_pyfunction!(balance_rca, m)?)?;
    m.add_function(wrap_pyfunction!(corridor_routes, m)?)?;
    m.add_function(wrap_pyfunction!(corridor_queue, m)?)?;
    m.add_function(wrap_pyfunction!(corridor_simulate, m)?)?;
    m.add_function(wrap_pyfunction!(forum_schedule, m)?)?;
    m.add_function(wrap_pyfunction!(brief, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
