//! Without the `cluster` build feature: `--cluster` and `astana cluster` say how to build it,
//! and under CI the feature must be on (the cluster test must not vanish with it).

#[cfg(not(feature = "cluster"))]
use super::{astana, stderr};

/// Under CI the Ballista cluster test must run, not be compiled out.
#[cfg(not(feature = "cluster"))]
#[test]
fn cluster_test_runs_under_ci() {
    assert!(
        std::env::var_os("CI").is_none(),
        "under CI, test with `--features astana-cli/cluster` so the cluster test runs"
    );
}

#[cfg(not(feature = "cluster"))]
#[test]
fn cluster_without_the_feature_says_how_to_build_it() {
    const HOW: &str = "error: this astana was built without the `cluster` feature; build it with \
         `cargo build --release -p astana-cli --features cluster`";
    for args in [
        &[
            "balance",
            "--flows",
            "flows.csv",
            "--cluster",
            "127.0.0.1:50050",
        ][..],
        &[
            "balance",
            "--flows",
            "flows.csv",
            "--by",
            "product",
            "--cluster",
            "h:1",
        ],
        &["cluster", "scheduler"],
        &["cluster", "executor", "--scheduler", "127.0.0.1:50050"],
    ] {
        let o = astana(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert_eq!(stderr(&o).trim_end(), HOW, "{args:?}");
    }
}
