//! Spec descriptions as `///` comments that rustdoc renders as written and that raise no
//! rustdoc warnings: spec text is Markdown for a web page, not for rustdoc, so brackets
//! would become intra-doc links, `<string>` an unclosed HTML tag, bare URLs a lint, and
//! fenced or indented code a doctest.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` attributes, one per line of `text`, or nothing for `None`.
pub fn doc(text: Option<&str>) -> TokenStream {
    match text {
        Some(t) if !t.trim().is_empty() => lines(&render(t)),
        _ => TokenStream::new(),
    }
}

/// Several doc sections separated by blank lines.
pub fn doc_sections(sections: &[Option<String>]) -> TokenStream {
    let parts: Vec<String> = sections.iter().flatten().filter(|s| !s.trim().is_empty()).map(|s| render(s)).collect();
    if parts.is_empty() {
        return TokenStream::new();
    }
    lines(&parts.join("\n\n"))
}

/// The first sentence of a spec description's first paragraph, rustdoc-safe and on one
/// line (ending with its full stop), for a one-line summary; `None` for an empty text.
pub fn first_sentence(text: &str) -> Option<String> {
    let paragraph = text.trim().split("\n\n").next()?.split_whitespace().collect::<Vec<_>>().join(" ");
    let end = paragraph.find(". ").map_or(paragraph.len(), |i| i + 1);
    let sentence = paragraph[..end].trim_end_matches(':').trim();
    if sentence.is_empty() || sentence.starts_with("```") {
        return None;
    }
    let sentence = escape_line(sentence);
    Some(if sentence.ends_with(['.', '!', '?']) { sentence } else { format!("{sentence}.") })
}

/// The `# Arguments` section of a method's docs (after a blank line): a list item per
/// argument the spec describes, `` - `name`: `` and its description, whose further lines
/// and paragraphs are indented to stay in the item. Nothing when none is described.
pub fn arguments(args: &[(String, Option<String>)]) -> TokenStream {
    let described: Vec<(&String, String)> = args
        .iter()
        .filter_map(|(name, d)| Some((name, render(d.as_deref()?))))
        .filter(|(_, d)| !d.is_empty())
        .collect();
    if described.is_empty() {
        return TokenStream::new();
    }
    let mut text = String::from("\n# Arguments\n");
    for (name, description) in described {
        let all: Vec<&str> = description.lines().collect();
        let opens_block = |line: &str| {
            let line = line.trim_start();
            ["```", "~~~", "|", "***", "___"].iter().any(|b| line.starts_with(b))
                || line.split(' ').next().is_some_and(starts_a_block)
        };
        // The first paragraph is wrapped again behind the name; a description that starts
        // with a block (a fence, a list, a heading) starts on the line after it.
        let first_len = if opens_block(all[0]) {
            text.push_str(&format!("- `{name}`:\n"));
            0
        } else {
            let len =
                all.iter().position(|l| l.is_empty() || l.starts_with(' ') || opens_block(l)).unwrap_or(all.len());
            let mut item = Vec::new();
            wrap("", &format!("- `{name}`: {}", all[..len].join(" ")), &mut item);
            for line in item {
                text.push_str(&line);
                text.push('\n');
            }
            len
        };
        for line in &all[first_len..] {
            if !line.is_empty() {
                text.push_str("  ");
                text.push_str(line);
            }
            text.push('\n');
        }
    }
    lines(&text)
}

/// Doc attributes for text this generator writes itself (already valid rustdoc), its long
/// lines wrapped as the spec's are.
pub fn own(text: &str) -> TokenStream {
    let mut wrapped = Vec::new();
    for line in text.lines() {
        wrap("", line, &mut wrapped);
    }
    lines(&wrapped.join("\n"))
}

fn lines(text: &str) -> TokenStream {
    let attrs = text.lines().map(|l| {
        let l = if l.is_empty() { String::new() } else { format!(" {l}") };
        quote!(#[doc = #l])
    });
    quote!(#(#attrs)*)
}

/// Rewrites Markdown from a spec into rustdoc-safe Markdown.
pub fn render(text: &str) -> String {
    let mut out = Vec::new();
    let mut in_fence = false;
    // Where the text of the list item being written starts, while inside one.
    let mut item: Option<usize> = None;
    // A bare carriage return may not appear in a doc comment: it ends a line, as in old Mac text.
    for raw in text.trim().replace("\r\n", "\n").replace('\r', "\n").replace('\t', "    ").lines() {
        let trimmed = raw.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            let fence = &trimmed[..3];
            if in_fence {
                out.push(fence.to_owned());
            } else {
                // Whatever language the spec names, this is not a Rust doctest.
                out.push(format!("{fence}text"));
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(raw.trim_end().to_owned());
            continue;
        }
        let raw_indent = raw.len() - trimmed.len();
        let first = trimmed.split(' ').next().unwrap_or_default();
        // Four spaces would start an indented code block (a doctest), except under a list item.
        let indent = if trimmed.is_empty() {
            item = None;
            0
        } else if let Some(marker) = list_marker(trimmed) {
            // One space after the marker (`1.   Get` as `1. Get`): the item's text then
            // starts where its continuation lines are indented to.
            let line = format!("{marker} {}", trimmed[marker.len()..].trim());
            let indent = raw_indent.min(item.map_or(3, |i| i + 3));
            item = Some(indent + width(marker) + 1);
            wrap(&" ".repeat(indent), &escape_line(&line), &mut out);
            continue;
        } else if starts_a_block(first) {
            item = None;
            raw_indent.min(3)
        } else if let Some(text_at) = item {
            // A line that continues a list item is indented under its text: Markdown reads
            // it so anyway, and a lazy continuation is a lint.
            raw_indent.clamp(text_at, text_at + 3)
        } else {
            raw_indent.min(3)
        };
        wrap(&" ".repeat(indent), &escape_line(trimmed.trim_end()), &mut out);
    }
    if in_fence {
        out.push("```".to_owned());
    }
    out.join("\n")
}

/// Longest line of doc text written, not counting the `///` and indentation before it.
const WIDTH: usize = 92;

/// Would a line starting with `word` read as a list item, heading, quote or rule?
fn starts_a_block(word: &str) -> bool {
    matches!(word, "-" | "*" | "+" | ">" | "=" | "|")
        || word.starts_with('#')
        || word.starts_with("---")
        || word.starts_with("===")
        || word.strip_suffix(['.', ')']).is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// Width of text as a reader counts it: characters, not bytes.
fn width(text: &str) -> usize {
    text.chars().count()
}

/// The marker of a list item (`-`, `*`, `+`, `1.`, `2)`) that `line` starts with.
fn list_marker(line: &str) -> Option<&str> {
    let (first, rest) = line.split_once(' ').unwrap_or((line, ""));
    let bullet = matches!(first, "-" | "*" | "+");
    let numbered = first
        .strip_suffix(['.', ')'])
        .is_some_and(|n| !n.is_empty() && n.len() <= 9 && n.chars().all(|c| c.is_ascii_digit()));
    ((bullet || numbered) && !rest.trim().is_empty()).then_some(first)
}

/// Wraps one Markdown line at [`WIDTH`], indenting continuations of list items under their
/// text, and never breaking where the next line would start a new block.
fn wrap(indent: &str, line: &str, out: &mut Vec<String>) {
    if width(line) <= WIDTH || line.starts_with('|') || line.starts_with('#') {
        out.push(format!("{indent}{line}"));
        return;
    }
    let marker =
        line.split(' ').next().filter(|w| starts_a_block(w) && !w.starts_with('#')).map_or(0, |m| width(m) + 1);
    let continuation = format!("{indent}{}", " ".repeat(marker.min(4)));
    let mut current = String::from(indent);
    let mut current_len = 0;
    for word in line.split(' ').filter(|w| !w.is_empty()) {
        if current_len > 0 && current_len + 1 + width(word) > WIDTH && !starts_a_block(word) {
            out.push(std::mem::replace(&mut current, continuation.clone()));
            current_len = 0;
        }
        if current_len > 0 {
            current.push(' ');
            current_len += 1;
        }
        current.push_str(word);
        current_len += width(word);
    }
    out.push(current);
}

/// Escapes one line outside code spans.
fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    for (i, part) in line.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 && line.matches('`').count() % 2 == 0 {
            out.push_str(part); // inside a code span
        } else {
            out.push_str(&escape_prose(part));
        }
    }
    out
}

fn escape_prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while !rest.is_empty() {
        // A Markdown autolink (`<https://...>`) is already what a bare URL becomes.
        if let Some(url_len) = rest.strip_prefix('<').and_then(url_at).filter(|n| rest[1 + n..].starts_with('>')) {
            out.push_str(&rest[..url_len + 2]);
            rest = &rest[url_len + 2..];
            continue;
        }
        if let Some(url_len) = url_at(rest) {
            let url = &rest[..url_len];
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url_len..];
            continue;
        }
        let c = rest.chars().next().expect("rest is not empty");
        match c {
            '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Length of an http(s) URL starting at the beginning of `s`, if one does.
fn url_at(s: &str) -> Option<usize> {
    if !(s.starts_with("https://") || s.starts_with("http://")) {
        return None;
    }
    let end = s.find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | ']')).unwrap_or(s.len());
    let url = s[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', '\'']);
    (url.len() > "https://".len()).then_some(url.len())
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn markdown_is_made_rustdoc_safe() {
        assert_eq!(render("Returns a <string> & [list]"), "Returns a &lt;string&gt; &amp; \\[list\\]");
        assert_eq!(render("See https://exa.ai/docs."), "See <https://exa.ai/docs>.");
        assert_eq!(render("See <https://exa.ai/docs>."), "See <https://exa.ai/docs>.", "an autolink is kept");
        assert_eq!(render("<https://a.b> <c> <https://x"), "<https://a.b> &lt;c&gt; &lt;<https://x>");
        assert_eq!(render("Use `a[0] <b>` here"), "Use `a[0] <b>` here");
        assert_eq!(render("```js\nlet x = [1];\n```"), "```text\nlet x = [1];\n```");
        assert_eq!(render("a\n        indented"), "a\n   indented");
        assert_eq!(render("```\nunclosed"), "```text\nunclosed\n```");
    }

    /// The doc text that doc attributes carry, one line each.
    fn doc_text(tokens: proc_macro2::TokenStream) -> String {
        let file: syn::File = syn::parse2(quote::quote!(#tokens fn f() {})).unwrap();
        let lines = file.items[0].clone();
        let syn::Item::Fn(f) = lines else { unreachable!() };
        let text = f.attrs.iter().map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => s.value(),
                _ => unreachable!(),
            },
            _ => unreachable!(),
        });
        text.map(|l| l.strip_prefix(' ').unwrap_or(&l).to_owned()).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn arguments_are_list_items_that_keep_their_paragraphs() {
        use super::arguments;
        let args = [
            ("id".to_owned(), Some("The run's id.\n\nFrom `GET /runs`.".to_owned())),
            ("quiet".to_owned(), None),
            ("r#type".to_owned(), Some("- `a`: one\n- `b`: two".to_owned())),
            ("body".to_owned(), Some(format!("{} end", "word ".repeat(30).trim()))),
        ];
        let text = doc_text(arguments(&args));
        assert!(text.lines().all(|l| l.chars().count() <= super::WIDTH), "wrapped as other docs: {text}");
        assert_eq!(
            text,
            "\n# Arguments\n- `id`: The run's id.\n\n  From `GET /runs`.\n- `r#type`:\n  - `a`: one\n  - `b`: two\n\
             - `body`: word word word word word word word word word word word word word word word word\n  \
             word word word word word word word word word word word word word word end"
        );
        assert!(arguments(&[("quiet".to_owned(), None), ("x".to_owned(), Some(" ".to_owned()))]).is_empty());
    }

    #[test]
    fn first_sentences_are_one_line_summaries() {
        use super::first_sentence;
        assert_eq!(first_sentence("\n\nThe number of items. At most 100.").as_deref(), Some("The number of items."));
        assert_eq!(first_sentence("Items to\nskip:\n\n- a").as_deref(), Some("Items to skip."));
        assert_eq!(
            first_sentence("See [docs] at https://exa.ai").as_deref(),
            Some("See \\[docs\\] at <https://exa.ai>.")
        );
        assert_eq!(first_sentence("  \n"), None);
    }

    #[test]
    fn long_lines_wrap_without_starting_blocks() {
        let long = format!("{} - 5 items", "word ".repeat(20).trim());
        let wrapped = render(&long);
        assert!(wrapped.lines().all(|l| l.len() <= super::WIDTH), "{wrapped}");
        assert!(wrapped.lines().skip(1).all(|l| !l.starts_with("- ")), "{wrapped}");
        let item = format!("- {}", "word ".repeat(30).trim());
        let wrapped = render(&item);
        assert!(wrapped.lines().skip(1).all(|l| l.starts_with("  word")), "{wrapped}");
    }

    #[test]
    fn list_item_continuations_are_indented_under_the_text() {
        let text = "Intro\n* `now` returns nothing and\nthe latest position.\n* `0` returns all.\n\nAfter.";
        assert_eq!(
            render(text),
            "Intro\n* `now` returns nothing and\n  the latest position.\n* `0` returns all.\n\nAfter."
        );
        let nested = "1. First\n   - Call this:\n   1. one\n   2. two\n10. Tenth\n![img](x)\n# Heading";
        assert_eq!(
            render(nested),
            "1. First\n   - Call this:\n   1. one\n   2. two\n10. Tenth\n    !\\[img\\](x)\n# Heading"
        );
        assert_eq!(render("a\rb\r\nc"), "a\nb\nc");
        let spaced = "0.  Open\n1.   Get this:\n\t- Call that\n      and more";
        assert_eq!(render(spaced), "0. Open\n1. Get this:\n    - Call that\n      and more");
    }

    #[test]
    fn wrapping_is_character_safe() {
        // Words ending in multi-byte characters, at and around the wrap point, once panicked.
        for word in ["“Pretty”", "Certainty™", "1”", "2™)", "日本語.", "é)", "🦀"] {
            for n in 1..40 {
                let line = format!("{} {}", "x".repeat(n), [word; 30].join(" "));
                let wrapped = render(&line);
                assert!(wrapped.lines().all(|l| l.chars().count() <= super::WIDTH), "{wrapped}");
                assert_eq!(wrapped.split_whitespace().collect::<Vec<_>>(), line.split_whitespace().collect::<Vec<_>>());
            }
        }
        assert!(super::starts_a_block("12."));
        assert!(!super::starts_a_block("™."));
        assert!(!super::starts_a_block("."));
    }
}
