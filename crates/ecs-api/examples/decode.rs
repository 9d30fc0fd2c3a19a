//! `cargo run -p ecs-api --example decode -- KIND FILE`: decodes FILE as KIND and prints the
//! decoded value as pretty JSON, or a one-line error and exits non-zero. For `fault` the output
//! names the shape of error body recognised (`"shape": "huawei_error"`, ...), and the error for
//! a body that is no error document names its shape too (`html_page`, `plain_text`, ...).

use std::io::Write as _;
use std::process::ExitCode;

use ecs_api::decode::{DecodeKind, decode_kind};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [kind, file] = args.as_slice() else {
        let kinds = DecodeKind::ALL.map(DecodeKind::name).join(", ");
        eprintln!("usage: decode KIND FILE  (KIND: {kinds})");
        return ExitCode::from(2);
    };
    let kind: DecodeKind = match kind.parse() {
        Ok(kind) => kind,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    let decoded = std::fs::read(file)
        .map_err(|err| format!("cannot read {file}: {err}"))
        .and_then(|body| decode_kind(kind, &body).map_err(|err| err.to_string()));
    match decoded {
        Ok(value) => {
            let pretty = serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string());
            // A closed pipe (e.g. `| head`) is not an error worth a panic.
            let _ = writeln!(std::io::stdout().lock(), "{pretty}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}
