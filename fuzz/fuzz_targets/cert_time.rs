//! `cert_time_to_seconds` on arbitrary text: a value or CPython's ValueError, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use pyssl::ssl;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = ssl::cert_time_to_seconds(text);
    }
});
