//! Journeys through the real application in real headless Chromium, driven over WebDriver
//! (chromedriver), with screenshots at desktop and phone widths and an axe-core
//! accessibility audit of every page.
//!
//! This binary has its own `main` (no libtest harness) so that, on a machine without
//! Chromium, the notice saying how to run it is printed by plain `cargo test` rather than
//! swallowed as captured output. `.ci/run` installs Chromium, chromedriver and axe-core.

#[path = "../app/helpers.rs"]
#[allow(dead_code)]
mod helpers;

mod journeys;
mod support;

use std::process::ExitCode;

fn main() -> ExitCode {
    let (Some(driver), Some(_)) = (support::chromedriver(), support::chrome_binary()) else {
        let outcome = if support::required() {
            "FAILED (CI=true, so nothing may be skipped)"
        } else {
            "SKIPPED"
        };
        println!(
            "\nbrowser tests {outcome}: no chromedriver or Chromium found.\n  \
             To run them: apt-get install chromium chromium-driver (or set CHROMEDRIVER and \
             CHROME to their paths), optionally `npm install --prefix target/axe axe-core` for \
             the accessibility audit, then `cargo test --test browser`.\n"
        );
        return if support::required() {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        };
    };
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let failures = runtime.block_on(journeys::run_all(driver));
    if failures == 0 {
        println!("browser tests: all journeys passed");
        ExitCode::SUCCESS
    } else {
        println!("browser tests: {failures} journey(s) failed");
        ExitCode::FAILURE
    }
}
