//! What the blocking benchmark (`benches/perf.rs`) and the asyncio one (`benches/async_perf.rs`)
//! share: `key=value` arguments, the fixtures, the contexts (pyssl's as a Python script makes
//! them, and raw rust-openssl's built with the same steps as CPython 3.13's `SSLContext`
//! constructor), the server child process, and the clocks (wall, CPU, resident memory).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use openssl::ssl::{
    SslContext, SslContextBuilder, SslFiletype, SslMethod, SslMode, SslOptions, SslVerifyMode,
    SslVersion,
};
use openssl::x509::verify::{X509CheckFlags, X509VerifyFlags};
use pyssl::ssl;

pub type Res<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// CPython's `PY_SSL_DEFAULT_CIPHER_STRING`, as pyssl's `_DEFAULT_CIPHERS`.
pub const DEFAULT_CIPHERS: &str = ssl::_DEFAULT_CIPHERS;
pub const HOST: &str = "127.0.0.1";

pub fn fixture(name: &str) -> String {
    let mut p = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    p.push("fixtures");
    p.push(name);
    p.to_string_lossy().into_owned()
}

/// `key=value` arguments.
pub struct Args(pub BTreeMap<String, String>);

impl Args {
    pub fn parse(items: &[String]) -> Args {
        Args(
            items
                .iter()
                .filter_map(|s| s.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }
    pub fn str(&self, k: &str, default: &str) -> String {
        self.0
            .get(k)
            .cloned()
            .unwrap_or_else(|| default.to_string())
    }
    pub fn num(&self, k: &str, default: u64) -> u64 {
        self.0
            .get(k)
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    }
    pub fn to_vec(&self) -> Vec<String> {
        self.0.iter().map(|(k, v)| format!("{k}={v}")).collect()
    }
}

/// The TLS-1.2 cipher of a bulk run (Python's `set_ciphers` cannot pick TLS 1.3 suites, so the
/// bulk runs pin TLS 1.2 with the same AEADs; the record layer costs the same).
pub fn bulk_cipher(name: &str) -> &'static str {
    match name {
        "aes256" => "ECDHE-RSA-AES256-GCM-SHA384",
        "chacha" => "ECDHE-RSA-CHACHA20-POLY1305",
        _ => "ECDHE-RSA-AES128-GCM-SHA256",
    }
}

pub fn cert_files(args: &Args) -> (&'static str, &'static str) {
    if args.str("cert", "ecdsa") == "rsa" || args.0.contains_key("cipher") {
        ("server.pem", "server.key")
    } else {
        ("ecdsa.pem", "ecdsa.key")
    }
}

/// A context as `ssl.SSLContext(PROTOCOL_TLS_SERVER/CLIENT)` plus the bench's settings.
pub fn pyssl_context(args: &Args, server: bool) -> Res<ssl::SSLContext> {
    let ctx = if server {
        let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER)?;
        let (cert, key) = cert_files(args);
        ctx.load_cert_chain(fixture(cert), fixture(key).as_str())?;
        ctx
    } else {
        let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT)?;
        ctx.load_verify_locations(fixture("ca.pem").as_str())?;
        ctx
    };
    if args.str("tls", "1.3") == "1.2" || args.0.contains_key("cipher") {
        ctx.set_maximum_version(ssl::TLSVersion::TLSv1_2)?;
    }
    if let Some(c) = args.0.get("cipher") {
        ctx.set_ciphers(bulk_cipher(c))?;
    }
    Ok(ctx)
}

/// A context set up as CPython 3.13's `_SSLContext` constructor does (the same steps as
/// `pyssl::ssl::SSLContext::new`), plus CPython's per-connection modes and session id context.
pub fn raw_context(args: &Args, server: bool) -> Res<SslContext> {
    let method = if server {
        SslMethod::tls_server()
    } else {
        SslMethod::tls_client()
    };
    let mut b = SslContextBuilder::new(method)?;
    if server {
        b.set_verify(SslVerifyMode::NONE);
    } else {
        b.set_verify(SslVerifyMode::PEER | SslVerifyMode::FAIL_IF_NO_PEER_CERT);
    }
    let all = openssl_sys::SSL_OP_ALL & !openssl_sys::SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS;
    b.set_options(SslOptions::from_bits_retain(
        all | openssl_sys::SSL_OP_NO_SSLv3
            | openssl_sys::SSL_OP_NO_COMPRESSION
            | openssl_sys::SSL_OP_CIPHER_SERVER_PREFERENCE,
    ));
    b.set_cipher_list(DEFAULT_CIPHERS)?;
    b.set_min_proto_version(Some(SslVersion::TLS1_2))?;
    b.set_mode(
        SslMode::RELEASE_BUFFERS | SslMode::ACCEPT_MOVING_WRITE_BUFFER | SslMode::AUTO_RETRY,
    );
    b.verify_param_mut()
        .set_flags(X509VerifyFlags::TRUSTED_FIRST)?;
    b.verify_param_mut()
        .set_hostflags(X509CheckFlags::NO_PARTIAL_WILDCARDS);
    if server {
        let (cert, key) = cert_files(args);
        b.set_certificate_chain_file(fixture(cert))?;
        b.set_private_key_file(fixture(key), SslFiletype::PEM)?;
        b.check_private_key()?;
        b.set_session_id_context(b"Python\0")?;
    } else {
        b.set_ca_file(fixture("ca.pem"))?;
    }
    if args.str("tls", "1.3") == "1.2" || args.0.contains_key("cipher") {
        b.set_max_proto_version(Some(SslVersion::TLS1_2))?;
    }
    if let Some(c) = args.0.get("cipher") {
        b.set_cipher_list(bulk_cipher(c))?;
    }
    Ok(b.build())
}

pub fn rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// The server: a child process of the same implementation (or `port=` of one already running).
pub struct Peer {
    pub child: Option<Child>,
    pub port: u16,
    lines: Option<std::io::Lines<BufReader<std::process::ChildStdout>>>,
}

pub fn spawn_server(imp: &str, mode: &str, args: &Args) -> Res<Peer> {
    if let Some(p) = args.0.get("port") {
        return Ok(Peer {
            child: None,
            port: p.parse()?,
            lines: None,
        });
    }
    let mut child = Command::new(std::env::current_exe()?)
        .args([imp, "server", mode])
        .args(args.to_vec())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut lines = BufReader::new(child.stdout.take().ok_or("no stdout")?).lines();
    let first = lines.next().ok_or("server said nothing")??;
    let port = first
        .strip_prefix("PORT ")
        .ok_or("bad server line")?
        .parse()?;
    Ok(Peer {
        child: Some(child),
        port,
        lines: Some(lines),
    })
}

impl Peer {
    /// Blocks until the server prints its `RESULT` line.
    pub fn result(&mut self) -> Res<String> {
        let lines = self.lines.as_mut().ok_or("no server output")?;
        for line in lines {
            let line = line?;
            if let Some(r) = line.strip_prefix("RESULT ") {
                return Ok(r.to_string());
            }
        }
        Err("server gave no result".into())
    }
    pub fn finish(mut self) -> Res<()> {
        if let Some(mut c) = self.child.take() {
            drop(c.stdin.take());
            let st = c.wait()?;
            if !st.success() {
                return Err(format!("server failed: {st}").into());
            }
        }
        Ok(())
    }
}

/// On-CPU nanoseconds of a process, from `/proc/<pid>/task/*/schedstat`: every live thread
/// (the blocking benchmark's processes have one; a tokio runtime may add its blocking pool).
pub fn cpu_ns(pid: Option<u32>) -> u64 {
    let dir = match pid {
        Some(p) => format!("/proc/{p}/task"),
        None => "/proc/self/task".to_string(),
    };
    let Ok(tasks) = std::fs::read_dir(dir) else {
        return 0;
    };
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

/// Wall time and the CPU time of both processes (client and its server) over a window: the CPU
/// figure is what a shared, loaded machine distorts least.
pub struct Clock {
    wall: Instant,
    cpu: u64,
    server: Option<u32>,
}

impl Clock {
    pub fn start(server: Option<u32>) -> Clock {
        Clock {
            wall: Instant::now(),
            cpu: cpu_ns(None) + server.map_or(0, |p| cpu_ns(Some(p))),
            server,
        }
    }
    /// (seconds, CPU microseconds of both processes).
    pub fn stop(&self) -> (f64, f64) {
        let secs = self.wall.elapsed().as_secs_f64();
        let cpu = cpu_ns(None) + self.server.map_or(0, |p| cpu_ns(Some(p)));
        (secs, cpu.saturating_sub(self.cpu) as f64 / 1e3)
    }
}
