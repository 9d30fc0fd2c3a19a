//! Keys as users have them: made by `ssh-keygen` (OpenSSH's own formats, PEM, PKCS#8, with and
//! without passphrases) and by the `rsa` crate (as the simulator and Nova write them); passwords
//! encrypted with the `rsa` crate as cloudbase-init encrypts them.

use std::path::PathBuf;
use std::process::Command;

use proptest::prelude::*;
use rsa::pkcs1::{EncodeRsaPrivateKey, LineEnding};
use rsa::pkcs8::EncodePrivateKey;
use rsa::{Pkcs1v15Encrypt, RsaPublicKey};

use super::*;

const PASSWORD: &str = "q7G!x{2b]Lr-9Zt@Pw#4";

/// A folder for one key's files, removed afterwards.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!(
            "password-worker-{}-{}",
            std::process::id(),
            rand::random::<u64>()
        ));
        std::fs::create_dir_all(&dir).expect("make a scratch folder");
        Self(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A key file written by `ssh-keygen`, and its public key line.
struct KeyFile {
    private_key: String,
    public_key: String,
    _scratch: Scratch,
    path: PathBuf,
}

fn ssh_keygen(args: &[&str]) -> String {
    let output = Command::new("ssh-keygen")
        .args(args)
        .output()
        .expect("run ssh-keygen (install openssh-client)");
    assert!(
        output.status.success(),
        "ssh-keygen {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("ssh-keygen prints text")
}

/// `ssh-keygen -t key_type` (RSA 2048 for "rsa") in `format` (`None`: OpenSSH's own), with
/// `passphrase` ("" for none).
fn generated(key_type: &str, format: Option<&str>, passphrase: &str) -> KeyFile {
    let scratch = Scratch::new();
    let path = scratch.0.join("key");
    let path_text = path.to_str().expect("a UTF-8 temp path");
    let mut args = vec!["-q", "-t", key_type, "-N", passphrase, "-C", "me@laptop"];
    if key_type == "rsa" {
        args.extend(["-b", "2048"]);
    }
    if let Some(format) = format {
        args.extend(["-m", format]);
    }
    args.extend(["-f", path_text]);
    ssh_keygen(&args);
    KeyFile {
        private_key: std::fs::read_to_string(&path).expect("read the private key"),
        public_key: std::fs::read_to_string(path.with_extension("pub"))
            .expect("read the public key"),
        _scratch: scratch,
        path,
    }
}

/// What cloudbase-init posts: `password` encrypted for the OpenSSH `public_key`, in base64.
fn encrypted_for(public_key: &str, password: &str) -> String {
    let parsed = ssh_key::PublicKey::from_openssh(public_key.trim()).expect("an OpenSSH key");
    let rsa_key =
        RsaPublicKey::try_from(parsed.key_data().rsa().expect("an RSA key")).expect("RSA key");
    encrypted_with(&rsa_key, password)
}

fn encrypted_with(key: &RsaPublicKey, password: &str) -> String {
    let ciphertext = key
        .encrypt(&mut rand::rngs::OsRng, Pkcs1v15Encrypt, password.as_bytes())
        .expect("encrypt");
    base64ct::Base64::encode_string(&ciphertext)
}

/// `text` wrapped every `width` characters, as Python's base64 module and PEM do.
fn wrapped(text: &str, width: usize, line_end: &str) -> String {
    text.as_bytes()
        .chunks(width)
        .map(|line| std::str::from_utf8(line).expect("ASCII"))
        .collect::<Vec<_>>()
        .join(line_end)
}

fn error_of(key_text: &str, encrypted: &str) -> PasswordError {
    decrypt_password(key_text, encrypted).expect_err("the key must be refused")
}

#[test]
fn every_unencrypted_rsa_key_format_decrypts_the_password() {
    for format in [Some("PEM"), Some("PKCS8"), None] {
        let key = generated("rsa", format, "");
        let encrypted = encrypted_for(&key.public_key, PASSWORD);
        assert_eq!(
            decrypt_password(&key.private_key, &encrypted).as_deref(),
            Ok(PASSWORD),
            "format {format:?}"
        );
    }
}

#[test]
fn the_headers_tell_the_formats_apart() {
    let begins = |format| {
        let key = generated("rsa", format, "");
        key.private_key
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(begins(Some("PEM")), "-----BEGIN RSA PRIVATE KEY-----");
    assert_eq!(begins(Some("PKCS8")), "-----BEGIN PRIVATE KEY-----");
    assert_eq!(begins(None), "-----BEGIN OPENSSH PRIVATE KEY-----");
}

#[test]
fn keys_as_the_rsa_crate_writes_them_decrypt_with_windows_line_ends_and_wrapped_base64() {
    // The simulator (like Nova) hands out PKCS#1 PEM with LF line ends.
    let private = RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048).expect("RSA key");
    let encrypted = encrypted_with(&private.to_public_key(), PASSWORD);
    let pkcs1 = private.to_pkcs1_pem(LineEnding::LF).expect("PKCS#1");
    let pkcs8 = private.to_pkcs8_pem(LineEnding::CRLF).expect("PKCS#8");
    let pkcs1_crlf = private.to_pkcs1_pem(LineEnding::CRLF).expect("PKCS#1");
    // A key saved with a byte order mark and text around it (as some editors and openssl do).
    let decorated = format!(
        "\u{feff}Bag Attributes\n    localKeyID: 01\n{}\n\n",
        pkcs1.as_str()
    );
    for key_text in [
        pkcs1.as_str(),
        pkcs8.as_str(),
        pkcs1_crlf.as_str(),
        &decorated,
    ] {
        for encrypted in [
            encrypted.clone(),
            wrapped(&encrypted, 64, "\n"),
            wrapped(&encrypted, 76, "\r\n"),
            format!("  {encrypted}\n"),
        ] {
            assert_eq!(
                decrypt_password(key_text, &encrypted).as_deref(),
                Ok(PASSWORD)
            );
        }
    }
}

#[test]
fn passphrase_protected_keys_are_recognised_in_every_format() {
    for format in [Some("PEM"), Some("PKCS8"), None] {
        let key = generated("rsa", format, "secret phrase");
        let encrypted = encrypted_for(&key.public_key, PASSWORD);
        assert_eq!(
            error_of(&key.private_key, &encrypted),
            PasswordError::PassphraseProtected,
            "format {format:?}"
        );
    }
}

#[test]
fn keys_of_other_algorithms_are_named() {
    let rsa = generated("rsa", None, "");
    let encrypted = encrypted_for(&rsa.public_key, PASSWORD);
    let cases = [
        ("ed25519", None, "", Some("an Ed25519 key")),
        ("ed25519", None, "secret phrase", Some("an Ed25519 key")),
        ("ecdsa", Some("PEM"), "", Some("an ECDSA key")),
        ("ecdsa", Some("PKCS8"), "", Some("an ECDSA key")),
        ("ecdsa", None, "", Some("an ECDSA key")),
    ];
    for (key_type, format, passphrase, kind) in cases {
        let key = generated(key_type, format, passphrase);
        let error = error_of(&key.private_key, &encrypted);
        assert_eq!(
            error,
            PasswordError::NotRsa { kind },
            "{key_type} {format:?}"
        );
        assert!(error.to_string().contains("not an RSA key"), "{error}");
    }
}

#[test]
fn public_keys_picked_by_mistake_are_recognised() {
    let key = generated("rsa", None, "");
    let encrypted = encrypted_for(&key.public_key, PASSWORD);
    let public_path = key.path.with_extension("pub");
    let public_path = public_path.to_str().expect("UTF-8 path");
    let exports = [
        key.public_key.clone(),
        ssh_keygen(&["-e", "-m", "PKCS8", "-f", public_path]),
        ssh_keygen(&["-e", "-m", "PEM", "-f", public_path]),
        // RFC 4716: `---- BEGIN SSH2 PUBLIC KEY ----`.
        ssh_keygen(&["-e", "-f", public_path]),
        generated("ed25519", None, "").public_key,
    ];
    for public_key in exports {
        assert_eq!(
            error_of(&public_key, &encrypted),
            PasswordError::PublicKey,
            "{public_key}"
        );
    }
}

#[test]
fn another_key_pair_s_key_is_the_wrong_key() {
    let right = generated("rsa", Some("PEM"), "");
    let wrong = generated("rsa", Some("PEM"), "");
    let encrypted = encrypted_for(&right.public_key, PASSWORD);
    assert_eq!(
        error_of(&wrong.private_key, &encrypted),
        PasswordError::WrongKey
    );
    // A key of another size cannot match either.
    let small = RsaPrivateKey::new(&mut rand::rngs::OsRng, 1024).expect("RSA key");
    let small_pem = small.to_pkcs1_pem(LineEnding::LF).expect("PKCS#1");
    assert_eq!(error_of(&small_pem, &encrypted), PasswordError::WrongKey);
}

#[test]
fn garbled_or_missing_passwords_are_reported_as_such() {
    let key = generated("rsa", Some("PEM"), "");
    let encrypted = encrypted_for(&key.public_key, PASSWORD);
    assert_eq!(
        error_of(&key.private_key, "this is not base64!"),
        PasswordError::GarbledPassword
    );
    assert_eq!(
        error_of(&key.private_key, &encrypted[1..]),
        PasswordError::GarbledPassword
    );
    assert_eq!(error_of(&key.private_key, " \n"), PasswordError::NoPassword);
    // Valid base64 of something that is not this key's ciphertext.
    assert_eq!(
        error_of(&key.private_key, "eGxvek8="),
        PasswordError::WrongKey
    );
}

#[test]
fn files_that_are_no_keys_are_refused_with_a_sentence() {
    let key = generated("rsa", Some("PEM"), "");
    let encrypted = encrypted_for(&key.public_key, PASSWORD);
    let body_lines: Vec<&str> = key.private_key.lines().collect();
    let cut_short = format!(
        "{}\n{}\n-----END RSA PRIVATE KEY-----\n",
        body_lines[0], body_lines[1]
    );
    let cases = [
        ("", PasswordError::NotAKey),
        ("hello\n", PasswordError::NotAKey),
        (
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
            PasswordError::NotAKey,
        ),
        (
            "PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\n",
            PasswordError::PuttyKey,
        ),
        (cut_short.as_str(), PasswordError::UnreadableKey),
        (
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA==\n-----END OPENSSH PRIVATE KEY-----\n",
            PasswordError::UnreadableKey,
        ),
        (
            "-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n",
            PasswordError::UnreadableKey,
        ),
    ];
    for (key_text, expected) in cases {
        assert_eq!(error_of(key_text, &encrypted), expected, "{key_text:?}");
    }
}

#[test]
fn every_error_is_a_sentence() {
    let errors = [
        PasswordError::NotAKey,
        PasswordError::PublicKey,
        PasswordError::PuttyKey,
        PasswordError::PassphraseProtected,
        PasswordError::NotRsa { kind: None },
        PasswordError::NotRsa {
            kind: Some("an Ed25519 key"),
        },
        PasswordError::UnreadableKey,
        PasswordError::NoPassword,
        PasswordError::GarbledPassword,
        PasswordError::WrongKey,
        PasswordError::NotText,
    ];
    for error in errors {
        let sentence = error.to_string();
        assert!(
            sentence.starts_with(|c: char| c.is_ascii_uppercase()) && sentence.ends_with('.'),
            "{sentence}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the file and the cloud hold, the answer is a password or an error, never a panic.
    #[test]
    fn any_text_gets_an_answer(key_text in "\\PC{0,200}", encrypted in "\\PC{0,80}") {
        let _ = decrypt_password(&key_text, &encrypted);
    }

    /// A real key with bytes of its body replaced: refused (or, by chance, still read), no panic.
    #[test]
    fn damaged_keys_get_an_answer(position in 40usize..1500, byte in b'+'..=b'z') {
        let private = damage_source();
        let mut damaged = private.as_bytes().to_vec();
        let position = position % damaged.len();
        damaged[position] = byte;
        let damaged = String::from_utf8_lossy(&damaged);
        let _ = decrypt_password(&damaged, "eGxvek8=");
    }
}

/// One PKCS#1 key for the damage test (generating one per case would be slow).
fn damage_source() -> &'static str {
    static KEY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    KEY.get_or_init(|| {
        RsaPrivateKey::new(&mut rand::rngs::OsRng, 1024)
            .expect("RSA key")
            .to_pkcs1_pem(LineEnding::LF)
            .expect("PKCS#1")
            .to_string()
    })
}
