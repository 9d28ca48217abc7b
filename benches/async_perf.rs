//! Issue 14's benchmark workloads for `pyssl::asyncio` and for raw tokio-openssl
//! (`tokio_openssl::SslStream` over `tokio::net::TcpStream`, its `SslContext` built by
//! `shared::raw_context` with the same steps as CPython 3.13's `SSLContext` constructor).
//! `benches/async_perf_cpython.py` does the same work with CPython's asyncio (and uvloop);
//! `benches/run_async.py` (through `scripts/bench-async.sh`) alternates them and summarises.
//!
//! Every process runs one tokio **current-thread** runtime (as CPython's asyncio runs one
//! thread), client and server alike; concurrent clients are tasks of one client process, and
//! each connection of either end is a `tokio::spawn`ed task, as in a typical tokio program
//! (the traits' futures are `Send`, so pyssl's must be too: this compiles only if they are).
//! Not a libtest harness (`harness = false`) and not part of `cargo test`:
//!
//! ```text
//! async_perf <pyssl|raw> client <mode> [key=value ...]  # spawns its own server, prints one JSON line
//! async_perf <pyssl|raw> server <mode> [key=value ...]  # prints "PORT <n>", serves until stdin closes
//! ```
//!
//! Modes (TLS 1.3, `cert=rsa` RSA-2048 `fixtures/server.pem` unless `cert=ecdsa`; TCP_NODELAY,
//! which asyncio sets on every TCP transport):
//! * `hs` (`n=`, `c=` concurrent clients): connect, handshake, 1-byte echo, then both ends
//!   close (close_notify both ways, as asyncio's `writer.close(); await writer.wait_closed()`);
//! * `rtt` (`n=`): 64-byte round trips on one connection;
//! * `bulk` (`mib=`): one way client → server in 64 KiB `write` + `drain` steps, the server
//!   `read(65536)`s and acknowledges with one byte;
//! * `idle` (`n=`, `c=`): the server's resident set before and after `n` handshaken, 1-byte
//!   echoed, idle connections (opened by `c` concurrent client tasks).
//!
//! The callgrind twin runs a whole server (`port=` given to a native client) or a whole client
//! under `valgrind --tool=callgrind` at two sizes; the difference is the cost per handshake.

mod shared;

use std::future::Future;
use std::io::Write;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use openssl::ssl::{Ssl, SslContext};
use pyssl::{asyncio, ssl, Error};
use shared::{pyssl_context, raw_context, rss_bytes, spawn_server, Args, Clock, Peer, Res, HOST};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::task::spawn_blocking;
use tokio_openssl::SslStream;

const BULK_WRITE: usize = 64 * 1024;
/// `asyncio.start_server`'s default `backlog`, used by every server here.
const BACKLOG: u32 = 100;
const SERVER_NAME: &str = "localhost";

/// What the workloads do with a connection, in asyncio's stream terms.
trait Conn: Sized + Send {
    /// `writer.write(data); await writer.drain()`.
    fn send(&mut self, data: &[u8]) -> impl Future<Output = Res<()>> + Send;
    /// `await reader.readexactly(len(buf))` into `buf`; `false` at an EOF before any byte.
    fn recv_exact(&mut self, buf: &mut [u8]) -> impl Future<Output = Res<bool>> + Send;
    /// `len(await reader.read(len(buf)))` (0 at EOF).
    fn recv_some(&mut self, buf: &mut [u8]) -> impl Future<Output = Res<usize>> + Send;
    /// `writer.close(); await writer.wait_closed()`: close_notify sent, the peer's awaited.
    fn close(self) -> impl Future<Output = Res<()>> + Send;
}

/// One implementation under test.
trait System: Sized + Send + Sync + 'static {
    type C: Conn + 'static;
    fn new(args: &Args, server: bool) -> Res<Self>;
    /// Connects to `HOST:port` and handshakes (server name `localhost`).
    fn connect(&self, port: u16) -> impl Future<Output = Res<Self::C>> + Send;
    /// Listens on `HOST`, port 0, and hands each handshaken connection to [`handle`]; returns
    /// the port and what keeps the server alive.
    async fn serve(&self, state: Arc<ServerState>) -> Res<(u16, Box<dyn std::any::Any>)>;
}

// ---- pyssl::asyncio ---------------------------------------------------------------------------

struct Pyssl {
    ctx: ssl::SSLContext,
}

struct PysslConn {
    reader: asyncio::StreamReader,
    writer: asyncio::StreamWriter,
}

impl Conn for PysslConn {
    async fn send(&mut self, data: &[u8]) -> Res<()> {
        self.writer.write(data)?;
        Ok(self.writer.drain().await?)
    }
    async fn recv_exact(&mut self, buf: &mut [u8]) -> Res<bool> {
        match self.reader.readexactly(buf.len()).await {
            Ok(data) => {
                buf.copy_from_slice(&data);
                Ok(true)
            }
            Err(Error::IncompleteReadError { partial, .. }) if partial.is_empty() => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
    async fn recv_some(&mut self, buf: &mut [u8]) -> Res<usize> {
        Ok(self.reader.read(buf.len() as isize).await?.len())
    }
    async fn close(self) -> Res<()> {
        self.writer.close();
        Ok(self.writer.wait_closed().await?)
    }
}

impl System for Pyssl {
    type C = PysslConn;

    fn new(args: &Args, server: bool) -> Res<Self> {
        Ok(Pyssl {
            ctx: pyssl_context(args, server)?,
        })
    }

    async fn connect(&self, port: u16) -> Res<PysslConn> {
        let kw = asyncio::OpenConnection {
            ssl: (&self.ctx).into(),
            server_hostname: Some(SERVER_NAME),
            ..Default::default()
        };
        let (reader, writer) = asyncio::open_connection(HOST, port, kw).await?;
        Ok(PysslConn { reader, writer })
    }

    async fn serve(&self, state: Arc<ServerState>) -> Res<(u16, Box<dyn std::any::Any>)> {
        let kw = asyncio::StartServer {
            ssl: Some(&self.ctx),
            backlog: BACKLOG,
            ..Default::default()
        };
        let on_client = move |reader, writer| handle(PysslConn { reader, writer }, state.clone());
        let server = asyncio::start_server(on_client, HOST, 0, kw).await?;
        let sockets = server.sockets();
        let port = sockets.first().ok_or("no socket")?.getsockname()?.port();
        Ok((port, Box::new(server)))
    }
}

// ---- raw tokio-openssl ------------------------------------------------------------------------

struct Raw {
    ctx: SslContext,
}

impl Conn for SslStream<TcpStream> {
    async fn send(&mut self, data: &[u8]) -> Res<()> {
        Ok(self.write_all(data).await?)
    }
    async fn recv_exact(&mut self, buf: &mut [u8]) -> Res<bool> {
        let mut got = 0;
        while got < buf.len() {
            let n = self.read(&mut buf[got..]).await?;
            if n == 0 {
                return if got == 0 {
                    Ok(false)
                } else {
                    Err("EOF inside a message".into())
                };
            }
            got += n;
        }
        Ok(true)
    }
    async fn recv_some(&mut self, buf: &mut [u8]) -> Res<usize> {
        Ok(self.read(buf).await?)
    }
    /// tokio-openssl's `shutdown()` sends close_notify (and the TCP FIN); then the peer's
    /// close_notify is read, as asyncio's SSL protocol waits for it.
    async fn close(mut self) -> Res<()> {
        self.shutdown().await?;
        let mut b = [0u8; 1];
        while self.read(&mut b).await? > 0 {}
        Ok(())
    }
}

impl System for Raw {
    type C = SslStream<TcpStream>;

    fn new(args: &Args, server: bool) -> Res<Self> {
        Ok(Raw {
            ctx: raw_context(args, server)?,
        })
    }

    async fn connect(&self, port: u16) -> Res<SslStream<TcpStream>> {
        let tcp = TcpStream::connect((HOST, port)).await?;
        tcp.set_nodelay(true)?;
        let mut ssl = Ssl::new(&self.ctx)?;
        ssl.set_hostname(SERVER_NAME)?;
        ssl.param_mut().set_host(SERVER_NAME)?;
        let mut s = SslStream::new(ssl, tcp)?;
        Pin::new(&mut s).connect().await?;
        Ok(s)
    }

    async fn serve(&self, state: Arc<ServerState>) -> Res<(u16, Box<dyn std::any::Any>)> {
        let sock = TcpSocket::new_v4()?;
        sock.set_reuseaddr(true)?;
        sock.bind((HOST.parse::<std::net::IpAddr>()?, 0).into())?;
        let listener = sock.listen(BACKLOG)?;
        let port = listener.local_addr()?.port();
        let ctx = self.ctx.clone();
        let accept_loop = tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let (ctx, state) = (ctx.clone(), state.clone());
                tokio::spawn(async move {
                    match raw_accept(&ctx, tcp).await {
                        Ok(s) => handle(s, state).await,
                        Err(e) => state.fail(&e),
                    }
                });
            }
        });
        Ok((port, Box::new(AbortOnDrop(accept_loop))))
    }
}

async fn raw_accept(ctx: &SslContext, tcp: TcpStream) -> Res<SslStream<TcpStream>> {
    tcp.set_nodelay(true)?;
    let mut s = SslStream::new(Ssl::new(ctx)?, tcp)?;
    Pin::new(&mut s).accept().await?;
    Ok(s)
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

// ---- the server's side of the workloads -------------------------------------------------------

/// What the server's connections share: the workload, and counters for `bulk` and `idle`.
struct ServerState {
    mode: String,
    n: u64,
    warm: u64,
    mib: u64,
    accepted: AtomicU64,
    warm_closed: AtomicU64,
    held: AtomicU64,
    rss_before: AtomicU64,
    failed: AtomicBool,
}

impl ServerState {
    fn fail(&self, e: &dyn std::fmt::Display) {
        eprintln!("async_perf server ({}): {e}", self.mode);
        self.failed.store(true, Ordering::SeqCst);
    }
}

async fn handle<C: Conn>(c: C, state: Arc<ServerState>) {
    if let Err(e) = serve_one(c, &state).await {
        state.fail(&e);
    }
}

/// Server side of the 1-byte echo: `await reader.readexactly(1)`, write it back.
async fn echo_back<C: Conn>(c: &mut C) -> Res<()> {
    let mut b = [0u8; 1];
    if !c.recv_exact(&mut b).await? {
        return Err("EOF before the echo byte".into());
    }
    c.send(&b).await
}

async fn serve_one<C: Conn>(mut c: C, st: &ServerState) -> Res<()> {
    match st.mode.as_str() {
        "hs" => {
            echo_back(&mut c).await?;
            c.close().await
        }
        "rtt" => {
            echo_back(&mut c).await?;
            let mut b = [0u8; 64];
            while c.recv_exact(&mut b).await? {
                c.send(&b).await?;
            }
            c.close().await
        }
        "bulk" => {
            // The first connection is the warm-up's 1 MiB.
            let first = st.accepted.fetch_add(1, Ordering::SeqCst) == 0;
            let total = if first { 1 << 20 } else { st.mib << 20 };
            let mut buf = vec![0u8; BULK_WRITE];
            let mut got = 0u64;
            while got < total {
                match c.recv_some(&mut buf).await? {
                    0 => return Err("EOF inside the transfer".into()),
                    n => got += n as u64,
                }
            }
            c.send(b"k").await?;
            while c.recv_some(&mut buf).await? > 0 {}
            c.close().await
        }
        "idle" => {
            echo_back(&mut c).await?;
            if st.accepted.fetch_add(1, Ordering::SeqCst) < st.warm {
                c.close().await?;
                if st.warm_closed.fetch_add(1, Ordering::SeqCst) + 1 == st.warm {
                    st.rss_before.store(rss_bytes(), Ordering::SeqCst);
                }
                return Ok(());
            }
            if st.held.fetch_add(1, Ordering::SeqCst) + 1 == st.n {
                let (before, after) = (st.rss_before.load(Ordering::SeqCst), rss_bytes());
                println!(
                    "RESULT {{\"rss_before\": {before}, \"rss_after\": {after}, \"bytes_per_conn\": {:.1}}}",
                    after.saturating_sub(before) as f64 / st.n as f64
                );
                std::io::stdout().flush()?;
            }
            // Idle until the client goes; how it goes is not measured.
            let mut b = [0u8; 1];
            let _ = c.recv_some(&mut b).await;
            let _ = c.close().await;
            Ok(())
        }
        m => Err(format!("unknown mode {m}").into()),
    }
}

fn runtime() -> Res<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// Waits (off the runtime's thread) for a line or EOF on stdin: the client's "stop".
async fn stdin_closed() -> Res<()> {
    spawn_blocking(|| {
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
    })
    .await?;
    Ok(())
}

fn server<Y: System>(mode: &str, args: &Args) -> Res<()> {
    let state = Arc::new(ServerState {
        mode: mode.to_string(),
        n: args.num("n", 100),
        warm: args.num("warm", 3),
        mib: args.num("mib", 256),
        accepted: AtomicU64::new(0),
        warm_closed: AtomicU64::new(0),
        held: AtomicU64::new(0),
        rss_before: AtomicU64::new(0),
        failed: AtomicBool::new(false),
    });
    let rt = runtime()?;
    rt.block_on(async {
        let sys = Y::new(args, true)?;
        let (port, keep) = sys.serve(state.clone()).await?;
        println!("PORT {port}");
        std::io::stdout().flush()?;
        stdin_closed().await?;
        drop(keep);
        Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
    })?;
    if state.failed.load(Ordering::SeqCst) {
        return Err("a connection failed".into());
    }
    Ok(())
}

// ---- the client's side ------------------------------------------------------------------------

/// Client side of the 1-byte echo.
async fn ping<C: Conn>(c: &mut C) -> Res<()> {
    c.send(b"x").await?;
    let mut b = [0u8; 1];
    if !c.recv_exact(&mut b).await? {
        return Err("EOF before the echo".into());
    }
    Ok(())
}

/// One full connection of `hs`: connect + handshake, 1-byte echo, close both ways.
async fn one_handshake<Y: System>(sys: &Y, port: u16) -> Res<()> {
    let mut c = sys.connect(port).await?;
    ping(&mut c).await?;
    c.close().await
}

/// Runs `work(i)` for `i` in `0..n` on `c` concurrent tasks (`n` split evenly).
async fn concurrently<F, Fut>(n: u64, c: u64, work: F) -> Res<()>
where
    F: Fn(u64) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Res<()>> + Send + 'static,
{
    let c = c.clamp(1, n.max(1));
    let tasks: Vec<_> = (0..c)
        .map(|w| {
            let work = work.clone();
            let share = n / c + u64::from(w < n % c);
            tokio::spawn(async move {
                for i in 0..share {
                    work(i).await?;
                }
                Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
            })
        })
        .collect();
    for t in tasks {
        t.await??;
    }
    Ok(())
}

async fn client_work<Y: System>(mode: &str, args: &Args, mut peer: Peer) -> Res<(String, Peer)> {
    let sys = Arc::new(Y::new(args, false)?);
    let port = peer.port;
    let server_pid = peer.child.as_ref().map(|c| c.id());
    let n = args.num("n", 100);
    let warm = args.num("warm", 3);
    let out = match mode {
        "hs" => {
            let c = args.num("c", 1);
            for _ in 0..warm {
                one_handshake(&*sys, port).await?;
            }
            let t = Clock::start(server_pid);
            let s = sys.clone();
            concurrently(n, c, move |_| {
                let s = s.clone();
                async move { one_handshake(&*s, port).await }
            })
            .await?;
            let (secs, cpu) = t.stop();
            format!(
                "{{\"value\": {:.2}, \"unit\": \"handshakes/s\", \"cpu_us\": {:.2}, \"n\": {n}, \"c\": {c}}}",
                n as f64 / secs,
                cpu / n as f64
            )
        }
        "rtt" => {
            let mut s = sys.connect(port).await?;
            ping(&mut s).await?;
            let msg = [0x61u8; 64];
            let mut b = [0u8; 64];
            for _ in 0..warm * 100 {
                s.send(&msg).await?;
                s.recv_exact(&mut b).await?;
            }
            let t = Clock::start(server_pid);
            for _ in 0..n {
                s.send(&msg).await?;
                if !s.recv_exact(&mut b).await? {
                    return Err("EOF in a round trip".into());
                }
            }
            let (secs, cpu) = t.stop();
            s.close().await?;
            format!(
                "{{\"value\": {:.1}, \"unit\": \"round trips/s\", \"cpu_us\": {:.3}}}",
                n as f64 / secs,
                cpu / n as f64
            )
        }
        "bulk" => {
            let total = args.num("mib", 256) << 20;
            bulk_one(&*sys, port, 1 << 20, server_pid).await?;
            let (secs, cpu) = bulk_one(&*sys, port, total, server_pid).await?;
            format!(
                "{{\"value\": {:.1}, \"unit\": \"MB/s\", \"cpu_us\": {:.1}}}",
                total as f64 / secs / 1e6,
                cpu / (total >> 20) as f64
            )
        }
        "idle" => {
            for _ in 0..warm {
                one_handshake(&*sys, port).await?;
            }
            // The server takes its "before" when the last warm-up connection is closed.
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            let held = Arc::new(Mutex::new(Vec::with_capacity(n as usize)));
            let (s, h) = (sys.clone(), held.clone());
            concurrently(n, args.num("c", 64), move |_| {
                let (s, h) = (s.clone(), h.clone());
                async move {
                    let mut c = s.connect(port).await?;
                    ping(&mut c).await?;
                    h.lock().unwrap().push(c);
                    Ok(())
                }
            })
            .await?;
            let (result, back) = spawn_blocking(move || {
                let r = peer.result().map_err(|e| e.to_string());
                (r, peer)
            })
            .await?;
            peer = back;
            drop(held);
            result?
        }
        m => return Err(format!("unknown mode {m}").into()),
    };
    Ok((out, peer))
}

/// One bulk transfer of `total` bytes on a new connection: (seconds, CPU µs of both ends),
/// timed from the first write to the server's acknowledgement.
async fn bulk_one<Y: System>(
    sys: &Y,
    port: u16,
    total: u64,
    server_pid: Option<u32>,
) -> Res<(f64, f64)> {
    let data = vec![0x5au8; BULK_WRITE];
    let mut s = sys.connect(port).await?;
    let t = Clock::start(server_pid);
    let mut sent = 0u64;
    while sent < total {
        let k = (total - sent).min(BULK_WRITE as u64) as usize;
        s.send(&data[..k]).await?;
        sent += k as u64;
    }
    let mut ack = [0u8; 1];
    if !s.recv_exact(&mut ack).await? {
        return Err("no acknowledgement".into());
    }
    let r = t.stop();
    s.close().await?;
    Ok(r)
}

fn client<Y: System>(imp: &str, mode: &str, args: &Args) -> Res<()> {
    let peer = spawn_server(imp, mode, args)?;
    let rt = runtime()?;
    let (out, peer) = rt.block_on(client_work::<Y>(mode, args, peer))?;
    drop(rt);
    peer.finish()?;
    println!("{out}");
    Ok(())
}

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    // `cargo bench` passes `--bench`; without a mode there is nothing to do.
    let pos: Vec<&String> = argv.iter().filter(|a| !a.starts_with("--")).collect();
    if pos.len() < 3 {
        eprintln!(
            "usage: async_perf <pyssl|raw> <client|server> <hs|rtt|bulk|idle> [key=value ...]"
        );
        eprintln!("(the whole suite: scripts/bench-async.sh)");
        return;
    }
    let (imp, role, mode) = (pos[0].as_str(), pos[1].as_str(), pos[2].as_str());
    let rest: Vec<String> = pos[3..].iter().map(|s| s.to_string()).collect();
    let mut args = Args::parse(&rest);
    // The RSA-2048 fixture unless told otherwise (passed on to the server child).
    args.0.entry("cert".into()).or_insert_with(|| "rsa".into());
    let r = match (imp, role) {
        ("pyssl", "server") => server::<Pyssl>(mode, &args),
        ("raw", "server") => server::<Raw>(mode, &args),
        ("pyssl", "client") => client::<Pyssl>(imp, mode, &args),
        ("raw", "client") => client::<Raw>(imp, mode, &args),
        _ => Err(format!("unknown implementation/role {imp} {role}").into()),
    };
    if let Err(e) = r {
        eprintln!("async_perf {imp} {role} {mode}: {e}");
        std::process::exit(1);
    }
}
