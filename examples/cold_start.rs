//! Cold start of the window to an interactive review queue, measured through WebDriver the way
//! the end-to-end tests drive the app: from asking tauri-driver for a session (which launches
//! the app) until the first proposal card is in the DOM, then once more until a decision made
//! with GODKEND shows in the status line.
//!
//! ```sh
//! cargo build --release -p sor-komponent
//! xvfb-run -a -s '-screen 0 1280x800x24' cargo run --release -p sor-komponent --example cold_start -- target/release/sor-komponent
//! ```
//!
//! The time includes WebDriver's own session setup, so it is an upper bound. Results in
//! `docs/BENCH-WINDOW.md`.

// The e2e tests' driver; this benchmark uses only part of it.
#[path = "../tests/e2e/driver.rs"]
#[allow(dead_code)]
mod driver;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use sorkomp_api::Api;

/// Every wait of the driver is bounded by this.
pub const WAIT: Duration = Duration::from_secs(30);
const RUNS: usize = 5;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let app = PathBuf::from(
        std::env::args()
            .nth(1)
            .expect("usage: cold_start PATH_TO_APP_BINARY (e.g. target/release/sor-komponent)"),
    );
    let mut starts = Vec::new();
    let mut decisions = Vec::new();
    for _ in 0..RUNS {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let db = dir.path().join("sorkomp.db");
        Api::open(&db)
            .and_then(|api| api.load_demo())
            .expect("the demo municipality loads");
        let driver = driver::Driver::start(&db, dir.path()).await;
        let started = Instant::now();
        let window = driver.open_window(&app).await;
        window
            .wait_css("[data-testid=proposal-card]")
            .await
            .expect("the queue shows proposals");
        starts.push(started.elapsed());
        let id = window
            .attr_of("[data-testid=proposal-card]", "data-proposal-id")
            .await
            .expect("a proposal id");
        let decided = Instant::now();
        window
            .click_css(&format!("[data-proposal-id='{id}'] [data-testid=approve]"))
            .await
            .expect("GODKEND can be clicked");
        window
            .wait_status_containing(&format!("#{id} er godkendt"))
            .await
            .expect("the decision is shown");
        decisions.push(decided.elapsed());
        window.close().await;
        driver.stop();
    }
    starts.sort();
    decisions.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "cold start to an interactive queue: median {:.0} ms (min {:.0}, max {:.0}) over {RUNS} runs",
        ms(starts[RUNS / 2]),
        ms(starts[0]),
        ms(starts[RUNS - 1])
    );
    println!(
        "GODKEND clicked to decision shown:  median {:.0} ms (min {:.0}, max {:.0})",
        ms(decisions[RUNS / 2]),
        ms(decisions[0]),
        ms(decisions[RUNS - 1])
    );
}
