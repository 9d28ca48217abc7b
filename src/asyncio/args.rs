//! The `host` arguments of `open_connection` and `start_server`: Python passes a `str` or
//! `None` (and `start_server` also a sequence of `str`); the port is
//! [`socket::PortArg`](crate::socket::PortArg) (a number, a service name, or `None`).

/// The `host` of [`open_connection`](super::open_connection): a `str` (`&str`, `String`, or a
/// reference to one) or `None`. `None` (with no port) is how Python asks for `sock=` instead.
///
/// ```text
/// Python:  await asyncio.open_connection('localhost', 8443)
/// Rust:    asyncio::open_connection("localhost", 8443, Default::default()).await?;
/// Python:  await asyncio.open_connection(sock=sock)
/// Rust:    asyncio::open_connection(None, None, asyncio::OpenConnection { sock: Some(sock), ..Default::default() }).await?;
/// ```
pub trait HostArg {
    /// The host, `None` for Python's `None`.
    fn host(&self) -> Option<&str>;
}

impl HostArg for str {
    fn host(&self) -> Option<&str> {
        Some(self)
    }
}

impl HostArg for String {
    fn host(&self) -> Option<&str> {
        Some(self)
    }
}

impl<T: HostArg + ?Sized> HostArg for &T {
    fn host(&self) -> Option<&str> {
        (**self).host()
    }
}

impl HostArg for Option<&str> {
    fn host(&self) -> Option<&str> {
        *self
    }
}

/// What a [`ServerHostArg`] holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerHosts<'a> {
    /// `host=None`.
    None,
    /// One host (`''` listens on every interface, as `None` does).
    One(&'a str),
    /// A sequence of hosts: a socket for each address they resolve to, each address once.
    Many(Vec<&'a str>),
}

/// The `host` of [`start_server`](super::start_server): a `str`, `None`, or a sequence of
/// `str` (an array, slice or `Vec` of `&str` or `String`), as CPython's `create_server`
/// takes it.
///
/// ```text
/// Python:  server = await asyncio.start_server(handle, ['127.0.0.1', '::1'], 8443)
/// Rust:    let server = asyncio::start_server(handle, ["127.0.0.1", "::1"], 8443, Default::default()).await?;
/// Python:  server = await asyncio.start_server(handle, None, 8443)
/// Rust:    let server = asyncio::start_server(handle, None, 8443, Default::default()).await?;
/// ```
pub trait ServerHostArg {
    /// The host or hosts.
    fn server_hosts(&self) -> ServerHosts<'_>;
}

impl ServerHostArg for str {
    fn server_hosts(&self) -> ServerHosts<'_> {
        ServerHosts::One(self)
    }
}

impl ServerHostArg for String {
    fn server_hosts(&self) -> ServerHosts<'_> {
        ServerHosts::One(self)
    }
}

impl<T: ServerHostArg + ?Sized> ServerHostArg for &T {
    fn server_hosts(&self) -> ServerHosts<'_> {
        (**self).server_hosts()
    }
}

impl ServerHostArg for Option<&str> {
    fn server_hosts(&self) -> ServerHosts<'_> {
        self.map_or(ServerHosts::None, ServerHosts::One)
    }
}

impl<S: AsRef<str>> ServerHostArg for [S] {
    fn server_hosts(&self) -> ServerHosts<'_> {
        ServerHosts::Many(self.iter().map(AsRef::as_ref).collect())
    }
}

impl<S: AsRef<str>, const N: usize> ServerHostArg for [S; N] {
    fn server_hosts(&self) -> ServerHosts<'_> {
        ServerHosts::Many(self.iter().map(AsRef::as_ref).collect())
    }
}

impl<S: AsRef<str>> ServerHostArg for Vec<S> {
    fn server_hosts(&self) -> ServerHosts<'_> {
        ServerHosts::Many(self.iter().map(AsRef::as_ref).collect())
    }
}
