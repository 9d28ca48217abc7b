//! FFI: ssl.
