//! The whole pipeline (load, normalise, model, emit, format) on arbitrary input: it must
//! return, with files or an error, and never panic, overflow its stack or run away.
#![no_main]

use generator::{generate, Layout, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let options = Options {
        crate_name: "fuzzed".into(),
        crate_version: "0.1.0".into(),
        api_key_env: None,
        regenerate_command: "fuzz".into(),
        layout: Layout::Standalone,
        ref_root: None,
    };
    // `generate` turns a panic into an internal error; for the fuzzer that is a crash.
    if let Err(e) = generate(text, &options) {
        assert!(!e.is_internal(), "{e}");
    }
});
