//! The run token: a run carried by the page, signed so that it cannot be altered.
//!
//! A run is a pure function of the scenario and the picks, so the token holds the picks
//! and the server replays them. It binds the run id, the learner, the scenario, the source
//! hash, the mode, the turn index and an expiry, and names the key that signed it:
//! `v1.KEYID.PAYLOAD.MAC`, the payload base64url JSON, the MAC HMAC-SHA256 over
//! `v1.KEYID.PAYLOAD`.

use serde::{Deserialize, Serialize};

use super::key::Keys;

/// How long a token stays valid after it is issued (each turn issues a new one).
pub const LIFETIME_SECONDS: i64 = 12 * 60 * 60;

/// The longest token accepted, in bytes (the body limit bounds it too).
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// A run, as the page carries it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunToken {
    #[serde(rename = "r")]
    pub run: String,
    #[serde(rename = "l")]
    pub learner: String,
    #[serde(rename = "s")]
    pub scenario: String,
    #[serde(rename = "h")]
    pub source_hash: String,
    /// `practice` or `assessment`.
    #[serde(rename = "m")]
    pub mode: String,
    /// The number of turns answered: the picks' count.
    #[serde(rename = "t")]
    pub turn: usize,
    /// The picks, 1-based among the choices offered at each turn.
    #[serde(rename = "p")]
    pub picks: Vec<usize>,
    /// Unix seconds after which the token is refused.
    #[serde(rename = "e")]
    pub expires: i64,
}

/// Why a token was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenError {
    /// Not the shape of a token (truncated, or not one at all).
    Malformed,
    /// Signed by no key this server knows (another server, or a rotated-out key).
    UnknownKey,
    /// The signature does not match: the token was altered.
    Forged,
    /// Past its expiry.
    Expired,
}

impl std::fmt::Display for TokenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TokenError::Malformed => {
                "the run state on this page is incomplete or damaged (was the address cut short?)"
            }
            TokenError::UnknownKey => {
                "the run state on this page was signed with a key this server does not have"
            }
            TokenError::Forged => "the run state on this page was altered, so it is refused",
            TokenError::Expired => {
                "this page has expired; find your run under \"Your runs\" to continue"
            }
        })
    }
}

impl RunToken {
    /// The token as text, signed with the current key.
    #[must_use]
    pub fn encode(&self, keys: &Keys) -> String {
        let payload = base64url_encode(&serde_json::to_vec(self).unwrap_or_default());
        let signed = format!("v1.{}.{payload}", keys.current.id);
        let mac = base64url_encode(&keys.current.sign(signed.as_bytes()));
        format!("{signed}.{mac}")
    }

    /// Reads and verifies a token at time `now` (unix seconds).
    ///
    /// # Errors
    /// When it is malformed, signed by an unknown key, altered or expired.
    pub fn decode(text: &str, keys: &Keys, now: i64) -> Result<RunToken, TokenError> {
        if text.len() > MAX_TOKEN_BYTES {
            return Err(TokenError::Malformed);
        }
        let mut parts = text.split('.');
        let (Some("v1"), Some(kid), Some(payload), Some(mac), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(TokenError::Malformed);
        };
        let mac = base64url_decode(mac).ok_or(TokenError::Malformed)?;
        let signed = text.rsplit_once('.').map_or("", |(signed, _)| signed);
        if keys.find(kid).is_none() {
            return Err(TokenError::UnknownKey);
        }
        if !keys.verify(kid, signed.as_bytes(), &mac) {
            return Err(TokenError::Forged);
        }
        let bytes = base64url_decode(payload).ok_or(TokenError::Malformed)?;
        let token: RunToken = serde_json::from_slice(&bytes).map_err(|_| TokenError::Malformed)?;
        if token.turn != token.picks.len() {
            return Err(TokenError::Malformed);
        }
        if now > token.expires {
            return Err(TokenError::Expired);
        }
        Ok(token)
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Base64url without padding.
#[must_use]
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// Decodes base64url without padding; `None` on any other character or a bad length.
#[must_use]
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.as_bytes().chunks(4) {
        let mut n: u32 = 0;
        for (i, c) in chunk.iter().enumerate() {
            let v = u32::try_from(ALPHABET.iter().position(|a| a == c)?).ok()?;
            n |= v << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token() -> RunToken {
        RunToken {
            run: "r1".into(),
            learner: "Ana <b>".into(),
            scenario: "delayed_order".into(),
            source_hash: "abc".into(),
            mode: "practice".into(),
            turn: 2,
            picks: vec![1, 2],
            expires: 100,
        }
    }

    #[test]
    fn base64url_round_trips_every_length() {
        for n in 0..40u8 {
            let bytes: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37)).collect();
            assert_eq!(base64url_decode(&base64url_encode(&bytes)), Some(bytes));
        }
        assert_eq!(base64url_encode(b"hello"), "aGVsbG8");
        assert_eq!(base64url_decode("a"), None);
        assert_eq!(base64url_decode("a+b="), None);
    }

    #[test]
    fn a_token_verifies_until_it_expires_and_not_after_any_change() {
        let keys = Keys::single(b"0123456789abcdef0123");
        let text = token().encode(&keys);
        assert_eq!(RunToken::decode(&text, &keys, 50), Ok(token()));
        assert_eq!(
            RunToken::decode(&text, &keys, 101),
            Err(TokenError::Expired)
        );
        assert_eq!(
            RunToken::decode(&text[..text.len() - 3], &keys, 50),
            Err(TokenError::Forged)
        );
        let (head, mac) = text.rsplit_once('.').unwrap();
        let other = Keys::single(b"another key of enough length");
        assert_eq!(
            RunToken::decode(&text, &other, 50),
            Err(TokenError::UnknownKey)
        );
        let mut altered = token();
        altered.picks = vec![1, 3];
        let forged_payload = altered.encode(&other);
        let payload = forged_payload.split('.').nth(2).unwrap();
        let kid = head.split('.').nth(1).unwrap();
        assert_eq!(
            RunToken::decode(&format!("v1.{kid}.{payload}.{mac}"), &keys, 50),
            Err(TokenError::Forged)
        );
        assert_eq!(
            RunToken::decode("v1.x", &keys, 50),
            Err(TokenError::Malformed)
        );
        assert_eq!(RunToken::decode("", &keys, 50), Err(TokenError::Malformed));
    }

    #[test]
    fn a_rotated_key_still_verifies() {
        let old = Keys::single(b"the old key, long enough");
        let text = token().encode(&old);
        let mut keys = Keys::single(b"the new key, long enough");
        keys.previous.push(old.current.clone());
        assert_eq!(RunToken::decode(&text, &keys, 0), Ok(token()));
    }
}
