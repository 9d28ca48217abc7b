//! `load_verify_locations(cadata=...)` with arbitrary DER bytes and PEM text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use pyssl::ssl;

fuzz_target!(|data: &[u8]| {
    let ctx = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
    let _ = ctx.load_verify_locations(ssl::LoadVerifyLocations {
        cadata: Some(ssl::Cadata::Der(data)),
        ..Default::default()
    });
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = ctx.load_verify_locations(ssl::LoadVerifyLocations {
            cadata: Some(ssl::Cadata::Pem(text)),
            ..Default::default()
        });
    }
    let _ = ctx.cert_store_stats();
});
