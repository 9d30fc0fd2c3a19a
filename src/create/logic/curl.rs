//! "Copy as curl": the create request as a shell command that can be pasted into a terminal,
//! with the token left out.

/// What stands in for the token; the user substitutes their own.
pub const TOKEN_PLACEHOLDER: &str = "$OS_TOKEN";

/// Quotes `text` for a POSIX shell: single quotes, with embedded single quotes closed, escaped
/// and reopened, so nothing inside is expanded.
pub fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// A `curl` command sending `body` to `url` with `headers` (name, value) and the token header
/// referring to the `OS_TOKEN` shell variable instead of the real token.
pub fn curl_command(method: &str, url: &str, headers: &[(&str, &str)], body: &str) -> String {
    let mut command = format!("curl -i -X {method} {}", shell_quote(url));
    // Double quotes so the shell expands the variable; the token never appears in the text.
    command.push_str(&format!(" \\\n  -H \"X-Auth-Token: {TOKEN_PLACEHOLDER}\""));
    for (name, value) in headers {
        command.push_str(&format!(
            " \\\n  -H {}",
            shell_quote(&format!("{name}: {value}"))
        ));
    }
    command.push_str(&format!(" \\\n  --data-binary {}", shell_quote(body)));
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_quotes_inside_are_escaped() {
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("$HOME `x`"), "'$HOME `x`'");
    }

    #[test]
    fn the_command_refers_to_the_token_variable_and_quotes_the_body() {
        let command = curl_command(
            "POST",
            "https://cloud.example/v2.1/p/servers",
            &[("Content-Type", "application/json")],
            r#"{"server": {"name": "it's"}}"#,
        );
        assert!(command.starts_with("curl -i -X POST 'https://cloud.example/v2.1/p/servers'"));
        assert!(command.contains(r#"-H "X-Auth-Token: $OS_TOKEN""#));
        assert!(command.contains("-H 'Content-Type: application/json'"));
        assert!(command.ends_with(r#"--data-binary '{"server": {"name": "it'\''s"}}'"#));
    }
}
