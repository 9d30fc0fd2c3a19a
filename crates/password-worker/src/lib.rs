//! Decrypts a Windows server's administrator password with the private key of its key pair.
//!
//! Nova's `os-server-password` holds what the guest (cloudbase-init) posted: the password
//! encrypted with the key pair's public RSA key (PKCS#1 v1.5), in base64. This crate reads the
//! private key the user picks (PKCS#1 PEM as Nova hands it out, PKCS#8 PEM, or an unencrypted
//! OpenSSH RSA key) and decrypts the password; every other file gets a sentence saying why it
//! cannot be used.
//!
//! Built apart from the console (trunk `data-type="worker"`), so the RSA code is downloaded only
//! when someone asks for a password: `worker.rs` (wasm32 only) is the Web Worker's message loop.

#[cfg(target_arch = "wasm32")]
mod worker;

use std::fmt;

use base64ct::Encoding as _;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::der::SecretDocument;
use rsa::pkcs8::{ObjectIdentifier, PrivateKeyInfo};
use rsa::{Pkcs1v15Encrypt, RsaPrivateKey};
use ssh_key::Algorithm;

/// Why the password could not be decrypted, phrased for the user (see `Display`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordError {
    /// The file holds nothing that looks like a key.
    NotAKey,
    /// A public key (`ssh-rsa AAAA...`, `BEGIN PUBLIC KEY`, ...): the `.pub` file or the like.
    PublicKey,
    /// A PuTTY `.ppk` file.
    PuttyKey,
    /// Encrypted with a passphrase (OpenSSH, PKCS#8 or legacy PEM encryption).
    PassphraseProtected,
    /// A private key of another algorithm: `kind` names it ("an Ed25519 key") when known.
    NotRsa { kind: Option<&'static str> },
    /// Looks like an RSA private key but does not decode (damaged or cut short).
    UnreadableKey,
    /// The cloud holds no encrypted password.
    NoPassword,
    /// The encrypted password is not base64.
    GarbledPassword,
    /// The key does not decrypt the password: another key pair's key.
    WrongKey,
    /// Decrypted, but not UTF-8 text.
    NotText,
}

impl fmt::Display for PasswordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAKey => f.write_str(
                "This file is not a private key. Pick the .pem file that was saved when the key pair was created.",
            ),
            Self::PublicKey => f.write_str(
                "This is a public key. Only the private key decrypts the password: pick the .pem file that was saved when the key pair was created.",
            ),
            Self::PuttyKey => f.write_str(
                "This is a PuTTY key (.ppk). Export it in PuTTYgen with Conversions › Export OpenSSH key, then pick the exported file.",
            ),
            Self::PassphraseProtected => f.write_str(
                "This private key is protected by a passphrase, which the console cannot use. Make a copy without one (ssh-keygen -p -f COPY, with an empty new passphrase) and pick the copy.",
            ),
            Self::NotRsa { kind } => write!(
                f,
                "This is {}, not an RSA key. Windows passwords are encrypted for RSA key pairs only: pick the RSA private key of the server's key pair.",
                kind.unwrap_or("another kind of key")
            ),
            Self::UnreadableKey => f.write_str(
                "The private key in this file cannot be read: it is damaged or incomplete.",
            ),
            Self::NoPassword => f.write_str("The server has no password yet."),
            Self::GarbledPassword => f.write_str(
                "The encrypted password the cloud returned is damaged (it is not base64), so no key can decrypt it.",
            ),
            Self::WrongKey => f.write_str(
                "This private key does not decrypt the password: it is not the key of the key pair the server was created with.",
            ),
            Self::NotText => f.write_str(
                "The password decrypted to something that is not text: the encrypted password is damaged.",
            ),
        }
    }
}

impl std::error::Error for PasswordError {}

/// Decrypts `encrypted_base64` (RSA PKCS#1 v1.5, base64 that may be wrapped over several lines)
/// with the private key in `key_text`, the contents of the file the user picked.
pub fn decrypt_password(key_text: &str, encrypted_base64: &str) -> Result<String, PasswordError> {
    let key = read_private_key(key_text)?;
    let ciphertext = decode_base64(encrypted_base64)?;
    let clear = key
        .decrypt(Pkcs1v15Encrypt, &ciphertext)
        .map_err(|_| PasswordError::WrongKey)?;
    String::from_utf8(clear).map_err(|_| PasswordError::NotText)
}

/// The RSA private key in a key file, or why the file holds none.
fn read_private_key(key_text: &str) -> Result<RsaPrivateKey, PasswordError> {
    let text = key_text.trim_start_matches('\u{feff}').trim();
    if text.is_empty() {
        return Err(PasswordError::NotAKey);
    }
    if text.starts_with("PuTTY-User-Key-File-") {
        return Err(PasswordError::PuttyKey);
    }
    if is_openssh_public_key_line(text) {
        return Err(PasswordError::PublicKey);
    }
    let Some(block) = PemBlock::find(text) else {
        return Err(PasswordError::NotAKey);
    };
    match block.label {
        "RSA PRIVATE KEY" if block.text.contains("Proc-Type: 4,ENCRYPTED") => {
            Err(PasswordError::PassphraseProtected)
        }
        "RSA PRIVATE KEY" => {
            RsaPrivateKey::from_pkcs1_pem(&block.text).map_err(|_| PasswordError::UnreadableKey)
        }
        "PRIVATE KEY" => read_pkcs8(&block.text),
        "ENCRYPTED PRIVATE KEY" => Err(PasswordError::PassphraseProtected),
        "OPENSSH PRIVATE KEY" => read_openssh(&block.text),
        "EC PRIVATE KEY" => Err(PasswordError::NotRsa {
            kind: Some("an ECDSA key"),
        }),
        "DSA PRIVATE KEY" => Err(PasswordError::NotRsa {
            kind: Some("a DSA key"),
        }),
        label if label.ends_with("PUBLIC KEY") => Err(PasswordError::PublicKey),
        _ => Err(PasswordError::NotAKey),
    }
}

/// One line as in an OpenSSH `.pub` file or `authorized_keys`: `ssh-rsa AAAA... comment`.
fn is_openssh_public_key_line(text: &str) -> bool {
    let first_word = text.split_ascii_whitespace().next().unwrap_or_default();
    first_word.starts_with("ssh-")
        || first_word.starts_with("ecdsa-sha2-")
        || first_word.starts_with("sk-")
}

/// The first PEM block of a file (`-----BEGIN label-----` ... `-----END label-----`), with
/// Windows line ends made Unix ones and text around it left out. RFC 4716's SSH public key
/// (`---- BEGIN SSH2 PUBLIC KEY ----`) is found too, for its label.
struct PemBlock<'a> {
    label: &'a str,
    text: String,
}

impl<'a> PemBlock<'a> {
    fn find(text: &'a str) -> Option<Self> {
        let begin = text.find("BEGIN ")?;
        let dashes = text[..begin].trim_end_matches(' ');
        if !dashes.ends_with("----") {
            return None;
        }
        let start = dashes.trim_end_matches('-').len();
        let after_begin = &text[begin + "BEGIN ".len()..];
        let label = after_begin[..after_begin.find('-')?].trim();
        let end_marker = format!("-----END {label}-----");
        let end = text[begin..]
            .find(&end_marker)
            .map_or(text.len(), |offset| begin + offset + end_marker.len());
        Some(Self {
            label,
            text: text[start..end].replace("\r\n", "\n"),
        })
    }
}

fn read_pkcs8(pem: &str) -> Result<RsaPrivateKey, PasswordError> {
    const RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
    const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
    const ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");
    const EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
    const DSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10040.4.1");
    let (_, document) = SecretDocument::from_pem(pem).map_err(|_| PasswordError::UnreadableKey)?;
    let info =
        PrivateKeyInfo::try_from(document.as_bytes()).map_err(|_| PasswordError::UnreadableKey)?;
    let kind = match info.algorithm.oid {
        RSA => return RsaPrivateKey::try_from(info).map_err(|_| PasswordError::UnreadableKey),
        ED25519 => Some("an Ed25519 key"),
        ED448 => Some("an Ed448 key"),
        EC => Some("an ECDSA key"),
        DSA => Some("a DSA key"),
        _ => None,
    };
    Err(PasswordError::NotRsa { kind })
}

fn read_openssh(pem: &str) -> Result<RsaPrivateKey, PasswordError> {
    let key = ssh_key::PrivateKey::from_openssh(pem).map_err(|error| match error {
        // Algorithms this build does not decode (ECDSA, ...) are not RSA.
        ssh_key::Error::AlgorithmUnknown | ssh_key::Error::AlgorithmUnsupported { .. } => {
            PasswordError::NotRsa { kind: None }
        }
        _ => PasswordError::UnreadableKey,
    })?;
    // The public half is never encrypted: an unusable algorithm is named before a passphrase.
    if !matches!(key.algorithm(), Algorithm::Rsa { .. }) {
        return Err(PasswordError::NotRsa {
            kind: ssh_key_kind(&key.algorithm()),
        });
    }
    if key.is_encrypted() {
        return Err(PasswordError::PassphraseProtected);
    }
    let pair = key.key_data().rsa().ok_or(PasswordError::UnreadableKey)?;
    // Not ssh-key 0.6's `TryFrom`: it passes p twice instead of p and q (fixed in 0.7).
    let number = |mpint: &ssh_key::Mpint| {
        mpint
            .as_positive_bytes()
            .map(rsa::BigUint::from_bytes_be)
            .ok_or(PasswordError::UnreadableKey)
    };
    RsaPrivateKey::from_components(
        number(&pair.public.n)?,
        number(&pair.public.e)?,
        number(&pair.private.d)?,
        vec![number(&pair.private.p)?, number(&pair.private.q)?],
    )
    .map_err(|_| PasswordError::UnreadableKey)
}

/// How the error names a non-RSA OpenSSH key.
fn ssh_key_kind(algorithm: &Algorithm) -> Option<&'static str> {
    match algorithm {
        Algorithm::Ed25519 => Some("an Ed25519 key"),
        Algorithm::Ecdsa { .. } => Some("an ECDSA key"),
        Algorithm::Dsa => Some("a DSA key"),
        Algorithm::SkEd25519 | Algorithm::SkEcdsaSha2NistP256 => Some("a FIDO security key"),
        _ => None,
    }
}

/// Base64 as Nova stores it: the guest may have wrapped it over lines.
fn decode_base64(encrypted_base64: &str) -> Result<Vec<u8>, PasswordError> {
    let joined: String = encrypted_base64
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    if joined.is_empty() {
        return Err(PasswordError::NoPassword);
    }
    base64ct::Base64::decode_vec(&joined).map_err(|_| PasswordError::GarbledPassword)
}

// Native only: the tests run ssh-keygen.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
