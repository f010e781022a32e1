//! A loopback HTTP/1.1 server that records what it receives and answers as a test script
//! says, including in ways real servers misbehave.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    /// Header lines, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// Which connection (0-based, in accept order) carried it.
    pub connection: usize,
    /// The body, as text.
    pub body: String,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The whole request head, for asserting that a secret appears nowhere in it.
    pub fn text(&self) -> String {
        let mut text = format!("{} {}\n", self.method, self.target);
        for (name, value) in &self.headers {
            text.push_str(&format!("{name}: {value}\n"));
        }
        text
    }
}

/// What to do with a request.
#[derive(Clone)]
pub enum Reply {
    /// Write this whole response (status line, headers, blank line, body).
    Raw(String),
    /// Write this, then close the connection (a response cut short).
    RawThenClose(String),
    /// Close the connection without answering.
    Close,
    /// Write each piece after waiting its delay, then close the connection: a response
    /// that arrives over time, such as an event stream.
    Timed(Vec<(Duration, String)>),
}

/// A streamed response: status line and headers, then the body in pieces, each after its
/// delay, with the connection closed at the end. `chunked` frames the pieces with chunked
/// transfer encoding (ended properly unless `cut`); otherwise the body ends where the
/// connection closes.
pub fn streamed(
    status: u16,
    extra_headers: &[(&str, &str)],
    pieces: &[(u64, &str)],
    chunked: bool,
    cut: bool,
) -> Reply {
    let mut head = format!("HTTP/1.1 {status} X\r\n");
    for (name, value) in extra_headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(if chunked { "transfer-encoding: chunked\r\n\r\n" } else { "connection: close\r\n\r\n" });
    let mut out = vec![(Duration::ZERO, head)];
    for (delay, piece) in pieces {
        let piece = if chunked { format!("{:x}\r\n{piece}\r\n", piece.len()) } else { (*piece).to_owned() };
        out.push((Duration::from_millis(*delay), piece));
    }
    if chunked && !cut {
        out.push((Duration::ZERO, "0\r\n\r\n".to_owned()));
    }
    Reply::Timed(out)
}

/// A response with a body and `Content-Length`, plus extra header lines.
pub fn response(status: u16, extra_headers: &[(&str, &str)], body: &str) -> Reply {
    let mut head = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\n", body.len());
    for (name, value) in extra_headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    Reply::Raw(format!("{head}\r\n{body}"))
}

pub fn json(status: u16, body: &str) -> Reply {
    response(status, &[("content-type", "application/json")], body)
}

type Handler = dyn Fn(usize, &Seen) -> Reply + Send + Sync;

/// A server on `host` (e.g. `127.0.0.1` or `127.0.0.2`), answering with `handler`, which
/// gets the request's index (0-based, over all connections) and the request.
pub struct Server {
    pub addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    pub async fn start(host: &str, handler: impl Fn(usize, &Seen) -> Reply + Send + Sync + 'static) -> Server {
        Self::listen(host, None, handler).await
    }

    /// An HTTPS server for `localhost` with a fresh self-signed certificate, returned
    /// for the client to trust.
    pub async fn start_tls(handler: impl Fn(usize, &Seen) -> Reply + Send + Sync + 'static) -> (Server, Vec<u8>) {
        use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
        let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
        let cert = certified.cert.der().clone();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.signing_key.serialize_der()));
        let config = tokio_rustls::rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![cert.clone()], key)
            .unwrap();
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        (Self::listen("127.0.0.1", Some(acceptor), handler).await, cert.to_vec())
    }

    async fn listen(
        host: &str,
        tls: Option<tokio_rustls::TlsAcceptor>,
        handler: impl Fn(usize, &Seen) -> Reply + Send + Sync + 'static,
    ) -> Server {
        let listener = TcpListener::bind((host, 0)).await.expect("bind a loopback port");
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let log = seen.clone();
        tokio::spawn(async move {
            let mut connection = 0;
            while let Ok((stream, _)) = listener.accept().await {
                let (log, handler) = (log.clone(), handler.clone());
                match &tls {
                    Some(acceptor) => {
                        let acceptor = acceptor.clone();
                        tokio::spawn(async move {
                            if let Ok(stream) = acceptor.accept(stream).await {
                                serve(stream, connection, log, handler).await;
                            }
                        });
                    }
                    None => {
                        tokio::spawn(serve(stream, connection, log, handler));
                    }
                }
                connection += 1;
            }
        });
        Server { addr, seen }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn serve(
    mut stream: impl AsyncRead + AsyncWrite + Unpin,
    connection: usize,
    log: Arc<Mutex<Vec<Seen>>>,
    handler: Arc<Handler>,
) {
    let mut buffer = Vec::new();
    loop {
        let head_end = loop {
            if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let mut request_line = lines.next().unwrap_or("").split(' ');
        let method = request_line.next().unwrap_or("").to_owned();
        let target = request_line.next().unwrap_or("").to_owned();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let length: usize =
            headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
        while buffer.len() < head_end + length {
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        let body = String::from_utf8_lossy(&buffer[head_end..head_end + length]).into_owned();
        buffer.drain(..head_end + length);
        let seen = Seen { method, target, headers, connection, body };
        let index = {
            let mut log = log.lock().unwrap();
            log.push(seen.clone());
            log.len() - 1
        };
        match handler(index, &seen) {
            Reply::Raw(text) => {
                if stream.write_all(text.as_bytes()).await.is_err() {
                    return;
                }
            }
            Reply::RawThenClose(text) => {
                let _ = stream.write_all(text.as_bytes()).await;
                return;
            }
            Reply::Close => return,
            Reply::Timed(pieces) => {
                for (delay, piece) in pieces {
                    tokio::time::sleep(delay).await;
                    if stream.write_all(piece.as_bytes()).await.is_err() || stream.flush().await.is_err() {
                        return;
                    }
                }
                return;
            }
        }
    }
}
