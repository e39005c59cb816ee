//! A real FK Organisation stand-in for tests (feature `test-server`): an HTTPS server on
//! 127.0.0.1 that requires and verifies a client certificate (a test CA made with rcgen), serves
//! the token endpoint, and answers `organisationEnhedListe` from a folder of saved response
//! pages with real cursor paging. Faults can be injected per page.
//!
//! Used by this crate's tests and by the API's and CLI's sync tests; never part of the app.

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use crate::ORGANISATION_ENTITY_ID;

/// The token endpoint's path on the test server.
pub const TOKEN_PATH: &str = "/oauth/v1/issue";
/// The GraphQL endpoint's path on the test server.
pub const GRAPHQL_PATH: &str = "/organisation/organisationhent/1";

/// A certificate and key issued by a test CA.
pub struct Issued {
    pub cert_der: Vec<u8>,
    pub cert_pem: String,
    pub key_der: Vec<u8>,
    pub key_pem: String,
}

/// The test CA, the server's certificate, a client certificate the server trusts and one it
/// does not.
pub struct Pki {
    pub ca_pem: String,
    pub ca_der: Vec<u8>,
    pub server: Issued,
    pub client: Issued,
    /// Issued by another CA the server does not trust.
    pub stranger: Issued,
}

fn ca(name: &str) -> (rcgen::Certificate, KeyPair) {
    let key = KeyPair::generate().expect("key pair");
    let mut params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    (params.self_signed(&key).expect("self-signed CA"), key)
}

fn issue(
    ca: &(rcgen::Certificate, KeyPair),
    names: Vec<String>,
    cn: &str,
    usage: ExtendedKeyUsagePurpose,
) -> Issued {
    let key = KeyPair::generate().expect("key pair");
    let mut params = CertificateParams::new(names).expect("certificate parameters");
    params.distinguished_name.push(DnType::CommonName, cn);
    params.extended_key_usages = vec![usage];
    let cert = params.signed_by(&key, &ca.0, &ca.1).expect("issued");
    Issued {
        cert_der: cert.der().to_vec(),
        cert_pem: cert.pem(),
        key_der: key.serialize_der(),
        key_pem: key.serialize_pem(),
    }
}

/// A fresh test CA with its certificates.
pub fn pki() -> Pki {
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
            "Kommunen - SOR-komponent (FOCES)",
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

/// A PKCS#12 file (as a municipality gets its function certificate) with the key and certificate.
pub fn pkcs12(issued: &Issued, password: &str) -> Vec<u8> {
    let chain = p12_keystore::PrivateKeyChain::new(
        issued.key_der.clone(),
        [1u8, 2, 3, 4],
        vec![p12_keystore::Certificate::from_der(&issued.cert_der).expect("certificate")],
    );
    let mut store = p12_keystore::KeyStore::new();
    store.add_entry(
        "funktionscertifikat",
        p12_keystore::KeyStoreEntry::PrivateKeyChain(chain),
    );
    store.writer(password).write().expect("PKCS#12")
}

/// What the server should do wrong for one page.
#[derive(Clone, Copy, Debug)]
pub enum Fault {
    Status500,
    GraphQlError,
    Malformed,
}

/// The server's pages, the tokens it issued, what it saw, and the faults to inject.
pub struct ServerState {
    cvr: String,
    client_id: String,
    pages: HashMap<String, Vec<Vec<u8>>>,
    /// endCursor of a page -> (status, index of the next page).
    next_after: HashMap<String, (String, usize)>,
    pub tokens_issued: AtomicUsize,
    /// Every token handed out, valid or not any more.
    pub tokens_ever: Mutex<Vec<String>>,
    valid_tokens: Mutex<HashSet<String>>,
    /// Seconds the issued tokens claim to live.
    pub token_lifetime: AtomicUsize,
    /// Answer the next GraphQL request 401 and forget every token (an expired token).
    pub expire_tokens_once: AtomicBool,
    /// Answer every GraphQL request 401.
    pub always_401: AtomicBool,
    pub graphql_requests: AtomicUsize,
    pub transaction_ids: Mutex<Vec<String>>,
    pub client_certs_seen: Mutex<Vec<Vec<u8>>>,
    /// (status, 0-based page index) -> (fault, how many more times).
    faults: Mutex<HashMap<(String, usize), (Fault, usize)>>,
    /// Requests the server found wrong (a test asserts this stays empty).
    pub problems: Mutex<Vec<String>>,
}

impl ServerState {
    /// Serve the `aktiv-*.json` and `inaktiv-*.json` pages of `pages_dir` (in name order) to a
    /// client that asks for `cvr` with `client_id`.
    pub fn load(pages_dir: &Path, cvr: &str, client_id: &str) -> Self {
        let mut pages: HashMap<String, Vec<Vec<u8>>> = HashMap::new();
        let mut files: Vec<_> = std::fs::read_dir(pages_dir)
            .expect("pages folder")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        files.sort();
        for f in files {
            let name = f
                .file_name()
                .expect("file name")
                .to_string_lossy()
                .to_string();
            let status = if name.starts_with("inaktiv") {
                "INAKTIV"
            } else {
                "AKTIV"
            };
            pages
                .entry(status.into())
                .or_default()
                .push(std::fs::read(&f).expect("page"));
        }
        let mut next_after = HashMap::new();
        for (status, list) in &pages {
            for (i, bytes) in list.iter().enumerate() {
                let v: serde_json::Value = serde_json::from_slice(bytes).expect("page JSON");
                if let Some(c) =
                    v["data"]["organisationEnhedListe"]["pageInfo"]["endCursor"].as_str()
                {
                    next_after.insert(c.to_string(), (status.clone(), i + 1));
                }
            }
        }
        ServerState {
            cvr: cvr.into(),
            client_id: client_id.into(),
            pages,
            next_after,
            tokens_issued: AtomicUsize::new(0),
            tokens_ever: Mutex::new(Vec::new()),
            valid_tokens: Mutex::new(HashSet::new()),
            token_lifetime: AtomicUsize::new(28_800),
            expire_tokens_once: AtomicBool::new(false),
            always_401: AtomicBool::new(false),
            graphql_requests: AtomicUsize::new(0),
            transaction_ids: Mutex::new(Vec::new()),
            client_certs_seen: Mutex::new(Vec::new()),
            faults: Mutex::new(HashMap::new()),
            problems: Mutex::new(Vec::new()),
        }
    }

    /// Answer page `page` (0-based) of `status` with `fault` the next `times` times.
    pub fn inject(&self, status: &str, page: usize, fault: Fault, times: usize) {
        self.faults
            .lock()
            .expect("faults")
            .insert((status.into(), page), (fault, times));
    }

    fn problem(&self, p: String) {
        self.problems.lock().expect("problems").push(p);
    }
}

fn reply(status: StatusCode, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}

fn graphql_error(message: &str) -> Response<Full<Bytes>> {
    reply(
        StatusCode::OK,
        serde_json::json!({"data": null, "errors": [{"message": message}]}).to_string(),
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
        TOKEN_PATH => token(&state, &body),
        GRAPHQL_PATH => graphql(&state, &headers, &body),
        _ => reply(StatusCode::NOT_FOUND, "{}"),
    }
}

fn token(state: &ServerState, body: &[u8]) -> Response<Full<Bytes>> {
    let form: HashMap<String, String> = form_urlencoded::parse(body).into_owned().collect();
    let expected_scope = format!(
        "entityid:{ORGANISATION_ENTITY_ID},anvenderkontekst:{}",
        state.cvr
    );
    if form.get("grant_type").map(String::as_str) != Some("client_credentials")
        || form.get("client_id") != Some(&state.client_id)
        || form.get("scope") != Some(&expected_scope)
    {
        state.problem(format!("bad token request: {form:?}"));
        return reply(StatusCode::BAD_REQUEST, r#"{"error":"invalid_request"}"#);
    }
    let n = state.tokens_issued.fetch_add(1, Ordering::SeqCst) + 1;
    // Distinctive, so a test can look for it where it must not be (the database file).
    let token = format!("hok-{n}-{}", uuid::Uuid::new_v4().simple());
    state
        .valid_tokens
        .lock()
        .expect("tokens")
        .insert(token.clone());
    state
        .tokens_ever
        .lock()
        .expect("tokens")
        .push(token.clone());
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
        state.valid_tokens.lock().expect("tokens").clear();
        return reply(StatusCode::UNAUTHORIZED, "{}");
    }
    if !bearer.is_some_and(|b| state.valid_tokens.lock().expect("tokens").contains(&b)) {
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
    state
        .transaction_ids
        .lock()
        .expect("ids")
        .push(tid.to_string());
    let request: serde_json::Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return graphql_error(&format!("bad request body: {e}")),
    };
    let vars = &request["variables"];
    if vars["cvr"] != state.cvr.as_str()
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
        let mut faults = state.faults.lock().expect("faults");
        match faults.get_mut(&(status.clone(), index)) {
            Some((fault, times)) if *times > 0 => {
                *times -= 1;
                Some(*fault)
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

/// Start the mutual-TLS server on 127.0.0.1; it runs until the caller's tokio runtime ends.
pub async fn serve(pki: &Pki, state: Arc<ServerState>) -> SocketAddr {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from(pki.ca_der.clone()))
        .expect("test CA");
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .expect("client verifier");
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![CertificateDer::from(pki.server.cert_der.clone())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.server.key_der.clone())),
        )
        .expect("server certificate");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind 127.0.0.1");
    let addr = listener.local_addr().expect("local address");
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
                        .expect("certs")
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

/// The token and GraphQL URLs of a server started by [`serve`].
pub fn urls(addr: SocketAddr) -> (String, String) {
    (
        format!("https://127.0.0.1:{}{TOKEN_PATH}", addr.port()),
        format!("https://127.0.0.1:{}{GRAPHQL_PATH}", addr.port()),
    )
}
