//! Identifiers and secrets made from the simulator's random source.

use rand::Rng;
use rand::distributions::Alphanumeric;
use rand::rngs::StdRng;

/// A random (version 4) UUID in its hyphenated form.
pub fn uuid_from(rng: &mut StdRng) -> String {
    uuid::Builder::from_random_bytes(rng.r#gen())
        .into_uuid()
        .to_string()
}

/// A 32-hex-digit id as Keystone uses for users and projects.
pub fn hex_id(rng: &mut StdRng) -> String {
    uuid::Builder::from_random_bytes(rng.r#gen())
        .into_uuid()
        .simple()
        .to_string()
}

/// A 12-character alphanumeric admin password, as Nova generates. Secrets never come from
/// the seeded source: a known seed must not make them guessable.
pub fn admin_password() -> String {
    let mut rng = rand::thread_rng();
    (0..12)
        .map(|_| char::from(rng.sample(Alphanumeric)))
        .collect()
}

/// An opaque bearer token, from the operating system's randomness like every secret.
pub fn token() -> String {
    let bytes: [u8; 32] = rand::thread_rng().r#gen();
    format!("gAAAAA{}", base64_url(&bytes))
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
