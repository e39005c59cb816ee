//! FK Organisation settings, the certificate password kept in memory only, and `sync_org`
//! against the mutual-TLS test server answering with the dev-odense world's pages.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use sorkomp_api::{Api, FkSettings, LogQuery, Progress};
use sorkomp_fkorg::test_server::{pkcs12, serve, urls, Fault, Pki, ServerState};

use crate::{api_in, edges_in_world, world_dir, CVR, NOW};

const CLIENT_ID: &str = "sorkomp-api-test";
/// Distinctive, so it can be looked for in the database file's bytes.
const PASSWORD: &str = "Kodeord-9f2c-æøå-hemmeligt";

struct Fixture {
    dir: tempfile::TempDir,
    pki: Pki,
    state: Arc<ServerState>,
    api: Api,
    settings: FkSettings,
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path.display().to_string()
}

/// A running server, an API with its municipality set, a PKCS#12 certificate and the CA on disk,
/// and settings pointing at the server (not yet saved).
async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("temp dir");
    let pki = sorkomp_fkorg::test_server::pki();
    let state = Arc::new(ServerState::load(&world_dir(), CVR, CLIENT_ID));
    let addr = serve(&pki, state.clone()).await;
    let (token_url, graphql_url) = urls(addr);
    let settings = FkSettings {
        environment: "test".into(),
        token_url: Some(token_url),
        graphql_url: Some(graphql_url),
        client_id: CLIENT_ID.into(),
        certificate_path: write(dir.path(), "kommune.p12", &pkcs12(&pki.client, PASSWORD)),
        extra_ca_path: Some(write(dir.path(), "test-ca.pem", pki.ca_pem.as_bytes())),
    };
    let api = api_in(dir.path());
    Fixture {
        dir,
        pki,
        state,
        api,
        settings,
    }
}

fn no_progress(_: Progress) {}

fn org_total(api: &Api) -> u32 {
    let s = api.stats().expect("stats");
    s.org_active + s.org_inactive
}

fn org_import_rows(api: &Api) -> usize {
    api.log(&LogQuery::default())
        .expect("log")
        .iter()
        .filter(|e| e.action == "org_import")
        .count()
}

#[test]
fn settings_are_checked_before_they_are_saved() {
    let dir = tempfile::tempdir().unwrap();
    let pki = sorkomp_fkorg::test_server::pki();
    let api = api_in(dir.path());
    assert_eq!(api.fk_settings().unwrap(), None, "nothing configured yet");
    let good = FkSettings {
        environment: "produktion".into(),
        token_url: None,
        graphql_url: None,
        client_id: "sor-komponent".into(),
        certificate_path: write(dir.path(), "k.p12", &pkcs12(&pki.client, PASSWORD)),
        extra_ca_path: None,
    };
    let pem_without_key = write(dir.path(), "only-cert.pem", pki.client.cert_pem.as_bytes());
    let encrypted = write(
        dir.path(),
        "encrypted.pem",
        format!(
            "{}-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
            pki.client.cert_pem
        )
        .as_bytes(),
    );
    let text_file = write(dir.path(), "notes.txt", b"ikke et certifikat");
    let missing = dir.path().join("findes-ikke.p12").display().to_string();
    type Edit = fn(&mut FkSettings, &[String]);
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "unknown environment",
            |s, _| s.environment = "prod".into(),
            "Vælg «test» eller «produktion»",
        ),
        (
            "empty client id",
            |s, _| s.client_id = "  ".into(),
            "Klient-id mangler",
        ),
        (
            "plain http token url",
            |s, _| s.token_url = Some("http://x/issue".into()),
            "ikke en https-adresse",
        ),
        (
            "graphql url without host",
            |s, _| s.graphql_url = Some("https:///sti".into()),
            "ikke en https-adresse",
        ),
        (
            "missing certificate",
            |s, f| s.certificate_path = f[0].clone(),
            "kan ikke læses",
        ),
        (
            "PEM without private key",
            |s, f| s.certificate_path = f[1].clone(),
            "ingen privat nøgle",
        ),
        (
            "encrypted PEM key",
            |s, f| s.certificate_path = f[2].clone(),
            "krypteret",
        ),
        (
            "neither PEM nor PKCS#12",
            |s, f| s.certificate_path = f[3].clone(),
            "hverken PKCS#12",
        ),
        (
            "extra CA that is no certificate",
            |s, f| s.extra_ca_path = Some(f[3].clone()),
            "ikke et PEM-certifikat",
        ),
    ];
    let files = [missing, pem_without_key, encrypted, text_file];
    for (what, edit, expected) in cases {
        let mut s = good.clone();
        edit(&mut s, &files);
        let err = api.set_fk_settings(&s).expect_err(what);
        assert!(
            err.message.contains(expected),
            "{what}: the message says what is wrong: {}",
            err.message
        );
    }
    assert_eq!(
        api.fk_settings().unwrap(),
        None,
        "refused settings are not saved"
    );

    let mut spaced = good.clone();
    spaced.client_id = "  sor-komponent ".into();
    spaced.token_url = Some("  ".into());
    api.set_fk_settings(&spaced).expect("good settings");
    assert_eq!(
        api.fk_settings().unwrap(),
        Some(good),
        "saved trimmed, with a blank URL meaning the environment's default"
    );
    let status = api.sync_status().unwrap();
    assert!(status.fk_configured);
    assert!(
        !status.certificate_unlocked,
        "a PKCS#12 certificate is locked until its password is given"
    );
    assert!(
        api.log(&LogQuery::default())
            .unwrap()
            .iter()
            .any(|e| e.action == "fk_settings" && e.source == "user"),
        "the change of settings is in the change log"
    );
}

#[tokio::test]
async fn a_sync_stores_the_units_and_the_password_is_never_written() {
    let f = fixture().await;
    f.api.set_fk_settings(&f.settings).expect("settings");

    let err = f
        .api
        .sync_org(&no_progress)
        .await
        .expect_err("locked certificate");
    assert_eq!(err.code, "certificate_locked", "{}", err.message);
    assert_eq!(
        f.state.tokens_issued.load(Ordering::SeqCst),
        0,
        "nothing is sent with a locked certificate"
    );

    let err = f
        .api
        .unlock_certificate("forkert".into())
        .expect_err("wrong password");
    assert_eq!(err.code, "certificate_invalid", "{}", err.message);
    assert!(err.message.contains("adgangskoden"), "{}", err.message);
    assert!(!f.api.certificate_unlocked());

    f.api
        .unlock_certificate(PASSWORD.into())
        .expect("right password");
    assert!(f.api.certificate_unlocked());

    let seen: Mutex<Vec<Progress>> = Mutex::new(Vec::new());
    let record = |p: Progress| seen.lock().unwrap().push(p);
    let report = f.api.sync_org(&record).await.expect("sync succeeds");
    let units = edges_in_world();
    assert_eq!(report.entities as usize, units, "every unit of every page");
    assert_eq!(org_total(&f.api) as usize, units, "and all of them stored");

    let seen = seen.into_inner().unwrap();
    assert!(seen.iter().all(|p| p.register == "org"));
    let page_events: Vec<u64> = seen
        .iter()
        .filter(|p| p.stage.starts_with("Hentet side"))
        .map(|p| p.done)
        .collect();
    assert_eq!(
        page_events,
        vec![1, 2, 3, 4, 5, 6],
        "one progress report per page (5 AKTIV, 1 INAKTIV)"
    );
    assert!(seen.last().unwrap().stage == "Færdig", "{seen:?}");

    let status = f.api.sync_status().unwrap();
    assert_eq!(status.last_org_sync.as_deref(), Some(NOW));
    assert_eq!(status.last_org_error, None);
    assert!(status.certificate_unlocked && status.fk_configured);
    assert_eq!(
        status.last_sor_download, None,
        "SOR keys are read, not invented"
    );
    assert_eq!(
        f.state.client_certs_seen.lock().unwrap()[0],
        f.pki.client.cert_der,
        "the server saw the municipality's certificate"
    );

    // The second sync reuses the session's client and its cached token.
    f.api.sync_org(&no_progress).await.expect("second sync");
    assert_eq!(f.state.tokens_issued.load(Ordering::SeqCst), 1);

    // Neither the password nor the token is in the database files.
    let tokens = f.state.tokens_ever.lock().unwrap().clone();
    assert!(!tokens.is_empty());
    let db_files: Vec<PathBuf> = std::fs::read_dir(f.dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("sorkomp.db"))
        .collect();
    assert!(
        db_files.iter().any(|p| p.ends_with("sorkomp.db")),
        "the database file is there to search: {db_files:?}"
    );
    for file in &db_files {
        let bytes = std::fs::read(file).unwrap();
        for secret in std::iter::once(PASSWORD.to_string()).chain(tokens.iter().cloned()) {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{secret} must never be written, but {} holds it",
                file.display()
            );
        }
    }
}

#[tokio::test]
async fn a_500_on_a_page_keeps_the_previous_snapshot_and_records_the_error() {
    let f = fixture().await;
    f.api.set_fk_settings(&f.settings).unwrap();
    f.api.unlock_certificate(PASSWORD.into()).unwrap();
    f.api.sync_org(&no_progress).await.expect("first sync");
    let before = f.api.org_units(&Default::default()).unwrap();
    let imports = org_import_rows(&f.api);

    // Page 3 of the AKTIV units fails on every attempt.
    f.state.inject("AKTIV", 2, Fault::Status500, 100);
    let err = f
        .api
        .sync_org(&no_progress)
        .await
        .expect_err("the sync fails");
    assert_eq!(err.code, "fkorg.http", "{}", err.message);
    assert!(err.message.contains("500"), "{}", err.message);
    assert_eq!(
        f.api.org_units(&Default::default()).unwrap(),
        before,
        "the previous snapshot is intact: nothing of pages 1-2 was stored"
    );
    assert_eq!(org_import_rows(&f.api), imports, "no import was logged");
    let status = f.api.sync_status().unwrap();
    assert_eq!(
        status.last_org_sync.as_deref(),
        Some(NOW),
        "the last good sync is still shown"
    );
    assert_eq!(status.last_org_error.as_deref(), Some(err.message.as_str()));

    // The next sync starts cleanly and clears the error.
    f.state.inject("AKTIV", 2, Fault::Status500, 0);
    f.api.sync_org(&no_progress).await.expect("recovered");
    assert_eq!(f.api.sync_status().unwrap().last_org_error, None);
}

#[tokio::test]
async fn without_a_network_the_sync_says_offline_and_the_cache_stays_usable() {
    let f = fixture().await;
    f.api
        .import_org_paths(&[world_dir()])
        .expect("offline import");
    // A port nobody listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    // A PEM certificate with its key has no password: no unlocking needed.
    let pem = format!("{}{}", f.pki.client.cert_pem, f.pki.client.key_pem);
    let settings = FkSettings {
        token_url: Some(format!("https://127.0.0.1:{port}/oauth/v1/issue")),
        graphql_url: Some(format!("https://127.0.0.1:{port}/graphql")),
        certificate_path: write(f.dir.path(), "kommune.pem", pem.as_bytes()),
        ..f.settings.clone()
    };
    f.api.set_fk_settings(&settings).unwrap();
    assert!(f.api.certificate_unlocked(), "a PEM key needs no password");

    let err = f
        .api
        .sync_org(&no_progress)
        .await
        .expect_err("nobody answers");
    assert_eq!(err.code, "offline", "{}", err.message);
    assert!(
        err.message.contains("gemte data"),
        "tells the administrator the cached data still works: {}",
        err.message
    );
    let status = f.api.sync_status().unwrap();
    assert_eq!(status.last_org_sync, None, "never synced");
    assert_eq!(status.last_org_error.as_deref(), Some(err.message.as_str()));
    assert_eq!(
        org_total(&f.api) as usize,
        edges_in_world(),
        "the imported units are still there"
    );
}

#[test]
fn sync_org_can_run_in_a_window_command() {
    fn assert_send<T: Send>(_: &T) {}
    let api = Api::open_in_memory().unwrap();
    let fut = api.sync_org(&no_progress);
    assert_send(&fut);
}
