//! `DER_cert_to_PEM_cert` / `PEM_cert_to_DER_cert`: never panic, and round-trip.
#![no_main]
use libfuzzer_sys::fuzz_target;
use pyssl::ssl;

fuzz_target!(|data: &[u8]| {
    let pem = ssl::DER_cert_to_PEM_cert(data);
    assert_eq!(ssl::PEM_cert_to_DER_cert(&pem).unwrap(), data);
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(der) = ssl::PEM_cert_to_DER_cert(text) {
            let again = ssl::DER_cert_to_PEM_cert(&der);
            assert_eq!(ssl::PEM_cert_to_DER_cert(&again).unwrap(), der);
        }
    }
});
