//! Download over real HTTPS on 127.0.0.1 (`sorkomp_sor::test_server`, a test CA made by rcgen).

use std::time::Duration;

use sorkomp_sor::test_server::{Reply, TestCa, TestServer};
use sorkomp_sor::{download, CacheValidators, DownloadOptions, DownloadOutcome, SorError};

/// A server on 127.0.0.1 that answers every request with `reply`.
async fn serve(ca: &TestCa, reply: impl Fn(&str) -> Reply + Send + Sync + 'static) -> TestServer {
    let server = TestServer::start(ca, "/Sor.zip").await;
    server.reply_with(reply);
    server
}

fn options(url: &str, ca: &TestCa) -> DownloadOptions {
    DownloadOptions {
        url: url.to_string(),
        connect_timeout: Duration::from_secs(10),
        read_timeout: Duration::from_secs(10),
        extra_root_certs_pem: vec![ca.pem.as_bytes().to_vec()],
    }
}

fn payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

#[tokio::test]
async fn a_full_download_reports_progress_and_validators() {
    let ca = TestCa::new("SOR test-CA");
    let body = payload(700_000);
    let served = body.clone();
    let server = serve(&ca, move |_| Reply::Full {
        status: "200 OK",
        headers: vec![
            ("etag", "\"v1\"".to_string()),
            ("last-modified", "Mon, 02 Jun 2025 01:00:29 GMT".to_string()),
        ],
        body: served.clone(),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("Sor.zip");
    let mut calls = Vec::new();
    let outcome = download(&options(&server.url, &ca), &dest, None, |done, total| {
        calls.push((done, total))
    })
    .await
    .expect("a trusted server with a whole body must download");
    assert_eq!(
        outcome,
        DownloadOutcome::Downloaded {
            bytes: body.len() as u64,
            validators: CacheValidators {
                etag: Some("\"v1\"".into()),
                last_modified: Some("Mon, 02 Jun 2025 01:00:29 GMT".into()),
            }
        }
    );
    assert_eq!(
        std::fs::read(&dest).unwrap(),
        body,
        "the file holds exactly the body"
    );
    let total = Some(body.len() as u64);
    assert_eq!(
        calls.first(),
        Some(&(0, total)),
        "progress starts at 0 of the known size"
    );
    assert_eq!(
        calls.last(),
        Some(&(body.len() as u64, total)),
        "and ends at the size"
    );
    assert!(
        calls.len() > 2,
        "progress is reported while bytes arrive: {calls:?}"
    );
    assert!(
        calls.windows(2).all(|w| w[0].0 <= w[1].0),
        "progress never goes back"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(
        leftovers.len(),
        1,
        "no temporary file is left beside the download"
    );
}

#[tokio::test]
async fn an_unchanged_file_is_not_fetched_again() {
    let ca = TestCa::new("SOR test-CA");
    let server = serve(&ca, |head| {
        if head.contains("if-none-match: \"v1\"") {
            Reply::Full {
                status: "304 Not Modified",
                headers: vec![],
                body: vec![],
            }
        } else {
            Reply::Full {
                status: "200 OK",
                headers: vec![("etag", "\"v2\"".to_string())],
                body: b"ny".to_vec(),
            }
        }
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("Sor.zip");
    std::fs::write(&dest, b"gammel").unwrap();
    let previous = CacheValidators {
        etag: Some("\"v1\"".into()),
        last_modified: Some("Mon, 02 Jun 2025 01:00:29 GMT".into()),
    };
    let outcome = download(
        &options(&server.url, &ca),
        &dest,
        Some(&previous),
        |_, _| {},
    )
    .await
    .expect("a 304 is not an error");
    assert_eq!(outcome, DownloadOutcome::NotModified);
    assert_eq!(
        std::fs::read(&dest).unwrap(),
        b"gammel",
        "304 leaves the file alone"
    );
    let heads: Vec<String> = server.served().into_iter().map(|s| s.head).collect();
    assert!(
        heads[0].contains("if-modified-since: mon, 02 jun 2025 01:00:29 gmt"),
        "both validators are sent: {heads:?}"
    );
}

#[tokio::test]
async fn a_dropped_connection_keeps_the_old_file() {
    let ca = TestCa::new("SOR test-CA");
    let server = serve(&ca, |_| Reply::Drop {
        body: payload(500_000),
        sent: 120_000,
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("Sor.zip");
    std::fs::write(&dest, b"forrige SOR-fil").unwrap();
    let mut last = 0;
    let err = download(&options(&server.url, &ca), &dest, None, |done, _| {
        last = done
    })
    .await
    .expect_err("half a body must not count as a download");
    assert!(
        matches!(
            err,
            SorError::Interrupted {
                total: Some(500_000),
                ..
            }
        ),
        "the error says the transfer broke: {err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("forbindelsen til 127.0.0.1 blev afbrudt")
            && text.contains(" af 500000;")
            && text.contains("den tidligere SOR-fil er bevaret"),
        "{text}"
    );
    assert!(
        last > 0 && last < 500_000,
        "some bytes arrived before the cut: {last}"
    );
    assert_eq!(
        std::fs::read(&dest).unwrap(),
        b"forrige SOR-fil",
        "the previous file is intact"
    );
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(files.len(), 1, "the partial temporary file is removed");
}

#[tokio::test]
async fn an_untrusted_certificate_is_rejected() {
    let server_ca = TestCa::new("Ukendt CA");
    let trusted_ca = TestCa::new("SOR test-CA");
    let server = serve(&server_ca, |_| Reply::Full {
        status: "200 OK",
        headers: vec![],
        body: "bør aldrig nå frem".as_bytes().to_vec(),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("Sor.zip");
    let err = download(&options(&server.url, &trusted_ca), &dest, None, |_, _| {})
        .await
        .expect_err("a certificate from an unknown CA must be refused");
    assert!(matches!(err, SorError::Untrusted { .. }), "{err:?}");
    assert!(err.to_string().contains("certifikat"), "{err}");
    assert!(
        !dest.exists(),
        "nothing is written from an untrusted server"
    );
}

#[tokio::test]
async fn no_listener_means_a_clear_offline_message() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let ca = TestCa::new("SOR test-CA");
    let dir = tempfile::tempdir().unwrap();
    let url = format!("https://127.0.0.1:{port}/Sor.zip");
    let err = download(
        &options(&url, &ca),
        &dir.path().join("Sor.zip"),
        None,
        |_, _| {},
    )
    .await
    .expect_err("nobody listens on that port");
    assert_eq!(
        err.to_string(),
        "Kan ikke hente SOR-data: ingen netværksforbindelse til 127.0.0.1"
    );
}

#[tokio::test]
async fn plain_http_and_error_statuses_are_refused() {
    let ca = TestCa::new("SOR test-CA");
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("Sor.zip");
    let err = download(
        &options("http://127.0.0.1:1/Sor.zip", &ca),
        &dest,
        None,
        |_, _| {},
    )
    .await
    .expect_err("http:// is not allowed");
    assert!(matches!(err, SorError::BadUrl { .. }), "{err:?}");

    let server = serve(&ca, |_| Reply::Full {
        status: "404 Not Found",
        headers: vec![],
        body: b"findes ikke".to_vec(),
    })
    .await;
    let err = download(&options(&server.url, &ca), &dest, None, |_, _| {})
        .await
        .expect_err("404 is an error");
    assert!(
        err.to_string().ends_with("svarede med HTTP-status 404"),
        "{err}"
    );
    assert!(!dest.exists());
}
