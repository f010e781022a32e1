//! The usage example in the README, compiled (not run: it would need Exa's real server).
//! The test below also checks that README.md's first Rust block is this same code, so the
//! README cannot drift from the client's API.

// README:start
use exa_websets::{Client, Error};
use futures::StreamExt;

#[allow(dead_code)]
async fn example() -> Result<(), Error> {
    let client = Client::from_env()?; // reads EXA_API_KEY

    // One page, with the response's status and request id at hand.
    let page = client.monitors_runs_list("monitor_123").limit(50).send().await?;
    println!("{} runs, request id {:?}", page.data.len(), page.request_id());

    // Every run, following the cursor page by page.
    let mut runs = client.monitors_runs_list("monitor_123").into_stream();
    while let Some(run) = runs.next().await {
        let run = run?;
        println!("{} {} {}", run.id, run.status, run.created_at);
    }
    Ok(())
}
// README:end

#[test]
fn the_readme_example_compiles() {
    // Building the future is enough to type-check it; it is never polled.
    drop(example());
}

#[test]
fn the_readme_shows_this_code() {
    let readme = include_str!("../../README.md").replace("\r\n", "\n");
    let block = readme
        .split("```rust\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("README.md has a ```rust block");
    let this = include_str!("readme_example.rs").replace("\r\n", "\n");
    let start = "// README:start\n";
    let code = &this[this.find(start).unwrap() + start.len()..this.find("\n// README:end").unwrap()];
    assert_eq!(block, code.replace("#[allow(dead_code)]\n", ""), "README.md's example and this test differ");
}
