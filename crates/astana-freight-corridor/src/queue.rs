//! Multi-server first-come-first-served stations, the building block of the simulation,
//! and the M/M/c check against Erlang C that keeps the simulation honest.

use astana_model::rng::Rng;
use serde::Serialize;

/// A station with `c` identical servers serving in order of arrival. Servers are kept as
/// the times they next fall free; a customer takes the earliest.
#[derive(Clone, Debug)]
pub struct Station {
    free_at: Vec<f64>,
    /// Total busy time, for utilisation.
    pub busy: f64,
    /// Customers served.
    pub served: u64,
    /// Total waiting time.
    pub waited: f64,
}

impl Station {
    /// A station with `servers` servers, all free at time 0.
    pub fn new(servers: u32) -> Station {
        Station {
            free_at: vec![0.0; servers.max(1) as usize],
            busy: 0.0,
            served: 0,
            waited: 0.0,
        }
    }

    /// Serves a customer arriving at `t` (arrivals must come in time order) for
    /// `service` hours; returns its wait.
    pub fn serve(&mut self, t: f64, service: f64) -> f64 {
        // c is small (a few berths or tracks): a linear scan beats a heap.
        let (k, &free) = self
            .free_at
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(b.1))
            .unwrap_or((0, &0.0));
        let start = free.max(t);
        let wait = start - t;
        self.free_at[k] = start + service;
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
    if rho >= 1.0 || c == 0 {
        return None;
    }
    // Σ_{k<c} a^k / k! and a^c / c!, built term by term.
    let mut term = 1.0;
    let mut sum = 0.0;
    for k in 0..c {
        sum += term;
        term *= a / f64::from(k + 1);
    }
    let top = term / (1.0 - rho);
    let p_wait = top / (sum + top);
    Some(p_wait / (f64::from(c) * mu - lambda))
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
pub fn mmc(servers: u32, lambda: f64, mu: f64, customers: u64, seed: u64) -> QueueCheck {
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
    QueueCheck {
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
    }
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
}
