//! Key pairs as Nova makes them: RSA 2048, the private key as PKCS#1 PEM, the public key in
//! OpenSSH form with the comment `Generated-by-Nova`, and the MD5 fingerprint of the key blob.

use base64::Engine as _;
use rsa::RsaPrivateKey;
use rsa::pkcs1::{EncodeRsaPrivateKey, LineEnding};
use rsa::traits::PublicKeyParts;

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
}
