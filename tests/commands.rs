//! The window's commands through Tauri's mock runtime: the real builder, the real context
//! (config + capabilities), a temporary store with the demo municipality, no display.

use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use sorkomp_api::{Api, ExportReport, LogEntry, OrgRow, Overview, ProposalView, SorRow, Stats};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, MockRuntime};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow};

struct Window {
    app: App<MockRuntime>,
    dir: tempfile::TempDir,
    webview: WebviewWindow<MockRuntime>,
}

fn open_demo() -> Window {
    let dir = tempfile::tempdir().expect("a temporary directory for the store");
    let api = Api::open(&dir.path().join("sorkomp.db")).expect("a new store opens");
    api.load_demo()
        .expect("the demo municipality loads into an empty store");
    let app = sor_komponent_lib::builder::<MockRuntime>(api)
        .build(sor_komponent_lib::context())
        .expect("the app builds on the mock runtime");
    // The window of tauri.conf.json, under its label, so the capability for "main" applies.
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("the main window opens on the mock runtime");
    Window { app, dir, webview }
}

impl Window {
    /// Invoke a command as the UI does; Err carries the serialised ApiError.
    fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("a valid URL"),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: self.app.invoke_key().to_string(),
        };
        get_ipc_response(&self.webview, request)
            .map(|body| body.deserialize::<Value>().expect("a JSON response"))
    }

    fn get<T: DeserializeOwned>(&self, cmd: &str, args: Value) -> T {
        let value = self
            .call(cmd, args)
            .unwrap_or_else(|e| panic!("command {cmd} failed: {e}"));
        serde_json::from_value(value)
            .unwrap_or_else(|e| panic!("command {cmd} answered an unexpected shape: {e}"))
    }

    fn proposals(&self, status: &str) -> Vec<ProposalView> {
        self.get(
            "proposals",
            json!({ "query": { "status": status, "kind": null, "text": null } }),
        )
    }
}

fn log_entries(w: &Window) -> Vec<LogEntry> {
    w.get("log", json!({ "query": { "source": null, "text": null, "from": null, "to": null, "limit": null, "offset": null } }))
}

#[test]
fn approving_moves_a_proposal_from_new_to_approved_and_into_the_log() {
    let w = open_demo();
    let new = w.proposals("new");
    assert!(
        !new.is_empty(),
        "the demo municipality gives the administrator proposals to review"
    );
    let target = new
        .iter()
        .find(|p| p.kind == sorkomp_model::ProposalKind::Link)
        .unwrap_or(&new[0])
        .clone();
    let log_before = log_entries(&w).len();

    w.get::<Value>("set_who", json!({ "who": "KBH" }));
    let approved: ProposalView = w.get("approve", json!({ "id": target.id }));

    assert_eq!(
        approved.id, target.id,
        "the answer is the proposal that was approved"
    );
    assert_eq!(
        approved.status,
        sorkomp_model::ProposalStatus::Approved,
        "the answer shows the new status"
    );
    assert_eq!(
        approved.decided_by.as_deref(),
        Some("KBH"),
        "the decision records who made it"
    );
    assert!(
        w.proposals("new").iter().all(|p| p.id != target.id),
        "an approved proposal leaves 'Nye forslag'"
    );
    assert!(
        w.proposals("approved").iter().any(|p| p.id == target.id),
        "an approved proposal appears in 'Godkendte forslag'"
    );
    let log = log_entries(&w);
    assert!(
        log.len() > log_before,
        "the decision is written to the change log"
    );
    assert!(
        log.iter().any(|e| e.source == "user" && e.who == "KBH"),
        "the log shows the decision as the user's, with who made it"
    );
}

#[test]
fn rejecting_keeps_the_reason() {
    let w = open_demo();
    let target = w
        .proposals("new")
        .into_iter()
        .next()
        .expect("the demo has new proposals");
    let rejected: ProposalView = w.get(
        "reject",
        json!({ "id": target.id, "reason": "Forkert enhed" }),
    );
    assert_eq!(
        rejected.status,
        sorkomp_model::ProposalStatus::Rejected,
        "the answer shows the new status"
    );
    let listed = w.proposals("rejected");
    let found = listed
        .iter()
        .find(|p| p.id == target.id)
        .expect("a rejected proposal appears in 'Afviste forslag'");
    assert_eq!(
        found.reason.as_deref(),
        Some("Forkert enhed"),
        "the reason is kept with the decision"
    );
}

#[test]
fn an_error_reaches_the_window_as_a_code_and_a_danish_message() {
    let w = open_demo();
    let error = w
        .call("approve", json!({ "id": 987_654_321 }))
        .expect_err("approving a proposal that does not exist fails");
    let code = error
        .get("code")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let message = error
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_default();
    assert!(
        !code.is_empty(),
        "the UI branches on a code, not on text: {error}"
    );
    assert!(
        !message.is_empty(),
        "the administrator gets a message: {error}"
    );
    assert!(
        w.proposals("approved").is_empty()
            || w.proposals("approved").iter().all(|p| p.id != 987_654_321),
        "a failed decision changes nothing"
    );
}

#[test]
fn a_decided_proposal_cannot_be_decided_again() {
    let w = open_demo();
    let target = w
        .proposals("new")
        .into_iter()
        .next()
        .expect("the demo has new proposals");
    w.get::<ProposalView>("approve", json!({ "id": target.id }));
    let log_after_first = log_entries(&w).len();
    let second = w.call("reject", json!({ "id": target.id, "reason": null }));
    assert!(
        second.is_err(),
        "rejecting an approved proposal is refused, not silently applied"
    );
    assert_eq!(
        log_entries(&w).len(),
        log_after_first,
        "a refused decision writes nothing to the log"
    );
}

#[test]
fn the_overview_and_data_views_answer() {
    let w = open_demo();
    let overview: Overview = w.get("overview", json!({}));
    assert!(
        overview.municipality_name.is_some(),
        "the header names the demo municipality"
    );
    let stats: Stats = w.get("stats", json!({}));
    assert_eq!(stats, overview.stats, "the header's counts are the stats");
    let new: u32 = stats
        .proposals
        .values()
        .filter_map(|by_status| by_status.get("new"))
        .sum();
    assert_eq!(
        new as usize,
        w.proposals("new").len(),
        "the tab count is the number of cards in 'Nye forslag'"
    );
    let sor: Vec<SorRow> = w.get(
        "sor_entities",
        json!({ "query": { "text": null, "only_municipality": false, "limit": null, "offset": null } }),
    );
    let org: Vec<OrgRow> = w.get(
        "org_units",
        json!({ "query": { "text": null, "only_municipality": false, "limit": null, "offset": null } }),
    );
    assert!(!sor.is_empty(), "SOR-data lists the demo's SOR entities");
    assert!(!org.is_empty(), "STS-Org-data lists the demo's ORG units");
    let first = &org[0].name;
    let found: Vec<OrgRow> = w.get(
        "org_units",
        json!({ "query": { "text": first, "only_municipality": false, "limit": null, "offset": null } }),
    );
    assert!(
        found.iter().any(|r| &r.name == first),
        "searching for a unit's name finds it"
    );
}

#[test]
fn the_log_exports_to_the_chosen_file() {
    let w = open_demo();
    let rows = log_entries(&w).len();
    for format in ["csv", "json"] {
        let out = w.dir.path().join(format!("log.{format}"));
        let report: ExportReport = w.get("export_log", json!({ "format": format, "out": out }));
        let written = std::fs::read_to_string(&out)
            .unwrap_or_else(|e| panic!("the {format} export is written to the chosen path: {e}"));
        assert_eq!(
            report.rows as usize, rows,
            "the {format} export holds every log row"
        );
        assert!(
            written.contains(&report.head_hash),
            "the {format} export carries the head hash the report names"
        );
    }
}

#[test]
fn the_capability_grants_exactly_the_app_commands_and_the_save_dialog() {
    let capability: Value =
        serde_json::from_str(include_str!("../src-tauri/capabilities/default.json"))
            .expect("the capability file is JSON");
    let mut granted: Vec<String> = capability["permissions"]
        .as_array()
        .expect("the capability lists permissions")
        .iter()
        .map(|p| {
            p.as_str()
                .expect("permissions are plain identifiers")
                .to_string()
        })
        .collect();
    granted.sort();
    let mut expected: Vec<String> = sor_komponent_lib::COMMANDS
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .chain(["dialog:allow-save".to_string()])
        .collect();
    expected.sort();
    assert_eq!(
        granted, expected,
        "least privilege: every command of the one list, the save dialog, nothing more"
    );
}

#[test]
fn the_window_may_not_call_what_the_capability_does_not_grant() {
    let w = open_demo();
    let denied = w.call("plugin:dialog|open", json!({ "options": {} }));
    assert!(
        denied.is_err(),
        "the open-file dialog is not granted, so the window cannot call it"
    );
    let unknown = w.call("drop_database", json!({}));
    assert!(
        unknown.is_err(),
        "a command that is not in the list does not exist for the window"
    );
}

/// The log page as the log view asks for it: every filter present, most of them empty.
fn log_page(w: &Window, entity_id: Option<&str>) -> sorkomp_api::LogPage {
    w.get(
        "log_page",
        json!({ "query": { "source": null, "text": null, "from": null, "to": null, "limit": 100,
                           "offset": null, "entity_id": entity_id, "action": null } }),
    )
}

#[test]
fn undo_from_the_log_puts_the_proposal_back_in_the_queue() {
    let w = open_demo();
    let target = w.proposals("new")[0].clone();
    let _: ProposalView = w.get("approve", json!({ "id": target.id }));
    let id = target.id.to_string();
    let page = log_page(&w, Some(&id));
    let row = page
        .rows
        .iter()
        .find(|r| r.undoable && r.entry.entity_kind == "proposal" && r.entry.entity_id == id)
        .expect("the approval is an undoable row in the log page");
    let undo: LogEntry = w.get(
        "undo",
        json!({ "log_id": row.entry.id, "reason": "for hurtigt" }),
    );
    assert_eq!(undo.action, "undo", "the undo is its own log row");
    assert!(
        w.proposals("new").iter().any(|p| p.id == target.id),
        "the proposal is new again"
    );
    let again = w
        .call("undo", json!({ "log_id": row.entry.id, "reason": null }))
        .expect_err("the same decision cannot be undone twice");
    assert_eq!(again["code"], "not_undoable", "{again}");
}

#[test]
fn the_sync_area_and_settings_answer_without_network() {
    let w = open_demo();
    let status: sorkomp_api::SyncStatus = w.get("sync_status", json!({}));
    assert!(
        !status.fk_configured && !status.certificate_unlocked,
        "a fresh demo has no FK connection and no unlocked certificate: {status:?}"
    );
    let rules: Vec<sorkomp_api::Rule> = w.get("rules", json!({}));
    assert!(
        rules.iter().all(|r| !r.automatic),
        "every rule starts as manual approval"
    );
    let kle: Vec<sorkomp_api::KleRule> = w.get("kle_rules", json!({}));
    assert!(!kle.is_empty(), "the KLE table ships with defaults");
    let refused = w
        .call(
            "set_sor_url",
            json!({ "url": "http://sor.example/Sor.xml" }),
        )
        .expect_err("a SOR URL without TLS is refused");
    assert_eq!(refused["code"], "invalid_url", "{refused}");
}
