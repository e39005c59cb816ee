//! A stand-in for SOR's download server, for tests (feature `test-server`, never in the app):
//! HTTPS on 127.0.0.1 with a certificate from a test CA made here by rcgen, answering each
//! request as the test decides, and noting what it answered.

use std::sync::{Arc, Mutex};

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::rustls;

/// What the server does with one request.
pub enum Reply {
    /// A complete answer.
    Full {
        status: &'static str,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// Announces `body.len()` bytes, sends only `sent`, then drops the connection.
    Drop { body: Vec<u8>, sent: usize },
}

/// One request and what the server did with it.
#[derive(Debug, Clone)]
pub struct Served {
    /// The request head, lower-cased.
    pub head: String,
    pub status: String,
    /// Body bytes sent.
    pub sent: usize,
}

/// A certificate authority of the test's own; clients trust it through `pem`.
pub struct TestCa {
    pub pem: String,
    issuer: Issuer<'static, KeyPair>,
}

impl TestCa {
    pub fn new(name: &str) -> TestCa {
        let key = KeyPair::generate().expect("key");
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let cert = params.self_signed(&key).expect("self-signed CA");
        TestCa {
            pem: cert.pem(),
            issuer: Issuer::new(params, key),
        }
    }
}

type Handler = Box<dyn Fn(&str) -> Reply + Send + Sync>;

pub struct TestServer {
    /// `https://127.0.0.1:PORT` followed by the path given to [`TestServer::start`].
    pub url: String,
    served: Arc<Mutex<Vec<Served>>>,
    handler: Arc<Mutex<Handler>>,
}

impl TestServer {
    /// Listens on a free port of 127.0.0.1 with a certificate for 127.0.0.1 signed by `ca`.
    /// It answers 404 until [`reply_with`](TestServer::reply_with) says otherwise, and takes at
    /// most eight connections (a test makes a handful).
    pub async fn start(ca: &TestCa, path: &str) -> TestServer {
        let leaf_key = KeyPair::generate().expect("key");
        let leaf = CertificateParams::new(vec!["127.0.0.1".to_string()])
            .expect("params")
            .signed_by(&leaf_key, &ca.issuer)
            .expect("server certificate");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(
                vec![leaf.der().clone()],
                rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
            )
            .expect("server config");
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        let not_found: Handler = Box::new(|_| Reply::Full {
            status: "404 Not Found",
            headers: vec![],
            body: vec![],
        });
        let server = TestServer {
            url: format!("https://127.0.0.1:{port}{path}"),
            served: Arc::new(Mutex::new(Vec::new())),
            handler: Arc::new(Mutex::new(not_found)),
        };
        let (served, handler) = (server.served.clone(), server.handler.clone());
        tokio::spawn(async move {
            for _ in 0..8 {
                let Ok((tcp, _)) = listener.accept().await else {
                    return;
                };
                let (acceptor, served, handler) =
                    (acceptor.clone(), served.clone(), handler.clone());
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        if tls.read(&mut byte).await.unwrap_or(0) == 0 {
                            return;
                        }
                        head.push(byte[0]);
                    }
                    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
                    let reply = (handler.lock().expect("handler"))(&head);
                    match reply {
                        Reply::Full {
                            status,
                            headers,
                            body,
                        } => {
                            let mut out = format!(
                                "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n",
                                body.len()
                            );
                            for (k, v) in headers {
                                out.push_str(&format!("{k}: {v}\r\n"));
                            }
                            out.push_str("\r\n");
                            served.lock().expect("log").push(Served {
                                head,
                                status: status.to_string(),
                                sent: body.len(),
                            });
                            let _ = tls.write_all(out.as_bytes()).await;
                            let _ = tls.write_all(&body).await;
                            let _ = tls.shutdown().await;
                        }
                        Reply::Drop { body, sent } => {
                            served.lock().expect("log").push(Served {
                                head,
                                status: "200 OK".into(),
                                sent,
                            });
                            let out = format!(
                                "HTTP/1.1 200 OK\r\ncontent-length: {}\r\n\r\n",
                                body.len()
                            );
                            let _ = tls.write_all(out.as_bytes()).await;
                            let _ = tls.write_all(&body[..sent]).await;
                            let _ = tls.flush().await;
                            // Dropping the stream cuts the TCP connection mid-body.
                        }
                    }
                });
            }
        });
        server
    }

    pub fn reply_with(&self, handler: impl Fn(&str) -> Reply + Send + Sync + 'static) {
        *self.handler.lock().expect("handler") = Box::new(handler);
    }

    /// The requests so far, in order.
    pub fn served(&self) -> Vec<Served> {
        self.served.lock().expect("log").clone()
    }
}
