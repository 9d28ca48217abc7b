//! Issue 6's benchmark workloads for pyssl and for raw rust-openssl (`openssl::ssl::SslStream`
//! over `std::net::TcpStream`, with the contexts configured as CPython's `SSLContext`
//! constructor configures them). `benches/perf_cpython.py` does the same work with CPython's
//! `ssl`; `benches/run.py` (through `scripts/bench.sh`) alternates the three and summarises.
//!
//! Not a libtest harness (`harness = false`) and not part of `cargo test`:
//!
//! ```text
//! perf <pyssl|raw> client <mode> [key=value ...]   # spawns its own server, prints one JSON line
//! perf <pyssl|raw> server <mode> [key=value ...]   # prints "PORT <n>", serves, prints "RESULT {...}"
//! ```
//!
//! Modes: `hs` (connect + handshake + 1-byte echo + close; `tls=1.3|1.2 cert=rsa|ecdsa n=
//! resume=0|1`), `bulk` (`cipher=aes128|aes256|chacha wsize= mib=`, one way client → server,
//! the server `recv_into` a reused 64 KiB buffer), `rtt` (`n=` 64-byte round trips), `idle`
//! (`n=` established idle connections held by the server; it reports resident bytes per
//! connection), `ctx` (`n=`: `set_ciphers` + `get_ciphers()`, and `getpeercert()`).
//!
//! The callgrind twin: `server` with `collect=1` runs the measured part of `hs` and `bulk`
//! inside a function named `callgrind_measured`, so `valgrind --tool=callgrind
//! --toggle-collect='*callgrind_measured*'` counts exactly the server's per-connection work.

mod shared;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Instant;

use openssl::ssl::{ShutdownState, Ssl, SslContext, SslSession, SslStream};
use openssl::x509::X509Ref;
use pyssl::{socket, ssl};
use shared::{
    pyssl_context, raw_context, rss_bytes, spawn_server, Args, Clock, Res, DEFAULT_CIPHERS, HOST,
};

const RECV_BUF: usize = 64 * 1024;

/// What the workloads need of a TLS stream: Python's `recv_into` and `sendall`.
trait Stream {
    fn recv_into(&mut self, buf: &mut [u8]) -> Res<usize>;
    fn sendall(&mut self, data: &[u8]) -> Res<()>;
    fn reused(&self) -> bool;
    fn cipher_name(&self) -> String;
    /// `getpeercert()`'s work: the decoded peer certificate, returned as its element count.
    fn peercert(&self) -> Res<usize>;
    /// Closes without close_notify, keeping the session resumable (what CPython's `close()`
    /// does since gh-116810; OpenSSL forgets sessions of connections freed mid-stream).
    fn close(self);
}

/// One implementation under test: contexts plus connect/accept.
trait System {
    type S: Stream;
    type L;
    fn new(args: &Args, server: bool) -> Res<Self>
    where
        Self: Sized;
    fn listen(&self) -> Res<(Self::L, u16)>;
    fn accept(&self, l: &Self::L) -> Res<Self::S>;
    /// Connects and handshakes; with `resume`, offers the session of the previous connection.
    fn connect(&mut self, port: u16, resume: bool) -> Res<Self::S>;
    /// Remembers the session of `s` for the next `connect(.., true)`.
    fn keep_session(&mut self, s: &Self::S);
    fn ctx_ops(&self) -> Res<Option<usize>>;
}

// ---- pyssl ------------------------------------------------------------------------------------

struct Pyssl {
    nodelay: bool,
    ctx: ssl::SSLContext,
    session: Option<ssl::SSLSession>,
}

impl Stream for ssl::SSLSocket {
    fn recv_into(&mut self, buf: &mut [u8]) -> Res<usize> {
        Ok(ssl::SSLSocket::recv_into(self, buf)?)
    }
    fn sendall(&mut self, data: &[u8]) -> Res<()> {
        Ok(ssl::SSLSocket::sendall(self, data)?)
    }
    fn reused(&self) -> bool {
        self.session_reused() == Some(true)
    }
    fn cipher_name(&self) -> String {
        self.cipher().map(|c| c.0).unwrap_or_default()
    }
    fn peercert(&self) -> Res<usize> {
        match self.getpeercert(false)? {
            Some(ssl::PeerCert::Dict(d)) => Ok(std::mem::size_of_val(&d)),
            _ => Err("no peer certificate".into()),
        }
    }
    fn close(self) {
        let _ = ssl::SSLSocket::close(&self);
    }
}

/// `TCP_NODELAY` on both ends (default on, `nodelay=0` to leave Nagle on): a TLS 1.2
/// abbreviated handshake otherwise stalls 40 ms on Nagle + delayed ACK in every system alike.
fn nodelay(args: &Args) -> bool {
    args.num("nodelay", 1) == 1
}

impl System for Pyssl {
    type S = ssl::SSLSocket;
    type L = socket::socket;

    fn new(args: &Args, server: bool) -> Res<Self> {
        Ok(Pyssl {
            nodelay: nodelay(args),
            ctx: pyssl_context(args, server)?,
            session: None,
        })
    }

    fn listen(&self) -> Res<(socket::socket, u16)> {
        let l = socket::socket(socket::AF_INET, socket::SOCK_STREAM)?;
        l.setsockopt(socket::SOL_SOCKET, socket::SO_REUSEADDR, 1)?;
        l.bind((HOST, 0))?;
        l.listen(1024)?;
        let port = l.getsockname()?.port();
        Ok((l, port))
    }

    fn accept(&self, l: &socket::socket) -> Res<ssl::SSLSocket> {
        let (conn, _) = l.accept()?;
        if self.nodelay {
            conn.setsockopt(socket::IPPROTO_TCP, socket::TCP_NODELAY, 1)?;
        }
        let kw = ssl::WrapSocket {
            server_side: true,
            ..Default::default()
        };
        Ok(self.ctx.wrap_socket(conn, kw)?)
    }

    fn connect(&mut self, port: u16, resume: bool) -> Res<ssl::SSLSocket> {
        let sock = socket::socket(socket::AF_INET, socket::SOCK_STREAM)?;
        if self.nodelay {
            sock.setsockopt(socket::IPPROTO_TCP, socket::TCP_NODELAY, 1)?;
        }
        let kw = ssl::WrapSocket {
            server_hostname: Some("localhost"),
            session: if resume { self.session.as_ref() } else { None },
            ..Default::default()
        };
        let mut s = self.ctx.wrap_socket(sock, kw)?;
        s.connect((HOST, port))?;
        Ok(s)
    }

    fn keep_session(&mut self, s: &ssl::SSLSocket) {
        self.session = s.session();
    }

    fn ctx_ops(&self) -> Res<Option<usize>> {
        self.ctx.set_ciphers(DEFAULT_CIPHERS)?;
        Ok(Some(self.ctx.get_ciphers().len()))
    }
}

// ---- raw rust-openssl -------------------------------------------------------------------------

struct Raw {
    nodelay: bool,
    ctx: SslContext,
    session: Option<SslSession>,
}

impl Stream for SslStream<TcpStream> {
    fn recv_into(&mut self, buf: &mut [u8]) -> Res<usize> {
        Ok(self.read(buf)?)
    }
    fn sendall(&mut self, data: &[u8]) -> Res<()> {
        Ok(self.write_all(data)?)
    }
    fn reused(&self) -> bool {
        self.ssl().session_reused()
    }
    fn cipher_name(&self) -> String {
        self.ssl()
            .current_cipher()
            .map(|c| c.name().to_string())
            .unwrap_or_default()
    }
    fn peercert(&self) -> Res<usize> {
        let cert = self.ssl().peer_certificate().ok_or("no peer certificate")?;
        Ok(decode_raw(&cert))
    }
    fn close(mut self) {
        self.set_shutdown(ShutdownState::SENT);
    }
}

/// The raw counterpart of `getpeercert()`: the same fields decoded to owned strings.
fn decode_raw(cert: &X509Ref) -> usize {
    let mut out: Vec<(String, String)> = Vec::new();
    for name in [cert.subject_name(), cert.issuer_name()] {
        for e in name.entries() {
            let key = e.object().nid().long_name().unwrap_or("").to_string();
            let val = e.data().to_string().unwrap_or_default();
            out.push((key, val));
        }
    }
    out.push(("version".into(), (cert.version() + 1).to_string()));
    let serial = cert
        .serial_number()
        .to_bn()
        .and_then(|b| b.to_hex_str().map(|s| s.to_string()))
        .unwrap_or_default();
    out.push(("serialNumber".into(), serial));
    out.push(("notBefore".into(), cert.not_before().to_string()));
    out.push(("notAfter".into(), cert.not_after().to_string()));
    if let Some(sans) = cert.subject_alt_names() {
        for san in sans.iter() {
            if let Some(d) = san.dnsname() {
                out.push(("DNS".into(), d.to_string()));
            } else if let Some(ip) = san.ipaddress() {
                out.push(("IP Address".into(), format!("{ip:?}")));
            }
        }
    }
    out.len()
}

impl System for Raw {
    type S = SslStream<TcpStream>;
    type L = TcpListener;

    fn new(args: &Args, server: bool) -> Res<Self> {
        Ok(Raw {
            nodelay: nodelay(args),
            ctx: raw_context(args, server)?,
            session: None,
        })
    }

    fn listen(&self) -> Res<(TcpListener, u16)> {
        let l = TcpListener::bind((HOST, 0))?;
        let port = l.local_addr()?.port();
        Ok((l, port))
    }

    fn accept(&self, l: &TcpListener) -> Res<SslStream<TcpStream>> {
        let (conn, _) = l.accept()?;
        conn.set_nodelay(self.nodelay)?;
        let ssl = Ssl::new(&self.ctx)?;
        Ok(ssl.accept(conn).map_err(|e| e.to_string())?)
    }

    fn connect(&mut self, port: u16, resume: bool) -> Res<SslStream<TcpStream>> {
        let conn = TcpStream::connect((HOST, port))?;
        conn.set_nodelay(self.nodelay)?;
        let mut ssl = Ssl::new(&self.ctx)?;
        ssl.set_hostname("localhost")?;
        ssl.param_mut().set_host("localhost")?;
        if resume {
            if let Some(sess) = &self.session {
                // SAFETY: the session came from a connection made with this same context.
                unsafe { ssl.set_session(sess)? };
            }
        }
        Ok(ssl.connect(conn).map_err(|e| e.to_string())?)
    }

    fn keep_session(&mut self, s: &SslStream<TcpStream>) {
        self.session = s.ssl().session().map(|s| s.to_owned());
    }

    fn ctx_ops(&self) -> Res<Option<usize>> {
        // rust-openssl has no `get_ciphers()`; there is no raw twin of this figure.
        Ok(None)
    }
}

// ---- the workloads ----------------------------------------------------------------------------

fn recv_exact<S: Stream>(s: &mut S, buf: &mut [u8]) -> Res<()> {
    let mut got = 0;
    while got < buf.len() {
        let n = s.recv_into(&mut buf[got..])?;
        if n == 0 {
            return Err("unexpected EOF".into());
        }
        got += n;
    }
    Ok(())
}

/// One server-side connection of `hs`/`idle`: handshake (in accept), 1-byte echo.
fn serve_echo1<Y: System>(sys: &Y, l: &Y::L) -> Res<Y::S> {
    let mut s = sys.accept(l)?;
    let mut b = [0u8; 1];
    recv_exact(&mut s, &mut b)?;
    s.sendall(&b)?;
    Ok(s)
}

/// Receives until `total` bytes arrived, into one reused buffer; then acknowledges.
fn serve_bulk<S: Stream>(s: &mut S, total: u64, buf: &mut [u8]) -> Res<()> {
    let mut got = 0u64;
    while got < total {
        let n = s.recv_into(buf)?;
        if n == 0 {
            return Err("unexpected EOF".into());
        }
        got += n as u64;
    }
    s.sendall(b"k")?;
    Ok(())
}

fn serve_rtt<S: Stream>(s: &mut S) -> Res<()> {
    let mut b = [0u8; 64];
    loop {
        let mut got = 0;
        while got < 64 {
            let n = s.recv_into(&mut b[got..])?;
            if n == 0 {
                return Ok(());
            }
            got += n;
        }
        s.sendall(&b)?;
    }
}

/// The part of the server that callgrind counts (`--toggle-collect='*callgrind_measured*'`):
/// whatever `work` does, and only that.
#[inline(never)]
fn callgrind_measured<R>(work: impl FnOnce() -> R) -> R {
    work()
}

fn server<Y: System>(mode: &str, args: &Args) -> Res<()> {
    let sys = Y::new(args, true)?;
    let (l, port) = sys.listen()?;
    println!("PORT {port}");
    std::io::stdout().flush()?;
    let n = args.num("n", 100);
    let warm = args.num("warm", 3);
    let mut buf = vec![0u8; RECV_BUF];
    match mode {
        "hs" if args.num("collect", 0) == 1 => {
            for _ in 0..warm {
                serve_echo1(&sys, &l)?.close();
            }
            callgrind_measured(|| -> Res<()> {
                for _ in 0..n {
                    serve_echo1(&sys, &l)?.close();
                }
                Ok(())
            })?;
        }
        "hs" => {
            for _ in 0..warm + n {
                serve_echo1(&sys, &l)?.close();
            }
        }
        "bulk" => {
            let total = args.num("mib", 256) << 20;
            // One warm-up connection with a small transfer (the cipher's first use).
            let mut s = sys.accept(&l)?;
            serve_bulk(&mut s, 1 << 20, &mut buf)?;
            drop(s);
            let mut s = sys.accept(&l)?;
            if args.num("collect", 0) == 1 {
                // The received bytes only: accept and handshake stay outside.
                callgrind_measured(|| serve_bulk(&mut s, total, &mut buf))?;
            } else {
                serve_bulk(&mut s, total, &mut buf)?;
            }
        }
        "rtt" | "ctx" => {
            let mut s = serve_echo1(&sys, &l)?;
            serve_rtt(&mut s)?;
        }
        "idle" => {
            for _ in 0..warm {
                serve_echo1(&sys, &l)?.close();
            }
            let before = rss_bytes();
            let mut held = Vec::with_capacity(n as usize);
            for _ in 0..n {
                held.push(serve_echo1(&sys, &l)?);
            }
            let after = rss_bytes();
            println!(
                "RESULT {{\"rss_before\": {before}, \"rss_after\": {after}, \"bytes_per_conn\": {:.1}}}",
                (after.saturating_sub(before)) as f64 / n as f64
            );
            std::io::stdout().flush()?;
            // Hold them until the client goes away.
            let mut line = String::new();
            let _ = std::io::stdin().read_line(&mut line);
            drop(held);
        }
        _ => return Err(format!("unknown mode {mode}").into()),
    }
    Ok(())
}

fn client<Y: System>(imp: &str, mode: &str, args: &Args) -> Res<()> {
    let mut peer = spawn_server(imp, mode, args)?;
    let port = peer.port;
    let server_pid = peer.child.as_ref().map(|c| c.id());
    let mut sys = Y::new(args, false)?;
    let n = args.num("n", 100);
    let warm = args.num("warm", 3);
    let echo = |s: &mut Y::S| -> Res<()> {
        s.sendall(b"x")?;
        let mut b = [0u8; 1];
        recv_exact(s, &mut b)
    };
    let out = match mode {
        "hs" => {
            let resume = args.num("resume", 0) == 1;
            for _ in 0..warm {
                let mut s = sys.connect(port, resume)?;
                echo(&mut s)?;
                sys.keep_session(&s);
                s.close();
            }
            let mut reused = 0;
            let t = Clock::start(server_pid);
            for _ in 0..n {
                let mut s = sys.connect(port, resume)?;
                echo(&mut s)?;
                if resume {
                    sys.keep_session(&s);
                }
                reused += s.reused() as u64;
                s.close();
            }
            let (secs, cpu) = t.stop();
            format!(
                "{{\"value\": {:.2}, \"unit\": \"handshakes/s\", \"cpu_us\": {:.2}, \"reused\": {reused}, \"n\": {n}}}",
                n as f64 / secs,
                cpu / n as f64
            )
        }
        "bulk" => {
            let wsize = args.num("wsize", 65536) as usize;
            let total = args.num("mib", 256) << 20;
            let data = vec![0x5au8; wsize];
            let mut one = |total: u64| -> Res<((f64, f64), String)> {
                let mut s = sys.connect(port, false)?;
                let t = Clock::start(server_pid);
                let mut sent = 0u64;
                while sent < total {
                    let k = (total - sent).min(wsize as u64) as usize;
                    s.sendall(&data[..k])?;
                    sent += k as u64;
                }
                let mut ack = [0u8; 1];
                recv_exact(&mut s, &mut ack)?;
                Ok((t.stop(), s.cipher_name()))
            };
            one(1 << 20)?;
            let ((secs, cpu), cipher) = one(total)?;
            format!(
                "{{\"value\": {:.1}, \"unit\": \"MB/s\", \"cpu_us\": {:.1}, \"cipher\": \"{cipher}\"}}",
                total as f64 / secs / 1e6,
                cpu / (total >> 20) as f64
            )
        }
        "rtt" => {
            let mut s = sys.connect(port, false)?;
            echo(&mut s)?;
            let msg = [0x61u8; 64];
            let mut b = [0u8; 64];
            for _ in 0..warm * 100 {
                s.sendall(&msg)?;
                recv_exact(&mut s, &mut b)?;
            }
            let t = Clock::start(server_pid);
            for _ in 0..n {
                s.sendall(&msg)?;
                recv_exact(&mut s, &mut b)?;
            }
            let (secs, cpu) = t.stop();
            format!(
                "{{\"value\": {:.1}, \"unit\": \"round trips/s\", \"cpu_us\": {:.3}}}",
                n as f64 / secs,
                cpu / n as f64
            )
        }
        "idle" => {
            for _ in 0..warm {
                let mut s = sys.connect(port, false)?;
                echo(&mut s)?;
            }
            let mut held = Vec::with_capacity(n as usize);
            for _ in 0..n {
                let mut s = sys.connect(port, false)?;
                echo(&mut s)?;
                held.push(s);
            }
            let r = peer.result()?;
            drop(held);
            r
        }
        "ctx" => {
            let mut s = sys.connect(port, false)?;
            echo(&mut s)?;
            let t = Instant::now();
            let mut have = true;
            for _ in 0..n {
                if sys.ctx_ops()?.is_none() {
                    have = false;
                    break;
                }
            }
            let ciphers = if have {
                format!("{:.1}", n as f64 / t.elapsed().as_secs_f64())
            } else {
                "null".to_string()
            };
            let m = n * 10;
            let t = Instant::now();
            for _ in 0..m {
                s.peercert()?;
            }
            let certs = m as f64 / t.elapsed().as_secs_f64();
            format!(
                "{{\"set_get_ciphers\": {ciphers}, \"getpeercert\": {certs:.1}, \"unit\": \"calls/s\"}}"
            )
        }
        _ => return Err(format!("unknown mode {mode}").into()),
    };
    peer.finish()?;
    println!("{out}");
    Ok(())
}

/// Plain TCP over loopback, 64 KiB writes, receiver in a thread: the transport's own ceiling.
fn tcp_bulk(args: &Args) -> Res<()> {
    let total = args.num("mib", 256) << 20;
    let l = TcpListener::bind((HOST, 0))?;
    let port = l.local_addr()?.port();
    let rx = std::thread::spawn(move || -> std::io::Result<()> {
        let (mut c, _) = l.accept()?;
        let mut buf = vec![0u8; RECV_BUF];
        let mut got = 0u64;
        while got < total {
            let n = c.read(&mut buf)?;
            if n == 0 {
                break;
            }
            got += n as u64;
        }
        c.write_all(b"k")
    });
    let mut c = TcpStream::connect((HOST, port))?;
    let data = vec![0x5au8; args.num("wsize", 65536) as usize];
    let t = Instant::now();
    let mut sent = 0u64;
    while sent < total {
        c.write_all(&data)?;
        sent += data.len() as u64;
    }
    let mut ack = [0u8; 1];
    c.read_exact(&mut ack)?;
    let secs = t.elapsed().as_secs_f64();
    rx.join().map_err(|_| "receiver panicked")??;
    println!(
        "{{\"value\": {:.1}, \"unit\": \"MB/s\"}}",
        total as f64 / secs / 1e6
    );
    Ok(())
}

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    // `cargo bench` passes `--bench`; without a mode there is nothing to do.
    let pos: Vec<&String> = argv.iter().filter(|a| !a.starts_with("--")).collect();
    if pos.len() < 3 {
        eprintln!(
            "usage: perf <pyssl|raw|tcp> <client|server> <hs|bulk|rtt|idle|ctx> [key=value ...]"
        );
        eprintln!("(the whole suite: scripts/bench.sh)");
        return;
    }
    let (imp, role, mode) = (pos[0].as_str(), pos[1].as_str(), pos[2].as_str());
    let rest: Vec<String> = pos[3..].iter().map(|s| s.to_string()).collect();
    let args = Args::parse(&rest);
    let r = match (imp, role) {
        ("pyssl", "server") => server::<Pyssl>(mode, &args),
        ("raw", "server") => server::<Raw>(mode, &args),
        ("pyssl", "client") => client::<Pyssl>(imp, mode, &args),
        ("raw", "client") => client::<Raw>(imp, mode, &args),
        ("tcp", _) => tcp_bulk(&args),
        _ => Err(format!("unknown implementation/role {imp} {role}").into()),
    };
    if let Err(e) = r {
        eprintln!("perf {imp} {role} {mode}: {e}");
        std::process::exit(1);
    }
}
