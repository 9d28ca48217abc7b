//! The values a keyword struct's methods set where its `&str` field cannot hold them (a path,
//! `bytes`, a callable password): one hidden field of that type in each struct, filled by
//! `..Default::default()`, read back through the struct's resolvers.

use super::context::Password;
use crate::path_arg::{AsPathArg, PathArg, StrOrBytes};

/// Keyword values given through the methods of a keyword struct (`.capath(b"certs/")`,
/// `.server_hostname(b"example.org")`, ...). Not for use in Rust code: a literal fills it with
/// `..Default::default()`.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, Default)]
pub struct KwValues<'a> {
    pub(crate) certfile: Option<PathArg<'a>>,
    pub(crate) keyfile: Option<PathArg<'a>>,
    pub(crate) cafile: Option<PathArg<'a>>,
    pub(crate) capath: Option<PathArg<'a>>,
    pub(crate) ca_certs: Option<PathArg<'a>>,
    pub(crate) password: Option<Password<'a>>,
    pub(crate) server_hostname: Option<StrOrBytes<'a>>,
}

/// A path keyword's value: the `&str` field when set (a literal written after a method call
/// wins), else what a method set.
pub(crate) fn pick<'a>(
    field: Option<&'a str>,
    by_method: Option<PathArg<'a>>,
) -> Option<PathArg<'a>> {
    field.map(|s| s.as_path_arg()).or(by_method)
}

/// A `str`-or-`bytes` keyword's value, likewise.
pub(crate) fn pick_str_or_bytes<'a>(
    field: Option<&'a str>,
    by_method: Option<StrOrBytes<'a>>,
) -> Option<StrOrBytes<'a>> {
    field.map(StrOrBytes::Str).or(by_method)
}

/// The path methods and resolvers of a keyword struct, one per `(field, method)`.
macro_rules! path_keywords {
    ($ty:ident { $($field:ident, $arg:ident: $python:literal;)* }) => {
        impl<'a> $ty<'a> {
            $(
                #[doc = concat!("`", $python, "=` given as any Python file name: `str`, `bytes` ",
                    "or path ([`AsPathArg`](crate::ssl::AsPathArg)), e.g. `.", stringify!($field),
                    "(b\"name\")` or `.", stringify!($field), "(&path)`.")]
                pub fn $field(
                    mut self,
                    value: &'a (impl $crate::path_arg::AsPathArg + ?Sized),
                ) -> Self {
                    self.$field = None;
                    self._set_by_methods.$field = Some(value.as_path_arg());
                    self
                }

                #[doc = concat!("The `", $python, "` Python would see.")]
                pub(crate) fn $arg(&self) -> Option<$crate::path_arg::PathArg<'a>> {
                    $crate::ssl::kw_values::pick(self.$field, self._set_by_methods.$field)
                }
            )*
        }
    };
}

/// The `cadata` method of a keyword struct.
macro_rules! cadata_keyword {
    ($ty:ident) => {
        impl<'a> $ty<'a> {
            /// `cadata=` as Python's `str` (PEM) or `bytes` (DER): `.cadata(&pem_text)`,
            /// `.cadata(&der_bytes)`.
            pub fn cadata(mut self, cadata: impl Into<$crate::ssl::Cadata<'a>>) -> Self {
                self.cadata = Some(cadata.into());
                self
            }
        }
    };
}

pub(crate) use cadata_keyword;
pub(crate) use path_keywords;
