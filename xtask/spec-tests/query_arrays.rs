//! Copied by `cargo xtask check-specs` into the crate generated from the `query_arrays`
//! fixture: the query string sent for every list parameter, required and optional, in each
//! style (`form`, `spaceDelimited`, `pipeDelimited`), exploded and joined, for strings,
//! integers, numbers, booleans, enum values and dates.

mod support;

use chrono::NaiveDate;
use fixture_query_arrays::Client;
use support::{serve, Server};

fn client(server: &Server) -> Client {
    Client::builder().base_url(&server.base).build().unwrap()
}

fn days() -> Vec<NaiveDate> {
    vec![NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(), NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()]
}

/// The request's query string decoded into pairs, in order (`+` and `%XX` undone).
fn query_pairs(request: &str) -> Vec<(String, String)> {
    let target = request.split(' ').nth(1).unwrap();
    let query = target.split_once('?').map_or("", |(_, q)| q);
    let decode = |s: &str| {
        let bytes = s.replace('+', " ").into_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i] == b'%' {
                out.push(u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap(), 16).unwrap());
                i += 3;
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    };
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (decode(k), decode(v))
        })
        .collect()
}

/// The pairs expected for one list: repeated when exploded, else joined with `sep`.
fn expected(name: &str, values: &[&str], sep: Option<&str>) -> Vec<(String, String)> {
    match sep {
        None => values.iter().map(|v| (name.to_owned(), (*v).to_owned())).collect(),
        Some(sep) => vec![(name.to_owned(), values.join(sep))],
    }
}

/// Every parameter of one operation, required first then optional, as the spec lists them.
fn all_expected(sep: Option<&str>, with_optional: bool) -> Vec<(String, String)> {
    let lists: [(&str, &[&str]); 6] = [
        ("str", &["a", "b c"]),
        ("int", &["1", "-2"]),
        ("num", &["1.5", "2"]),
        ("flag", &["true", "false"]),
        ("color", &["red", "dark blue"]),
        ("day", &["2024-02-29", "2025-01-01"]),
    ];
    let mut out = Vec::new();
    for prefix in if with_optional { ["req", "opt"].as_slice() } else { ["req"].as_slice() } {
        for (name, values) in lists {
            out.extend(expected(&format!("{prefix}_{name}"), values, sep));
        }
    }
    out
}

macro_rules! check {
    ($method:ident, $sep:expr) => {{
        let server = serve(vec![(204, "text/plain", "")]);
        let client = client(&server);
        let strings = || vec!["a".to_owned(), "b c".to_owned()];
        // Each parameter's inline enum is its own type (one schema, one type, named where it
        // is written); every one of them reads the same values.
        fn colors<T: for<'a> From<&'a str>>() -> Vec<T> {
            vec![T::from("red"), T::from("dark blue")]
        }
        client
            .$method(strings(), vec![1, -2], vec![1.5, 2.0], vec![true, false], colors(), days())
            .send()
            .await
            .unwrap();
        client
            .$method(strings(), vec![1, -2], vec![1.5, 2.0], vec![true, false], colors(), days())
            .opt_str(strings())
            .opt_int(vec![1, -2])
            .opt_num(vec![1.5, 2.0])
            .opt_flag(vec![true, false])
            .opt_color(colors())
            .opt_day(days())
            .send()
            .await
            .unwrap();
        let requests = server.requests.lock().unwrap();
        assert_eq!(query_pairs(&requests[0]), all_expected($sep, false), "{}", requests[0]);
        assert_eq!(query_pairs(&requests[1]), all_expected($sep, true), "{}", requests[1]);
    }};
}

#[tokio::test]
async fn form_exploded_repeats_the_name() {
    check!(form_exploded, None);
}

#[tokio::test]
async fn form_joined_uses_commas() {
    check!(form_joined, Some(","));
}

#[tokio::test]
async fn space_delimited_exploded_repeats_the_name() {
    check!(space_delimited_exploded, None);
}

#[tokio::test]
async fn space_delimited_joined_uses_spaces() {
    check!(space_delimited_joined, Some(" "));
}

#[tokio::test]
async fn pipe_delimited_exploded_repeats_the_name() {
    check!(pipe_delimited_exploded, None);
}

#[tokio::test]
async fn pipe_delimited_joined_uses_pipes() {
    check!(pipe_delimited_joined, Some("|"));
}

#[tokio::test]
async fn empty_lists_are_sent_as_the_style_says() {
    let server = serve(vec![(204, "text/plain", "")]);
    client(&server).form_exploded(vec![], vec![], vec![], vec![], vec![], vec![]).send().await.unwrap();
    client(&server).form_joined(vec![], vec![], vec![], vec![], vec![], vec![]).send().await.unwrap();
    let requests = server.requests.lock().unwrap();
    // Exploded, an empty list has no pairs; joined, each is the name with an empty value.
    assert_eq!(query_pairs(&requests[0]), vec![], "{}", requests[0]);
    let names = ["req_str", "req_int", "req_num", "req_flag", "req_color", "req_day"];
    let empty: Vec<(String, String)> = names.iter().map(|n| ((*n).to_owned(), String::new())).collect();
    assert_eq!(query_pairs(&requests[1]), empty, "{}", requests[1]);
}
