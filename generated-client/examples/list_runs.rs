//! Lists every run of a monitor, one line each: id, status, type, creation time.
//!
//! ```sh
//! EXA_API_KEY=... cargo run -p exa-websets --example list_runs -- MONITOR_ID
//! ```
//!
//! `EXA_BASE_URL`, when set, replaces the default server (a local test server, say).

use std::process::ExitCode;

use exa_websets::{Client, Error};
use futures::StreamExt;

#[tokio::main]
async fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(monitor), None) = (args.next(), args.next()) else {
        eprintln!("usage: list_runs MONITOR_ID");
        return ExitCode::from(2);
    };
    match list_runs(&monitor).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn list_runs(monitor: &str) -> Result<(), Error> {
    let mut builder = Client::builder();
    if let Ok(url) = std::env::var("EXA_BASE_URL") {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;
    let mut runs = client.monitors_runs_list(monitor).limit(100).into_stream();
    while let Some(run) = runs.next().await {
        let run = run?;
        println!("{}\t{}\t{}\t{}", run.id, run.status, run.r#type, run.created_at.to_rfc3339());
    }
    Ok(())
}
