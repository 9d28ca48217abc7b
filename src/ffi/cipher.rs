//! FFI: cipher.
