//! `config-fk`, `sync-org` (against the mutual-TLS test server, password from the environment)
//! and `quality` through the real binary.

use std::process::Command;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use sorkomp_fkorg::test_server::{pkcs12, serve, urls, ServerState};

use super::{repo, Workspace};

const CVR: &str = "35209115";
const CLIENT_ID: &str = "sorkomp-cli-test";
const PASSWORD: &str = "cli-kode-5b1e";

#[test]
fn config_fk_then_sync_org_then_quality() {
    let world = repo("../shared/data/worlds/dev-odense/fkorg");
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let pki = sorkomp_fkorg::test_server::pki();
    let state = Arc::new(ServerState::load(&world, CVR, CLIENT_ID));
    let addr = runtime.block_on(serve(&pki, state.clone()));
    let (token_url, graphql_url) = urls(addr);

    let ws = Workspace::new();
    let p12 = ws.path("kommune.p12");
    std::fs::write(&p12, pkcs12(&pki.client, PASSWORD)).unwrap();
    let ca = ws.path("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).unwrap();
    ws.ok(&["init", "--cvr", CVR]);

    let err = ws.fail(&[
        "config-fk",
        "--environment",
        "prod",
        "--client-id",
        CLIENT_ID,
        "--certificate",
        p12.to_str().unwrap(),
    ]);
    assert!(err.contains("«test» eller «produktion»"), "{err}");

    let out = ws.ok(&[
        "config-fk",
        "--environment",
        "test",
        "--client-id",
        CLIENT_ID,
        "--certificate",
        p12.to_str().unwrap(),
        "--token-url",
        &token_url,
        "--graphql-url",
        &graphql_url,
        "--extra-ca",
        ca.to_str().unwrap(),
    ]);
    assert!(out.contains("miljø test"), "{out}");

    let sync = |password: &str| {
        Command::new(env!("CARGO_BIN_EXE_sorkomp"))
            .arg("--db")
            .arg(ws.db())
            .arg("sync-org")
            .env("SORKOMP_CERT_PASSWORD", password)
            .env("USER", "testadmin")
            .output()
            .unwrap()
    };
    let wrong = sync("forkert");
    assert!(!wrong.status.success());
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(stderr.contains("(certificate_invalid)"), "{stderr}");

    let ok = sync(PASSWORD);
    let stderr = String::from_utf8_lossy(&ok.stderr);
    assert!(ok.status.success(), "{stderr}");
    assert!(
        stderr.contains("Hentet side 1 af de aktive enheder"),
        "progress on stderr: {stderr}"
    );
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert!(stdout.contains("FK Organisation indlæst"), "{stdout}");
    assert_eq!(state.tokens_issued.load(Ordering::SeqCst), 1);

    let stats = ws.json(&["stats", "--json"]);
    assert!(
        stats["org_active"].as_u64().unwrap() > 0,
        "the synced units are in the database: {stats}"
    );

    let tasks = ws.json(&["quality", "--json"]);
    let tasks = tasks.as_array().expect("a JSON list");
    assert!(!tasks.is_empty(), "the world has units to fix");
    let csv = ws.path("klargør.csv");
    let out = ws.ok(&["quality", "--out", csv.to_str().unwrap()]);
    assert!(
        out.starts_with(&format!("{} opgaver skrevet til", tasks.len())),
        "{out}"
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(
        text.lines().count(),
        tasks.len() + 1,
        "one CSV row per task, as in the JSON"
    );
}
