//! "Hent SOR-data" through the API against a real HTTPS server on 127.0.0.1 (test CA by rcgen,
//! trusted through the setting `sor.extra_ca_file`; certificates are verified as in production).

use std::sync::{Arc, Mutex};

use chrono::{TimeZone, Utc};
use sorkomp_api::{Api, ApiError, Progress};
use sorkomp_sor::test_server::{Reply, TestCa, TestServer};
use sorkomp_store::Store;

const DEMO_SOR: &str = include_str!("../../../../assets/demo/sor/Sor.xml");
const NOW: &str = "2025-06-02T03:00:00Z";

/// The test CA, with its certificate in a file: the setting `sor.extra_ca_file` names a file.
struct TrustedCa {
    ca: TestCa,
    pem_file: tempfile::NamedTempFile,
}

fn test_ca() -> TrustedCa {
    let ca = TestCa::new("SOR test-CA");
    let pem_file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(pem_file.path(), &ca.pem).unwrap();
    TrustedCa { ca, pem_file }
}

async fn serve(ca: &TrustedCa) -> TestServer {
    TestServer::start(&ca.ca, "/sorxml/Sor.xml").await
}

/// An API on a database in `dir` that trusts the test CA, with a fixed clock.
fn api(dir: &tempfile::TempDir, ca: &TrustedCa) -> Api {
    let store = Store::open(&dir.path().join("sorkomp.db")).unwrap();
    store
        .set_setting("sor.extra_ca_file", ca.pem_file.path().to_str().unwrap())
        .unwrap();
    store.set_setting("municipality_cvr", "29189498").unwrap();
    let at = Utc.with_ymd_and_hms(2025, 6, 2, 3, 0, 0).unwrap();
    Api::with_store(store, Box::new(move || at))
}

fn serves_etag(body: Vec<u8>, etag: &'static str) -> impl Fn(&str) -> Reply + Send + Sync {
    move |head| {
        if head.contains(&format!("if-none-match: {etag}")) {
            Reply::Full {
                status: "304 Not Modified",
                headers: vec![("etag", etag.to_string())],
                body: vec![],
            }
        } else {
            Reply::Full {
                status: "200 OK",
                headers: vec![("etag", etag.to_string())],
                body: body.clone(),
            }
        }
    }
}

fn unit_count(api: &Api) -> u32 {
    let s = api.stats().unwrap();
    s.sor_owners + s.sor_institutions + s.sor_units
}

/// Files in the database folder other than the database itself (leftover downloads).
fn stray_files(dir: &tempfile::TempDir) -> Vec<String> {
    std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("sorkomp.db"))
        .collect()
}

#[tokio::test]
async fn the_first_download_imports_and_the_second_is_unchanged_without_a_transfer() {
    let ca = test_ca();
    let server = serve(&ca).await;
    server.reply_with(serves_etag(DEMO_SOR.as_bytes().to_vec(), "\"v1\""));
    let dir = tempfile::tempdir().unwrap();
    let api = Arc::new(api(&dir, &ca));
    api.set_sor_url(&server.url).unwrap();

    // Spawned, so the future must be Send (the window calls it from an async command).
    let events = Arc::new(Mutex::new(Vec::<Progress>::new()));
    let (task_api, task_events) = (api.clone(), events.clone());
    let first = tokio::spawn(async move {
        let sink = move |p: Progress| task_events.lock().unwrap().push(p);
        task_api.download_sor(None, &sink).await
    })
    .await
    .unwrap()
    .expect("the configured URL downloads and imports");
    assert!(
        !first.unchanged && first.entities > 10,
        "a first download fills the cache: {first:?}"
    );
    assert_eq!(
        first.entities,
        unit_count(&api),
        "what was reported is what is stored"
    );
    let events = events.lock().unwrap().clone();
    let size = DEMO_SOR.len() as u64;
    let bytes: Vec<_> = events
        .iter()
        .filter(|p| p.stage == "Henter SOR-data")
        .map(|p| (p.done, p.total))
        .collect();
    assert_eq!(
        bytes.first(),
        Some(&(0, Some(size))),
        "progress starts at 0 of the size"
    );
    assert_eq!(
        bytes.last(),
        Some(&(size, Some(size))),
        "and reaches the size"
    );
    assert_eq!(
        events.last().map(|p| p.stage.as_str()),
        Some("Indlæser SOR-data"),
        "then the import is announced"
    );
    let status = api.sor_sync_status().unwrap();
    assert_eq!(status.url, server.url);
    assert_eq!(status.last_download_at.as_deref(), Some(NOW));
    assert_eq!(status.last_download_error, None);

    let second = api.download_sor(None, &|_| {}).await.unwrap();
    assert!(
        second.unchanged,
        "the server's 304 means nothing new: {second:?}"
    );
    assert!(
        second.summary.starts_with("SOR-data er uændrede") && second.entities == first.entities,
        "{}",
        second.summary
    );
    let log = server.served();
    assert_eq!(log.len(), 2, "one request per download");
    assert!(
        log[1].head.contains("if-none-match: \"v1\""),
        "the second request is conditional: {}",
        log[1].head
    );
    assert_eq!(
        (log[1].status.as_str(), log[1].sent),
        ("304 Not Modified", 0),
        "and no body is transferred"
    );
    assert_eq!(unit_count(&api), first.entities, "the cache is untouched");
    assert!(
        stray_files(&dir).is_empty(),
        "no download is left beside the database: {:?}",
        stray_files(&dir)
    );
}

#[tokio::test]
async fn a_connection_dropped_mid_download_keeps_the_previous_snapshot() {
    let ca = test_ca();
    let server = serve(&ca).await;
    server.reply_with(serves_etag(DEMO_SOR.as_bytes().to_vec(), "\"v1\""));
    let dir = tempfile::tempdir().unwrap();
    let api = api(&dir, &ca);
    let first = api.download_sor(Some(&server.url), &|_| {}).await.unwrap();
    let before = api.sor_entities(&Default::default()).unwrap();

    let renamed = DEMO_SOR
        .replace("Lægehuset Byvej", "Lægehuset Ny Byvej")
        .into_bytes();
    let sent = renamed.len() / 2;
    server.reply_with(move |_| Reply::Drop {
        body: renamed.clone(),
        sent,
    });
    let err: ApiError = api
        .download_sor(Some(&server.url), &|_| {})
        .await
        .expect_err("half a file is not a download");
    assert_eq!(err.code, "download_interrupted", "{err:?}");
    assert!(
        err.message
            .contains("Forbindelsen til 127.0.0.1 blev afbrudt")
            && err.message.contains("kan stadig bruges"),
        "the message says what broke and that the cache is fine: {}",
        err.message
    );
    assert_eq!(
        api.sor_entities(&Default::default()).unwrap(),
        before,
        "the previous snapshot is intact"
    );
    assert_eq!(unit_count(&api), first.entities);
    let status = api.sor_sync_status().unwrap();
    assert_eq!(
        status.last_download_error.as_deref(),
        Some(err.message.as_str())
    );
    assert!(
        stray_files(&dir).is_empty(),
        "the partial file is removed: {:?}",
        stray_files(&dir)
    );

    // The validators of the imported file are still the ones sent: a failed transfer saved none.
    server.reply_with(serves_etag(DEMO_SOR.as_bytes().to_vec(), "\"v1\""));
    let again = api.download_sor(Some(&server.url), &|_| {}).await.unwrap();
    assert!(again.unchanged, "{again:?}");
    assert_eq!(
        api.sor_sync_status().unwrap().last_download_error,
        None,
        "a success clears the error"
    );
}

#[tokio::test]
async fn a_changed_file_is_downloaded_and_its_changes_logged() {
    let ca = test_ca();
    let server = serve(&ca).await;
    server.reply_with(serves_etag(DEMO_SOR.as_bytes().to_vec(), "\"v1\""));
    let dir = tempfile::tempdir().unwrap();
    let api = api(&dir, &ca);
    api.download_sor(Some(&server.url), &|_| {}).await.unwrap();
    let renamed = DEMO_SOR.replacen("Lægerne Byvej 12", "Lægerne på Byvej", 1);
    server.reply_with(serves_etag(renamed.into_bytes(), "\"v2\""));
    let report = api.download_sor(Some(&server.url), &|_| {}).await.unwrap();
    assert!(
        !report.unchanged && report.changes == 1,
        "one unit was renamed: {report:?}"
    );
    let log = server.served();
    assert!(
        log[1].head.contains("if-none-match: \"v1\"") && log[1].status == "200 OK",
        "the server had a newer file: {log:?}"
    );
    let rows = api
        .sor_entities(&sorkomp_api::DataQuery {
            text: Some("Lægerne på Byvej".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(rows.len(), 1, "the renamed unit is found by its new name");
    let detail = api
        .sor_entity(&rows[0].sor_id)
        .unwrap()
        .expect("the detail pane finds it");
    assert_eq!(detail.name, "Lægerne på Byvej");
    assert_eq!(
        api.sor_entity("123").unwrap(),
        None,
        "an unknown id is no entity"
    );
}

#[tokio::test]
async fn no_network_gives_the_offline_code() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let ca = test_ca();
    let dir = tempfile::tempdir().unwrap();
    let api = api(&dir, &ca);
    let err = api
        .download_sor(Some(&format!("https://127.0.0.1:{port}/Sor.xml")), &|_| {})
        .await
        .expect_err("nobody listens on that port");
    assert_eq!(err.code, "offline");
    assert!(
        err.message
            .starts_with("Computeren ser ud til at være offline")
            && err
                .message
                .contains("De gemte SOR-data er uændrede og kan stadig bruges"),
        "{}",
        err.message
    );
    let status = api.sor_sync_status().unwrap();
    assert_eq!(status.last_download_error, Some(err.message));
    assert_eq!(status.last_download_at, None, "nothing was downloaded");
}

#[test]
fn only_https_urls_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let api = api(&dir, &test_ca());
    for bad in [
        "http://sor-filer.sundhedsdata.dk/Sor.zip",
        "sor-filer.sundhedsdata.dk/Sor.zip",
        "ftp://sor-filer.sundhedsdata.dk/Sor.zip",
        "https://",
        "",
    ] {
        let err = api.set_sor_url(bad).expect_err(bad);
        assert_eq!(err.code, "invalid_url", "{bad}: {err:?}");
    }
    assert!(
        api.sor_sync_status()
            .unwrap()
            .url
            .starts_with("https://sor-filer.sundhedsdata.dk/sor_produktion/data/sor/"),
        "without a setting the public production export is used"
    );
    api.set_sor_url(" https://example.org/sor/Sor.zip ")
        .unwrap();
    assert_eq!(
        api.sor_sync_status().unwrap().url,
        "https://example.org/sor/Sor.zip"
    );
}
