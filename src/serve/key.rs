//! The signing keys: HMAC-SHA256 over run tokens and manager sessions.
//!
//! The current key comes from `RAPPORT_SECRET`, else from a key file (`--key-file`, default
//! `rapport.key` beside the `SQLite` database), which is generated when neither exists. Every
//! instance behind a load balancer must share it. A key file may hold several keys, one a
//! line: the first signs, the others are still accepted (rotation); `RAPPORT_SECRET_PREVIOUS`
//! does the same for the environment. Each key has an id (the first 8 hex digits of its
//! SHA-256) that tokens carry, so a verifier knows which key to try.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use hmac::{KeyInit as _, Mac as _};
use sha2::Digest as _;
use subtle::ConstantTimeEq as _;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// The shortest secret accepted, in bytes.
pub const MIN_SECRET_BYTES: usize = 16;

/// One key and its id.
#[derive(Clone)]
pub struct Key {
    pub id: String,
    secret: Vec<u8>,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key({})", self.id)
    }
}

impl Key {
    /// A key from its secret bytes.
    #[must_use]
    pub fn new(secret: &[u8]) -> Key {
        let digest = sha2::Sha256::digest(secret);
        Key {
            id: hex(&digest[..4]),
            secret: secret.to_vec(),
        }
    }

    /// The MAC of `message`.
    ///
    /// # Panics
    /// Never: HMAC takes keys of any length.
    #[must_use]
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        // HMAC accepts a key of any length.
        let mut mac =
            HmacSha256::new_from_slice(&self.secret).expect("HMAC takes keys of any length");
        mac.update(message);
        mac.finalize().into_bytes().to_vec()
    }
}

/// The signing key and the keys still accepted.
#[derive(Clone, Debug)]
pub struct Keys {
    pub current: Key,
    pub previous: Vec<Key>,
    /// Where the key came from, for the start-up line.
    pub origin: String,
}

impl Keys {
    /// One key, for tests and tools.
    #[must_use]
    pub fn single(secret: &[u8]) -> Keys {
        Keys {
            current: Key::new(secret),
            previous: Vec::new(),
            origin: "given".to_string(),
        }
    }

    /// The key with this id, if it is the current or a previous one.
    #[must_use]
    pub fn find(&self, id: &str) -> Option<&Key> {
        std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|k| k.id == id)
    }

    /// Whether `mac` is the MAC of `message` under the key `id` (constant time).
    #[must_use]
    pub fn verify(&self, id: &str, message: &[u8], mac: &[u8]) -> bool {
        self.find(id)
            .is_some_and(|key| bool::from(key.sign(message).ct_eq(mac)))
    }

    /// Loads the keys: `RAPPORT_SECRET` (and `RAPPORT_SECRET_PREVIOUS`, comma-separated),
    /// else `file`, generated when missing.
    ///
    /// # Errors
    /// An empty secret, or a key file that cannot be read, parsed or written (a short secret
    /// is served with a warning).
    pub fn load(secret: Option<&str>, previous: Option<&str>, file: &Path) -> Result<Keys, String> {
        if let Some(secret) = secret {
            if secret.is_empty() {
                return Err(format!(
                    "RAPPORT_SECRET is empty; unset it to use a generated key file, or set it to \
                     at least {MIN_SECRET_BYTES} random bytes"
                ));
            }
            if secret.len() < MIN_SECRET_BYTES {
                // The operator chose the secret (several instances share it): served, with a
                // word of warning, as product.md §7 lets the environment set it.
                eprintln!(
                    "warning: RAPPORT_SECRET is {} bytes long; use at least {MIN_SECRET_BYTES} \
                     random bytes (for example `openssl rand -hex 32`)",
                    secret.len()
                );
            }
            let previous = previous
                .unwrap_or("")
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Key::new(s.as_bytes()))
                .collect();
            return Ok(Keys {
                current: Key::new(secret.as_bytes()),
                previous,
                origin: "RAPPORT_SECRET".to_string(),
            });
        }
        if file.exists() {
            return Self::read_file(file);
        }
        let secret = hex(&random_bytes(32)?);
        write_private(file, &format!("{secret}\n"))
            .map_err(|e| format!("cannot write a new key file `{}`: {e}", file.display()))?;
        Ok(Keys {
            current: Key::new(secret.as_bytes()),
            previous: Vec::new(),
            origin: format!("{} (generated)", file.display()),
        })
    }

    fn read_file(file: &Path) -> Result<Keys, String> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| format!("cannot read the key file `{}`: {e}", file.display()))?;
        let mut keys = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        let Some(first) = keys.next() else {
            return Err(format!(
                "the key file `{}` holds no key (delete it to have a new one generated)",
                file.display()
            ));
        };
        let all: Vec<&str> = std::iter::once(first).chain(keys).collect();
        if let Some(short) = all.iter().find(|k| k.len() < MIN_SECRET_BYTES) {
            return Err(format!(
                "the key file `{}` has a key of {} bytes; use at least {MIN_SECRET_BYTES}",
                file.display(),
                short.len()
            ));
        }
        Ok(Keys {
            current: Key::new(all[0].as_bytes()),
            previous: all[1..].iter().map(|k| Key::new(k.as_bytes())).collect(),
            origin: file.display().to_string(),
        })
    }
}

/// The default key file: `rapport.key` in `dir`.
#[must_use]
pub fn default_file(dir: &Path) -> PathBuf {
    dir.join("rapport.key")
}

/// `n` bytes from the operating system's random source.
///
/// # Errors
/// When it cannot be read.
pub fn random_bytes(n: usize) -> Result<Vec<u8>, String> {
    let mut bytes = vec![0; n];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| format!("cannot read random bytes from /dev/urandom: {e}"))?;
    Ok(bytes)
}

/// A random id: 16 bytes as 32 hex digits.
///
/// # Errors
/// When the random source cannot be read.
pub fn random_id() -> Result<String, String> {
    Ok(hex(&random_bytes(16)?))
}

/// Lowercase hex.
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Writes a file readable by its owner only.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir)?;
        }
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// Constant-time equality of two secrets (the manager token).
#[must_use]
pub fn same_secret(a: &str, b: &str) -> bool {
    // Compare digests, so the lengths leak nothing either.
    let a = sha2::Sha256::digest(a.as_bytes());
    let b = sha2::Sha256::digest(b.as_bytes());
    bool::from(a.ct_eq(&b))
}
