//! Round trips through the real `sorkomp` binary on a temporary database: the contract that
//! scripts and evaluations rely on.

#[path = "cli/decisions.rs"]
mod decisions;
#[path = "cli/org.rs"]
mod org;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new() -> Self {
        Workspace {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn db(&self) -> PathBuf {
        self.dir.path().join("sorkomp.db")
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_sorkomp"))
            .arg("--db")
            .arg(self.db())
            .args(args)
            .env("USER", "testadmin")
            .output()
            .expect("sorkomp runs")
    }
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "sorkomp {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
    fn json(&self, args: &[&str]) -> Value {
        serde_json::from_str(&self.ok(args)).expect("valid JSON on stdout")
    }
    fn fail(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(!out.status.success(), "sorkomp {args:?} should fail");
        String::from_utf8(out.stderr).unwrap()
    }
}

/// A script that reads only the first lines (`sorkomp log --json | head -1`) closes the pipe
/// early; the CLI then ends quietly instead of panicking.
#[test]
fn a_reader_that_stops_early_ends_the_output_without_a_panic() {
    use std::process::Stdio;
    let w = Workspace::new();
    w.ok(&["demo"]);
    let mut child = Command::new(env!("CARGO_BIN_EXE_sorkomp"))
        .arg("--db")
        .arg(w.db())
        .args(["log", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sorkomp runs");
    // Close the reading end before the program has written anything.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("sorkomp ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked"),
        "no panic when the reader has gone: {stderr}"
    );
}

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../..")
        .join(rel)
}

fn proposals_of_kind<'a>(all: &'a Value, kind: &str) -> Vec<&'a Value> {
    all.as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == kind)
        .collect()
}

#[test]
fn the_demo_yields_every_kind_of_proposal_with_the_contract_fields() {
    let ws = Workspace::new();
    ws.ok(&["demo"]);
    let all = ws.json(&["proposals", "--json"]);
    for kind in ["link", "create", "delete", "update"] {
        assert!(
            !proposals_of_kind(&all, kind).is_empty(),
            "the demo shows a {kind} proposal: {all:#}"
        );
    }
    for p in all.as_array().unwrap() {
        for field in [
            "id",
            "kind",
            "status",
            "org_uuid",
            "sor_id",
            "score",
            "explanation",
        ] {
            assert!(
                p.get(field).is_some(),
                "every proposal carries `{field}`: {p}"
            );
        }
    }
    let evigglad = proposals_of_kind(&all, "link")
        .into_iter()
        .find(|p| p["org"]["name"] == "Plejecenter Evigglad");
    assert_eq!(
        evigglad.expect("Plejecenter Evigglad is proposed for linking")["sor"]["name"],
        "Plejecenter Evigglad",
        "the demo's care home links to its SOR namesake, not to the doctors in the same building"
    );
    let creates: Vec<&str> = proposals_of_kind(&all, "create")
        .iter()
        .map(|p| p["org"]["name"].as_str().unwrap())
        .collect();
    assert!(
        creates.contains(&"Genoptræning Nord"),
        "a unit that SOR lacks is proposed for creation: {creates:?}"
    );
}

#[test]
fn approve_reject_and_the_log_round_trip() {
    let ws = Workspace::new();
    ws.ok(&["demo"]);
    let links = ws.json(&["proposals", "--status", "new", "--kind", "link", "--json"]);
    let first = links[0]["id"].as_i64().unwrap();
    ws.ok(&["approve", &first.to_string()]);
    let approved = ws.json(&["proposals", "--status", "approved", "--json"]);
    assert_eq!(approved.as_array().unwrap().len(), 1);
    assert_eq!(approved[0]["id"], first);
    assert_eq!(
        approved[0]["decided_by"], "testadmin",
        "the decision records who made it"
    );
    let err = ws.fail(&["approve", &first.to_string()]);
    assert!(
        err.contains("allerede godkendt"),
        "deciding twice is refused with a clear message: {err}"
    );

    let creates = ws.json(&["proposals", "--kind", "create", "--json"]);
    let create = creates[0]["id"].as_i64().unwrap();
    ws.ok(&[
        "reject",
        &create.to_string(),
        "--reason",
        "Enheden lukker snart",
    ]);
    let stats = ws.json(&["stats", "--json"]);
    assert_eq!(stats["proposals"]["link"]["approved"], 1);
    assert_eq!(stats["proposals"]["create"]["rejected"], 1);
    assert!(
        stats["sor_units"].as_u64().unwrap() >= 6,
        "the demo's SOR units are counted: {stats}"
    );

    let csv = ws.path("log.csv");
    ws.ok(&[
        "log",
        "export",
        "--format",
        "csv",
        "--out",
        csv.to_str().unwrap(),
    ]);
    let bytes = std::fs::read(&csv).unwrap();
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "CSV starts with a UTF-8 BOM so Danish Excel reads æøå"
    );
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        text.lines().next().unwrap().contains("Løbenr;Tidspunkt;"),
        "semicolon-separated with Danish headers"
    );
    assert!(
        text.contains("Enheden lukker snart"),
        "the rejection reason is in the export"
    );
    let verified = ws.ok(&["log", "verify", csv.to_str().unwrap()]);
    assert!(verified.contains("intakt"), "{verified}");

    let tampered = ws.path("tampered.csv");
    std::fs::write(&tampered, text.replacen("testadmin", "someoneelse", 1)).unwrap();
    let err = ws.fail(&["log", "verify", tampered.to_str().unwrap()]);
    assert!(err.contains("brudt"), "an edited export is detected: {err}");

    let json = ws.path("log.json");
    ws.ok(&[
        "log",
        "export",
        "--format",
        "json",
        "--out",
        json.to_str().unwrap(),
    ]);
    let doc: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let entries = doc["entries"].as_array().unwrap();
    assert_eq!(
        doc["head_hash"],
        entries.last().unwrap()["hash"],
        "the export states its head hash"
    );
}

#[test]
fn a_manual_link_wins_and_is_logged() {
    let ws = Workspace::new();
    ws.ok(&["demo"]);
    let creates = ws.json(&["proposals", "--kind", "create", "--status", "new", "--json"]);
    let genopt = creates
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["org"]["name"] == "Genoptræning Nord")
        .unwrap();
    let org = genopt["org_uuid"].as_str().unwrap();
    // The only SOR "Genoptræning Nord" belongs to another municipality; linking by hand is still allowed.
    let sor_id = "93011000016001";
    ws.ok(&["link", org, sor_id]);
    let still_open = ws.json(&["proposals", "--kind", "create", "--status", "new", "--json"]);
    assert!(
        still_open
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["org_uuid"] != org),
        "the manual link withdraws the create proposal"
    );
    let err = ws.fail(&["link", org, "91031000016003"]);
    assert!(err.contains("allerede koblet"), "{err}");
}

#[test]
fn the_pipeline_runs_on_saved_files() {
    let ws = Workspace::new();
    ws.ok(&["init", "--cvr", "29189900"]);
    let sor = ws.ok(&[
        "import-sor",
        repo("assets/demo/sor/Sor.xml").to_str().unwrap(),
    ]);
    assert!(sor.contains("enheder"), "{sor}");
    let again = ws.ok(&[
        "import-sor",
        repo("assets/demo/sor/Sor.xml").to_str().unwrap(),
    ]);
    assert!(
        again.contains("uændrede"),
        "a second import of the same file changes nothing: {again}"
    );
    ws.ok(&["import-org", repo("assets/demo/fkorg").to_str().unwrap()]);
    ws.ok(&["match"]);
    let first = ws.json(&["proposals", "--json"]).as_array().unwrap().len();
    ws.ok(&["match"]);
    let second = ws.json(&["proposals", "--json"]).as_array().unwrap().len();
    assert!(first > 0);
    assert_eq!(
        first, second,
        "re-running the matcher does not duplicate proposals"
    );
    let stats = ws.json(&["stats", "--json"]);
    assert_eq!(stats["org_inactive"], 1);
}

#[test]
fn errors_say_what_and_where_and_exit_non_zero() {
    let ws = Workspace::new();
    let err = ws.fail(&["init", "--cvr", "12ab"]);
    assert!(err.contains("CVR"), "{err}");
    ws.ok(&["init", "--cvr", "29189900"]);
    let err = ws.fail(&["import-sor", "/no/such/Sor.xml"]);
    assert!(err.contains("Sor.xml"), "the message names the file: {err}");
    let err = ws.fail(&["approve", "999"]);
    assert!(err.contains("999"), "{err}");

    let corrupt = Workspace::new();
    std::fs::write(corrupt.db(), vec![b'x'; 4096]).unwrap();
    let err = corrupt.fail(&["stats", "--json"]);
    assert!(
        err.contains("beskadiget"),
        "a corrupt database gives a clear message: {err}"
    );
    assert_eq!(
        std::fs::read(corrupt.db()).unwrap(),
        vec![b'x'; 4096],
        "and is left untouched"
    );
}

#[test]
fn match_before_init_explains_what_to_do() {
    let ws = Workspace::new();
    let err = ws.fail(&["match"]);
    assert!(err.contains("sorkomp init"), "{err}");
}

#[test]
fn the_worklist_round_trip_list_done_undo_and_export() {
    let ws = Workspace::new();
    ws.ok(&["demo"]);
    let all = ws.json(&["proposals", "--json", "--status", "new"]);
    let delete = proposals_of_kind(&all, "delete")[0]["id"].as_i64().unwrap();
    ws.ok(&["approve", &delete.to_string()]);

    let items = ws.json(&["outbox", "--json"]);
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 1, "one approval, one item: {items:#?}");
    let item = &items[0];
    assert_eq!(item["action"], "close_unit");
    assert_eq!(item["status"], "pending");
    assert!(item["title"]
        .as_str()
        .unwrap()
        .starts_with("Luk SOR-enheden"));
    let id = item["id"].as_i64().unwrap().to_string();

    let text = ws.ok(&["outbox", "--status", "pending"]);
    assert!(
        text.contains("Afventer") && text.contains("Slutdato:"),
        "{text}"
    );

    let done = ws.ok(&["outbox", "done", &id]);
    assert!(done.contains("«Udført»"), "{done}");
    assert_eq!(
        ws.json(&["outbox", "--json", "--status", "done"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let twice = ws.fail(&["outbox", "done", &id]);
    assert!(twice.contains("allerede markeret som udført"), "{twice}");
    ws.ok(&["outbox", "done", &id, "--undo"]);
    assert_eq!(
        ws.json(&["outbox", "--json", "--status", "pending"])
            .as_array()
            .unwrap()
            .len(),
        1
    );

    for format in ["csv", "xlsx", "html"] {
        let out = ws.path(&format!("arbejdsliste.{format}"));
        let said = ws.ok(&[
            "outbox",
            "export",
            "--format",
            format,
            "--out",
            out.to_str().unwrap(),
        ]);
        assert!(said.starts_with("1 opgave skrevet til"), "{said}");
        assert!(
            std::fs::metadata(&out).unwrap().len() > 100,
            "{format} is written"
        );
    }
    let html = std::fs::read_to_string(ws.path("arbejdsliste.html")).unwrap();
    assert!(html.contains("Luk SOR-enheden"), "the HTML holds the item");
}

#[test]
fn the_log_exports_as_xlsx_and_verify_reads_it() {
    let ws = Workspace::new();
    ws.ok(&["demo"]);
    let out = ws.path("log.xlsx");
    let said = ws.ok(&[
        "log",
        "export",
        "--format",
        "xlsx",
        "--out",
        out.to_str().unwrap(),
    ]);
    let head = said.trim().rsplit(' ').next().unwrap().to_string();
    let verified = ws.ok(&["log", "verify", out.to_str().unwrap()]);
    assert!(
        verified.contains("er intakt") && verified.contains(&head),
        "{verified}"
    );

    let not_a_log = ws.path("andet.xlsx");
    std::fs::write(&not_a_log, b"PK\x03\x04 not really a workbook").unwrap();
    let err = ws.fail(&["log", "verify", not_a_log.to_str().unwrap()]);
    assert!(err.contains("andet.xlsx") && err.contains("XLSX"), "{err}");
}

#[test]
fn import_sor_downloads_from_a_url_or_the_configured_one_and_says_when_offline() {
    let ws = Workspace::new();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("https://127.0.0.1:{port}/Sor.zip");
    let err = ws.fail(&["import-sor", &url]);
    assert!(
        err.contains("fejl (offline)") && err.contains("ser ud til at være offline"),
        "a URL is downloaded, and a refused connection means offline: {err}"
    );
    let err = ws.fail(&["sor-url", "http://127.0.0.1/Sor.zip"]);
    assert!(
        err.contains("fejl (invalid_url)") && err.contains("https"),
        "{err}"
    );
    let set = ws.ok(&["sor-url", &url]);
    assert!(set.contains(&url), "{set}");
    let err = ws.fail(&["import-sor", "--download"]);
    assert!(
        err.contains("fejl (offline)") && err.contains("127.0.0.1"),
        "--download uses the configured URL: {err}"
    );
    let err = ws.fail(&["import-sor"]);
    assert!(err.contains("<SOURCE>"), "a source is required: {err}");
}

#[test]
fn the_kle_table_is_shown_edited_from_a_file_and_checked() {
    let ws = Workspace::new();
    ws.ok(&["demo"]);
    let rules = ws.json(&["kle-rules", "--json"]);
    let rows = rules.as_array().expect("a list of rules");
    assert!(
        rows.iter().any(|r| r["kle_prefix"] == "27.42.00"),
        "the shipped table covers plejehjem"
    );
    assert!(
        ws.ok(&["kle-rules"]).contains("Plejehjem"),
        "the table prints with labels"
    );

    let mut edited: Vec<Value> = rows.iter().rev().cloned().collect();
    edited.pop();
    std::fs::write(ws.path("kle.json"), serde_json::to_string(&edited).unwrap()).unwrap();
    let file = ws.path("kle.json");
    let stored = ws.json(&["kle-rules", "--set", file.to_str().unwrap(), "--json"]);
    assert_eq!(
        stored,
        Value::Array(edited.clone()),
        "stored in the given order"
    );
    assert_eq!(ws.json(&["kle-rules", "--json"]), stored, "and kept");

    edited[0]["sor_type_code"] = Value::String(String::new());
    std::fs::write(ws.path("bad.json"), serde_json::to_string(&edited).unwrap()).unwrap();
    let bad = ws.path("bad.json");
    let err = ws.fail(&["kle-rules", "--set", bad.to_str().unwrap()]);
    assert!(
        err.contains("Række 1") && err.contains("SOR-enhedstype"),
        "the faulty row is named: {err}"
    );
    std::fs::write(ws.path("broken.json"), "[{\"kle_prefix\": \"27\"").unwrap();
    let broken = ws.path("broken.json");
    let err = ws.fail(&["kle-rules", "--set", broken.to_str().unwrap()]);
    assert!(
        err.contains("broken.json linje 1"),
        "the file is named: {err}"
    );
}

#[test]
fn weights_show_what_decisions_taught() {
    let ws = Workspace::new();
    ws.ok(&["demo"]);
    let before = ws.json(&["weights", "--json"]);
    assert_eq!(before["decisions"], 0, "nothing decided yet");
    let all = ws.json(&["proposals", "--json"]);
    let scored = proposals_of_kind(&all, "link")
        .into_iter()
        .find(|p| p["explanation"]["contributions"].as_array().unwrap().len() > 1)
        .expect("a scored link proposal");
    ws.ok(&["approve", &scored["id"].to_string()]);
    let after = ws.json(&["weights", "--json"]);
    assert_eq!(
        (after["decisions"].clone(), after["approved"].clone()),
        (Value::from(1), Value::from(1)),
        "the approval is counted"
    );
    assert_ne!(after["rows"], before["rows"], "the learnt weights moved");
    let text = ws.ok(&["weights"]);
    assert!(
        text.contains("Adresse") && text.contains("1 godkendte"),
        "the table has Danish field labels and the count: {text}"
    );
}
