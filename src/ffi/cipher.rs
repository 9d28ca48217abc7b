//! FFI: cipher lists and per-cipher facts, as CPython's `_ssl` reads them for
//! `SSLContext.get_ciphers()`, `SSLSocket.cipher()` and `SSLSocket.shared_ciphers()`.
//!
//! openssl-sys lacks `SSL_get_ciphers`, `SSL_get_client_ciphers`, `OPENSSL_sk_find` and most
//! `SSL_CIPHER_get_*` getters; they are declared here (OpenSSL 1.1.1 and 3.x export them all).

use std::ffi::CStr;

use foreign_types::ForeignTypeRef;
use libc::{c_char, c_int, c_ulong, c_void};
use openssl::ssl::{SslCipherRef, SslContextRef, SslRef};
use openssl_sys as sys;

extern "C" {
    fn SSL_get_ciphers(ssl: *const sys::SSL) -> *mut sys::OPENSSL_STACK;
    fn SSL_CTX_get_ciphers(ctx: *const sys::SSL_CTX) -> *mut sys::OPENSSL_STACK;
    fn SSL_get_client_ciphers(ssl: *const sys::SSL) -> *mut sys::OPENSSL_STACK;
    fn OPENSSL_sk_find(stack: *mut sys::OPENSSL_STACK, data: *const c_void) -> c_int;
    fn SSL_CIPHER_get_id(cipher: *const sys::SSL_CIPHER) -> c_ulong;
    fn SSL_CIPHER_is_aead(cipher: *const sys::SSL_CIPHER) -> c_int;
    fn SSL_CIPHER_get_cipher_nid(cipher: *const sys::SSL_CIPHER) -> c_int;
    fn SSL_CIPHER_get_digest_nid(cipher: *const sys::SSL_CIPHER) -> c_int;
    fn SSL_CIPHER_get_kx_nid(cipher: *const sys::SSL_CIPHER) -> c_int;
    fn SSL_CIPHER_get_auth_nid(cipher: *const sys::SSL_CIPHER) -> c_int;
}

/// `NID_undef`.
const NID_UNDEF: c_int = 0;

/// Everything `cipher_to_dict` in CPython's `_ssl.c` reads from one `SSL_CIPHER`, with the
/// nids already turned into `OBJ_nid2ln` names (`None` for `NID_undef`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CipherFacts {
    /// `SSL_CIPHER_get_id`.
    pub id: c_ulong,
    /// `SSL_CIPHER_get_name`.
    pub name: String,
    /// `SSL_CIPHER_get_version`.
    pub version: String,
    /// `SSL_CIPHER_description` (512-byte buffer as CPython), one trailing `\n` removed.
    pub description: String,
    /// `SSL_CIPHER_get_bits` return value.
    pub strength_bits: i32,
    /// `SSL_CIPHER_get_bits` out-parameter.
    pub alg_bits: i32,
    /// `SSL_CIPHER_is_aead`.
    pub aead: bool,
    /// `OBJ_nid2ln(SSL_CIPHER_get_cipher_nid)`.
    pub symmetric: Option<String>,
    /// `OBJ_nid2ln(SSL_CIPHER_get_digest_nid)`.
    pub digest: Option<String>,
    /// `OBJ_nid2ln(SSL_CIPHER_get_kx_nid)`.
    pub kea: Option<String>,
    /// `OBJ_nid2ln(SSL_CIPHER_get_auth_nid)`.
    pub auth: Option<String>,
}

/// A C string OpenSSL owns (static tables) as an owned `String`; `None` for NULL.
fn owned(ptr: *const c_char) -> Option<String> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: non-NULL pointers passed here come from OpenSSL getters that return
    // NUL-terminated strings from static tables (or our own zeroed, NUL-terminated buffer).
    Some(
        unsafe { CStr::from_ptr(ptr) }
            .to_string_lossy()
            .into_owned(),
    )
}

/// `OBJ_nid2ln(nid)` unless `nid` is `NID_undef`, as CPython's `cipher_to_dict` does.
fn nid_long_name(nid: c_int) -> Option<String> {
    if nid == NID_UNDEF {
        return None;
    }
    // SAFETY: OBJ_nid2ln accepts any int and returns a static string or NULL.
    owned(unsafe { sys::OBJ_nid2ln(nid) })
}

/// Reads every fact `get_ciphers()` reports about `cipher`.
pub(crate) fn cipher_facts(cipher: &SslCipherRef) -> CipherFacts {
    let c = cipher.as_ptr() as *const sys::SSL_CIPHER;
    let mut buf = [0 as c_char; 512];
    // SAFETY: `c` is a live SSL_CIPHER (static table entry); `buf` is writable for 512 bytes
    // and we pass 511 as CPython does, so the zeroed last byte always terminates it.
    let desc =
        unsafe { sys::SSL_CIPHER_description(c, buf.as_mut_ptr(), (buf.len() - 1) as c_int) };
    let mut description = if desc.is_null() {
        None
    } else {
        owned(buf.as_ptr())
    }
    .unwrap_or_default();
    if description.len() > 1 && description.ends_with('\n') {
        description.pop();
    }
    let mut alg_bits: c_int = 0;
    // SAFETY: `c` is live; `alg_bits` is a valid out-pointer.
    let strength_bits = unsafe { sys::SSL_CIPHER_get_bits(c, &mut alg_bits) };
    // SAFETY (this block): every getter only reads the live, immutable SSL_CIPHER `c`.
    let (id, name, version, aead, cnid, dnid, knid, anid) = unsafe {
        (
            SSL_CIPHER_get_id(c),
            owned(sys::SSL_CIPHER_get_name(c)),
            owned(sys::SSL_CIPHER_get_version(c)),
            SSL_CIPHER_is_aead(c) != 0,
            SSL_CIPHER_get_cipher_nid(c),
            SSL_CIPHER_get_digest_nid(c),
            SSL_CIPHER_get_kx_nid(c),
            SSL_CIPHER_get_auth_nid(c),
        )
    };
    CipherFacts {
        id,
        name: name.unwrap_or_default(),
        version: version.unwrap_or_default(),
        description,
        strength_bits,
        alg_bits,
        aead,
        symmetric: nid_long_name(cnid),
        digest: nid_long_name(dnid),
        kea: nid_long_name(knid),
        auth: nid_long_name(anid),
    }
}

/// The entries of a `STACK_OF(SSL_CIPHER)` owned by `_owner`, in order.
///
/// # Safety
/// `stack` is NULL or a live cipher stack that lives as long as the `_owner` borrow.
unsafe fn stack_entries(stack: *mut sys::OPENSSL_STACK, _owner: &SslRef) -> Vec<&SslCipherRef> {
    if stack.is_null() {
        return Vec::new();
    }
    // SAFETY: the caller guarantees `stack` is live.
    let n = unsafe { sys::OPENSSL_sk_num(stack) };
    (0..n.max(0))
        .filter_map(|i| {
            // SAFETY: 0 <= i < n, so the index is in range.
            let p = unsafe { sys::OPENSSL_sk_value(stack, i) } as *mut sys::SSL_CIPHER;
            // SAFETY: stack entries are SSL_CIPHERs from OpenSSL's static tables, which outlive
            // the SSL `_owner`.
            (!p.is_null()).then(|| unsafe { SslCipherRef::from_ptr(p) })
        })
        .collect()
}

/// `SSL_get_ciphers(ssl)`: the connection's cipher list (its context's unless set on the SSL),
/// TLS 1.3 suites first, in priority order. `None` when OpenSSL has no list.
pub(crate) fn ssl_ciphers(ssl: &SslRef) -> Option<Vec<&SslCipherRef>> {
    // SAFETY: `ssl` is live; SSL_get_ciphers returns a stack owned by the SSL or its SSL_CTX.
    let stack = unsafe { SSL_get_ciphers(ssl.as_ptr()) };
    if stack.is_null() {
        return None;
    }
    // SAFETY: the stack lives as long as `ssl` is borrowed.
    Some(unsafe { stack_entries(stack, ssl) })
}

/// The address of the list `SSL_get_ciphers(ssl)` returns, only ever compared: it changes when
/// a call gives the SSL a new list, and equals [`ctx_cipher_list_identity`] while the SSL reads
/// its context's list.
pub(crate) fn cipher_list_identity(ssl: &SslRef) -> usize {
    // SAFETY: `ssl` is live; the pointer is not dereferenced.
    unsafe { SSL_get_ciphers(ssl.as_ptr()) as usize }
}

/// The address of `SSL_CTX_get_ciphers(ctx)`, for comparison with [`cipher_list_identity`].
pub(crate) fn ctx_cipher_list_identity(ctx: &SslContextRef) -> usize {
    // SAFETY: `ctx` is live; the pointer is not dereferenced.
    unsafe { SSL_CTX_get_ciphers(ctx.as_ptr()) as usize }
}

/// CPython's `shared_ciphers()` algorithm: each cipher of `SSL_get_ciphers(ssl)` (server
/// order) that `sk_SSL_CIPHER_find` finds in `SSL_get_client_ciphers(ssl)`. `None` when either
/// list is missing (client side, or before the ClientHello).
pub(crate) fn shared_ciphers(ssl: &SslRef) -> Option<Vec<&SslCipherRef>> {
    // SAFETY: `ssl` is live; both getters return stacks owned by the SSL (or its SSL_CTX), or NULL.
    let (server, client) = unsafe {
        (
            SSL_get_ciphers(ssl.as_ptr()),
            SSL_get_client_ciphers(ssl.as_ptr()),
        )
    };
    if server.is_null() || client.is_null() {
        return None;
    }
    // SAFETY: `server` is live while `ssl` is borrowed.
    let entries = unsafe { stack_entries(server, ssl) };
    Some(
        entries
            .into_iter()
            .filter(|c| {
                // SAFETY: `client` is a live stack owned by `ssl`; OPENSSL_sk_find only searches
                // it (sorting it first if it has a comparator, as in CPython).
                unsafe { OPENSSL_sk_find(client, c.as_ptr() as *const c_void) >= 0 }
            })
            .collect(),
    )
}
