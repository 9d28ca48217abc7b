//! `SSLContext._encode_hostname`: the `server_hostname` of `wrap_socket`/`wrap_bio` goes through
//! Python's `idna` codec (IDNA 2003: nameprep, then punycode), so an ASCII name passes unchanged
//! (case kept) and any other becomes `xn--` labels.
//!
//! ```text
//! Python:  ctx.wrap_bio(incoming, outgoing, server_hostname='straße.de').server_hostname
//!              ->  'strasse.de'
//! Rust:    ctx.wrap_bio(&incoming, &outgoing, ssl::WrapBio { server_hostname: Some("straße.de"), ..Default::default() })?.server_hostname()
//!              ==  Some("strasse.de")
//! ```

use crate::encodings::idna;
use crate::error::{Error, Result};
use crate::path_arg::StrOrBytes;

/// `hostname.encode('idna').decode('ascii')`, with Python 3.13's `UnicodeEncodeError`s.
pub(crate) fn encode_hostname(hostname: &str) -> Result<String> {
    Ok(idna::encode(hostname)?)
}

/// `SSLContext._encode_hostname`: a `str` through the IDNA codec, `bytes` decoded as ASCII
/// (`UnicodeDecodeError` past 0x7f), no IDNA check.
pub(crate) fn encode_hostname_arg(hostname: StrOrBytes<'_>) -> Result<String> {
    match hostname {
        StrOrBytes::Str(s) => encode_hostname(s),
        StrOrBytes::Bytes(b) => Ok(crate::path_arg::decode_ascii(b)?.to_string()),
    }
}

/// The check of CPython's C-level `_wrap_socket`/`_wrap_bio`, which parse the encoded name as a
/// C string: a NUL (which the codec lets through, as any ASCII) is a `TypeError`.
pub(crate) fn check_c_string(hostname: &str) -> Result<()> {
    if hostname.contains('\0') {
        return Err(Error::type_error(
            "argument must be encoded string without null bytes, not str",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_pythons_idna_codec() {
        assert_eq!(encode_hostname("LocalHost").unwrap(), "LocalHost");
        assert_eq!(encode_hostname("pythön.org").unwrap(), "xn--pythn-mua.org");
        assert_eq!(encode_hostname("ÄB.example").unwrap(), "xn--b-zfa.example");
        assert_eq!(encode_hostname("straße.de").unwrap(), "strasse.de");
        assert_eq!(
            encode_hostname("bücher.example.").unwrap(),
            "xn--bcher-kva.example."
        );
        let e = encode_hostname(".example.org").unwrap_err();
        assert_eq!(e.type_name(), "UnicodeEncodeError");
        assert_eq!(
            e.to_string(),
            "'idna' codec can't encode character '\\x2e' in position 0: label empty"
        );
        assert_eq!(
            encode_hostname(&"ä".repeat(70)).unwrap_err().to_string(),
            "'idna' codec can't encode characters in position 0-69: label too long"
        );
    }
}
