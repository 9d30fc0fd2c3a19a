//! What a server offers once it runs: its boot log (`os-getConsoleOutput`), a remote console
//! URL (`remote-consoles`) and a Windows server's encrypted password (`os-server-password`).

use serde::{Deserialize, Deserializer, Serialize};

/// `POST /servers/{id}/action` `os-getConsoleOutput` response: `{"output": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ConsoleOutput {
    /// The last lines of the serial console (the boot log); `null` reads as empty.
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub output: String,
}

/// A remote console: `POST /servers/{id}/remote-consoles` (2.6+) answers
/// `{"remote_console": {...}}`; the older `os-getVNCConsole` (and SPICE, RDP, serial) actions
/// answer `{"console": {"type", "url"}}`. Both decode to this.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct RemoteConsoleBody {
    pub remote_console: RemoteConsole,
}

impl<'de> Deserialize<'de> for RemoteConsoleBody {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct AnyShape {
            #[serde(default)]
            remote_console: Option<RemoteConsole>,
            #[serde(default)]
            console: Option<RemoteConsole>,
        }
        let shape = AnyShape::deserialize(deserializer)?;
        shape
            .remote_console
            .or(shape.console)
            .map(|remote_console| Self { remote_console })
            .ok_or_else(|| {
                serde::de::Error::custom("no \"remote_console\" or \"console\" object in the body")
            })
    }
}

/// Where the console is and how to use it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RemoteConsole {
    /// `vnc`, `spice`, `rdp`, `serial` or `mks`; absent in the pre-2.6 shape.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::de::opt_string"
    )]
    pub protocol: Option<String>,
    /// e.g. `novnc`.
    #[serde(
        rename = "type",
        default,
        deserialize_with = "crate::de::string_or_empty"
    )]
    pub console_type: String,
    /// Opens the console (it carries a short-lived token).
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub url: String,
}

impl RemoteConsole {
    /// The URL when it is one a browser may open in a new tab: `http(s)://` only, so a
    /// `javascript:` or `data:` URL from a misbehaving cloud is never opened.
    pub fn browser_url(&self) -> Option<&str> {
        let url = self.url.trim();
        let lower = url.to_ascii_lowercase();
        let web = lower.starts_with("https://") || lower.starts_with("http://");
        (web && !url.chars().any(char::is_whitespace)).then_some(url)
    }
}

/// `GET /servers/{id}/os-server-password`: `{"password": BASE64}`, the Windows administrator
/// password the guest encrypted with the key pair's public RSA key (PKCS#1 v1.5); `""` until
/// the guest has set it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ServerPassword {
    #[serde(default, deserialize_with = "crate::de::string_or_empty")]
    pub password: String,
}

impl ServerPassword {
    /// True once the guest has posted its (encrypted) password.
    pub fn is_set(&self) -> bool {
        !self.password.trim().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_console_shapes_decode() {
        let new: RemoteConsoleBody = serde_json::from_str(
            r#"{"remote_console": {"protocol": "vnc", "type": "novnc", "url": "http://h:6080/vnc_auto.html?path=%3Ftoken%3Dt"}}"#,
        )
        .unwrap();
        assert_eq!(new.remote_console.protocol.as_deref(), Some("vnc"));
        assert_eq!(new.remote_console.console_type, "novnc");
        let old: RemoteConsoleBody =
            serde_json::from_str(r#"{"console": {"type": "novnc", "url": "https://h/x"}}"#)
                .unwrap();
        assert_eq!(old.remote_console.browser_url(), Some("https://h/x"));
        let error =
            crate::decode::from_slice::<RemoteConsoleBody>("remote-console", b"{}").unwrap_err();
        assert!(error.to_string().contains("remote_console"), "{error}");
    }

    #[test]
    fn only_web_urls_are_opened() {
        let console = |url: &str| RemoteConsole {
            url: url.to_owned(),
            ..RemoteConsole::default()
        };
        assert_eq!(console(" HTTPS://h/c ").browser_url(), Some("HTTPS://h/c"));
        for refused in [
            "javascript:alert(1)",
            "data:text/html,x",
            "ws://h:6083/",
            "",
            "http://h/a b",
        ] {
            assert_eq!(console(refused).browser_url(), None, "{refused}");
        }
    }

    #[test]
    fn output_and_password_tolerate_null() {
        let output: ConsoleOutput = serde_json::from_str(r#"{"output": null}"#).unwrap();
        assert_eq!(output.output, "");
        let password: ServerPassword = serde_json::from_str(r#"{"password": ""}"#).unwrap();
        assert!(!password.is_set());
        let password: ServerPassword = serde_json::from_str(r#"{"password": "eGxvek8="}"#).unwrap();
        assert!(password.is_set());
    }
}
