//! The usage example in the README, compiled (not run: it would need Exa's real server), so
//! that the README cannot drift from the client's API.

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

#[test]
fn the_readme_example_compiles() {
    // Building the future is enough to type-check it; it is never polled.
    drop(example());
}
