//! Reading an HTTP request head for `pyssl serve`, within a size and a time bound.
//!
//! The server reads until the blank line that ends the head (however many TLS records it
//! arrives in) before it answers: answering after the first read would leave the rest of the
//! request unread, and a peer that puts something wrong after its first record (a record of
//! content type zero, say) would get a reply instead of the alert it deserves.

use std::time::Instant;

use pyssl::ssl;

/// Largest request head read, blank line included (what Apache and nginx accept by default,
/// give or take); a longer one is answered with [`TOO_LARGE`].
pub const MAX_HEAD: usize = 8192;

/// The answer to a head longer than [`MAX_HEAD`] (RFC 6585, section 5).
pub const TOO_LARGE: &[u8] = b"HTTP/1.1 431 Request Header Fields Too Large\r\n\
Content-Length: 0\r\nConnection: close\r\n\r\n";

/// The answer to a head begun but not finished in time (RFC 9110, section 15.5.9).
pub const TIMED_OUT: &[u8] =
    b"HTTP/1.1 408 Request Timeout\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

/// What the client sent before the server answers.
#[derive(Debug, PartialEq, Eq)]
pub enum Head {
    /// A whole head, up to its blank line.
    Complete,
    /// [`MAX_HEAD`] bytes without a blank line.
    TooLarge,
    /// Part of a head, then nothing more until the deadline.
    TimedOut,
    /// Nothing before the deadline, or the client closed its side first: there is no one to
    /// answer (as Apache and nginx, which send no 408 to an idle connection).
    Abandoned,
}

impl Head {
    /// The answer to send, if any.
    pub fn response(&self, ok: &'static [u8]) -> Option<&'static [u8]> {
        match self {
            Head::Complete => Some(ok),
            Head::TooLarge => Some(TOO_LARGE),
            Head::TimedOut => Some(TIMED_OUT),
            Head::Abandoned => None,
        }
    }
}

/// A request head as it arrives, and what it amounts to so far.
#[derive(Debug, Default)]
pub struct HeadReader {
    head: Vec<u8>,
}

impl HeadReader {
    /// The answer if what arrived decides it: a whole head, or [`MAX_HEAD`] bytes without
    /// one. `None`: read up to [`HeadReader::room`] more bytes.
    pub fn verdict(&self) -> Option<Head> {
        match head_end(&self.head) {
            Some(end) if end <= MAX_HEAD => Some(Head::Complete),
            Some(_) => Some(Head::TooLarge),
            None if self.head.len() >= MAX_HEAD => Some(Head::TooLarge),
            None => None,
        }
    }

    /// How many more bytes may be read.
    pub fn room(&self) -> usize {
        MAX_HEAD.saturating_sub(self.head.len())
    }

    /// Bytes the client sent (an empty slice is its EOF, see [`HeadReader::closed`]).
    pub fn push(&mut self, data: &[u8]) {
        self.head.extend_from_slice(data);
    }

    /// The deadline passed first.
    pub fn out_of_time(&self) -> Head {
        if self.head.is_empty() {
            Head::Abandoned
        } else {
            Head::TimedOut
        }
    }

    /// The client closed its side first.
    pub fn closed(&self) -> Head {
        Head::Abandoned
    }
}

/// Reads from `conn` until the head's blank line, [`MAX_HEAD`] bytes, the client's EOF or
/// `deadline` (one deadline for the whole head: a client trickling a byte at a time gets no
/// more time than one that stalls). TLS and socket errors other than the timeout are returned.
pub fn read_head(conn: &mut ssl::SSLSocket, deadline: Instant) -> ssl::Result<Head> {
    let mut head = HeadReader::default();
    loop {
        if let Some(verdict) = head.verdict() {
            return Ok(verdict);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(head.out_of_time());
        }
        conn.settimeout(Some(left.as_secs_f64()))?;
        match conn.recv(head.room()) {
            Ok(data) if data.is_empty() => return Ok(head.closed()),
            Ok(data) => head.push(&data),
            Err(e) if e.is_timeout() => return Ok(head.out_of_time()),
            Err(e) => return Err(e),
        }
    }
}

/// Where the head ends: just past its first empty line. Lines end in CRLF or, as RFC 9112
/// section 2.2 lets a server accept, a bare LF.
fn head_end(data: &[u8]) -> Option<usize> {
    data.windows(2)
        .position(|w| w == b"\n\n")
        .map(|i| i + 2)
        .into_iter()
        .chain(data.windows(3).position(|w| w == b"\n\r\n").map(|i| i + 3))
        .min()
}

#[cfg(test)]
mod tests {
    use super::head_end;

    #[test]
    fn the_head_ends_at_the_first_empty_line() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nbody"), Some(27));
        assert_eq!(head_end(b"GET / HTTP/1.0\n\n"), Some(16));
        assert_eq!(head_end(b"GET / HTTP/1.0\r\n\n\r\n\r\n"), Some(17));
        assert_eq!(head_end(b"GET / HTTP/1.1\r\nHost: x\r\n"), None);
        assert_eq!(head_end(b"GET /"), None);
        assert_eq!(head_end(b""), None);
    }
}
