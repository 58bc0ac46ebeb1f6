//! Helpers shared by the test binaries that run a server of their own on 127.0.0.1.

use tokio::io::AsyncReadExt;

/// Reads a request head and as many body bytes as it announces; returns the head.
pub(crate) async fn read_request(stream: &mut (impl AsyncReadExt + Unpin)) -> Option<String> {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 {
            return None;
        }
        received.extend_from_slice(&buffer[..read]);
        let text = String::from_utf8_lossy(&received);
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|line| line.to_ascii_lowercase().strip_prefix("content-length:")?.trim().parse().ok())
                .unwrap_or(0usize);
            if received.len() >= end + 4 + length {
                return Some(text[..end].to_owned());
            }
        }
    }
}
