//! The one state every handler shares: the scenarios, the store, the keys and the
//! manager settings.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::catalog::Catalog;
use super::key::Keys;
use super::store::Store;

/// Login attempts allowed per address in [`LOGIN_WINDOW`].
pub const LOGIN_ATTEMPTS: u32 = 5;
/// The window of the login rate limit.
pub const LOGIN_WINDOW: Duration = Duration::from_secs(60);

/// What the server knows.
pub struct App {
    pub catalog: Catalog,
    pub store: Store,
    pub keys: Keys,
    /// The manager token; `None` turns the cohort view off.
    pub manager_token: Option<String>,
    /// The public address (for cookies' `Secure` and future launch links).
    pub base_url: Option<String>,
    pub log_json: bool,
    /// Login attempts per address: count and window start.
    pub logins: Mutex<HashMap<IpAddr, (u32, Instant)>>,
}

/// The shared state handed to every handler.
pub type AppState = Arc<App>;

impl App {
    /// Whether cookies must be `Secure` (the public address is https).
    #[must_use]
    pub fn secure(&self) -> bool {
        self.base_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }

    /// Counts a login attempt from `ip`; false when it is over the limit.
    pub fn allow_login(&self, ip: IpAddr) -> bool {
        let now = Instant::now();
        let Ok(mut logins) = self.logins.lock() else {
            return false;
        };
        if logins.len() > 10_000 {
            logins.retain(|_, (_, start)| now.duration_since(*start) < LOGIN_WINDOW);
        }
        let entry = logins.entry(ip).or_insert((0, now));
        if now.duration_since(entry.1) >= LOGIN_WINDOW {
            *entry = (0, now);
        }
        entry.0 += 1;
        entry.0 <= LOGIN_ATTEMPTS
    }
}

/// Unix seconds now.
#[must_use]
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
