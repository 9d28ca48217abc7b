//! FFI: err.
