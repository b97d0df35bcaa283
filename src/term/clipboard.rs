//! The terminal's clipboard: OSC 52 (`ESC ] 52 ; c ; BASE64 BEL`), which terminals
//! (and tmux with `set -g set-clipboard on`) turn into a clipboard write — also over SSH,
//! where no system clipboard is reachable.
//!
//! Owns: the escape sequence (its base64 is the `base64` crate's, standard and padded). The runtime
//! writes it through the frames' own writer, between frames. Does not own: what is
//! copied or its cap (`app::copy`).

/// Standard padded base64 (the `base64` crate's standard engine).
pub fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The OSC 52 sequence that sets the clipboard (`c`) to `text`.
pub fn osc52(text: &str) -> String {
    format!("\u{1b}]52;c;{}\u{7}", base64(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in vectors {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
    }

    #[test]
    fn osc52_sets_the_clipboard_with_base64_and_bel() {
        assert_eq!(osc52("hi ✓"), "\u{1b}]52;c;aGkg4pyT\u{7}");
    }
}
