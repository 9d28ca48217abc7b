//! The last peer certificate a context decoded, kept with its `getpeercert()` dict.
//!
//! A client that keeps connecting to one server, or a server whose clients share a
//! certificate, sees the same certificate at every handshake, and asyncio decodes it at every
//! handshake (CPython's `sslproto` calls `getpeercert()` as the handshake completes). Decoding
//! is a few dozen OpenSSL calls and allocations; comparing with the last one is a hash compare.

use std::sync::{Mutex, MutexGuard};

use openssl::x509::{X509Ref, X509};

use super::{decode_certificate, CertDict};
use crate::error::Result;

/// One context's last decoded peer certificate (empty until the first success).
#[derive(Default)]
pub(crate) struct PeerCertCache(Mutex<Option<(X509, CertDict)>>);

impl PeerCertCache {
    /// `_decode_certificate(cert)`, from the cache when `cert` is the one decoded last.
    ///
    /// Exact, not approximate: a peer's certificate is parsed from the wire, so `X509_cmp`
    /// compares both SHA-1 fingerprints and the whole to-be-signed encoding, and the dict is
    /// made of nothing else. A failed decode is not kept, so it fails again the same way.
    pub(crate) fn decode(&self, cert: &X509Ref) -> Result<CertDict> {
        if let Some((last, dict)) = &*self.lock() {
            if **last == *cert {
                return Ok(dict.clone());
            }
        }
        let dict = decode_certificate(cert)?;
        *self.lock() = Some((cert.to_owned(), dict.clone()));
        Ok(dict)
    }

    // Nothing here runs user code or can panic while held, but a poisoned lock still holds a
    // consistent value (each write is one assignment).
    fn lock(&self) -> MutexGuard<'_, Option<(X509, CertDict)>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> X509 {
        let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        X509::from_pem(&std::fs::read(path).unwrap()).unwrap()
    }

    /// Two certificates alike but for the serial number (same subject, issuer, dates and
    /// names): each decode is that certificate's own dict, whichever was decoded last.
    #[test]
    fn each_certificate_gets_its_own_dict() {
        let (a, b) = (fixture("server.pem"), fixture("revoked.pem"));
        let (dict_a, dict_b) = (
            decode_certificate(&a).unwrap(),
            decode_certificate(&b).unwrap(),
        );
        assert_eq!(dict_a.subject, dict_b.subject);
        assert_ne!(dict_a.serialNumber, dict_b.serialNumber);
        let cache = PeerCertCache::default();
        for (cert, dict) in [(&a, &dict_a), (&a, &dict_a), (&b, &dict_b), (&a, &dict_a)] {
            assert_eq!(cache.decode(cert).unwrap(), *dict);
        }
        // The same certificate parsed again (another connection's copy) is a hit.
        let again = fixture("server.pem");
        assert_eq!(cache.decode(&again).unwrap(), dict_a);
        assert!(cache.lock().as_ref().is_some_and(|(last, _)| **last == *a));
    }
}
