//! Stage 1: source text (YAML or JSON) to a JSON value tree, and the index that maps a JSON
//! pointer back to its line and column in the text ([`Positions`]).
//!
//! YAML is read into `serde_yaml::Value` first, not straight into `serde_json::Value`, because
//! YAML allows non-string keys (`200:` for a response code) that JSON's model does not.

mod positions;

use serde_json::{Map, Number, Value};

pub use positions::Positions;

use crate::diagnostics::{Error, Location};

/// Is this text JSON (rather than YAML)? Both parsers and the position index ask the same way.
fn is_json(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// The text without a leading byte order mark, which is no part of line 1's columns.
fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Parses a spec written in YAML or JSON.
pub fn parse(text: &str) -> Result<Value, Error> {
    let text = without_bom(text);
    if text.trim().is_empty() {
        return Err(Error::document("the file is empty; expected an OpenAPI document in YAML or JSON"));
    }
    if is_json(text) {
        return serde_json::from_str(text)
            .map_err(|e| Error::at_text(e.line(), e.column(), format!("not valid JSON: {e}")));
    }
    let yaml: serde_yaml::Value = crate::yaml::from_str(text).map_err(|e| {
        let location = match e.location() {
            Some(l) => Location::text(l.line(), l.column()),
            None => Location::document(),
        };
        Error { location, message: format!("not valid YAML: {e}"), warnings: Vec::new(), internal: false }
    })?;
    let value = yaml_to_json(yaml, "")?;
    if !value.is_object() {
        return Err(Error::document("the document's top level is not a mapping; expected an OpenAPI object"));
    }
    Ok(value)
}

fn yaml_to_json(value: serde_yaml::Value, pointer: &str) -> Result<Value, Error> {
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => number(&n, pointer)?,
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| yaml_to_json(v, &crate::diagnostics::pointer_push(pointer, &i.to_string())))
                .collect::<Result<_, _>>()?,
        ),
        Y::Mapping(entries) => {
            let mut map = Map::with_capacity(entries.len());
            for (k, v) in entries {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_owned(),
                    _ => return Err(Error::at(pointer, "a mapping key is a list or mapping; keys must be scalars")),
                };
                let child = crate::diagnostics::pointer_push(pointer, &key);
                let v = yaml_to_json(v, &child)?;
                map.insert(key, v);
            }
            Value::Object(map)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, pointer)?,
    })
}

fn number(n: &serde_yaml::Number, pointer: &str) -> Result<Value, Error> {
    if let Some(i) = n.as_i64() {
        Ok(Value::Number(i.into()))
    } else if let Some(u) = n.as_u64() {
        Ok(Value::Number(u.into()))
    } else {
        let f = n.as_f64().unwrap_or(f64::NAN);
        Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| Error::at(pointer, format!("the number {n} has no JSON representation")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_numeric_keys_become_strings() {
        let v = parse("responses:\n  200:\n    description: ok\n").unwrap();
        assert_eq!(v["responses"]["200"]["description"], "ok");
    }

    #[test]
    fn json_errors_count_lines_from_the_top_of_the_file() {
        let err = parse("\n\n{\"openapi\": }").unwrap_err();
        assert_eq!(err.location.position.map(|p| p.line), Some(3), "{err}");
    }

    #[test]
    fn json_is_read_as_json() {
        let v = parse("{\"openapi\": \"3.1.0\"}").unwrap();
        assert_eq!(v["openapi"], "3.1.0");
    }

    #[test]
    fn yaml_errors_carry_line_and_column() {
        let err = parse("a: 1\n<<<<<<< HEAD\nb: [\n").unwrap_err();
        assert!(err.location.position.is_some_and(|p| p.line >= 2), "{err}");
    }

    #[test]
    fn empty_and_scalar_documents_are_refused() {
        assert_eq!(parse("  \n").unwrap_err().location, Location::document());
        assert!(parse("just a string").unwrap_err().message.contains("top level"));
    }
}
