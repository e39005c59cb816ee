//! Decision round trips through the real binary on the demo municipality: undo, rules, only in
//! SOR, bulk approval, unlink, per-field approval and the log listing.

use serde_json::Value;

use super::Workspace;

const SUNDHEDSPLEJEN_ORG: &str = "d433b52d-b337-59b8-944e-5bf7977a7005";
const TANDPLEJE_ORG: &str = "a376abe8-038f-5a8e-86ec-5ec358eac93d";
const TANDPLEJE_SOR: &str = "91081000016008";

fn demo() -> Workspace {
    let ws = Workspace::new();
    ws.ok(&["demo"]);
    ws
}

fn proposals(ws: &Workspace, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["proposals", "--json"];
    all.extend_from_slice(args);
    ws.json(&all).as_array().unwrap().clone()
}

fn log_rows(ws: &Workspace, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["log", "--json"];
    all.extend_from_slice(args);
    ws.json(&all)["rows"].as_array().unwrap().clone()
}

fn id_of(v: &Value) -> String {
    v["id"].as_i64().unwrap().to_string()
}

#[test]
fn approve_then_undo_restores_the_proposal_and_undo_twice_is_refused() {
    let ws = demo();
    let link = proposals(&ws, &["--kind", "link", "--status", "new"])
        .into_iter()
        .find(|p| p["org"]["name"] == "Plejecenter Evigglad")
        .unwrap();
    let links_before = ws.json(&["stats", "--json"])["links"].as_u64().unwrap();
    ws.ok(&["approve", &id_of(&link)]);
    assert_eq!(
        ws.json(&["stats", "--json"])["links"].as_u64().unwrap(),
        links_before + 1
    );
    let approve = &log_rows(&ws, &["--action", "approve"])[0];
    assert_eq!(approve["undoable"], true, "a fresh approval can be undone");
    let log_id = approve["entry"]["id"].as_i64().unwrap().to_string();
    let out = ws.ok(&["undo", &log_id, "--reason", "forkert enhed"]);
    assert!(out.contains("fortrudt"), "{out}");
    let again = proposals(&ws, &["--status", "new", "--kind", "link"]);
    assert!(
        again.iter().any(|p| p["id"] == link["id"]),
        "the proposal is back in the queue"
    );
    assert_eq!(
        ws.json(&["stats", "--json"])["links"].as_u64().unwrap(),
        links_before,
        "the link it made has ended"
    );
    let undo = &log_rows(&ws, &["--action", "undo"])[0]["entry"];
    assert_eq!(undo["who"], "testadmin");
    assert_eq!(undo["source"], "user");
    assert!(undo["summary"].as_str().unwrap().contains("forkert enhed"));
    let err = ws.fail(&["undo", &log_id]);
    assert!(err.contains("allerede fortrudt"), "{err}");
    assert!(err.contains("not_undoable"), "a stable error code: {err}");
    assert_eq!(
        log_rows(&ws, &["--action", "approve"])[0]["undoable"],
        false,
        "the log view no longer offers undo"
    );
}

#[test]
fn a_rule_approves_a_link_carried_by_a_sor_code_and_the_log_says_rule() {
    let ws = demo();
    let rules = ws.json(&["rules", "--json"]);
    assert!(
        rules
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["automatic"] == false),
        "every rule is manual by default: {rules}"
    );
    let err = ws.fail(&["rules", "--set", "everything=auto"]);
    assert!(
        err.contains("link_by_sor_code"),
        "the error lists the rules: {err}"
    );
    ws.ok(&["rules", "--set", "link_by_sor_code=auto"]);
    let report = ws.json(&["match", "--json"]);
    assert_eq!(
        report["auto_approved"], 1,
        "only the SOR-code link is automatic: {report}"
    );
    let approved = proposals(&ws, &["--status", "approved"]);
    assert_eq!(approved.len(), 1);
    assert_eq!(approved[0]["org_uuid"], SUNDHEDSPLEJEN_ORG);
    assert!(
        approved[0]["decided_by"]
            .as_str()
            .unwrap()
            .starts_with("regel: "),
        "{}",
        approved[0]
    );
    let rule_rows = log_rows(&ws, &["--source", "rule"]);
    assert_eq!(
        rule_rows.len(),
        1,
        "the decision is logged with source rule"
    );
    assert_eq!(rule_rows[0]["entry"]["action"], "approve");
    assert_eq!(rule_rows[0]["undoable"], true);
    ws.ok(&[
        "undo",
        &rule_rows[0]["entry"]["id"].as_i64().unwrap().to_string(),
    ]);
    let report = ws.json(&["match", "--json"]);
    assert_eq!(
        report["auto_approved"], 0,
        "an undone rule decision is left to the administrator"
    );
}

#[test]
fn only_in_sor_withdraws_the_delete_proposal_and_a_rematch_does_not_propose_it_again() {
    let ws = demo();
    let delete = proposals(&ws, &["--kind", "delete", "--status", "new"])
        .into_iter()
        .next()
        .expect("the demo proposes a deletion");
    let sor_id = delete["sor_id"].as_str().unwrap().to_string();
    ws.ok(&[
        "only-in-sor",
        &sor_id,
        "--reason",
        "teknisk lokationsnummer",
    ]);
    let listed = ws.json(&["only-in-sor", "--json"]);
    assert_eq!(listed[0]["sor_id"], sor_id.as_str(), "{listed}");
    assert!(proposals(&ws, &["--kind", "delete", "--status", "new"]).is_empty());
    ws.ok(&["match"]);
    ws.ok(&["match"]);
    assert!(
        proposals(&ws, &["--kind", "delete", "--status", "new"]).is_empty(),
        "the marked unit is never proposed for deletion again"
    );
    ws.ok(&["only-in-sor", &sor_id, "--remove"]);
    ws.ok(&["match"]);
    assert_eq!(
        proposals(&ws, &["--kind", "delete", "--status", "new"]).len(),
        1,
        "without the mark the deletion is proposed again"
    );
}

#[test]
fn the_bulk_preview_lists_exactly_what_bulk_approve_then_does() {
    let ws = demo();
    let preview = ws.json(&["bulk-approve", "--min-score", "7", "--json"]);
    let preview = preview.as_array().unwrap();
    assert!(preview.len() >= 2, "{preview:?}");
    assert!(
        preview.iter().all(|i| i["score"].as_f64().unwrap() >= 7.0),
        "only proposals above the score"
    );
    for item in preview {
        let d = item["description"].as_str().unwrap();
        assert!(
            d.starts_with("Kobl ") || d.starts_with("Sæt på arbejdslisten"),
            "{d}"
        );
    }
    assert!(
        proposals(&ws, &["--status", "approved"]).is_empty(),
        "the preview changes nothing"
    );
    let report = ws.json(&["bulk-approve", "--min-score", "7", "--yes", "--json"]);
    assert_eq!(report["approved"].as_u64().unwrap(), preview.len() as u64);
    let mut approved: Vec<i64> = proposals(&ws, &["--status", "approved"])
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    let mut previewed: Vec<i64> = preview.iter().map(|i| i["id"].as_i64().unwrap()).collect();
    approved.sort();
    previewed.sort();
    assert_eq!(
        approved, previewed,
        "exactly the previewed proposals are approved"
    );
}

#[test]
fn unlink_ends_the_link_and_the_log_says_who_and_why() {
    let ws = demo();
    let links = ws.json(&["stats", "--json"])["links"].as_u64().unwrap();
    ws.ok(&[
        "unlink",
        TANDPLEJE_ORG,
        TANDPLEJE_SOR,
        "--reason",
        "tandplejen er lagt sammen",
    ]);
    assert_eq!(
        ws.json(&["stats", "--json"])["links"].as_u64().unwrap(),
        links - 1
    );
    let rows = log_rows(&ws, &["--unit", TANDPLEJE_SOR, "--action", "unlink"]);
    assert_eq!(rows.len(), 1, "the unlink is found by the SOR unit's id");
    let e = &rows[0]["entry"];
    assert_eq!(e["who"], "testadmin");
    assert!(
        e["summary"]
            .as_str()
            .unwrap()
            .contains("tandplejen er lagt sammen"),
        "{e}"
    );
    let err = ws.fail(&["unlink", TANDPLEJE_ORG, TANDPLEJE_SOR]);
    assert!(err.contains("findes ikke"), "{err}");
}

#[test]
fn per_field_approval_names_a_wrong_field_and_logs_the_chosen_one() {
    let ws = demo();
    let update = proposals(&ws, &["--kind", "update", "--status", "new"])
        .into_iter()
        .next()
        .expect("the demo proposes an update");
    let err = ws.fail(&["approve", &id_of(&update), "--fields", "telefon"]);
    assert!(
        err.contains("«telefon»") && err.contains("name"),
        "the error names the wrong field and the right ones: {err}"
    );
    ws.ok(&["approve", &id_of(&update), "--fields", "name"]);
    let row = &log_rows(&ws, &["--action", "approve"])[0]["entry"];
    assert_eq!(row["entity_id"], id_of(&update));
}

#[test]
fn the_log_listing_filters_by_date_and_rejects_bad_dates() {
    let ws = demo();
    let all = ws.json(&["log", "--json"]);
    assert!(all["total"].as_u64().unwrap() >= 5, "{all}");
    let long_ago = ws.json(&[
        "log",
        "--json",
        "--from",
        "2000-01-01",
        "--to",
        "2000-12-31",
    ]);
    assert_eq!(long_ago["total"], 0, "nothing happened in 2000");
    let page = ws.json(&["log", "--json", "--limit", "2"]);
    assert_eq!(page["rows"].as_array().unwrap().len(), 2);
    assert_eq!(page["total"], all["total"], "total counts beyond the page");
    let err = ws.fail(&["log", "--from", "26/11/2026"]);
    assert!(err.contains("«fra»"), "the error names the field: {err}");
    let text = ws.ok(&["log"]);
    assert!(
        text.contains("[kan fortrydes]"),
        "the demo's manual link can be undone: {text}"
    );
}
