//! FFI: OpenSSL's object table (`OBJ_*`), for CPython's `_ssl.txt2obj`/`nid2obj` behind
//! `ssl._ASN1Object`, and curve names for `set_ecdh_curve`.

use std::ffi::{c_char, c_int, CStr, CString};

use openssl_sys as sys;

extern "C" {
    fn OBJ_txt2obj(s: *const c_char, no_name: c_int) -> *mut sys::ASN1_OBJECT;
    fn OBJ_nid2obj(n: c_int) -> *const sys::ASN1_OBJECT;
    fn OBJ_sn2nid(s: *const c_char) -> c_int;
}

/// `(nid, short name, long name, dotted OID)` of an object, as CPython's `asn1obj2py`.
pub(crate) type ObjectInfo = (i32, String, String, Option<String>);

fn text(p: *const c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: OpenSSL's object names are static NUL-terminated strings.
    unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
}

/// `asn1obj2py`: `None` when the object has no NID (`Unknown object`).
fn describe(obj: *const sys::ASN1_OBJECT) -> Option<ObjectInfo> {
    // SAFETY: `obj` is a live object; the getters read the static object table.
    unsafe {
        let nid = sys::OBJ_obj2nid(obj);
        if nid == sys::NID_undef {
            return None;
        }
        let sn = text(sys::OBJ_nid2sn(nid));
        let ln = text(sys::OBJ_nid2ln(nid));
        let mut buf = [0u8; 100];
        let n = sys::OBJ_obj2txt(buf.as_mut_ptr() as *mut c_char, buf.len() as c_int, obj, 1);
        let oid = (n > 0)
            .then(|| String::from_utf8_lossy(&buf[..(n as usize).min(buf.len() - 1)]).into_owned());
        Some((nid, sn, ln, oid))
    }
}

/// `OBJ_txt2obj(txt, no_name)`: `Err(true)` when OpenSSL does not parse it, `Err(false)` when it
/// parses but has no NID.
pub(crate) fn txt2obj(txt: &str, allow_names: bool) -> Result<ObjectInfo, bool> {
    let c = CString::new(txt).map_err(|_| true)?;
    // SAFETY: `c` is NUL-terminated; the returned object is owned and freed here.
    unsafe {
        let obj = OBJ_txt2obj(c.as_ptr(), if allow_names { 0 } else { 1 });
        if obj.is_null() {
            return Err(true);
        }
        let info = describe(obj);
        sys::ASN1_OBJECT_free(obj);
        info.ok_or(false)
    }
}

/// `OBJ_nid2obj(nid)`: `None` for an unknown NID.
pub(crate) fn nid2obj(nid: i32) -> Option<Option<ObjectInfo>> {
    // SAFETY: returns NULL or a static table object (not to be freed).
    let obj = unsafe { OBJ_nid2obj(nid) };
    if obj.is_null() {
        return None;
    }
    Some(describe(obj))
}

/// `OBJ_sn2nid(name)`: 0 when OpenSSL knows no such short name.
pub(crate) fn sn2nid(name: &std::ffi::CStr) -> i32 {
    // SAFETY: `name` is NUL-terminated; a table lookup.
    unsafe { OBJ_sn2nid(name.as_ptr()) }
}
