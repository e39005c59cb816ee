//! End-to-end tests through the real window: the debug binary under Xvfb, driven by
//! tauri-driver + WebKitWebDriver over WebDriver (fantoccini). Run them with `scripts/e2e.sh`,
//! which builds the UI and the app and provides the display.
//!
//! Each run gets its own store (`SORKOMP_DB`), its own driver port, and writes screenshots of
//! every view to `target/e2e-artifacts/`.

mod driver;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use driver::{Driver, Window};
use serde_json::{json, Value};
use sorkomp_api::Api;

/// The app binary Cargo built for this test run.
fn app_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_sor-komponent"))
}

/// `target/e2e-artifacts`, beside the `debug/` folder that holds the binary.
fn artifacts_dir() -> PathBuf {
    let binary = app_binary();
    let target = binary
        .parent()
        .and_then(Path::parent)
        .expect("the binary lives in target/<profile>/");
    let dir = target.join("e2e-artifacts");
    std::fs::create_dir_all(&dir).expect("the artefact folder can be created");
    dir
}

/// A unit name that would run script if the window ever parsed data as HTML.
const HOSTILE: &str = "<img src=x onerror=alert(1)>";

/// A store with the demo municipality plus one ORG unit named [`HOSTILE`], closed again so
/// that the app can open it. The extra unit is a copy of a demo unit with KLE tasks, under
/// the same parent, saved as one more FK Organisation response page.
fn demo_store(dir: &Path) -> PathBuf {
    let db = dir.join("sorkomp.db");
    let api = Api::open(&db).expect("a new store opens");
    api.load_demo().expect("the demo municipality loads");

    let pages = dir.join("org-pages");
    std::fs::create_dir_all(&pages).expect("a folder for the ORG pages");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/fkorg");
    let mut template: Option<Value> = None;
    for entry in std::fs::read_dir(&demo).expect("the demo's FK Organisation pages are bundled") {
        let path = entry.expect("a readable folder entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).expect("a readable demo page");
            std::fs::write(pages.join(path.file_name().expect("a file name")), &text)
                .expect("copy a demo page");
            let page: Value = serde_json::from_str(&text).expect("a demo page is JSON");
            let edges = page["data"]["organisationEnhedListe"]["edges"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            template = template.or_else(|| {
                edges.into_iter().map(|e| e["node"].clone()).find(|n| {
                    n["tilstand"]["status"] == "AKTIV"
                        && n["overordnetEnhed"]["uuid"].is_string()
                        && n["opgaver"].as_array().is_some_and(|o| !o.is_empty())
                })
            });
        }
    }
    let mut node = template.expect("the demo has an active unit with KLE tasks under a parent");
    node["uuid"] = json!("00000000-0000-4000-8000-0000000000e2");
    node["enhedsnavn"] = json!(HOSTILE);
    node["brugervendtNoegle"] = json!("e2e-hostile");
    let page = json!({ "data": { "organisationEnhedListe": {
        "edges": [{ "node": node }],
        "pageInfo": { "hasNextPage": false, "endCursor": null }
    } } });
    std::fs::write(pages.join("zz-e2e-hostile.json"), page.to_string())
        .expect("write the extra page");
    api.import_org_paths(&[pages])
        .expect("the demo pages plus the extra unit import");
    api.run_match()
        .expect("the matcher runs on the new snapshot");
    db
}

#[tokio::test(flavor = "current_thread")]
async fn approving_in_the_window_moves_the_proposal_and_logs_it() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = demo_store(dir.path());
    // "Hent SOR-data" goes to a port on this machine where nothing listens: a network that is
    // not there, without waiting for a timeout.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free local port")
        .port();
    Api::open(&db)
        .expect("the demo store opens")
        .set_sor_url(&format!("https://127.0.0.1:{closed}/Sor.xml"))
        .expect("a local https URL is accepted");
    let driver = Driver::start(&db, dir.path()).await;
    let window = driver.open_window(&app_binary()).await;
    let shots = artifacts_dir();

    let result = review_flow(&window, &shots).await;
    window.close().await;
    driver.stop();
    if let Err(message) = result {
        panic!("{message}");
    }
}

/// Approve, reject, look in every view. Errors are returned (not panicked) so that the window
/// and the driver are always shut down.
async fn review_flow(w: &Window, shots: &Path) -> Result<(), String> {
    // Who decides: recorded on every decision and shown in the log.
    w.set_input("who", "E2E-test").await?;

    // Nye forslag: the queue is there, with ORG | SOR cards.
    w.click("nav-new").await?;
    let id = w
        .attr_of(
            "[data-testid=proposal-card][data-kind=link]",
            "data-proposal-id",
        )
        .await?;
    let card = format!("[data-testid=view-new] [data-proposal-id='{id}']");
    let new_before = w.count("count-new").await?;
    let approved_before = w.count("count-approved").await?;
    w.screenshot(shots, "1-nye-forslag").await?;

    // The explanation is one click away.
    w.click_css(&format!("{card} [data-testid=explain]"))
        .await?;
    w.wait_testid("explanation-dialog").await?;
    w.screenshot(shots, "1b-forklaring").await?;
    w.click("explanation-close").await?;

    // GODKEND: the card leaves the queue and the counts follow at once.
    w.click_css(&format!("{card} [data-testid=approve]"))
        .await?;
    w.wait_status_containing(&format!("#{id} er godkendt"))
        .await?;
    if w.exists(&format!("[data-testid=view-new] [data-proposal-id='{id}']"))
        .await?
    {
        return Err(format!(
            "proposal #{id} is still in 'Nye forslag' after GODKEND"
        ));
    }
    w.wait_count("count-new", new_before - 1).await?;
    w.wait_count("count-approved", approved_before + 1).await?;

    // AFVIS with a reason: it moves to 'Afviste forslag' with the reason shown.
    let other_id = w
        .attr_of(
            "[data-testid=view-new] [data-testid=proposal-card]",
            "data-proposal-id",
        )
        .await?;
    w.click_css(&format!(
        "[data-testid=view-new] [data-proposal-id='{other_id}'] [data-testid=reject]"
    ))
    .await?;
    w.wait_testid("reject-dialog").await?;
    w.set_input("reject-reason", "Forkert enhed").await?;
    w.click("reject-confirm").await?;
    w.wait_status_containing(&format!("#{other_id} er")).await?;

    // Godkendte forslag: the approved proposal is there, marked with who decided.
    w.click("nav-approved").await?;
    let approved = w
        .wait_css(&format!(
            "[data-testid=view-approved] [data-proposal-id='{id}']"
        ))
        .await?;
    let text = approved.text().await.map_err(|e| e.to_string())?;
    if !text.contains("E2E-test") {
        return Err(format!(
            "the approved card does not say who approved it: {text:?}"
        ));
    }
    w.screenshot(shots, "2-godkendte-forslag").await?;

    w.click("nav-rejected").await?;
    let rejected = w
        .wait_css(&format!(
            "[data-testid=view-rejected] [data-proposal-id='{other_id}']"
        ))
        .await?;
    let text = rejected.text().await.map_err(|e| e.to_string())?;
    if !text.contains("Forkert enhed") {
        return Err(format!(
            "the rejected card does not show the reason: {text:?}"
        ));
    }
    w.screenshot(shots, "3-afviste-forslag").await?;

    // Log over ændringer: the decision is logged with the user as source and who.
    w.click("nav-log").await?;
    w.set_input("log-search", "E2E-test").await?;
    w.screenshot(shots, "7a-log-search").await?;
    let text = w
        .wait_text("//*[@data-testid='log-row'][contains(., 'E2E-test') and contains(., 'Bruger')]")
        .await?;
    if !starts_with_danish_time(&text) {
        return Err(format!(
            "the log row does not start with a time as dd.mm.åååå tt:mm: {text:?}"
        ));
    }
    w.set_input("log-search", "").await?;
    w.wait_css("[data-testid=log-row]").await?;
    w.screenshot(shots, "7-log").await?;

    // The data views: rows from both registers.
    w.click("nav-sor").await?;
    w.wait_css("[data-testid=sor-row]").await?;
    w.screenshot(shots, "5-sor-data").await?;
    w.click("nav-org").await?;
    w.wait_css("[data-testid=org-row]").await?;
    w.screenshot(shots, "6-sts-org-data").await?;

    // A unit named like markup shows its characters, in the table and nowhere as an element.
    w.set_input("org-search", "onerror").await?;
    let text = w
        .wait_text(&format!(
            "//*[@data-testid='org-row'][contains(., '{HOSTILE}')]"
        ))
        .await?;
    if !text.contains(HOSTILE) {
        return Err(format!(
            "the unit's name is not shown as its characters: {text:?}"
        ));
    }
    w.screenshot(shots, "6b-sts-org-data-markup-name").await?;

    // Manuel oprettelse: both sides are searchable and the link button waits for two choices.
    w.click("nav-manual").await?;
    w.wait_css("[data-testid=manual-org-row]").await?;
    w.wait_css("[data-testid=manual-sor-row]").await?;
    if w.enabled("manual-link").await? {
        return Err("'Opret kobling' is enabled before anything is chosen".into());
    }
    w.screenshot(shots, "4-manuel-oprettelse").await?;

    // External text is text: no element built from a unit's name, no script ran.
    if w.exists("main img, main script, main iframe").await? {
        return Err("an element was created from data in the main area".into());
    }
    w.no_alert().await?;

    // "Hent SOR-data" without a network: a clear message, the offline mark, the data kept.
    w.click("fetch-sor").await?;
    w.wait_status_containing("ser ud til at være offline")
        .await?;
    w.wait_css("[data-testid=offline]:not([hidden])").await?;
    w.screenshot(shots, "8-hent-sor-data-offline").await?;
    w.click("nav-sor").await?;
    w.wait_css("[data-testid=sor-row]").await?;
    Ok(())
}

#[tokio::test(flavor = "current_thread")]
async fn creating_undoing_keeping_and_bulk_approving_in_the_window() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = demo_store(dir.path());
    let driver = Driver::start(&db, dir.path()).await;
    let window = driver.open_window(&app_binary()).await;
    let shots = artifacts_dir();

    let result = worklist_flow(&window, &shots).await;
    window.close().await;
    driver.stop();
    if let Err(message) = result {
        panic!("{message}");
    }

    // What the window did is in the store: the undo is logged with who did it, and the edited
    // create approval's worklist item was withdrawn by the undo.
    let api = reopen_after_exit(&db);
    let log = api
        .log(&sorkomp_api::LogQuery::default())
        .expect("the log reads");
    assert!(
        log.iter()
            .any(|e| e.action == "undo" && e.who == "E2E-test"),
        "the undo in the window is logged with the user's name"
    );
    let outbox = api.outbox(None).expect("the worklist reads");
    assert!(
        outbox
            .iter()
            .any(|o| o.title.contains(EDITED_NAME)
                && o.status == sorkomp_api::OutboxStatus::Withdrawn),
        "the undone creation's worklist item is withdrawn: {outbox:?}"
    );
}

/// The store, once the closed app has let go of it: a blocking lock on `<db>.lock` returns when
/// the app's process has exited and released it, bounded by [`WAIT`].
fn reopen_after_exit(db: &Path) -> Api {
    let mut lock_path = db.as_os_str().to_owned();
    lock_path.push(".lock");
    let (released, wait) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let file = std::fs::File::open(&lock_path).expect("the app left its lock file");
        let _ = released.send(file.lock().map(|()| drop(file)));
    });
    wait.recv_timeout(WAIT)
        .expect("the app exits and releases the store within the wait")
        .expect("the lock file can be locked");
    Api::open(db).expect("the store opens again after the window closed")
}

/// The name typed into the OPRET dialog instead of the proposed one.
const EDITED_NAME: &str = "Genoptræning E2E-rettet";

async fn worklist_flow(w: &Window, shots: &Path) -> Result<(), String> {
    w.set_input("who", "E2E-test").await?;
    w.click("nav-new").await?;

    // OPRET opens the SOR fields for editing; the edited name is what the worklist asks for.
    w.choose("filter-kind", "create").await?;
    let create = w
        .attr_of(
            "[data-testid=proposal-card][data-kind=create]",
            "data-proposal-id",
        )
        .await?;
    w.click_css(&format!(
        "[data-testid=view-new] [data-proposal-id='{create}'] [data-testid=approve]"
    ))
    .await?;
    w.wait_testid("create-dialog").await?;
    w.screenshot(shots, "1c-opret-rediger").await?;
    w.set_input("create-name", "").await?;
    w.click("create-confirm").await?;
    // An empty name is refused with a message, and the dialog stays open.
    w.wait_xpath("//*[@data-testid='create-error'][string-length(normalize-space(.)) > 0]")
        .await?;
    w.set_input("create-name", EDITED_NAME).await?;
    w.click("create-confirm").await?;
    w.wait_status_containing(&format!("#{create} er godkendt"))
        .await?;

    w.click("nav-worklist").await?;
    w.wait_text(&format!(
        "//*[@data-testid='worklist-row'][contains(., '{EDITED_NAME}')]"
    ))
    .await?;
    w.screenshot(shots, "8-arbejdsliste").await?;

    // Fortryd from Godkendte forslag: the proposal is new again.
    w.click("nav-approved").await?;
    w.click_css(&format!(
        "[data-testid=view-approved] [data-proposal-id='{create}'] [data-testid=undo]"
    ))
    .await?;
    w.wait_status_containing("fortrudt").await?;
    w.click("nav-new").await?;
    w.wait_css(&format!(
        "[data-testid=view-new] [data-proposal-id='{create}']"
    ))
    .await?;

    // KUN I SOR on a delete proposal: the unit is listed in its own view.
    w.choose("filter-kind", "delete").await?;
    let delete = w
        .attr_of(
            "[data-testid=proposal-card][data-kind=delete]",
            "data-proposal-id",
        )
        .await?;
    w.click_css(&format!(
        "[data-testid=view-new] [data-proposal-id='{delete}'] [data-testid=only-in-sor]"
    ))
    .await?;
    w.wait_testid("only-in-sor-dialog").await?;
    w.set_input("only-in-sor-reason", "Teknisk lokationsnummer")
        .await?;
    w.click("only-in-sor-confirm").await?;
    w.wait_status_containing("kun i SOR").await?;
    w.click("nav-only").await?;
    w.wait_css("[data-testid=only-in-sor-row]").await?;
    w.screenshot(shots, "9-kun-i-sor").await?;

    // Bulk approval: the preview says how many, and exactly that many leave the queue.
    w.click("nav-new").await?;
    w.choose("filter-kind", "all").await?;
    let before = w.count("count-new").await?;
    w.click("bulk-open").await?;
    w.set_input("bulk-min-score", "-1000").await?;
    w.click("bulk-preview").await?;
    w.wait_css("[data-testid=bulk-item]").await?;
    w.screenshot(shots, "1d-godkend-flere").await?;
    let previewed = w.count("bulk-confirm").await?;
    if previewed != before {
        return Err(format!(
            "the preview lists {previewed} proposals, but {before} are new and all score above -1000"
        ));
    }
    w.click("bulk-confirm").await?;
    w.wait_status_containing(&format!("{previewed} forslag er godkendt"))
        .await?;
    w.wait_count("count-new", 0).await?;

    // Fjern kobling on an approved link: the link ends, with a reason.
    w.click("nav-approved").await?;
    w.click_css("[data-testid=view-approved] [data-kind=link] [data-testid=unlink]")
        .await?;
    w.wait_testid("unlink-dialog").await?;
    w.set_input("unlink-reason", "Lagt sammen med naboenheden")
        .await?;
    w.click("unlink-confirm").await?;
    w.wait_status_containing("er fjernet").await?;

    // Manuel oprettelse: a SOR unit ordered by hand for a chosen ORG unit.
    w.click("nav-manual").await?;
    w.click_css("[data-testid=manual-org-row]").await?;
    w.click("manual-create").await?;
    w.wait_testid("create-dialog").await?;
    w.set_input("create-type_code", "42665001").await?;
    w.click("create-confirm").await?;
    w.wait_status_containing("står på arbejdslisten").await?;

    // The log offers undo on decisions, and the other views draw.
    w.click("nav-log").await?;
    w.wait_css("[data-testid=log-undo]").await?;
    w.click("nav-settings").await?;
    w.wait_css("[data-testid=kle-row]").await?;
    w.screenshot(shots, "10-indstillinger").await?;
    w.click("nav-quality").await?;
    w.wait_xpath("//*[@data-testid='quality-summary'][string-length(normalize-space(.)) > 0]")
        .await?;
    w.screenshot(shots, "11-klargoer-data").await?;
    w.no_alert().await?;
    Ok(())
}

/// `dd.mm.åååå tt:mm` at the start of `text`.
fn starts_with_danish_time(text: &str) -> bool {
    let pattern = "dd.dd.dddd dd:dd";
    text.chars().count() >= pattern.len()
        && pattern
            .chars()
            .zip(text.chars())
            .all(|(p, c)| if p == 'd' { c.is_ascii_digit() } else { p == c })
}

#[test]
fn a_corrupt_store_stops_the_app_with_a_clear_message() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("sorkomp.db");
    std::fs::write(&db, b"this is not an SQLite database, just text in a file")
        .expect("write the file");
    let output = Command::new(app_binary())
        .env("SORKOMP_DB", &db)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .expect("the app binary runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(2),
        "a store that cannot be opened ends the app with code 2; stderr: {stderr}"
    );
    assert!(
        stderr.contains("SOR-komponent kan ikke starte"),
        "the message says the app cannot start: {stderr}"
    );
    let after = std::fs::read(&db).expect("the file is still there");
    assert_eq!(
        after, b"this is not an SQLite database, just text in a file",
        "the corrupt file is left unchanged"
    );
}

/// The driver's readiness and every wait are bounded, so a broken window fails the test.
pub const WAIT: Duration = Duration::from_secs(20);
