//! Multi-server first-come-first-served stations, the building block of the simulation,
//! and the M/M/c check against Erlang C that keeps the simulation honest.

use astana_model::corridor::MAX_SERVERS;
use astana_model::rng::Rng;
use serde::Serialize;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// Most customers [`mmc`] simulates (about 2 s at c = 2 in a release build).
pub const MAX_CUSTOMERS: u64 = 100_000_000;

/// A time ordered totally, for the heap of free servers.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Time(f64);
impl Eq for Time {}
impl Ord for Time {
    fn cmp(&self, o: &Self) -> Ordering {
        self.0.total_cmp(&o.0)
    }
}
impl PartialOrd for Time {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// A station with `c` identical servers serving in order of arrival. Servers are kept as
/// the times they next fall free, in a heap; a customer takes the earliest.
#[derive(Clone, Debug)]
pub struct Station {
    free_at: BinaryHeap<Reverse<Time>>,
    /// Total busy time, for utilisation.
    pub busy: f64,
    /// Customers served.
    pub served: u64,
    /// Total waiting time.
    pub waited: f64,
}

impl Station {
    /// A station with `servers` servers (1 to [`MAX_SERVERS`]), all free at time 0.
    pub fn new(servers: u32) -> Station {
        let c = servers.clamp(1, MAX_SERVERS) as usize;
        Station {
            free_at: std::iter::repeat_n(Reverse(Time(0.0)), c).collect(),
            busy: 0.0,
            served: 0,
            waited: 0.0,
        }
    }

    /// Serves a customer arriving at `t` (arrivals must come in time order) for
    /// `service` hours; returns its wait.
    pub fn serve(&mut self, t: f64, service: f64) -> f64 {
        // A heap, not a scan: the number of servers is the user's (up to MAX_SERVERS).
        let free = self.free_at.pop().map_or(0.0, |Reverse(Time(x))| x);
        let start = free.max(t);
        let wait = start - t;
        self.free_at.push(Reverse(Time(start + service)));
        self.busy += service;
        self.served += 1;
        self.waited += wait;
        wait
    }
}

/// Erlang C: the mean wait in queue of an M/M/c station (hours), `None` if unstable.
pub fn erlang_c_wait(c: u32, lambda: f64, mu: f64) -> Option<f64> {
    let a = lambda / mu;
    let rho = a / f64::from(c);
    if rho.is_nan() || rho >= 1.0 || c == 0 {
        return None;
    }
    // Erlang B by its recursion B(k) = a·B(k−1) / (k + a·B(k−1)), then C from B: stable
    // for thousands of servers, where a^c / c! overflows.
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    let c = f64::from(c);
    let p_wait = c * b / (c - a * (1.0 - b));
    Some(p_wait / (c * mu - lambda))
}

/// The M/M/c check's result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QueueCheck {
    /// Servers.
    pub servers: u32,
    /// Arrivals per hour.
    pub arrival_rate: f64,
    /// Services per hour per server.
    pub service_rate: f64,
    /// Customers simulated.
    pub customers: u64,
    /// Seed.
    pub seed: u64,
    /// Busy time over server time.
    pub utilisation: f64,
    /// Simulated mean wait in queue, hours.
    pub mean_wait_hours: f64,
    /// Half-width of a 95% confidence interval from 30 batch means, hours.
    pub ci95_hours: f64,
    /// Erlang C's mean wait, hours (`None`: the station is unstable).
    pub erlang_c_mean_wait_hours: Option<f64>,
    /// |simulated − Erlang C| / Erlang C.
    pub relative_error: Option<f64>,
}

/// Simulates `customers` through one M/M/c station with the simulation's [`Station`].
///
/// # Errors
/// Servers outside 1..=[`MAX_SERVERS`], customers outside 1..=[`MAX_CUSTOMERS`] (both
/// checked before anything is allocated), rates that are not finite positive numbers.
pub fn mmc(
    servers: u32,
    lambda: f64,
    mu: f64,
    customers: u64,
    seed: u64,
) -> Result<QueueCheck, String> {
    if !(1..=MAX_SERVERS).contains(&servers) {
        return Err(format!(
            "--servers {servers}: must be from 1 to {MAX_SERVERS} (each server is kept in memory)"
        ));
    }
    if !(1..=MAX_CUSTOMERS).contains(&customers) {
        return Err(format!(
            "--customers {customers}: must be from 1 to {MAX_CUSTOMERS} (the run's time grows with it)"
        ));
    }
    for (flag, x) in [("--arrival-rate", lambda), ("--service-rate", mu)] {
        if !(x.is_finite() && x > 0.0) {
            return Err(format!(
                "{flag} {x}: must be a finite number above 0, per hour"
            ));
        }
    }
    let mut rng = Rng::new(seed);
    let mut st = Station::new(servers);
    // 30 batches after a warm-up of 1% of the customers (at least one batch's worth is
    // plenty for the queue to forget its empty start).
    let warm = customers / 100;
    let batches = 30u64;
    let per = ((customers - warm) / batches).max(1);
    let mut batch_sum = 0.0;
    let mut batch_means = Vec::with_capacity(batches as usize);
    let (mut t, mut total_wait, mut counted) = (0.0, 0.0, 0u64);
    let mut busy_after_warm = 0.0;
    let mut t_warm = 0.0;
    for i in 0..customers {
        t += rng.exponential(1.0 / lambda);
        let service = rng.exponential(1.0 / mu);
        let w = st.serve(t, service);
        if i < warm {
            t_warm = t;
            continue;
        }
        busy_after_warm += service;
        total_wait += w;
        counted += 1;
        batch_sum += w;
        if counted.is_multiple_of(per) && (batch_means.len() as u64) < batches {
            batch_means.push(batch_sum / per as f64);
            batch_sum = 0.0;
        }
    }
    let mean = if counted > 0 {
        total_wait / counted as f64
    } else {
        0.0
    };
    let k = batch_means.len() as f64;
    let var = if k > 1.0 {
        batch_means
            .iter()
            .map(|m| (m - mean) * (m - mean))
            .sum::<f64>()
            / (k - 1.0)
    } else {
        0.0
    };
    // Student t, 29 degrees of freedom, 97.5%: 2.045.
    let ci = 2.045 * (var / k.max(1.0)).sqrt();
    let erlang = erlang_c_wait(servers, lambda, mu);
    Ok(QueueCheck {
        servers,
        arrival_rate: lambda,
        service_rate: mu,
        customers,
        seed,
        utilisation: busy_after_warm / (f64::from(servers) * (t - t_warm).max(1e-12)),
        mean_wait_hours: mean,
        ci95_hours: ci,
        erlang_c_mean_wait_hours: erlang,
        relative_error: erlang.map(|e| (mean - e).abs() / e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_c_known_values() {
        // M/M/1: Wq = ρ / (μ − λ) = 0.8 / 0.2 = 4.
        assert!((erlang_c_wait(1, 0.8, 1.0).unwrap_or(0.0) - 4.0).abs() < 1e-12);
        // M/M/2 with a = 1.6: P(wait) = 0.7111..., Wq = P / (2 − 1.6) = 1.7778.
        assert!((erlang_c_wait(2, 1.6, 1.0).unwrap_or(0.0) - 1.777_777_777_8).abs() < 1e-9);
        assert_eq!(erlang_c_wait(1, 1.0, 1.0), None);
    }

    #[test]
    fn erlang_c_is_finite_for_many_servers() {
        // a^c / c! overflows for c = 5,000 at a = 4,900; the Erlang B recursion does not.
        let w = erlang_c_wait(5_000, 4_900.0, 1.0).unwrap_or(f64::NAN);
        assert!(w.is_finite() && w > 0.0 && w < 1.0, "{w}");
    }

    #[test]
    fn limits_are_checked_before_allocating() {
        let e = mmc(1_000_000_000, 1.0, 1.0, 10, 1)
            .err()
            .unwrap_or_default();
        assert!(
            e.contains("--servers 1000000000") && e.contains("10000"),
            "{e}"
        );
        assert!(mmc(2, f64::NAN, 1.0, 10, 1).is_err());
        assert!(mmc(2, 1.0, f64::INFINITY, 10, 1).is_err());
        assert!(mmc(2, 1.0, 1.0, MAX_CUSTOMERS + 1, 1).is_err());
        assert!(mmc(2, 1.0, 1.0, 0, 1).is_err());
    }
}
