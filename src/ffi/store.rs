//! FFI: reading a context's trust store and session cache counters, as CPython's
//! `cert_store_stats()`, `get_ca_certs()` and `session_stats()` do.

use std::ffi::{c_int, c_long, c_void};

use foreign_types::ForeignTypeRef;
use openssl::ssl::SslContextRef;
use openssl::x509::{X509Ref, X509};
use openssl_sys as sys;

extern "C" {
    fn X509_STORE_get0_objects(store: *mut sys::X509_STORE) -> *mut c_void;
    fn X509_OBJECT_get_type(obj: *const c_void) -> c_int;
    fn X509_OBJECT_get0_X509(obj: *const c_void) -> *mut sys::X509;
    fn X509_check_ca(x: *mut sys::X509) -> c_int;
    fn X509_STORE_lock(store: *mut sys::X509_STORE) -> c_int;
    fn X509_STORE_unlock(store: *mut sys::X509_STORE) -> c_int;
    fn OPENSSL_sk_num(st: *const c_void) -> c_int;
    fn OPENSSL_sk_value(st: *const c_void, i: c_int) -> *mut c_void;
    fn SSL_CTX_get_cert_store(ctx: *const sys::SSL_CTX) -> *mut sys::X509_STORE;
}

const X509_LU_X509: c_int = 1;
const X509_LU_CRL: c_int = 2;

/// `(x509, crl, x509_ca)`: certificates, CRLs, and certificates that are CAs in the context's
/// store, counted under the store's lock (as CPython 3.12+ does).
pub(crate) fn cert_store_counts(ctx: &SslContextRef) -> (usize, usize, usize) {
    let (mut x509, mut crl, mut ca) = (0, 0, 0);
    // SAFETY: the store belongs to the live context; the object stack is only read while the
    // store's lock is held, and each element pointer is valid for that duration.
    unsafe {
        let store = SSL_CTX_get_cert_store(ctx.as_ptr());
        if store.is_null() {
            return (0, 0, 0);
        }
        X509_STORE_lock(store);
        let objects = X509_STORE_get0_objects(store);
        let n = if objects.is_null() {
            0
        } else {
            OPENSSL_sk_num(objects)
        };
        for i in 0..n {
            let obj = OPENSSL_sk_value(objects, i);
            match X509_OBJECT_get_type(obj) {
                X509_LU_X509 => {
                    x509 += 1;
                    if X509_check_ca(X509_OBJECT_get0_X509(obj)) != 0 {
                        ca += 1;
                    }
                }
                X509_LU_CRL => crl += 1,
                _ => {}
            }
        }
        X509_STORE_unlock(store);
    }
    (x509, crl, ca)
}

/// The certificates of the context's store that are CAs (`X509_check_ca != 0`), in the store's
/// order, each with its own reference: what CPython's `get_ca_certs()` iterates (a copy taken
/// under the store's lock, as 3.13 does).
pub(crate) fn ca_certificates(ctx: &SslContextRef) -> Vec<X509> {
    let mut out = Vec::new();
    // SAFETY: as in `cert_store_counts`; each certificate pointer is valid while the lock is
    // held, and `to_owned` takes a new reference (X509_up_ref) before the lock is released.
    unsafe {
        let store = SSL_CTX_get_cert_store(ctx.as_ptr());
        if store.is_null() {
            return out;
        }
        X509_STORE_lock(store);
        let objects = X509_STORE_get0_objects(store);
        let n = if objects.is_null() {
            0
        } else {
            OPENSSL_sk_num(objects)
        };
        for i in 0..n {
            let obj = OPENSSL_sk_value(objects, i);
            if X509_OBJECT_get_type(obj) != X509_LU_X509 {
                continue;
            }
            let cert = X509_OBJECT_get0_X509(obj);
            if cert.is_null() || X509_check_ca(cert) == 0 {
                continue;
            }
            out.push(X509Ref::from_ptr(cert).to_owned());
        }
        X509_STORE_unlock(store);
    }
    out
}

/// The `SSL_CTRL_SESS_*` queries (`ssl.h`; stable values, not exported by openssl-sys).
pub(crate) mod sess {
    use std::ffi::c_int;
    pub const NUMBER: c_int = 20;
    pub const CONNECT: c_int = 21;
    pub const CONNECT_GOOD: c_int = 22;
    pub const CONNECT_RENEGOTIATE: c_int = 23;
    pub const ACCEPT: c_int = 24;
    pub const ACCEPT_GOOD: c_int = 25;
    pub const ACCEPT_RENEGOTIATE: c_int = 26;
    pub const HIT: c_int = 27;
    pub const MISSES: c_int = 29;
    pub const TIMEOUTS: c_int = 30;
    pub const CACHE_FULL: c_int = 31;
}

/// One `SSL_CTX_sess_*` counter (an `SSL_CTX_ctrl` query).
pub(crate) fn session_counter(ctx: &SslContextRef, ctrl: c_int) -> c_long {
    // SAFETY: the SSL_CTRL_SESS_* queries only read counters of the live context.
    unsafe { sys::SSL_CTX_ctrl(ctx.as_ptr(), ctrl, 0, std::ptr::null_mut()) }
}
