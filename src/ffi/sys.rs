//! FFI: sys.
