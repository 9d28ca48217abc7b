//! A server handshake fed arbitrary bytes through `MemoryBIO`/`SSLObject`: pyssl's glue
//! (error classification, want-read handling, the SNI/ALPN callbacks, reads after a handshake)
//! must never panic, whatever the peer sends. Mode by the first byte:
//! 0: the bytes as they come; 1: a real ClientHello, then the bytes (records in the middle of
//! a live handshake); 2: a real ClientHello overwritten with the bytes at an offset.
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pyssl::ssl;

fn fixture(name: &str) -> String {
    format!("{}/../fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

thread_local! {
    static SERVER: ssl::SSLContext = {
        let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
        ctx.load_cert_chain(fixture("ecdsa.pem").as_str(), fixture("ecdsa.key").as_str()).unwrap();
        ctx.set_alpn_protocols(&["h2", "http/1.1"]).unwrap();
        ctx.set_sni_callback(
            |_: &mut ssl::SNIConnection, name: Option<&str>, _: &ssl::SSLContext| {
                Ok(name.filter(|n| n.starts_with('x')).map(|_| ssl::ALERT_DESCRIPTION_UNRECOGNIZED_NAME))
            },
        )
        .unwrap();
        ctx
    };
}

/// A ClientHello from a pyssl client offering SNI and ALPN.
fn client_hello() -> &'static [u8] {
    static HELLO: OnceLock<Vec<u8>> = OnceLock::new();
    HELLO.get_or_init(|| {
        let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
        ctx.set_alpn_protocols(&["h2", "http/1.1"]).unwrap();
        let incoming = ssl::MemoryBIO::new().unwrap();
        let outgoing = ssl::MemoryBIO::new().unwrap();
        let mut obj = ctx
            .wrap_bio(
                &incoming,
                &outgoing,
                ssl::WrapBio {
                    server_hostname: Some("localhost"),
                    ..Default::default()
                },
            )
            .unwrap();
        let _ = obj.do_handshake();
        outgoing.read(-1).unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let input: Vec<u8> = match mode % 3 {
        0 => rest.to_vec(),
        1 => [client_hello(), rest].concat(),
        _ => {
            let mut hello = client_hello().to_vec();
            if let Some((&offset, bytes)) = rest.split_first() {
                let start = usize::from(offset) * hello.len() / 256;
                for (dst, src) in hello[start..].iter_mut().zip(bytes) {
                    *dst = *src;
                }
            }
            hello
        }
    };
    SERVER.with(|ctx| {
        let incoming = ssl::MemoryBIO::new().unwrap();
        let outgoing = ssl::MemoryBIO::new().unwrap();
        let mut obj = ctx
            .wrap_bio(
                &incoming,
                &outgoing,
                ssl::WrapBio {
                    server_side: true,
                    ..Default::default()
                },
            )
            .unwrap();
        // In two pieces, to cross record boundaries at an arbitrary point.
        let cut = input.len() / 2;
        for piece in [&input[..cut], &input[cut..]] {
            incoming.write(piece).unwrap();
            match obj.do_handshake() {
                Ok(()) => {
                    let _ = obj.read(1024);
                    let _ = obj.getpeercert(false);
                    let _ = obj.selected_alpn_protocol();
                    let _ = obj.version();
                    let _ = obj.cipher();
                }
                Err(e) => {
                    let _ = e.to_string();
                    if !e.is_want_read() {
                        break;
                    }
                }
            }
            let _ = outgoing.read(-1);
        }
        incoming.write_eof();
        let _ = obj.do_handshake();
        let _ = obj.read(1024);
    });
});
