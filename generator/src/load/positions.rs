//! The position index: for every node of the document, the line and column it starts at.
//!
//! `serde_yaml` and `serde_json` keep no positions in their value trees, so the text is read a
//! second time, as a stream of YAML events (`saphyr-parser`, which gives every event its span)
//! or as JSON tokens (a small scanner below, since JSON needs no more), keeping one position
//! per JSON pointer. Aliases are not expanded, so the index stays as small as the text.
//!
//! A node's position is its value's when the value is a scalar (`in: qeury` points at
//! `qeury`) and its key's when the value is a mapping or a list (the line that names it).
//! The index is built only when there is something to report, and never fails: text it cannot
//! follow just leaves the rest of the index empty, and [`Positions::locate`] falls back to the
//! nearest enclosing node it knows.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, Span};

use super::{is_json, without_bom};
use crate::diagnostics::{pointer_push, Position};

/// Line and column of each JSON pointer in one source text.
#[derive(Debug, Default, Clone)]
pub struct Positions {
    by_pointer: HashMap<String, Position>,
}

impl Positions {
    /// Indexes `text`, YAML or JSON, the way [`super::parse`] reads it.
    pub fn of_text(text: &str) -> Self {
        let text = without_bom(text);
        let mut index = Indexer::default();
        if is_json(text) {
            index.json(text);
        } else {
            index.yaml(text);
        }
        Positions { by_pointer: index.found }
    }

    /// The position of exactly the node at `pointer`, if the index has it.
    pub fn get(&self, pointer: &str) -> Option<Position> {
        self.by_pointer.get(pointer).copied()
    }

    /// The position of the node at `pointer` or, when the text has no such node (a place the
    /// normalizer made, or one behind an alias), of its nearest enclosing node.
    pub fn locate(&self, pointer: &str) -> Option<Position> {
        let mut p = pointer;
        loop {
            if let Some(pos) = self.get(p) {
                return Some(pos);
            }
            if p.is_empty() {
                return None;
            }
            p = &p[..p.rfind('/').unwrap_or(0)];
        }
    }
}

/// The collection being read, and where in it the reader is.
enum Frame {
    /// A mapping at `pointer` (`None` for one no pointer can reach, such as a mapping used as
    /// a key). `key` is `None` while a key is expected, then the key's name (`None` when it is
    /// not a scalar) and position until its value has started.
    Map { pointer: Option<String>, key: Option<Option<(String, Position)>> },
    /// A list at `pointer`, and the index of its next item.
    Seq { pointer: Option<String>, next: usize },
}

#[derive(Default)]
struct Indexer {
    found: HashMap<String, Position>,
    stack: Vec<Frame>,
}

/// What kind of node starts.
#[derive(Clone, Copy, PartialEq)]
enum Node {
    Scalar,
    Map,
    Seq,
}

impl Indexer {
    /// A node starts at `at`; `key_text` is its text when it is a scalar.
    fn node(&mut self, kind: Node, at: Position, key_text: Option<&str>) {
        let (pointer, position) = match self.stack.last_mut() {
            None => (Some(String::new()), at),
            Some(Frame::Map { key: key @ None, .. }) => {
                // This node is a key.
                *key = Some(key_text.filter(|_| kind == Node::Scalar).map(|k| (k.to_owned(), at)));
                if kind != Node::Scalar {
                    self.push(kind, None);
                }
                return;
            }
            Some(Frame::Map { pointer, key: key @ Some(_) }) => {
                let entry = key.take().flatten();
                match (pointer.as_deref(), entry) {
                    (Some(base), Some((name, key_at))) => {
                        (Some(pointer_push(base, &name)), if kind == Node::Scalar { at } else { key_at })
                    }
                    _ => (None, at),
                }
            }
            Some(Frame::Seq { pointer, next }) => {
                let item = pointer.as_deref().map(|base| pointer_push(base, &next.to_string()));
                *next += 1;
                (item, at)
            }
        };
        if let Some(p) = &pointer {
            self.found.entry(p.clone()).or_insert(position);
        }
        if kind != Node::Scalar {
            self.push(kind, pointer);
        }
    }

    fn push(&mut self, kind: Node, pointer: Option<String>) {
        self.stack.push(match kind {
            Node::Map => Frame::Map { pointer, key: None },
            _ => Frame::Seq { pointer, next: 0 },
        });
    }

    fn end(&mut self) {
        self.stack.pop();
    }

    fn yaml(&mut self, text: &str) {
        let at = |span: &Span| Position::new(span.start.line(), span.start.col() + 1);
        for event in Parser::new_from_str(text) {
            let Ok((event, span)) = event else { return };
            match event {
                Event::Scalar(value, ..) => self.node(Node::Scalar, at(&span), Some(&value)),
                Event::Alias(_) => self.node(Node::Scalar, at(&span), None),
                Event::MappingStart(..) => self.node(Node::Map, at(&span), None),
                Event::SequenceStart(..) => self.node(Node::Seq, at(&span), None),
                Event::MappingEnd | Event::SequenceEnd => self.end(),
                // The generator reads the first document only.
                Event::DocumentEnd => return,
                _ => {}
            }
        }
    }

    fn json(&mut self, text: &str) {
        let mut chars = text.chars().peekable();
        let (mut line, mut column): (usize, usize) = (1, 1);
        while let Some(c) = chars.next() {
            let here = Position::new(line, column);
            column += 1;
            match c {
                '\n' => (line, column) = (line + 1, 1),
                '{' => self.node(Node::Map, here, None),
                '[' => self.node(Node::Seq, here, None),
                '}' | ']' => self.end(),
                '"' => {
                    let mut s = String::new();
                    while let Some(c) = chars.next() {
                        column += 1;
                        match c {
                            '"' => break,
                            '\\' => {
                                column += 1;
                                match chars.next() {
                                    Some('n') => s.push('\n'),
                                    Some('t') => s.push('\t'),
                                    Some('r') => s.push('\r'),
                                    Some('b') => s.push('\u{8}'),
                                    Some('f') => s.push('\u{c}'),
                                    Some('u') => {
                                        let hex: String = chars.by_ref().take(4).collect();
                                        column += hex.chars().count();
                                        s.push_str(&unicode_escape(&hex, &mut chars, &mut column));
                                    }
                                    Some(other) => s.push(other),
                                    None => return,
                                }
                            }
                            _ => s.push(c),
                        }
                    }
                    self.node(Node::Scalar, here, Some(&s));
                }
                c if c.is_whitespace() || c == ',' || c == ':' => {}
                _ => {
                    // A number, `true`, `false` or `null`: one node, up to the next delimiter.
                    self.node(Node::Scalar, here, None);
                    while chars.peek().is_some_and(|c| !(c.is_whitespace() || ",:]}".contains(*c))) {
                        chars.next();
                        column += 1;
                    }
                }
            }
        }
    }
}

/// The character of a `\uXXXX` escape whose four digits are `hex`, reading the low half of a
/// surrogate pair from `rest` when it is one. Unreadable escapes give U+FFFD.
fn unicode_escape(hex: &str, rest: &mut std::iter::Peekable<std::str::Chars<'_>>, column: &mut usize) -> String {
    let Ok(high) = u32::from_str_radix(hex, 16) else { return '\u{fffd}'.to_string() };
    if (0xD800..0xDC00).contains(&high) && rest.peek() == Some(&'\\') {
        let low: String = rest.by_ref().take(6).collect();
        *column += low.chars().count();
        if let Some(low) = low.strip_prefix("\\u").and_then(|h| u32::from_str_radix(h, 16).ok()) {
            let code = 0x10000 + ((high - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF);
            return char::from_u32(code).unwrap_or('\u{fffd}').to_string();
        }
        return '\u{fffd}'.to_string();
    }
    char::from_u32(high).unwrap_or('\u{fffd}').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: usize, column: usize) -> Option<Position> {
        Some(Position::new(line, column))
    }

    const YAML: &str = "openapi: 3.1.0
paths:
  /v0/things:
    get:
      parameters:
        - name: limit
          in: qeury
        - {name: b, in: path}
      responses:
        200:
          description: ok
";

    #[test]
    fn yaml_scalars_point_at_values_and_collections_at_keys() {
        let p = Positions::of_text(YAML);
        assert_eq!(p.get(""), pos(1, 1));
        assert_eq!(p.get("/openapi"), pos(1, 10));
        assert_eq!(p.get("/paths"), pos(2, 1));
        assert_eq!(p.get("/paths/~1v0~1things/get"), pos(4, 5));
        assert_eq!(p.get("/paths/~1v0~1things/get/parameters/0/in"), pos(7, 15));
        assert_eq!(p.get("/paths/~1v0~1things/get/parameters/1/in"), pos(8, 25));
        assert_eq!(p.get("/paths/~1v0~1things/get/responses/200"), pos(10, 9));
    }

    #[test]
    fn crlf_line_endings_give_the_same_positions() {
        let (lf, crlf) = (Positions::of_text(YAML), Positions::of_text(&YAML.replace('\n', "\r\n")));
        for pointer in ["/openapi", "/paths/~1v0~1things/get/parameters/0/in", "/paths/~1v0~1things/get/responses/200"]
        {
            assert_eq!(lf.get(pointer), crlf.get(pointer), "{pointer}");
        }
    }

    #[test]
    fn places_the_text_lacks_fall_back_to_the_nearest_enclosing_node() {
        let p = Positions::of_text(YAML);
        assert_eq!(p.get("/paths/~1v0~1things/get/parameters/0/schema"), None);
        assert_eq!(
            p.locate("/paths/~1v0~1things/get/parameters/0/schema/allOf/0"),
            p.get("/paths/~1v0~1things/get/parameters/0")
        );
        assert_eq!(p.locate("/nowhere"), pos(1, 1));
    }

    #[test]
    fn json_is_indexed_with_escapes_decoded() {
        let text = "{\n  \"paths\": {\n    \"\\/a\\u00e9\": {\"get\": {\"x\": [1, true, {\"k\": null}]}}\n  }\n}\n";
        let p = Positions::of_text(text);
        assert_eq!(p.get("/paths"), pos(2, 3));
        assert_eq!(p.get("/paths/~1a\u{e9}/get"), pos(3, 19));
        assert_eq!(p.get("/paths/~1a\u{e9}/get/x/1"), pos(3, 36));
        assert_eq!(p.get("/paths/~1a\u{e9}/get/x/2/k"), pos(3, 48));
    }

    #[test]
    fn aliases_and_odd_keys_do_not_break_the_index() {
        let text = "a: &x {b: 1}\nc: *x\n? [k]\n: v\nd: {e: [1, 2]}\n";
        let p = Positions::of_text(text);
        assert_eq!(p.get("/c"), pos(2, 4));
        assert_eq!(p.get("/c/b"), None);
        assert_eq!(p.get("/d/e/1"), pos(5, 12));
        assert!(Positions::of_text("a: [\n").get("").is_some(), "broken text keeps what was read");
        assert_eq!(Positions::of_text("\u{feff}{\"a\": 1}").get("/a"), pos(1, 7));
    }
}
