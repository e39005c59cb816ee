//! The live client against a real HTTPS server on 127.0.0.1 that requires and verifies a client
//! certificate (test CA made here with rcgen), serves the token endpoint, and answers
//! `organisationEnhedListe` from the dev-odense pages with real cursor paging.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use sorkomp_fkorg::{
    ClientCertificate, Environment, FetchProgress, FkOrgClient, FkOrgConfig, FkOrgError,
    RetryPolicy, SecretString, ORGANISATION_ENTITY_ID,
};
use sorkomp_model::OrgStatus;

use crate::{edges_in_world, world_dir};

const CVR: &str = "35209115";
const CLIENT_ID: &str = "sorkomp-test";
const P12_PASSWORD: &str = "hemmelig-kode";

/// A certificate authority, and a certificate + key it issued.
struct Issued {
    cert_der: Vec<u8>,
    cert_pem: String,
    key_der: Vec<u8>,
    key_pem: String,
}

struct Pki {
    ca_pem: String,
    ca_der: Vec<u8>,
    server: Issued,
    client: Issued,
    /// Issued by another CA the server does not trust.
    stranger: Issued,
}

fn ca(name: &str) -> (rcgen::Certificate, KeyPair) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    (params.self_signed(&key).unwrap(), key)
}

fn issue(
    ca: &(rcgen::Certificate, KeyPair),
    names: Vec<String>,
    cn: &str,
    usage: ExtendedKeyUsagePurpose,
) -> Issued {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(names).unwrap();
    params.distinguished_name.push(DnType::CommonName, cn);
    params.extended_key_usages = vec![usage];
    let cert = params.signed_by(&key, &ca.0, &ca.1).unwrap();
    Issued {
        cert_der: cert.der().to_vec(),
        cert_pem: cert.pem(),
        key_der: key.serialize_der(),
        key_pem: key.serialize_pem(),
    }
}

fn pki() -> Pki {
    let root = ca("SOR-komponent test-CA");
    let other = ca("Fremmed CA");
    Pki {
        ca_pem: root.0.pem(),
        ca_der: root.0.der().to_vec(),
        server: issue(
            &root,
            vec!["127.0.0.1".into(), "localhost".into()],
            "FK test-server",
            ExtendedKeyUsagePurpose::ServerAuth,
        ),
        client: issue(
            &root,
            vec![],
            "Odense Kommune - SOR-komponent (FOCES)",
            ExtendedKeyUsagePurpose::ClientAuth,
        ),
        stranger: issue(
            &other,
            vec![],
            "Ukendt kommune",
            ExtendedKeyUsagePurpose::ClientAuth,
        ),
    }
}

/// What the server should do wrong, for one page, a number of times.
#[derive(Clone, Copy, Debug)]
enum Fault {
    Status500,
    GraphQlError,
    Malformed,
}

#[derive(Default)]
struct Injected {
    /// (status, 0-based page index) -> (fault, how many more times).
    faults: HashMap<(String, usize), (Option<Fault>, usize)>,
}

struct ServerState {
    pages: HashMap<String, Vec<Vec<u8>>>,
    /// endCursor of a page -> (status, index of the next page).
    next_after: HashMap<String, (String, usize)>,
    tokens_issued: AtomicUsize,
    valid_tokens: Mutex<HashSet<String>>,
    /// Seconds the issued tokens claim to live.
    token_lifetime: AtomicUsize,
    /// Answer the next GraphQL request 401 and forget every token (an expired token).
    expire_tokens_once: AtomicBool,
    /// Answer every GraphQL request 401.
    always_401: AtomicBool,
    graphql_requests: AtomicUsize,
    transaction_ids: Mutex<Vec<String>>,
    client_certs_seen: Mutex<Vec<Vec<u8>>>,
    injected: Mutex<Injected>,
    problems: Mutex<Vec<String>>,
}

impl ServerState {
    fn load() -> Self {
        let mut pages: HashMap<String, Vec<Vec<u8>>> = HashMap::new();
        let mut files: Vec<_> = std::fs::read_dir(world_dir())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        for f in files {
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            let status = if name.starts_with("inaktiv") {
                "INAKTIV"
            } else {
                "AKTIV"
            };
            pages
                .entry(status.into())
                .or_default()
                .push(std::fs::read(&f).unwrap());
        }
        let mut next_after = HashMap::new();
        for (status, list) in &pages {
            for (i, bytes) in list.iter().enumerate() {
                let v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
                if let Some(c) =
                    v["data"]["organisationEnhedListe"]["pageInfo"]["endCursor"].as_str()
                {
                    next_after.insert(c.to_string(), (status.clone(), i + 1));
                }
            }
        }
        ServerState {
            pages,
            next_after,
            tokens_issued: AtomicUsize::new(0),
            valid_tokens: Mutex::new(HashSet::new()),
            token_lifetime: AtomicUsize::new(28_800),
            expire_tokens_once: AtomicBool::new(false),
            always_401: AtomicBool::new(false),
            graphql_requests: AtomicUsize::new(0),
            transaction_ids: Mutex::new(Vec::new()),
            client_certs_seen: Mutex::new(Vec::new()),
            injected: Mutex::new(Injected::default()),
            problems: Mutex::new(Vec::new()),
        }
    }

    fn inject(&self, status: &str, page: usize, fault: Fault, times: usize) {
        self.injected
            .lock()
            .unwrap()
            .faults
            .insert((status.into(), page), (Some(fault), times));
    }

    fn problem(&self, p: String) {
        self.problems.lock().unwrap().push(p);
    }
}

fn reply(status: StatusCode, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(body.into()))
        .unwrap()
}

fn graphql_error(message: &str) -> Response<Full<Bytes>> {
    reply(
        StatusCode::OK,
        serde_json::to_vec(&serde_json::json!({"data": null, "errors": [{"message": message}]}))
            .unwrap(),
    )
}

async fn handle(state: Arc<ServerState>, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let path = req.uri().path().to_string();
    let headers = req.headers().clone();
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    match path.as_str() {
        "/oauth/v1/issue" => token(&state, &body),
        "/organisation/organisationhent/1" => graphql(&state, &headers, &body),
        _ => reply(StatusCode::NOT_FOUND, "{}"),
    }
}

fn token(state: &ServerState, body: &[u8]) -> Response<Full<Bytes>> {
    let form: HashMap<String, String> = form_urlencoded::parse(body).into_owned().collect();
    let expected_scope = format!("entityid:{ORGANISATION_ENTITY_ID},anvenderkontekst:{CVR}");
    if form.get("grant_type").map(String::as_str) != Some("client_credentials")
        || form.get("client_id").map(String::as_str) != Some(CLIENT_ID)
        || form.get("scope") != Some(&expected_scope)
    {
        state.problem(format!("bad token request: {form:?}"));
        return reply(StatusCode::BAD_REQUEST, r#"{"error":"invalid_request"}"#);
    }
    let n = state.tokens_issued.fetch_add(1, Ordering::SeqCst) + 1;
    let token = format!("token-{n}");
    state.valid_tokens.lock().unwrap().insert(token.clone());
    let lifetime = state.token_lifetime.load(Ordering::SeqCst);
    reply(
        StatusCode::OK,
        format!(
            r#"{{"access_token":"{token}","token_type":"Holder-of-key","expires_in":{lifetime}}}"#
        ),
    )
}

fn graphql(state: &ServerState, headers: &hyper::HeaderMap, body: &[u8]) -> Response<Full<Bytes>> {
    state.graphql_requests.fetch_add(1, Ordering::SeqCst);
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_string);
    if state.always_401.load(Ordering::SeqCst)
        || state.expire_tokens_once.swap(false, Ordering::SeqCst)
    {
        state.valid_tokens.lock().unwrap().clear();
        return reply(StatusCode::UNAUTHORIZED, "{}");
    }
    if !bearer.is_some_and(|b| state.valid_tokens.lock().unwrap().contains(&b)) {
        return reply(StatusCode::UNAUTHORIZED, "{}");
    }
    let tid = headers
        .get("x-transaktionsid")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let ttime = headers
        .get("x-transaktionstid")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if uuid::Uuid::parse_str(tid).is_err() || chrono::DateTime::parse_from_rfc3339(ttime).is_err() {
        state.problem(format!("bad transaction headers: '{tid}' '{ttime}'"));
        return reply(StatusCode::BAD_REQUEST, "{}");
    }
    state.transaction_ids.lock().unwrap().push(tid.to_string());
    let request: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return graphql_error(&format!("bad request body: {e}")),
    };
    let vars = &request["variables"];
    if vars["cvr"] != CVR
        || !request["query"].as_str().unwrap_or("").contains(
            "organisationEnhedListe(cvr: $cvr, status: $status, first: $first, after: $after)",
        )
    {
        return graphql_error("unexpected query or CVR");
    }
    let status = vars["status"].as_str().unwrap_or("").to_string();
    let index = match vars["after"].as_str() {
        None => 0,
        Some(after) => match state.next_after.get(after) {
            Some((s, i)) if *s == status => *i,
            _ => return graphql_error(&format!("Ukendt cursor '{after}'")),
        },
    };
    let Some(page) = state.pages.get(&status).and_then(|p| p.get(index)) else {
        return graphql_error(&format!("ingen side {index} for {status}"));
    };
    let fault = {
        let mut injected = state.injected.lock().unwrap();
        match injected.faults.get_mut(&(status.clone(), index)) {
            Some((fault, times)) if *times > 0 => {
                *times -= 1;
                *fault
            }
            _ => None,
        }
    };
    match fault {
        Some(Fault::Status500) => reply(StatusCode::INTERNAL_SERVER_ERROR, "Intern fejl"),
        Some(Fault::GraphQlError) => {
            graphql_error("Serviceaftalen giver ikke adgang til organisationEnhedListe")
        }
        Some(Fault::Malformed) => reply(StatusCode::OK, page[..page.len() / 2].to_vec()),
        None => reply(StatusCode::OK, page.clone()),
    }
}

/// Start the mutual-TLS server; it runs until the test's runtime ends.
async fn serve(pki: &Pki, state: Arc<ServerState>) -> SocketAddr {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots.add(CertificateDer::from(pki.ca_der.clone())).unwrap();
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![CertificateDer::from(pki.server.cert_der.clone())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.server.key_der.clone())),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            let state = state.clone();
            tokio::spawn(async move {
                // A client without an acceptable certificate fails here and is dropped.
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                if let Some(certs) = tls.get_ref().1.peer_certificates() {
                    state
                        .client_certs_seen
                        .lock()
                        .unwrap()
                        .push(certs[0].to_vec());
                }
                let service = hyper::service::service_fn(move |req| {
                    let state = state.clone();
                    async move { Ok::<_, std::convert::Infallible>(handle(state, req).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    addr
}

fn pkcs12(issued: &Issued, password: &str) -> Vec<u8> {
    let chain = p12_keystore::PrivateKeyChain::new(
        issued.key_der.clone(),
        [1u8, 2, 3, 4],
        vec![p12_keystore::Certificate::from_der(&issued.cert_der).unwrap()],
    );
    let mut store = p12_keystore::KeyStore::new();
    store.add_entry(
        "funktionscertifikat",
        p12_keystore::KeyStoreEntry::PrivateKeyChain(chain),
    );
    store.writer(password).write().unwrap()
}

fn config(pki: &Pki, addr: SocketAddr, certificate: ClientCertificate) -> FkOrgConfig {
    let mut c = FkOrgConfig::new(
        Environment::Custom {
            token_url: format!("https://127.0.0.1:{}/oauth/v1/issue", addr.port()),
            graphql_url: format!(
                "https://127.0.0.1:{}/organisation/organisationhent/1",
                addr.port()
            ),
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
    let pki = pki();
    let state = Arc::new(ServerState::load());
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
