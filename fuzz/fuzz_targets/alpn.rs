//! ALPN lists: arbitrary client and server lists through `set_alpn_protocols`, then a real
//! handshake in memory, so the server's selection callback parses the client's list as sent.
//! Input: client protocols, 0xff, server protocols; protocols separated by 0x00.
#![no_main]
use libfuzzer_sys::fuzz_target;
use pyssl::ssl;

fn fixture(name: &str) -> String {
    format!("{}/../fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

thread_local! {
    static SERVER: ssl::SSLContext = {
        let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_SERVER).unwrap();
        ctx.load_cert_chain(fixture("ecdsa.pem").as_str(), fixture("ecdsa.key").as_str()).unwrap();
        ctx
    };
}

fn list(spec: &[u8]) -> Vec<String> {
    spec.split(|&b| b == 0)
        .map(|p| String::from_utf8_lossy(p).into_owned())
        .collect()
}

/// Moves bytes between the two objects until both handshakes end.
fn handshake(
    client: &mut ssl::SSLObject,
    server: &mut ssl::SSLObject,
    bios: &[ssl::MemoryBIO; 4],
) -> bool {
    let [c_in, c_out, s_in, s_out] = bios;
    for _ in 0..10 {
        let c = client.do_handshake();
        s_in.write(&c_out.read(-1).unwrap()).unwrap();
        let s = server.do_handshake();
        c_in.write(&s_out.read(-1).unwrap()).unwrap();
        match (&c, &s) {
            (Ok(()), Ok(())) => return true,
            (Err(e), _) | (_, Err(e)) if !e.is_want_read() => return false,
            _ => {}
        }
    }
    false
}

fuzz_target!(|data: &[u8]| {
    let (client_spec, server_spec) = match data.iter().position(|&b| b == 0xff) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b""[..]),
    };
    let client_list = list(client_spec);
    let server_list = list(server_spec);
    let client_refs: Vec<&str> = client_list.iter().map(String::as_str).collect();
    let server_refs: Vec<&str> = server_list.iter().map(String::as_str).collect();
    let cctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    cctx.set_check_hostname(false);
    cctx.set_verify_mode(ssl::CERT_NONE).unwrap();
    if cctx.set_alpn_protocols(&client_refs).is_err() {
        return;
    }
    SERVER.with(|sctx| {
        if sctx.set_alpn_protocols(&server_refs).is_err() {
            return;
        }
        let bios = [(); 4].map(|_| ssl::MemoryBIO::new().unwrap());
        let mut client = cctx
            .wrap_bio(&bios[0], &bios[1], ssl::WrapBio::default())
            .unwrap();
        let mut server = sctx
            .wrap_bio(
                &bios[2],
                &bios[3],
                ssl::WrapBio {
                    server_side: true,
                    ..Default::default()
                },
            )
            .unwrap();
        if handshake(&mut client, &mut server, &bios) {
            let chosen = server.selected_alpn_protocol().unwrap();
            assert_eq!(client.selected_alpn_protocol().unwrap(), chosen);
            if let Some(p) = chosen {
                assert!(server_list.contains(&p) && client_list.contains(&p), "{p:?}");
            }
        }
    });
});
