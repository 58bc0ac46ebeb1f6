//! A minimal HTTP/1.1 server on 127.0.0.1 for the client-overhead bench: every request, whatever
//! its path, gets the same `200` JSON answer on a kept-alive connection. It does as little as a
//! server can (no routing, no matching, no logging), so the time per request is the clients'.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// The answer to every request: what Perplexity's `POST /generate_auth_token` returns.
pub const TOKEN_BODY: &str =
    r#"{"auth_token":"pplx-1234567890abcdef","created_at_epoch_seconds":1735689600,"token_name":"bench"}"#;

/// Binds a listener on a free local port.
///
/// # Panics
///
/// When no local port can be bound.
pub fn bind() -> (std::net::TcpListener, SocketAddr) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a local port");
    listener.set_nonblocking(true).expect("a non-blocking listener");
    let address = listener.local_addr().expect("the listener's address");
    (listener, address)
}

/// Serves every connection the listener accepts, on the runtime this runs on, forever.
///
/// # Panics
///
/// When called outside a tokio runtime with I/O enabled.
pub async fn run(listener: std::net::TcpListener) {
    let listener = TcpListener::from_std(listener).expect("a tokio listener");
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let _ = stream.set_nodelay(true);
        tokio::spawn(serve(stream));
    }
}

/// Starts the server on a thread of its own (with its own single-threaded runtime) and returns
/// its address. It runs until the process ends.
///
/// # Panics
///
/// When no local port can be bound.
pub fn start() -> SocketAddr {
    let (listener, address) = bind();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_io().build().expect("the server's runtime");
        runtime.block_on(run(listener));
    });
    address
}

/// Answers requests on one connection until the client closes it.
async fn serve(mut stream: TcpStream) {
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{TOKEN_BODY}",
        TOKEN_BODY.len()
    );
    let mut buffer = Vec::with_capacity(4096);
    let mut chunk = [0_u8; 4096];
    loop {
        // The head, then as many body bytes as it announces. The head is read with httparse,
        // as hyper reads it, so a few more header bytes cost about what they would on a real
        // server.
        let (head_end, length) = loop {
            let mut headers = [httparse::EMPTY_HEADER; 32];
            let mut request = httparse::Request::new(&mut headers);
            match request.parse(&buffer) {
                Ok(httparse::Status::Complete(end)) => break (end, content_length(request.headers)),
                Ok(httparse::Status::Partial) => {}
                Err(_) => return,
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        while buffer.len() < head_end + length {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
        buffer.drain(..head_end + length);
        if stream.write_all(response.as_bytes()).await.is_err() {
            return;
        }
    }
}

/// The `Content-Length` of a request, 0 without one (the clients send no chunked bodies).
fn content_length(headers: &[httparse::Header<'_>]) -> usize {
    headers
        .iter()
        .find(|header| header.name.eq_ignore_ascii_case("content-length"))
        .and_then(|header| std::str::from_utf8(header.value).ok()?.trim().parse().ok())
        .unwrap_or(0)
}
