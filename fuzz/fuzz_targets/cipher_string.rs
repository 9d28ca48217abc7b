//! `SSLContext.set_ciphers` on arbitrary strings, then `get_ciphers()` on what was selected.
#![no_main]
use libfuzzer_sys::fuzz_target;
use pyssl::ssl;

thread_local! {
    static CTX: ssl::SSLContext = ssl::SSLContext::new(ssl::PROTOCOL_TLS_CLIENT).unwrap();
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    CTX.with(|ctx| {
        if ctx.set_ciphers(&text).is_ok() {
            for c in ctx.get_ciphers() {
                assert!(!c.name.is_empty());
            }
        }
    });
});
