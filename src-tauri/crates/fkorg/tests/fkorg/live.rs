//! The live client against a real HTTPS server on 127.0.0.1 that requires and verifies a client
//! certificate (test CA made here with rcgen), serves the token endpoint, and answers
//! `organisationEnhedListe` from the dev-odense pages with real cursor paging
//! (`sorkomp_fkorg::test_server`).

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use sorkomp_fkorg::test_server::{pkcs12, serve, urls, Fault, Issued, Pki, ServerState};
use sorkomp_fkorg::{
    ClientCertificate, Environment, FetchProgress, FkOrgClient, FkOrgConfig, FkOrgError,
    RetryPolicy, SecretString,
};
use sorkomp_model::OrgStatus;

use crate::{edges_in_world, world_dir};

const CVR: &str = "35209115";
const CLIENT_ID: &str = "sorkomp-test";
const P12_PASSWORD: &str = "hemmelig-kode";

fn config(pki: &Pki, addr: SocketAddr, certificate: ClientCertificate) -> FkOrgConfig {
    let mut c = FkOrgConfig::new(
        Environment::Custom {
            token_url: urls(addr).0,
            graphql_url: urls(addr).1,
        },
        CLIENT_ID,
        CVR,
        certificate,
    );
    c.extra_root_certs = vec![pki.ca_pem.clone()];
    c.timeout = Duration::from_secs(20);
    c.retry = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
    };
    c
}

fn pem_of(issued: &Issued) -> ClientCertificate {
    ClientCertificate::Pem {
        cert_pem: issued.cert_pem.clone(),
        key_pem: SecretString::from(issued.key_pem.clone()),
    }
}

async fn setup() -> (Pki, Arc<ServerState>, SocketAddr) {
    let pki = sorkomp_fkorg::test_server::pki();
    let state = Arc::new(ServerState::load(&world_dir(), CVR, CLIENT_ID));
    let addr = serve(&pki, state.clone()).await;
    (pki, state, addr)
}

fn assert_no_server_problems(state: &ServerState) {
    let problems = state.problems.lock().unwrap();
    assert!(
        problems.is_empty(),
        "the client sent bad requests: {problems:?}"
    );
}

#[tokio::test]
async fn happy_path_with_a_pkcs12_certificate_reads_every_page() {
    let (pki, state, addr) = setup().await;
    let cert = ClientCertificate::Pkcs12 {
        der: pkcs12(&pki.client, P12_PASSWORD),
        password: SecretString::from(P12_PASSWORD),
    };
    let client = FkOrgClient::new(config(&pki, addr, cert)).expect("client from PKCS#12");
    let mut progress: Vec<FetchProgress> = Vec::new();
    let snap = client
        .fetch_all(|p| progress.push(p))
        .await
        .expect("sync succeeds");
    assert_eq!(
        snap.units.len(),
        edges_in_world(),
        "every unit of every page arrives"
    );
    assert_eq!(
        snap.pages, 6,
        "five AKTIV pages and one INAKTIV page, by cursor"
    );
    assert_eq!(
        state.tokens_issued.load(Ordering::SeqCst),
        1,
        "one token serves the whole sync"
    );
    assert_eq!(
        progress
            .iter()
            .map(|p| (p.status, p.page))
            .collect::<Vec<_>>(),
        vec![
            (OrgStatus::Aktiv, 1),
            (OrgStatus::Aktiv, 2),
            (OrgStatus::Aktiv, 3),
            (OrgStatus::Aktiv, 4),
            (OrgStatus::Aktiv, 5),
            (OrgStatus::Inaktiv, 1)
        ],
        "progress is reported per page"
    );
    assert_eq!(progress.last().unwrap().units_so_far, snap.units.len());
    let ids = state.transaction_ids.lock().unwrap().clone();
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        6,
        "each request has its own x-TransaktionsId"
    );
    assert!(
        state
            .client_certs_seen
            .lock()
            .unwrap()
            .iter()
            .all(|c| *c == pki.client.cert_der),
        "the server saw the function certificate from the PKCS#12 file"
    );
    assert_no_server_problems(&state);

    // The cached token is reused by the next sync.
    client.fetch_all(|_| {}).await.expect("second sync");
    assert_eq!(
        state.tokens_issued.load(Ordering::SeqCst),
        1,
        "the token is cached in memory"
    );
}

#[tokio::test]
async fn an_expired_token_is_replaced_once() {
    let (pki, state, addr) = setup().await;
    let client = FkOrgClient::new(config(&pki, addr, pem_of(&pki.client))).unwrap();
    state.expire_tokens_once.store(true, Ordering::SeqCst);
    let snap = client
        .fetch_all(|_| {})
        .await
        .expect("a 401 leads to a new token, then success");
    assert_eq!(snap.units.len(), edges_in_world());
    assert_eq!(
        state.tokens_issued.load(Ordering::SeqCst),
        2,
        "exactly one new token after the 401"
    );

    state.always_401.store(true, Ordering::SeqCst);
    let err = client
        .fetch_all(|_| {})
        .await
        .expect_err("a token refused twice is an error");
    assert!(matches!(err, FkOrgError::Unauthorized { .. }), "{err:?}");
    assert_eq!(
        state.tokens_issued.load(Ordering::SeqCst),
        3,
        "one renewal only, no loop"
    );
    assert!(
        err.to_string().contains("serviceaftalen"),
        "tells the administrator where to look: {err}"
    );
}

#[tokio::test]
async fn a_token_near_its_expiry_is_renewed_before_use() {
    let (pki, state, addr) = setup().await;
    // Tokens that claim to live 0 seconds are never reused.
    state.token_lifetime.store(0, Ordering::SeqCst);
    let client = FkOrgClient::new(config(&pki, addr, pem_of(&pki.client))).unwrap();
    client.fetch_all(|_| {}).await.expect("sync");
    assert_eq!(
        state.tokens_issued.load(Ordering::SeqCst),
        6,
        "a new token for each of the 6 pages"
    );
}

#[tokio::test]
async fn a_certificate_from_another_ca_is_rejected_clearly() {
    let (pki, state, addr) = setup().await;
    let client = FkOrgClient::new(config(&pki, addr, pem_of(&pki.stranger))).unwrap();
    let err = client
        .fetch_all(|_| {})
        .await
        .expect_err("the server must refuse an unknown certificate");
    assert!(
        matches!(err, FkOrgError::TlsRejected { .. }),
        "a TLS rejection, not a generic error: {err:?}"
    );
    assert!(
        err.to_string().contains("funktionscertifikatet"),
        "says what to check: {err}"
    );
    assert_eq!(
        state.tokens_issued.load(Ordering::SeqCst),
        0,
        "no token without a trusted certificate"
    );
    assert_eq!(state.graphql_requests.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_server_with_an_untrusted_certificate_is_refused() {
    let (pki, state, addr) = setup().await;
    let mut c = config(&pki, addr, pem_of(&pki.client));
    c.extra_root_certs.clear();
    let client = FkOrgClient::new(c).unwrap();
    let err = client
        .fetch_all(|_| {})
        .await
        .expect_err("the test CA is not trusted now");
    assert_eq!(
        err.code(),
        "fkorg.server_certificate",
        "our side refused the server: {err}"
    );
    assert!(err.to_string().contains("Serveren"), "{err}");
    assert_eq!(
        state.tokens_issued.load(Ordering::SeqCst),
        0,
        "nothing was sent"
    );
}

#[tokio::test]
async fn a_wrong_pkcs12_password_is_a_certificate_error() {
    let (pki, _state, addr) = setup().await;
    let cert = ClientCertificate::Pkcs12 {
        der: pkcs12(&pki.client, P12_PASSWORD),
        password: SecretString::from("forkert"),
    };
    let err = FkOrgClient::new(config(&pki, addr, cert))
        .err()
        .expect("wrong password");
    assert_eq!(err.code(), "fkorg.certificate", "{err}");
    assert!(err.to_string().contains("adgangskoden"), "{err}");
}

#[tokio::test]
async fn a_500_is_retried_and_a_lasting_500_fails_the_whole_sync() {
    let (pki, state, addr) = setup().await;
    let client = FkOrgClient::new(config(&pki, addr, pem_of(&pki.client))).unwrap();
    state.inject("AKTIV", 2, Fault::Status500, 1);
    let snap = client.fetch_all(|_| {}).await.expect("one 500 is retried");
    assert_eq!(
        snap.units.len(),
        edges_in_world(),
        "nothing is lost by the retry"
    );
    assert_eq!(
        state.graphql_requests.load(Ordering::SeqCst),
        7,
        "6 pages + 1 retry"
    );

    state.graphql_requests.store(0, Ordering::SeqCst);
    state.inject("AKTIV", 2, Fault::Status500, 100);
    let mut pages_seen = 0;
    let result = client.fetch_all(|_| pages_seen += 1).await;
    let err = result.expect_err("page 3 never succeeds: no snapshot at all");
    assert!(
        matches!(err, FkOrgError::Http { status: 500, .. }),
        "{err:?}"
    );
    assert_eq!(pages_seen, 2, "pages 1 and 2 were read before the failure");
    assert_eq!(
        state.graphql_requests.load(Ordering::SeqCst),
        2 + 3,
        "bounded: 3 attempts on page 3"
    );

    // The next sync starts cleanly.
    state.inject("AKTIV", 2, Fault::Status500, 0);
    let snap = client.fetch_all(|_| {}).await.expect("recovered");
    assert_eq!(snap.units.len(), edges_in_world());
}

#[tokio::test]
async fn a_graphql_error_is_surfaced() {
    let (pki, state, addr) = setup().await;
    let client = FkOrgClient::new(config(&pki, addr, pem_of(&pki.client))).unwrap();
    state.inject("INAKTIV", 0, Fault::GraphQlError, 1);
    let err = client
        .fetch_all(|_| {})
        .await
        .expect_err("GraphQL errors fail the sync");
    assert_eq!(err.code(), "fkorg.graphql");
    let msg = err.to_string();
    assert!(
        msg.contains("Serviceaftalen giver ikke adgang") && msg.contains("INAKTIV side 1"),
        "{msg}"
    );
}

#[tokio::test]
async fn a_malformed_page_is_surfaced() {
    let (pki, state, addr) = setup().await;
    let client = FkOrgClient::new(config(&pki, addr, pem_of(&pki.client))).unwrap();
    state.inject("AKTIV", 1, Fault::Malformed, 1);
    let err = client
        .fetch_all(|_| {})
        .await
        .expect_err("a cut-off page fails the sync");
    assert_eq!(err.code(), "fkorg.json", "{err}");
    assert!(
        err.to_string().contains("AKTIV side 2"),
        "names the page: {err}"
    );
}

#[tokio::test]
async fn a_bad_configuration_is_refused_before_any_request() {
    let (pki, _state, addr) = setup().await;
    let mut c = config(&pki, addr, pem_of(&pki.client));
    c.cvr = "1234".into();
    let err = FkOrgClient::new(c).err().expect("CVR must be 8 digits");
    assert_eq!(err.code(), "fkorg.config", "{err}");
    let broken = ClientCertificate::Pem {
        cert_pem: "ikke pem".into(),
        key_pem: SecretString::from("heller ikke"),
    };
    let err = FkOrgClient::new(config(&pki, addr, broken))
        .err()
        .expect("unreadable PEM");
    assert_eq!(err.code(), "fkorg.certificate", "{err}");
}
