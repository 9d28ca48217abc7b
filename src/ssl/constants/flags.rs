//! Python's `IntFlag` classes of `ssl`: [`Options`] (`ssl.Options`, the `OP_*` constants) and
//! [`VerifyFlags`] (`ssl.VerifyFlags`, the `VERIFY_*` constants).
//!
//! ```text
//! Python:  ctx.options |= ssl.OP_NO_TICKET; ctx.verify_flags |= ssl.VERIFY_X509_STRICT
//! Rust:    ctx.set_options(ssl::OP_NO_TICKET)?; ctx.set_verify_flags(ssl::VERIFY_X509_STRICT);
//! ```
//!
//! Values come from the linked OpenSSL's headers (through `openssl_sys`), as CPython takes them.
//! Printing follows Python 3.13's `enum` module exactly, including its corner cases:
//!
//! * `repr()` of a member is `<Options.OP_NO_SSLv3: 33554432>`; of a value that is no member it
//!   lists the single-bit members present (lowest bit first), then the multi-bit members
//!   (`OP_ALL`, `VERIFY_CRL_CHECK_CHAIN`) whose bits are all present, in definition order, then
//!   any remaining bits as one decimal number: `<Options.OP_LEGACY_SERVER_CONNECT|2147483648:
//!   2147483652>`. A value with no named bit prints as `<Options: 1>`.
//! * Definition order is Python's `_convert_` order: by value, then by name. So `Options(0)` is
//!   `OP_NO_SSLv2` (`OP_SINGLE_DH_USE` and `OP_SINGLE_ECDH_USE` are its aliases).
//! * `str()` (our `Display`) is the bare integer.
//! * `~flag` (our `!flag`) stays non-negative: Python inverts within the class's bit width
//!   (`2**flag_mask.bit_length() - 1`, 32 bits for `Options` here), widening for larger values.

use std::fmt;
use std::ops::{BitAnd, BitAndAssign, BitOr, BitOrAssign, BitXor, BitXorAssign, Not};
use std::sync::OnceLock;

use crate::pyrepr::PyRepr;

/// What Python's `Flag` machinery derives from a class's members.
#[derive(Debug)]
pub(crate) struct FlagClass {
    /// `cls.__name__`.
    name: &'static str,
    /// `(name, value)` in definition order (by value, then name), aliases included.
    members: Vec<(&'static str, u64)>,
    /// `_flag_mask_`: every bit of every member.
    flag_mask: u64,
    /// `_singles_mask_`: the bits of the single-bit members.
    singles_mask: u64,
    /// `_all_bits_`: `2**flag_mask.bit_length() - 1`.
    all_bits: u64,
}

impl FlagClass {
    fn new(name: &'static str, mut members: Vec<(&'static str, u64)>) -> FlagClass {
        members.sort_by(|a, b| (a.1, a.0).cmp(&(b.1, b.0)));
        let flag_mask = members.iter().fold(0, |m, &(_, v)| m | v);
        let singles_mask = members
            .iter()
            .filter(|(_, v)| v.count_ones() == 1)
            .fold(0, |m, &(_, v)| m | v);
        let width = 64 - flag_mask.leading_zeros();
        let all_bits = if width == 64 {
            u64::MAX
        } else {
            (1u64 << width) - 1
        };
        FlagClass {
            name,
            members,
            flag_mask,
            singles_mask,
            all_bits,
        }
    }

    /// The canonical (first defined) member with exactly this value.
    fn member(&self, value: u64) -> Option<&'static str> {
        self.members
            .iter()
            .find(|&&(_, v)| v == value)
            .map(|&(n, _)| n)
    }

    /// Python's `flag.name`: a member's name, `A|B|123` for a composite, `None` when no
    /// member's bits are present (Python 3.13 `Flag._missing_`).
    fn name(&self, value: u64) -> Option<String> {
        if let Some(name) = self.member(value) {
            return Some(name.to_string());
        }
        let member_value = value & self.singles_mask;
        let aliases = value & !self.singles_mask;
        let mut names: Vec<&str> = Vec::new();
        let mut values: Vec<u64> = Vec::new();
        let mut combined = 0u64;
        let mut bits = member_value;
        while bits != 0 {
            let bit = bits & bits.wrapping_neg();
            bits &= !bit;
            if let Some(name) = self.member(bit) {
                names.push(name);
                values.push(bit);
                combined |= bit;
            }
        }
        if aliases != 0 {
            for &(name, v) in &self.members {
                if v != 0 && !values.contains(&v) && v & value == v {
                    names.push(name);
                    values.push(v);
                    combined |= v;
                }
            }
        }
        if combined == 0 {
            return None;
        }
        let mut name = names.join("|");
        let unknown = value ^ combined;
        if unknown != 0 {
            name.push_str(&format!("|{unknown}"));
        }
        Some(name)
    }

    /// Python's `repr(flag)`.
    fn repr(&self, value: u64) -> String {
        match self.name(value) {
            Some(name) => format!("<{}.{}: {}>", self.name, name, value),
            None => format!("<{}: {}>", self.name, value),
        }
    }

    /// Python's `~flag` for `boundary=KEEP` (IntFlag): `cls(~value)`, which maps the negative
    /// number back into `all_bits`, or into the next power of two above a wider value.
    /// Only `~Flag(2**64 - 1)` leaves `u64` (Python gives `2**64`); it wraps to 0 here.
    fn invert(&self, value: u64) -> u64 {
        let all = i128::from(self.all_bits);
        let mut v = !i128::from(value);
        let outside = all ^ i128::from(self.flag_mask);
        let out_of_range = !(!all <= v && v <= all) || v & outside != 0;
        if out_of_range && v < 0 {
            let bit_length = 128 - v.unsigned_abs().leading_zeros();
            v += std::cmp::max(all + 1, 1i128 << bit_length);
        }
        if v < 0 {
            v += all + 1;
        }
        v as u64
    }
}

/// Defines an `IntFlag` newtype: its members as associated constants with module-level aliases,
/// operators, conversions and Python's printing.
macro_rules! int_flag {
    (
        $(#[$tmeta:meta])*
        $ty:ident;
        $( $(#[$cfg:meta])* $member:ident = $value:expr => $doc:literal; )*
    ) => {
        $(#[$tmeta])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
        pub struct $ty(u64);

        #[allow(non_upper_case_globals, clippy::unnecessary_cast)]
        impl $ty {
            $(
                $(#[$cfg])*
                #[doc = concat!("`ssl.", stringify!($ty), ".", stringify!($member), "` → `ssl::",
                    stringify!($ty), "::", stringify!($member), "`: ", $doc)]
                pub const $member: $ty = $ty(($value) as u64);
            )*

            /// Python's `ssl.Flag(value)`: any bits are kept (IntFlag's `boundary=KEEP`).
            pub const fn from_bits(value: u64) -> $ty {
                $ty(value)
            }

            /// Python's `int(flag)` (or `flag.value`).
            pub const fn value(self) -> u64 {
                self.0
            }

            /// Python's `other in flag`: every bit of `other` is set in `self`.
            pub const fn contains(self, other: $ty) -> bool {
                self.0 & other.0 == other.0
            }

            /// Python's `not flag`: no bit set.
            pub const fn is_empty(self) -> bool {
                self.0 == 0
            }

            /// Python's `Flag.__members__.items()`: every member name (aliases included) with its
            /// value, in definition order (by value, then name).
            pub fn members() -> Vec<(&'static str, $ty)> {
                Self::class().members.iter().map(|&(name, v)| (name, $ty(v))).collect()
            }

            /// Python's `flag.name`: `Some("OP_NO_SSLv3")`, `Some("A|B|123")` for a composite,
            /// `None` when no member's bits are present.
            pub fn name(self) -> Option<String> {
                Self::class().name(self.0)
            }

            #[allow(clippy::vec_init_then_push)]
            fn class() -> &'static FlagClass {
                static CLASS: OnceLock<FlagClass> = OnceLock::new();
                CLASS.get_or_init(|| {
                    // One `push` per member so that `#[cfg]`-gated members drop out.
                    #[allow(unused_mut)]
                    let mut members: Vec<(&'static str, u64)> = Vec::new();
                    $(
                        $(#[$cfg])*
                        members.push((stringify!($member), ($value) as u64));
                    )*
                    FlagClass::new(stringify!($ty), members)
                })
            }
        }

        $(
            $(#[$cfg])*
            #[allow(non_upper_case_globals)]
            #[doc = concat!("`ssl.", stringify!($member), "` → `ssl::", stringify!($member),
                "` (same as [`", stringify!($ty), "::", stringify!($member), "`]): ", $doc)]
            pub const $member: $ty = $ty::$member;
        )*

        impl PyRepr for $ty {
            /// Python 3.13's `repr()`, e.g. `<Options.OP_NO_SSLv3: 33554432>`.
            fn py_repr(&self) -> String {
                Self::class().repr(self.0)
            }

            /// Python's `str()`: the bare integer.
            fn py_str(&self) -> String {
                self.value().to_string()
            }
        }

        impl fmt::Display for $ty {
            /// Python's `str()`: the bare integer.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:#x})", stringify!($ty), self.0)
            }
        }

        impl BitOr for $ty {
            type Output = $ty;
            /// Python's `a | b`.
            fn bitor(self, rhs: $ty) -> $ty {
                $ty(self.0 | rhs.0)
            }
        }

        impl BitAnd for $ty {
            type Output = $ty;
            /// Python's `a & b`.
            fn bitand(self, rhs: $ty) -> $ty {
                $ty(self.0 & rhs.0)
            }
        }

        impl BitXor for $ty {
            type Output = $ty;
            /// Python's `a ^ b`.
            fn bitxor(self, rhs: $ty) -> $ty {
                $ty(self.0 ^ rhs.0)
            }
        }

        impl Not for $ty {
            type Output = $ty;
            /// Python's `~flag`, inverted within the class's bit width (never negative).
            fn not(self) -> $ty {
                $ty(Self::class().invert(self.0))
            }
        }

        impl BitOrAssign for $ty {
            /// Python's `a |= b`.
            fn bitor_assign(&mut self, rhs: $ty) {
                self.0 |= rhs.0;
            }
        }

        impl BitAndAssign for $ty {
            /// Python's `a &= b`.
            fn bitand_assign(&mut self, rhs: $ty) {
                self.0 &= rhs.0;
            }
        }

        impl BitXorAssign for $ty {
            /// Python's `a ^= b`.
            fn bitxor_assign(&mut self, rhs: $ty) {
                self.0 ^= rhs.0;
            }
        }

        impl From<u64> for $ty {
            fn from(value: u64) -> $ty {
                $ty(value)
            }
        }

        impl From<$ty> for u64 {
            fn from(flag: $ty) -> u64 {
                flag.0
            }
        }

        impl PartialEq<u64> for $ty {
            /// Python's `flag == 4` (IntFlag compares as an int).
            fn eq(&self, other: &u64) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<$ty> for u64 {
            fn eq(&self, other: &$ty) -> bool {
                *self == other.0
            }
        }
    };
}

/// `SSL_OP_ENABLE_KTLS` (OpenSSL 3.0+), which `openssl_sys` does not export.
#[cfg(ossl300)]
const SSL_OP_ENABLE_KTLS: u64 = 0x0000_0008;

int_flag! {
    /// Python's `ssl.Options` (an `IntFlag`): the `OP_*` option bits of a context.
    ///
    /// ```text
    /// Python:  ctx.options |= ssl.OP_NO_TLSv1 | ssl.OP_NO_TLSv1_1
    /// Rust:    ctx.set_options(ssl::OP_NO_TLSv1 | ssl::OP_NO_TLSv1_1)?;
    /// Python:  print(repr(ctx.options), int(ctx.options))
    /// Rust:    println!("{} {}", ctx.options().py_repr(), ctx.options().value());
    /// ```
    ///
    /// Members are Python 3.13's (with `OP_LEGACY_SERVER_CONNECT` and `OP_ENABLE_KTLS`), valued
    /// from the linked OpenSSL; `OP_IGNORE_UNEXPECTED_EOF` and `OP_ENABLE_KTLS` exist only on
    /// OpenSSL 3.0+, as in CPython.
    Options;
    OP_ALL = openssl_sys::SSL_OP_ALL & !openssl_sys::SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS
        => "OpenSSL's bug workarounds (`SSL_OP_ALL` minus `SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS`).";
    OP_NO_SSLv2 = openssl_sys::SSL_OP_NO_SSLv2 => "no SSLv2 (0: OpenSSL has no SSLv2).";
    OP_NO_SSLv3 = openssl_sys::SSL_OP_NO_SSLv3 => "no SSLv3 (deprecated in Python).";
    OP_NO_TLSv1 = openssl_sys::SSL_OP_NO_TLSv1 => "no TLS 1.0 (deprecated in Python).";
    OP_NO_TLSv1_1 = openssl_sys::SSL_OP_NO_TLSv1_1 => "no TLS 1.1 (deprecated in Python).";
    OP_NO_TLSv1_2 = openssl_sys::SSL_OP_NO_TLSv1_2 => "no TLS 1.2 (deprecated in Python).";
    OP_NO_TLSv1_3 = openssl_sys::SSL_OP_NO_TLSv1_3 => "no TLS 1.3 (deprecated in Python).";
    OP_CIPHER_SERVER_PREFERENCE = openssl_sys::SSL_OP_CIPHER_SERVER_PREFERENCE
        => "the server's cipher order wins.";
    OP_SINGLE_DH_USE = openssl_sys::SSL_OP_SINGLE_DH_USE
        => "0 on OpenSSL 1.1+ (an alias of `OP_NO_SSLv2`).";
    OP_SINGLE_ECDH_USE = openssl_sys::SSL_OP_SINGLE_ECDH_USE
        => "0 on OpenSSL 1.1+ (an alias of `OP_NO_SSLv2`).";
    OP_NO_COMPRESSION = openssl_sys::SSL_OP_NO_COMPRESSION => "no TLS compression.";
    OP_NO_TICKET = openssl_sys::SSL_OP_NO_TICKET => "no stateless session tickets.";
    OP_NO_RENEGOTIATION = openssl_sys::SSL_OP_NO_RENEGOTIATION => "refuse renegotiation.";
    OP_ENABLE_MIDDLEBOX_COMPAT = openssl_sys::SSL_OP_ENABLE_MIDDLEBOX_COMPAT
        => "TLS 1.3 middlebox compatibility mode.";
    #[cfg(ossl300)]
    OP_IGNORE_UNEXPECTED_EOF = openssl_sys::SSL_OP_IGNORE_UNEXPECTED_EOF
        => "treat a peer's EOF without close_notify as a clean close (OpenSSL 3.0+).";
    OP_LEGACY_SERVER_CONNECT = openssl_sys::SSL_OP_LEGACY_SERVER_CONNECT
        => "allow servers without secure renegotiation (Python 3.12+).";
    #[cfg(ossl300)]
    OP_ENABLE_KTLS = SSL_OP_ENABLE_KTLS => "kernel TLS offload (OpenSSL 3.0+, Python 3.12+).";
}

int_flag! {
    /// Python's `ssl.VerifyFlags` (an `IntFlag`): the `VERIFY_*` certificate-verification flags
    /// (OpenSSL's `X509_V_FLAG_*`).
    ///
    /// ```text
    /// Python:  ctx.verify_flags |= ssl.VERIFY_CRL_CHECK_LEAF
    /// Rust:    ctx.set_verify_flags(ssl::VERIFY_CRL_CHECK_LEAF);
    /// ```
    VerifyFlags;
    VERIFY_DEFAULT = 0u64 => "no extra checks.";
    VERIFY_CRL_CHECK_LEAF = openssl_sys::X509_V_FLAG_CRL_CHECK
        => "check the leaf certificate against a CRL.";
    VERIFY_CRL_CHECK_CHAIN =
        openssl_sys::X509_V_FLAG_CRL_CHECK | openssl_sys::X509_V_FLAG_CRL_CHECK_ALL
        => "check every certificate of the chain against CRLs (two bits).";
    VERIFY_X509_STRICT = openssl_sys::X509_V_FLAG_X509_STRICT
        => "reject malformed certificates.";
    VERIFY_ALLOW_PROXY_CERTS = openssl_sys::X509_V_FLAG_ALLOW_PROXY_CERTS
        => "allow proxy certificates.";
    VERIFY_X509_TRUSTED_FIRST = openssl_sys::X509_V_FLAG_TRUSTED_FIRST
        => "prefer trusted certificates when building the chain.";
    VERIFY_X509_PARTIAL_CHAIN = openssl_sys::X509_V_FLAG_PARTIAL_CHAIN
        => "accept a chain ending at any trusted certificate.";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invert_stays_in_width() {
        assert_eq!((!OP_NO_SSLv3).value(), 0xFDFF_FFFF);
        assert_eq!((!VERIFY_DEFAULT).value(), 0xF_FFFF);
        assert_eq!((!Options::from_bits(0xFFFF_FFFF)).value(), 0);
        assert_eq!((!Options::from_bits(1 << 63)).value(), (1 << 63) - 1);
    }

    #[test]
    fn zero_and_unnamed_values() {
        assert_eq!(Options::from_bits(0).py_repr(), "<Options.OP_NO_SSLv2: 0>");
        assert_eq!(Options::from_bits(1).py_repr(), "<Options: 1>");
        assert_eq!(VerifyFlags::from_bits(8).py_repr(), "<VerifyFlags: 8>");
        assert_eq!(OP_SINGLE_DH_USE.name().as_deref(), Some("OP_NO_SSLv2"));
    }
}
