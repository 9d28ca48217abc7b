//! The text codecs Python's `ssl` and `socket` apply to host names: `encodings.idna` (IDNA
//! 2003: nameprep, then punycode), as `'bücher.example'.encode('idna')` runs it.
//!
//! ```text
//! Python:  'königsgäßchen.de'.encode('idna')   ->  b'xn--knigsgsschen-lcb0w.de'
//! Rust:    (applied by wrap_socket/wrap_bio's server_hostname and by socket's host arguments)
//! ```
//!
//! CPython's nameprep reads the Unicode 3.2 database it keeps beside its current one
//! (`unicodedata.ucd_3_2_0`), plus today's `str.lower()` for characters RFC 3454 never listed.
//! The tables come from the `stringprep` crate (RFC 3454's own tables, so Unicode 3.2) and the
//! normalization primitives from `unicode-normalization` (a recent Unicode); [`ucd_3_2`]
//! rebuilds CPython's answer from them. What still differs is listed there.

pub(crate) mod idna;
mod nameprep;
mod punycode;
mod ucd_3_2;
