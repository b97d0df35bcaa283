//! The API key, held so that it cannot leak by accident.
//!
//! Owns: the redacting newtype. `Debug` and `Display` show only the masked form
//! (`mvra_live_…abcd`); the one way to the secret is `expose`, used only to build the
//! `Authorization` header. Does not own: where the key comes from (see `config`).

use std::fmt;

/// A secret bearer key. Never derive `Debug`/`Serialize` on anything that would print it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

/// The documented key prefix; keys without it are used anyway (formats change), with a
/// warning.
pub const KEY_PREFIX: &str = "mvra_live_";

impl ApiKey {
    /// Wraps a key, trimming the whitespace a copy-paste or a file leaves around it.
    /// An empty key is no key.
    pub fn new(raw: impl Into<String>) -> Option<ApiKey> {
        let raw = raw.into();
        let trimmed = raw.trim();
        (!trimmed.is_empty()).then(|| ApiKey(trimmed.to_owned()))
    }

    /// The secret itself: for the `Authorization` header only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the key has the documented shape (prefix and 32+ characters).
    pub fn looks_valid(&self) -> bool {
        self.0.starts_with(KEY_PREFIX) && self.0.chars().count() >= 32
    }

    /// At most the prefix and the last four characters.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        if chars.len() < 16 {
            return "****".to_owned();
        }
        let tail: String = chars.iter().skip(chars.len() - 4).collect();
        let prefix = if self.0.starts_with(KEY_PREFIX) {
            KEY_PREFIX
        } else {
            ""
        };
        format!("{prefix}…{tail}")
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({})", self.masked())
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "mvra_live_0123456789abcdefghijSECRET9z";

    #[test]
    fn debug_and_display_never_show_the_secret() {
        let key = ApiKey::new(KEY).expect("non-empty");
        for shown in [format!("{key:?}"), format!("{key}"), key.masked()] {
            assert!(!shown.contains("SECRET"), "{shown}");
            assert!(!shown.contains("0123456789"), "{shown}");
        }
        assert_eq!(key.masked(), "mvra_live_…ET9z");
    }

    #[test]
    fn short_keys_are_masked_entirely() {
        let key = ApiKey::new("abc").expect("non-empty");
        assert!(!key.masked().contains("abc"));
        assert!(!key.looks_valid());
    }

    #[test]
    fn blank_is_no_key() {
        assert!(ApiKey::new("  \n").is_none());
        assert_eq!(
            ApiKey::new(format!(" {KEY}\n")).map(|k| k.expose().to_owned()),
            Some(KEY.to_owned())
        );
    }
}
