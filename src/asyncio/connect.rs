//! The socket `loop.create_connection` connects (CPython 3.13's `base_events.py`): each
//! address the host resolves to is tried, one after another or staggered (Happy Eyeballs),
//! from a local address when asked; or the caller's own socket is taken. When no attempt
//! succeeds, CPython's choice of what to raise.

use tokio::net::TcpStream;

use super::base_events::{
    bind_error, connect_error, new_socket, os_error, resolve, take_stream_socket, Hints, Target,
};
use super::staggered::{interleave, staggered_race, Attempt};
use crate::error::{Error, Result};
use crate::socket;

/// A connected socket and its protocol, or every error an attempt met.
type AttemptResult = std::result::Result<(TcpStream, i32), Vec<Error>>;

/// How `create_connection` tries the addresses.
pub(crate) struct Attempts<'a> {
    pub(crate) hints: Hints,
    pub(crate) local_addr: Option<(&'a str, u16)>,
    pub(crate) happy_eyeballs_delay: Option<f64>,
    pub(crate) interleave: Option<usize>,
    pub(crate) all_errors: bool,
}

/// The `host`/`port` branch of `create_connection`: resolve, then connect to the first
/// address that answers.
pub(crate) async fn connect(
    host: Option<&str>,
    port: Option<&str>,
    how: Attempts<'_>,
) -> Result<(TcpStream, i32)> {
    // With Happy Eyeballs, the families alternate unless told otherwise.
    let interleave_count = match (how.happy_eyeballs_delay, how.interleave) {
        (Some(_), None) => 1,
        (_, count) => count.unwrap_or(0),
    };
    let mut targets = resolve(host, port, how.hints).await?;
    if targets.is_empty() {
        return Err(os_error("getaddrinfo() returned empty list"));
    }
    let local = match how.local_addr {
        Some((local_host, local_port)) => {
            let port = local_port.to_string();
            let local = resolve(Some(local_host), Some(&port), how.hints).await?;
            if local.is_empty() {
                return Err(os_error("getaddrinfo() returned empty list"));
            }
            Some(local)
        }
        None => None,
    };
    if interleave_count > 0 {
        targets = interleave(targets, family, interleave_count);
    }
    let attempts: Vec<Attempt<'_, (TcpStream, i32), Vec<Error>>> = targets
        .iter()
        .map(|&target| Box::pin(connect_sock(target, local.as_deref())) as Attempt<'_, _, _>)
        .collect();
    match staggered_race(attempts, how.happy_eyeballs_delay).await {
        Ok(stream) => Ok(stream),
        Err(per_attempt) => Err(no_connection(
            per_attempt.into_iter().flatten().collect(),
            how.all_errors,
        )),
    }
}

/// The `sock` branch: the caller's socket, with its `proto`.
pub(crate) fn take_socket(sock: socket::socket) -> Result<(TcpStream, i32)> {
    let (stream, proto) = take_stream_socket(sock)?;
    Ok((TcpStream::from_std(stream)?, proto))
}

fn family(target: &Target) -> i32 {
    if target.addr.is_ipv4() {
        libc::AF_INET
    } else {
        libc::AF_INET6
    }
}

/// `_connect_sock`: one socket, bound to the first local address of its family that binds,
/// connected (with its protocol); or every error it met (each failed bind, then the connect's).
async fn connect_sock(target: Target, local: Option<&[Target]>) -> AttemptResult {
    let sock = new_socket(&target).map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    if let Some(local) = local {
        let same_family = local.iter().filter(|l| family(l) == family(&target));
        let mut bound = false;
        for laddr in same_family {
            match sock.bind(laddr.addr) {
                Ok(()) => {
                    bound = true;
                    break;
                }
                Err(e) => errors.push(bind_error(e, laddr.addr)),
            }
        }
        if !bound {
            if errors.is_empty() {
                errors.push(os_error(format!(
                    "no matching local address with family={} found",
                    socket::family_repr(family(&target))
                )));
            }
            return Err(errors);
        }
    }
    match sock.connect(target.addr).await {
        Ok(stream) => Ok((stream, target.proto)),
        Err(e) => {
            errors.push(connect_error(e, target.addr));
            Err(errors)
        }
    }
}

/// What `create_connection` raises when every attempt failed: all their errors in an
/// `ExceptionGroup` (`all_errors=True`); else the one error, or the first when they all read
/// the same, or an `OSError` listing them.
fn no_connection(mut exceptions: Vec<Error>, all_errors: bool) -> Error {
    if all_errors {
        return Error::ExceptionGroup {
            message: "create_connection failed".into(),
            exceptions,
        };
    }
    let Some(model) = exceptions.first().map(Error::to_string) else {
        return os_error("getaddrinfo() returned empty list");
    };
    if exceptions.iter().all(|e| e.to_string() == model) {
        return exceptions.swap_remove(0);
    }
    let texts: Vec<String> = exceptions.iter().map(Error::to_string).collect();
    os_error(format!("Multiple exceptions: {}", texts.join(", ")))
}
