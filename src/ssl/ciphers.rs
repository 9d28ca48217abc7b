//! ciphers
