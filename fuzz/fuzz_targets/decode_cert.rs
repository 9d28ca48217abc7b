//! Certificate decoding (`ssl._test_decode_cert`, the dict `getpeercert()` returns) on
//! arbitrary DER, written as a PEM file: pyssl has no public decoder of DER bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use pyssl::ssl;

fuzz_target!(|data: &[u8]| {
    let pem = ssl::DER_cert_to_PEM_cert(data);
    let path = std::env::temp_dir().join(format!("pyssl-fuzz-cert-{}.pem", std::process::id()));
    if std::fs::write(&path, pem).is_ok() {
        if let Ok(dict) = ssl::_test_decode_cert(&path) {
            // Rendering the dict as Python would print it must not fail either.
            let _ = format!("{dict:?}");
        }
    }
});
