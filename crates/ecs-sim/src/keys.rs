//! Keys the simulated cloud makes or uses:
//! - key pairs as Nova makes them: RSA 2048, the private key as PKCS#1 PEM, the public key in
//!   OpenSSH form with the comment `Generated-by-Nova`, and the MD5 fingerprint of the key blob;
//! - a guest's SSH host keys, as cloud-init makes them at first boot;
//! - a Windows guest's password, encrypted with the key pair's public key as cloudbase-init does.

use base64::Engine as _;
use rsa::pkcs1::{EncodeRsaPrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;
use rsa::{Pkcs1v15Encrypt, RsaPrivateKey, RsaPublicKey};
use ssh_key::private::{EcdsaKeypair, Ed25519Keypair};
use ssh_key::public::{EcdsaPublicKey, KeyData};
use ssh_key::{EcdsaCurve, HashAlg, PublicKey};

/// A freshly generated key pair. The private key is handed out once and never stored.
pub struct GeneratedKeyPair {
    pub public_key: String,
    pub private_key: String,
    pub fingerprint: String,
}

#[derive(Debug, thiserror::Error)]
pub enum KeyGenError {
    #[error("RSA key generation failed: {0}")]
    Rsa(#[from] rsa::Error),
    #[error("private key encoding failed: {0}")]
    Encoding(#[from] rsa::pkcs1::Error),
}

/// Generates an RSA 2048 key pair (slow: call from a blocking task).
pub fn generate() -> Result<GeneratedKeyPair, KeyGenError> {
    let mut rng = rand::rngs::OsRng;
    let private = RsaPrivateKey::new(&mut rng, 2048)?;
    let blob = ssh_rsa_blob(&private);
    let private_key = private.to_pkcs1_pem(LineEnding::LF)?.to_string();
    let public_key = format!(
        "ssh-rsa {} Generated-by-Nova\n",
        base64::engine::general_purpose::STANDARD.encode(&blob)
    );
    Ok(GeneratedKeyPair {
        fingerprint: ecs_api::validate::md5_fingerprint(&blob),
        public_key,
        private_key,
    })
}

/// The OpenSSH wire form of an RSA public key: string "ssh-rsa", mpint e, mpint n.
fn ssh_rsa_blob(key: &RsaPrivateKey) -> Vec<u8> {
    let mut blob = Vec::new();
    put_string(&mut blob, b"ssh-rsa");
    put_mpint(&mut blob, &key.e().to_bytes_be());
    put_mpint(&mut blob, &key.n().to_bytes_be());
    blob
}

fn put_string(out: &mut Vec<u8>, bytes: &[u8]) {
    let length = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(bytes);
}

fn put_mpint(out: &mut Vec<u8>, magnitude: &[u8]) {
    let trimmed: &[u8] = {
        let first = magnitude
            .iter()
            .position(|byte| *byte != 0)
            .unwrap_or(magnitude.len());
        &magnitude[first..]
    };
    if trimmed.first().is_some_and(|byte| byte & 0x80 != 0) {
        let mut padded = Vec::with_capacity(trimmed.len() + 1);
        padded.push(0);
        padded.extend_from_slice(trimmed);
        put_string(out, &padded);
    } else {
        put_string(out, trimmed);
    }
}

/// One SSH host key of a guest, as seen from outside: what `ssh-keygen -l` and the `.pub` file
/// show. Only public halves are kept: nothing in the simulator serves SSH.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostKey {
    /// As `ssh-keygen -l` names the type: `ECDSA`, `ED25519` or `RSA`.
    pub key_type: &'static str,
    pub bits: usize,
    /// OpenSSH's SHA256 fingerprint: `SHA256:` and unpadded base64.
    pub fingerprint: String,
    /// The `.pub` file's line: `ssh-ed25519 AAAA... root@host`.
    pub public_key: String,
    /// `root@<hostname>`: ssh-keygen's default comment when cloud-init made the key.
    pub comment: String,
}

impl HostKey {
    /// The line `ssh-keygen -l -f <file>` prints: `256 SHA256:... root@host (ED25519)`.
    pub fn fingerprint_line(&self) -> String {
        format!(
            "{} {} {} ({})",
            self.bits, self.fingerprint, self.comment, self.key_type
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HostKeyError {
    #[error("SSH key generation failed: {0}")]
    Ssh(#[from] ssh_key::Error),
    #[error("RSA key generation failed: {0}")]
    Rsa(#[from] rsa::Error),
    #[error("host key generation was interrupted")]
    Interrupted,
}

/// The bits of the RSA host key: OpenSSH's default since 8.0.
const RSA_HOST_KEY_BITS: usize = 3072;

/// The host keys cloud-init has `ssh-keygen` make at first boot (ECDSA P-256, Ed25519, RSA 3072:
/// OpenSSH's defaults) with the comment `root@<hostname>`, in the order cloud-init lists them
/// (`/etc/ssh/ssh_host_*key.pub`, sorted by name). Slow (RSA): call from a blocking task.
pub fn generate_host_keys(hostname: &str) -> Result<Vec<HostKey>, HostKeyError> {
    let mut rng = rand::rngs::OsRng;
    let comment = format!("root@{hostname}");
    let ecdsa = EcdsaKeypair::random(&mut rng, EcdsaCurve::NistP256)?;
    let ed25519 = Ed25519Keypair::random(&mut rng);
    let rsa = RsaPrivateKey::new(&mut rng, RSA_HOST_KEY_BITS)?;
    let keys = [
        ("ECDSA", 256, KeyData::Ecdsa(EcdsaPublicKey::from(&ecdsa))),
        ("ED25519", 256, KeyData::Ed25519(ed25519.public)),
        (
            "RSA",
            rsa.n().bits(),
            KeyData::Rsa(rsa.to_public_key().try_into()?),
        ),
    ];
    keys.into_iter()
        .map(|(key_type, bits, data)| {
            let key = PublicKey::new(data, comment.clone());
            Ok(HostKey {
                key_type,
                bits,
                fingerprint: key.fingerprint(HashAlg::Sha256).to_string(),
                public_key: key.to_openssh()?,
                comment: comment.clone(),
            })
        })
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordEncryptionError {
    #[error("the public key cannot be read: {0}")]
    Unreadable(#[from] ssh_key::Error),
    #[error("the public key is not an RSA key")]
    NotRsa,
    #[error("RSA encryption failed: {0}")]
    Rsa(#[from] rsa::Error),
}

/// Encrypts `password` for the holder of the OpenSSH `ssh-rsa` `public_key`, as cloudbase-init
/// does before posting a Windows guest's password to Nova's metadata service: RSA PKCS#1 v1.5,
/// then base64.
pub fn encrypt_password(
    public_key: &str,
    password: &str,
) -> Result<String, PasswordEncryptionError> {
    let parsed = PublicKey::from_openssh(public_key.trim())?;
    let rsa_key = RsaPublicKey::try_from(
        parsed
            .key_data()
            .rsa()
            .ok_or(PasswordEncryptionError::NotRsa)?,
    )?;
    let ciphertext =
        rsa_key.encrypt(&mut rand::rngs::OsRng, Pkcs1v15Encrypt, password.as_bytes())?;
    Ok(base64::engine::general_purpose::STANDARD.encode(ciphertext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mpints_get_a_leading_zero_only_when_the_high_bit_is_set() {
        let mut out = Vec::new();
        put_mpint(&mut out, &[0x00, 0x81]);
        assert_eq!(out, [0, 0, 0, 2, 0x00, 0x81]);
        out.clear();
        put_mpint(&mut out, &[0x01, 0x00, 0x01]);
        assert_eq!(out, [0, 0, 0, 3, 0x01, 0x00, 0x01]);
    }

    #[test]
    fn host_keys_are_listed_as_cloud_init_lists_them_with_openssh_fingerprints() {
        let keys = generate_host_keys("web-1").expect("host keys");
        let types: Vec<(&str, usize)> = keys.iter().map(|key| (key.key_type, key.bits)).collect();
        assert_eq!(types, [("ECDSA", 256), ("ED25519", 256), ("RSA", 3072)]);
        for key in &keys {
            // The fingerprint is SHA-256 over the key blob, in unpadded base64 (ssh-keygen -l).
            let blob = key.public_key.split(' ').nth(1).expect("a key blob");
            let blob = base64::engine::general_purpose::STANDARD
                .decode(blob)
                .expect("base64 blob");
            let digest = <ssh_key::sha2::Sha256 as ssh_key::sha2::Digest>::digest(&blob);
            let expected = format!(
                "SHA256:{}",
                base64::engine::general_purpose::STANDARD_NO_PAD.encode(digest)
            );
            assert_eq!(key.fingerprint, expected);
            assert!(
                key.public_key.ends_with(" root@web-1"),
                "{}",
                key.public_key
            );
            assert_eq!(
                key.fingerprint_line(),
                format!("{} {expected} root@web-1 ({})", key.bits, key.key_type)
            );
        }
        assert!(keys[0].public_key.starts_with("ecdsa-sha2-nistp256 "));
        assert!(keys[1].public_key.starts_with("ssh-ed25519 "));
        assert!(keys[2].public_key.starts_with("ssh-rsa "));
    }

    #[test]
    fn a_password_encrypted_for_a_key_pair_decrypts_with_its_private_key() {
        use rsa::pkcs1::DecodeRsaPrivateKey;
        let pair = generate().expect("key pair");
        let encrypted = encrypt_password(&pair.public_key, "Pa55-word!").expect("encrypted");
        let ciphertext = base64::engine::general_purpose::STANDARD
            .decode(&encrypted)
            .expect("base64");
        assert_eq!(ciphertext.len(), 256, "one RSA 2048 block");
        let private = RsaPrivateKey::from_pkcs1_pem(&pair.private_key).expect("private key");
        let clear = private
            .decrypt(Pkcs1v15Encrypt, &ciphertext)
            .expect("decrypts");
        assert_eq!(clear, b"Pa55-word!");
    }

    #[test]
    fn only_rsa_public_keys_can_encrypt_a_password() {
        let ed25519 = PublicKey::new(
            KeyData::Ed25519(Ed25519Keypair::random(&mut rand::rngs::OsRng).public),
            "x",
        )
        .to_openssh()
        .expect("OpenSSH form");
        assert!(matches!(
            encrypt_password(&ed25519, "x"),
            Err(PasswordEncryptionError::NotRsa)
        ));
        assert!(matches!(
            encrypt_password("ssh-rsa not-base64", "x"),
            Err(PasswordEncryptionError::Unreadable(_))
        ));
    }
}
