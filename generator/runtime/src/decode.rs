//! Decoding unions, and placing decoding errors that happen inside them (and encoding the
//! tag of a union whose variants do not declare it); open enums ([`open_enum!`](crate::open_enum));
//! both serde impls of structs ([`json_object!`](crate::json_object)).
//!
//! A union's `Deserialize` reads the value whole (as a [`serde_json::Value`]) and then tries
//! its variants on it, each decoded from the value's JSON text by the deserializer that
//! reads response bodies, so that a type's decoding code is compiled once. Two things would
//! be lost that way, and this module keeps them:
//!
//! - **The choice.** [`Untagged`] tries every variant, most specific first (the generator
//!   orders them: integers before numbers, known enum values before plain strings, objects
//!   with more required properties before looser ones), and takes the first whose
//!   re-encoding is the value exactly, so that nothing is dropped or rewritten; failing
//!   that, the first that fits.
//! - **The place.** An error inside a variant names the path inside the union's value in
//!   its message (`` at `company.name`: invalid type: null ``). [`crate::client::decode_json`]
//!   joins it to the path outside the union and [`locate`] finds the failing value in the
//!   body, so the error names `data[0].properties.company.name` and quotes that value.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// The prefix of a message that carries a path inside a union's value.
const AT: &str = "at `";
/// What ends that path.
const AT_END: &str = "`: ";

/// A variant's failure: the path inside the union's value, and what was wrong there.
#[derive(Debug, Clone)]
struct Failure {
    path: String,
    message: String,
    depth: usize,
}

impl Failure {
    fn of(err: serde_path_to_error::Error<serde_json::Error>) -> Self {
        let outer = err.path().to_string();
        let (path, message) = split_path(&outer, &without_position(&err.into_inner()));
        let depth = segments(&path).map_or(0, |s| s.len());
        Failure { path, message, depth }
    }

    fn into_error<E: serde::de::Error>(self) -> E {
        E::custom(format!("{AT}{}{AT_END}{}", self.path, self.message))
    }
}

/// An error's message without the line and column that `serde_json` adds when it reads
/// text: inside a union they would count in the re-encoded value, not in the body.
pub(crate) fn without_position(err: &serde_json::Error) -> String {
    let mut text = err.to_string();
    let position = format!(" at line {} column {}", err.line(), err.column());
    if err.line() != 0 && text.ends_with(&position) {
        text.truncate(text.len() - position.len());
    }
    text
}

/// Joins two paths as `serde_path_to_error` prints them (`.` is the whole value).
fn join(outer: &str, inner: &str) -> String {
    match (outer, inner) {
        ("" | ".", inner) => inner.to_owned(),
        (outer, "" | ".") => outer.to_owned(),
        (outer, inner) if inner.starts_with('[') => format!("{outer}{inner}"),
        (outer, inner) => format!("{outer}.{inner}"),
    }
}

/// Splits a message made by a union (`` at `path`: message ``) into the path, joined to
/// `outer`, and the message; other messages are at `outer` itself.
pub fn split_path(outer: &str, message: &str) -> (String, String) {
    match message.strip_prefix(AT).and_then(|rest| rest.split_once(AT_END)) {
        Some((inner, message)) => (join(outer, inner), message.to_owned()),
        None => (outer.to_owned(), message.to_owned()),
    }
}

/// Decodes the variant a union's tag selected; an error names the place inside `value`.
///
/// # Errors
/// When `value` is not a `T`, with the path inside it.
pub fn variant<T: DeserializeOwned, E: serde::de::Error>(value: &Value) -> Result<T, E> {
    from_text(&encode(value)).map_err(|e| Failure::of(e).into_error())
}

/// A value as JSON text, which variants decode from (see [`from_text`]).
fn encode<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

/// Decodes a variant from JSON text, through the same deserializer as a response body
/// ([`crate::client::decode_json`]) rather than from the `Value` in hand: the compiler then
/// makes one copy of each type's decoding code, not two. Re-reading the text costs a little
/// time per union; it saves a large part of a crate's build.
fn from_text<T: DeserializeOwned>(text: &[u8]) -> Result<T, serde_path_to_error::Error<serde_json::Error>> {
    let mut de = serde_json::Deserializer::from_slice(text);
    serde_path_to_error::deserialize(&mut de)
}

/// A value re-encoded as `serde_json` would send it, through the same serializer as a
/// request body ([`crate::client::Request::json_body`]), for the same reason as [`from_text`].
fn reencode<T: Serialize + ?Sized>(value: &T) -> Result<Value, serde_json::Error> {
    serde_json::from_slice(&serde_json::to_vec(value)?)
}

/// Encodes a tagged union's variant whose type does not declare the tag property, with the
/// tag written in.
///
/// # Errors
/// When `variant` cannot be encoded.
pub fn with_tag<T: Serialize, S: serde::Serializer>(
    variant: &T,
    tag: &str,
    value: &str,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut encoded = reencode(variant).map_err(serde::ser::Error::custom)?;
    if let Value::Object(object) = &mut encoded {
        object.entry(tag).or_insert_with(|| Value::String(value.to_owned()));
    }
    encoded.serialize(serializer)
}

/// Picks the variant of a union without a tag. The generated `Deserialize` calls
/// [`Untagged::variant`] for each variant, most specific first, then [`Untagged::finish`].
pub struct Untagged<'v, U> {
    value: &'v Value,
    /// `value` as JSON text, which the variants decode from.
    text: Vec<u8>,
    /// A variant whose re-encoding is the value exactly: the choice.
    exact: Option<U>,
    /// The first variant that fits otherwise.
    fits: Option<U>,
    /// The first that fits only as an enum value the client does not know.
    unknown_value: Option<U>,
    /// The failure that got furthest into the value, among variants of its JSON kind.
    failure: Option<Failure>,
}

impl<'v, U: Serialize> Untagged<'v, U> {
    /// Starts picking a variant for `value`.
    pub fn new(value: &'v Value) -> Self {
        Untagged { value, text: encode(value), exact: None, fits: None, unknown_value: None, failure: None }
    }

    /// Tries a variant. `plausible` says whether the value is of the JSON kind the variant
    /// reads (only then does its failure count as an error); `known` whether a decoded
    /// value is one the variant really lists (false for an open enum's catch-all).
    pub fn variant<T: DeserializeOwned>(
        &mut self,
        plausible: bool,
        known: impl FnOnce(&T) -> bool,
        wrap: impl FnOnce(T) -> U,
    ) -> &mut Self {
        if self.exact.is_some() {
            return self;
        }
        match from_text::<T>(&self.text) {
            Ok(decoded) => {
                let known = known(&decoded);
                let decoded = wrap(decoded);
                if !known {
                    self.unknown_value.get_or_insert(decoded);
                } else if reencode(&decoded).is_ok_and(|again| again == *self.value) {
                    self.exact = Some(decoded);
                } else {
                    self.fits.get_or_insert(decoded);
                }
            }
            Err(err) if plausible => {
                let failure = Failure::of(err);
                if self.failure.as_ref().is_none_or(|f| failure.depth > f.depth) {
                    self.failure = Some(failure);
                }
            }
            Err(_) => {}
        }
        self
    }

    /// The chosen variant; else an error at the place the most plausible variant failed;
    /// else, for a value of a kind no variant reads, `fallback` keeps it as sent.
    ///
    /// # Errors
    /// When the value is of a kind some variant reads, but no variant can read it.
    pub fn finish<E: serde::de::Error>(&mut self, fallback: impl FnOnce(Value) -> U) -> Result<U, E> {
        if let Some(chosen) = self.exact.take().or_else(|| self.fits.take()).or_else(|| self.unknown_value.take()) {
            return Ok(chosen);
        }
        match self.failure.take() {
            Some(failure) => Err(failure.into_error()),
            None => Ok(fallback(self.value.clone())),
        }
    }
}

/// A key of a JSON object, borrowed from the input when the deserializer allows it (when it
/// has no escapes), so that reading a key the type knows allocates nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key<'de>(std::borrow::Cow<'de, str>);

impl Key<'_> {
    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key as an owned string, for a map of the properties a type does not name.
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: serde::de::Error>(self, value: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(value)))
            }

            fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(value.to_owned())))
            }

            fn visit_string<E: serde::de::Error>(self, value: String) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(value)))
            }
        }

        deserializer.deserialize_str(Visitor)
    }
}

/// `Serialize` and `Deserialize` for a generated struct, as a JSON object: what serde's
/// derives give for the attributes the generator would use, in less code (so that crates
/// with hundreds of models compile faster), and with each JSON name written once. Each field
/// is `rust_name: "json name" kind`, where `kind` is
///
/// - `required`: the property must be present (else serde's ``missing field `x` `` error),
///   and is always written;
/// - `nullable`: a required `Option<T>`, `None` when absent or `null`, always written
///   (`None` as `null`);
/// - `optional`: an `Option<T>`, `None` when absent or `null`, and left out when `None`;
/// - `present`: an `Option<U>` that is `Some` whenever the property is present, `null`
///   included, and left out when `None` (an optional nullable field, `U = Option<T>`, whose
///   `Some(None)` is written as `null`, or an optional `serde_json::Value`).
///
/// After the fields, `..name` names the field that keeps every other property, a
/// `BTreeMap<String, V>` (the schema's `additionalProperties`), written after the declared
/// ones; without it, other properties are skipped when reading. Reading anything but an
/// object is an error (``expected struct Name``). A property given twice keeps its last
/// value. Properties are written in the order listed.
///
/// For example (this crate is named after each generated crate, so the example is not run
/// as a doc test; the unit tests below run the same):
///
/// ```ignore
/// struct Pet {
///     name: String,
///     tag: Option<String>,
///     owner: Option<Option<String>>,
/// }
///
/// runtime::json_object!(Pet {
///     name: "name" required,
///     tag: "tag" optional,
///     owner: "ownerName" present,
/// });
///
/// let pet: Pet = serde_json::from_str(r#"{"name": "Rex", "ownerName": null}"#).unwrap();
/// assert_eq!((pet.name.as_str(), pet.tag, pet.owner), ("Rex", None, Some(None)));
/// assert_eq!(serde_json::to_string(&pet).unwrap(), r#"{"name":"Rex","ownerName":null}"#);
/// ```
#[macro_export]
macro_rules! json_object {
    // Names inside are `__`-prefixed or absolute: the generated type may be called `Visitor`,
    // `A` or `Result`.
    ($ty:ident { $($field:ident: $json:literal $kind:ident),* $(,)? $(.. $rest:ident)? }) => {
        #[allow(deprecated)]
        impl $crate::__serde::Serialize for $ty {
            fn serialize<__S: $crate::__serde::Serializer>(
                &self,
                serializer: __S,
            ) -> ::core::result::Result<__S::Ok, __S::Error> {
                // What serde's derive writes: a struct of the properties present (the
                // exact count, which formats other than JSON may need), or a map when the
                // struct keeps additional properties.
                let __len = 0 $(+ $crate::__object_field!(count $kind, self.$field))*;
                $crate::__object_field!(serialize self, serializer, __len, $ty { $($field: $json $kind),* } $(..$rest)?)
            }
        }

        #[allow(deprecated)]
        impl<'de> $crate::__serde::Deserialize<'de> for $ty {
            fn deserialize<__D: $crate::__serde::Deserializer<'de>>(
                deserializer: __D,
            ) -> ::core::result::Result<Self, __D::Error> {
                struct __Visitor;

                #[allow(deprecated)]
                impl<'de> $crate::__serde::de::Visitor<'de> for __Visitor {
                    type Value = $ty;

                    fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.write_str(concat!("struct ", stringify!($ty)))
                    }

                    // A local per field, named as the field: lints about local names are the
                    // fields' business.
                    #[allow(
                        non_snake_case,
                        clippy::disallowed_names,
                        clippy::just_underscores_and_digits,
                        clippy::many_single_char_names,
                        clippy::similar_names
                    )]
                    fn visit_map<__A: $crate::__serde::de::MapAccess<'de>>(
                        self,
                        mut map: __A,
                    ) -> ::core::result::Result<$ty, __A::Error> {
                        $(let mut $field = ::core::option::Option::None;)*
                        $(let mut $rest = ::std::collections::BTreeMap::new();)?
                        while let ::core::option::Option::Some(key) =
                            $crate::__try!(map.next_key::<$crate::decode::Key<'de>>())
                        {
                            match key.as_str() {
                                $($json => $crate::__object_field!(read $kind, $field, map),)*
                                _ => $crate::__object_field!(other map, key $(, $rest)?),
                            }
                        }
                        ::core::result::Result::Ok($ty {
                            $($field: $crate::__object_field!(done $kind, $field, $json, __A),)*
                            $($rest,)?
                        })
                    }
                }

                deserializer.deserialize_map(__Visitor)
            }
        }
    };
}

/// The impls of a generated open enum: an enum with a unit variant per value the spec lists
/// and a variant that keeps any other string as sent, written
/// `open_enum!(Name { Variant: "value", ..., ..Fallback })`. It gives `as_str` (the value as
/// sent), `is_known` (not the fallback), `From<&str>`, `Display` (the value), `Serialize` (the
/// value as a JSON string) and `Deserialize` (any JSON string, read by [`Key`]'s visitor, the
/// same for every enum, so that a deserializer's `deserialize_str` is compiled once); the
/// generated enum keeps its own derives and docs. For example (not run as a doc test, as
/// above; the unit tests run it):
///
/// ```ignore
/// #[derive(Debug, Clone, PartialEq)]
/// enum Status {
///     Running,
///     Done,
///     Unknown(String),
/// }
///
/// runtime::open_enum!(Status { Running: "running", Done: "done", ..Unknown });
///
/// let status: Status = serde_json::from_str(r#""paused""#).unwrap();
/// assert_eq!(status, Status::Unknown("paused".into()));
/// assert_eq!(serde_json::to_string(&status).unwrap(), r#""paused""#);
/// assert_eq!((Status::Done.as_str(), Status::from("done").is_known()), ("done", true));
/// ```
#[macro_export]
macro_rules! open_enum {
    ($ty:ident { $($variant:ident: $value:literal),* $(,)? ..$fallback:ident }) => {
        impl $ty {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::$fallback(value) => value,
                }
            }

            /// Whether the value is one the spec lists, not one kept as sent.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::$fallback(_))
            }
        }

        impl ::core::convert::From<&str> for $ty {
            fn from(value: &str) -> Self {
                match value {
                    $($value => Self::$variant,)*
                    other => Self::$fallback(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        impl ::core::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__serde::Serialize for $ty {
            fn serialize<__S: $crate::__serde::Serializer>(
                &self,
                serializer: __S,
            ) -> ::core::result::Result<__S::Ok, __S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__serde::Deserialize<'de> for $ty {
            fn deserialize<__D: $crate::__serde::Deserializer<'de>>(
                deserializer: __D,
            ) -> ::core::result::Result<Self, __D::Error> {
                match <$crate::decode::Key<'de> as $crate::__serde::Deserialize<'de>>::deserialize(deserializer) {
                    ::core::result::Result::Ok(text) => ::core::result::Result::Ok(Self::from(text.as_str())),
                    ::core::result::Result::Err(error) => ::core::result::Result::Err(error),
                }
            }
        }
    };
}

/// The parts of [`json_object!`] that differ by field kind.
#[doc(hidden)]
#[macro_export]
macro_rules! __object_field {
    (read optional, $slot:ident, $map:ident) => {
        $slot = $crate::__try!($map.next_value())
    };
    (read nullable, $slot:ident, $map:ident) => {
        $slot = $crate::__try!($map.next_value())
    };
    (read $kind:ident, $slot:ident, $map:ident) => {
        $slot = ::core::option::Option::Some($crate::__try!($map.next_value()))
    };
    (done required, $slot:ident, $json:literal, $error:ident) => {
        match $slot {
            ::core::option::Option::Some(__value) => __value,
            ::core::option::Option::None => {
                return ::core::result::Result::Err(<$error::Error as $crate::__serde::de::Error>::missing_field(
                    $json,
                ));
            }
        }
    };
    (done $kind:ident, $slot:ident, $json:literal, $error:ident) => {
        $slot
    };
    (count required, $value:expr) => {
        1
    };
    (count nullable, $value:expr) => {
        1
    };
    (count $kind:ident, $value:expr) => {
        usize::from($value.is_some())
    };
    (serialize $self:ident, $serializer:ident, $len:ident, $ty:ident { $($field:ident: $json:literal $kind:ident),* }) => {{
        use $crate::__serde::ser::SerializeStruct as _;
        let mut __state = $crate::__try!($serializer.serialize_struct(stringify!($ty), $len));
        $($crate::__object_field!(write $kind, __state, serialize_field, skip_field, $json, $self.$field);)*
        __state.end()
    }};
    (serialize $self:ident, $serializer:ident, $len:ident, $ty:ident { $($field:ident: $json:literal $kind:ident),* } ..$rest:ident) => {{
        use $crate::__serde::ser::SerializeMap as _;
        let __len = ::core::option::Option::Some($len + $self.$rest.len());
        let mut __state = $crate::__try!($serializer.serialize_map(__len));
        $($crate::__object_field!(write $kind, __state, serialize_entry, ignore, $json, $self.$field);)*
        for (__key, __value) in &$self.$rest {
            $crate::__try!(__state.serialize_entry(__key, __value));
        }
        __state.end()
    }};
    (write required, $state:ident, $write:ident, $skip:ident, $json:literal, $value:expr) => {
        $crate::__try!($state.$write($json, &$value))
    };
    (write nullable, $state:ident, $write:ident, $skip:ident, $json:literal, $value:expr) => {
        $crate::__try!($state.$write($json, &$value))
    };
    (write $kind:ident, $state:ident, $write:ident, $skip:ident, $json:literal, $value:expr) => {
        match &$value {
            ::core::option::Option::Some(__value) => $crate::__try!($state.$write($json, __value)),
            ::core::option::Option::None => $crate::__object_field!(skip $skip, $state, $json),
        }
    };
    (skip skip_field, $state:ident, $json:literal) => {
        $crate::__try!($state.skip_field($json))
    };
    (skip ignore, $state:ident, $json:literal) => {
        ()
    };
    (other $map:ident, $key:ident) => {{
        $crate::__try!($map.next_value::<$crate::__serde::de::IgnoredAny>());
    }};
    (other $map:ident, $key:ident, $rest:ident) => {{
        $rest.insert($key.into_string(), $crate::__try!($map.next_value()));
    }};
}

/// `?` without its conversion: the macros above expand to one per field, and a plain
/// `match` is much less for the compiler to check than `?`'s `Try` and `From` calls (a
/// fifth off `cargo check` of a crate with a hundred models).
#[doc(hidden)]
#[macro_export]
macro_rules! __try {
    ($e:expr) => {
        match $e {
            ::core::result::Result::Ok(__value) => __value,
            ::core::result::Result::Err(__error) => return ::core::result::Result::Err(__error),
        }
    };
}

/// The line and column (both from 1) of the value at `path` (as `serde_path_to_error`
/// prints paths: `data[0].properties.name`) in the JSON text `body`, if it is there.
pub fn locate(body: &[u8], path: &str) -> Option<(usize, usize)> {
    let mut at = skip_space(body, 0);
    for segment in segments(path)? {
        at = match segment {
            Segment::Key(key) => member(body, at, |k| k == key)?,
            Segment::Index(index) => element(body, at, index)?,
        };
    }
    let before = &body[..at];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    Some((line, at - line_start + 1))
}

enum Segment<'p> {
    Key(&'p str),
    Index(usize),
}

fn segments(path: &str) -> Option<Vec<Segment<'_>>> {
    let mut out = Vec::new();
    if path.is_empty() || path == "." {
        return Some(out);
    }
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            let (index, after) = after.split_once(']')?;
            out.push(Segment::Index(index.parse().ok()?));
            rest = after;
        } else {
            let rest_key = rest.strip_prefix('.').unwrap_or(rest);
            let end = rest_key.find(['.', '[']).unwrap_or(rest_key.len());
            out.push(Segment::Key(&rest_key[..end]));
            rest = &rest_key[end..];
        }
    }
    Some(out)
}

fn skip_space(body: &[u8], mut at: usize) -> usize {
    while body.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

/// The offset of the value of the first member of the object at `at` whose key passes.
fn member(body: &[u8], at: usize, wanted: impl Fn(&str) -> bool) -> Option<usize> {
    if body.get(at) != Some(&b'{') {
        return None;
    }
    let mut at = skip_space(body, at + 1);
    loop {
        let key_end = skip_value(body, at)?;
        let key: String = serde_json::from_slice(&body[at..key_end]).ok()?;
        at = skip_space(body, key_end);
        if body.get(at) != Some(&b':') {
            return None;
        }
        at = skip_space(body, at + 1);
        if wanted(&key) {
            return Some(at);
        }
        at = skip_space(body, skip_value(body, at)?);
        if body.get(at) != Some(&b',') {
            return None;
        }
        at = skip_space(body, at + 1);
    }
}

/// The offset of element `index` of the array at `at`.
fn element(body: &[u8], at: usize, index: usize) -> Option<usize> {
    if body.get(at) != Some(&b'[') {
        return None;
    }
    let mut at = skip_space(body, at + 1);
    for _ in 0..index {
        if body.get(at) == Some(&b']') {
            return None;
        }
        at = skip_space(body, skip_value(body, at)?);
        if body.get(at) != Some(&b',') {
            return None;
        }
        at = skip_space(body, at + 1);
    }
    (body.get(at) != Some(&b']')).then_some(at)
}

/// The offset just after the JSON value that starts at `at`.
fn skip_value(body: &[u8], mut at: usize) -> Option<usize> {
    let mut depth = 0usize;
    loop {
        match *body.get(at)? {
            b'"' => {
                at += 1;
                loop {
                    match *body.get(at)? {
                        b'\\' => at += 2,
                        b'"' => break,
                        _ => at += 1,
                    }
                }
                at += 1;
            }
            b'{' | b'[' => {
                depth += 1;
                at += 1;
            }
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                at += 1;
            }
            _ if depth == 0 => {
                while body.get(at).is_some_and(|b| !b",}] \t\r\n".contains(b)) {
                    at += 1;
                }
                return Some(at);
            }
            _ => at += 1,
        }
        if depth == 0 {
            return Some(at);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Object {
        id: i64,
        name: Option<String>,
        note: Option<Option<String>>,
        raw: Option<serde_json::Value>,
        #[deprecated]
        old: Option<bool>,
        gone: Option<i64>,
        rest: std::collections::BTreeMap<String, i64>,
    }

    crate::json_object!(Object {
        id: "id" required,
        name: "na\"me" optional,
        note: "note" present,
        raw: "raw" present,
        old: "old" optional,
        gone: "gone" nullable,
        ..rest
    });

    #[derive(Debug, PartialEq)]
    struct Closed {
        r#type: String,
    }

    crate::json_object!(Closed { r#type: "type" required });

    // Names the macro uses inside, as a spec may name its types and fields.
    #[derive(Debug, PartialEq)]
    struct Visitor {
        map: i64,
        key: Option<String>,
        deserializer: Option<Option<A>>,
    }

    #[derive(Debug, PartialEq)]
    struct A {
        f: bool,
    }

    crate::json_object!(Visitor { map: "map" required, key: "key" optional, deserializer: "d" present });
    crate::json_object!(A { f: "f" required });

    #[test]
    #[allow(deprecated)]
    fn objects_read_like_serdes_derive() {
        let read = |json: &str| serde_json::from_str::<Object>(json);
        let all =
            read(r#"{"id": 1, "na\"me": "x", "note": null, "raw": null, "old": true, "a": 2, "i\u0064": 3}"#).unwrap();
        assert_eq!(all.id, 3, "a property given twice keeps its last value (an escaped key too)");
        assert_eq!(all.name.as_deref(), Some("x"));
        assert_eq!(all.note, Some(None), "present and null");
        assert_eq!(all.raw, Some(serde_json::Value::Null), "null is a value");
        assert_eq!(all.old, Some(true));
        assert_eq!(all.gone, None, "nullable and absent");
        assert_eq!(all.rest, [("a".to_owned(), 2)].into());
        let few = read(r#"{"id": 1, "na\"me": null}"#).unwrap();
        assert_eq!((few.name, few.note, few.raw), (None, None, None), "absent");
        assert_eq!(few.rest.len(), 0);
        let err = read(r#"{"na\"me": "x"}"#).unwrap_err().to_string();
        assert!(err.starts_with("missing field `id`"), "{err}");
        let err = read(r#"{"id": 1, "b": "two"}"#).unwrap_err().to_string();
        assert!(err.contains("expected i64"), "{err}");
        let err = serde_json::from_str::<Closed>("[1]").unwrap_err().to_string();
        assert!(err.contains("expected struct Closed"), "{err}");
        let closed = serde_json::from_str::<Closed>(r#"{"other": [1, {"x": null}], "type": "t"}"#).unwrap();
        assert_eq!(closed.r#type, "t", "other properties are skipped");
        let named = serde_json::from_str::<Visitor>(r#"{"map": 1, "key": "k", "d": {"f": true}}"#).unwrap();
        assert_eq!(named, Visitor { map: 1, key: Some("k".into()), deserializer: Some(Some(A { f: true })) });
        let path = serde_path_to_error::deserialize::<_, Object>(&mut serde_json::Deserializer::from_str(
            r#"{"id": 1, "note": 5}"#,
        ))
        .unwrap_err();
        assert_eq!(path.path().to_string(), "note");
    }

    #[test]
    #[allow(deprecated)]
    fn objects_write_like_serdes_derive() {
        let write = |json: &str| serde_json::to_string(&serde_json::from_str::<Object>(json).unwrap()).unwrap();
        // Listed order, the extra properties last; absent optional properties left out; a
        // nullable one written as null; null kept where it is a value.
        assert_eq!(write(r#"{"z": 1, "id": 1}"#), r#"{"id":1,"gone":null,"z":1}"#);
        assert_eq!(
            write(r#"{"raw": null, "note": null, "old": false, "na\"me": "n", "gone": 2, "id": 1}"#),
            r#"{"id":1,"na\"me":"n","note":null,"raw":null,"old":false,"gone":2}"#
        );
        assert_eq!(write(r#"{"note": "x", "raw": [1], "id": 1}"#), r#"{"id":1,"note":"x","raw":[1],"gone":null}"#);
        let named = Visitor { map: 1, key: None, deserializer: Some(None) };
        assert_eq!(serde_json::to_string(&named).unwrap(), r#"{"map":1,"d":null}"#);
    }

    #[derive(Debug, Clone, PartialEq)]
    enum Status {
        Running,
        Done,
        Unknown(String),
    }

    crate::open_enum!(Status { Running: "running", Done: "done", ..Unknown });

    #[test]
    fn the_open_enum_macro_keeps_values_it_does_not_list() {
        let status: Status = serde_json::from_str(r#""paused""#).unwrap();
        assert_eq!(status, Status::Unknown("paused".into()));
        assert_eq!(serde_json::to_string(&status).unwrap(), r#""paused""#);
        assert_eq!(serde_json::to_string(&Status::Running).unwrap(), r#""running""#);
        assert_eq!((Status::Done.as_str(), Status::from("done").is_known()), ("done", true));
        assert_eq!(Status::Running.to_string(), "running");
        assert!(!status.is_known());
    }

    #[test]
    fn open_enums_keep_unknown_strings_and_refuse_other_values() {
        let read = |json: &str| serde_json::from_str::<Status>(json);
        assert_eq!(read(r#""done""#).unwrap(), Status::Done);
        assert_eq!(read(r#""d\u006fne""#).unwrap(), Status::Done, "escaped strings are read too");
        assert_eq!(read(r#""mauve""#).unwrap(), Status::Unknown("mauve".into()));
        let err = read("3").unwrap_err().to_string();
        assert!(err.contains("expected a string"), "{err}");
    }

    #[test]
    fn paths_are_found_in_the_text() {
        let body = br#"{"data": [ {"a": 1}, {"properties": {"company": {"x": [1, "]"], "name": null}}} ]}"#;
        let (line, column) = locate(body, "data[1].properties.company.name").unwrap();
        assert_eq!(line, 1);
        assert!(body[column - 1..].starts_with(b"null"), "{column}");
        assert_eq!(locate(body, "."), Some((1, 1)));
        assert_eq!(locate(body, "data[2]"), None);
        assert_eq!(locate(body, "nope"), None);
        let body = b"{\n  \"a\": [\n    true,\n    {\"b\\\"c\": 5}\n  ]\n}";
        assert_eq!(locate(body, "a[1].b\"c"), Some((4, 14)));
    }

    #[test]
    fn union_paths_compose() {
        assert_eq!(
            split_path("data[0].properties", "at `company.name`: bad"),
            ("data[0].properties.company.name".into(), "bad".into())
        );
        assert_eq!(split_path(".", "at `[2]`: bad"), ("[2]".into(), "bad".into()));
        assert_eq!(split_path("a", "at `.`: bad"), ("a".into(), "bad".into()));
        assert_eq!(split_path("a", "plain"), ("a".into(), "plain".into()));
    }
}
