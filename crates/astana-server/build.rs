//! Marks the browser sentinel test as ignored (with its reason) when Debian's `chromium` or
//! `chromedriver` is not on PATH and `CI` is unset, so a skipped browser run shows in
//! `cargo test` instead of passing silently. Under `CI` the browser tests always run (and fail
//! when the browser is missing).

fn main() {
    println!("cargo::rustc-check-cfg=cfg(astana_no_browser)");
    println!("cargo::rerun-if-env-changed=CI");
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rerun-if-env-changed=ASTANA_CHROMIUM");
    println!("cargo::rerun-if-env-changed=ASTANA_CHROMEDRIVER");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<_> = std::env::split_paths(&path).collect();
    let found = |env: &str, names: &[&str]| {
        std::env::var_os(env).is_some_and(|p| std::path::Path::new(&p).is_file())
            || dirs
                .iter()
                .any(|d| names.iter().any(|n| d.join(n).is_file()))
    };
    // Installing the packages later changes /usr/bin: look again then.
    for d in ["/usr/bin", "/usr/local/bin"] {
        if std::path::Path::new(d).is_dir() {
            println!("cargo::rerun-if-changed={d}");
        }
    }
    let browser = found("ASTANA_CHROMIUM", &["chromium", "chromium-browser"]);
    let driver = found("ASTANA_CHROMEDRIVER", &["chromedriver"]);
    if !(browser && driver) && std::env::var_os("CI").is_none() {
        println!("cargo::rustc-cfg=astana_no_browser");
    }
}
