//! FFI: x509.
