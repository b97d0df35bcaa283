//! Images attached to a prompt (spec §3: `input_image` content parts).
//!
//! Owns: turning what the user named — a local file or an `http(s)` URL — into an
//! [`Attachment`]: a local file's type is checked by its magic bytes (PNG, JPEG, GIF,
//! WebP) and its size (at most [`MAX_IMAGE_BYTES`]) before any request, and it travels as
//! a `data:` URL; a URL travels as it is. Also the content part itself, and reading an
//! image's width and height from its header (the simulator acknowledges them). Does not
//! own: where attachments are kept in the app (`app::attach`) or building the rest of
//! the request (`request`).

use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The largest image sent: a clear error above it, before any request.
pub const MAX_IMAGE_BYTES: u64 = 20 * 1024 * 1024;

/// One image attached to a prompt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The file name (or the URL) as shown to the user.
    pub name: String,
    /// `image/png`, ...; empty for a URL, whose type the server finds out.
    #[serde(default)]
    pub mime: String,
    /// Size in bytes of a local file; `None` for a URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// Width and height, when the header says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<(u32, u32)>,
    /// What is sent: a `data:` URL or the user's URL. Never stored (a `data:` URL is
    /// the whole image); an attachment read back from the history has it empty.
    #[serde(skip)]
    pub url: String,
}

impl Attachment {
    /// Reads `what`: an `http://` / `https://` URL is kept as it is; anything else is a
    /// local file, checked and encoded. The error says what is wrong, for the user.
    pub fn load(what: &str) -> Result<Attachment, String> {
        let what = what.trim();
        if what.is_empty() {
            return Err("no image named".into());
        }
        let lower = what.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            url::Url::parse(what).map_err(|e| format!("{what}: not a valid URL ({e})"))?;
            return Ok(Attachment {
                name: what.to_owned(),
                mime: String::new(),
                bytes: None,
                size: None,
                url: what.to_owned(),
            });
        }
        // `~/` as a shell would read it: paths are typed into the app's prompt too.
        let home = what
            .strip_prefix("~/")
            .and_then(|rest| std::env::var_os("HOME").map(|h| Path::new(&h).join(rest)));
        let path = home.as_deref().unwrap_or(Path::new(what));
        let meta = std::fs::metadata(path).map_err(|e| format!("{what}: {e}"))?;
        if !meta.is_file() {
            return Err(format!("{what}: not a file"));
        }
        // Checked before reading, so a huge file is refused without loading it.
        if meta.len() > MAX_IMAGE_BYTES {
            return Err(format!(
                "{what}: {} is over the 20 MB an image may have",
                human_size(meta.len())
            ));
        }
        let data = std::fs::read(path).map_err(|e| format!("{what}: {e}"))?;
        Attachment::from_bytes(&file_name(path, what), &data)
    }

    /// An attachment of `data` called `name`, if it is an image of a supported type.
    pub fn from_bytes(name: &str, data: &[u8]) -> Result<Attachment, String> {
        if data.len() as u64 > MAX_IMAGE_BYTES {
            return Err(format!(
                "{name}: {} is over the 20 MB an image may have",
                human_size(data.len() as u64)
            ));
        }
        let Some(kind) = sniff(data) else {
            return Err(format!("{name}: not a PNG, JPEG, GIF or WebP image"));
        };
        Ok(Attachment {
            name: name.to_owned(),
            mime: kind.mime().to_owned(),
            bytes: Some(data.len() as u64),
            size: dimensions(kind, data),
            url: format!("data:{};base64,{}", kind.mime(), base64(data)),
        })
    }

    /// The `input_image` content part (spec §3).
    pub fn part(&self) -> Value {
        json!({"type": "input_image", "image_url": self.url})
    }

    /// How the attachment is shown: `chart.png · PNG · 1200×630 · 48 KB`.
    pub fn label(&self) -> String {
        let mut out = self.name.clone();
        if let Some(kind) = self.mime.strip_prefix("image/") {
            out.push_str(&format!(" · {}", kind.to_ascii_uppercase()));
        }
        if let Some((w, h)) = self.size {
            out.push_str(&format!(" · {w}×{h}"));
        }
        if let Some(b) = self.bytes {
            out.push_str(&format!(" · {}", human_size(b)));
        }
        out
    }
}

/// A user turn's content: the text alone, or the text then every image as parts.
pub fn user_content(text: &str, images: &[Attachment]) -> super::wire::InputContent {
    if images.is_empty() {
        return super::wire::InputContent::Text(text.to_owned());
    }
    let mut parts = vec![json!({"type": "input_text", "text": text})];
    parts.extend(images.iter().map(Attachment::part));
    super::wire::InputContent::Parts(parts)
}

fn file_name(path: &Path, fallback: &str) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| fallback.to_owned())
}

/// `512 B`, `48 KB`, `3.2 MB`.
pub fn human_size(bytes: u64) -> String {
    const KB: u64 = 1024;
    match bytes {
        b if b < KB => format!("{b} B"),
        b if b < KB * KB => format!("{} KB", b.div_ceil(KB)),
        b => format!("{:.1} MB", b as f64 / (KB * KB) as f64),
    }
}

/// The image types the API takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    Gif,
    Webp,
}

impl ImageKind {
    pub fn mime(self) -> &'static str {
        match self {
            ImageKind::Png => "image/png",
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Gif => "image/gif",
            ImageKind::Webp => "image/webp",
        }
    }

    pub fn short(self) -> &'static str {
        match self {
            ImageKind::Png => "PNG",
            ImageKind::Jpeg => "JPEG",
            ImageKind::Gif => "GIF",
            ImageKind::Webp => "WebP",
        }
    }
}

/// The type by magic bytes; the file name's extension is not trusted.
pub fn sniff(data: &[u8]) -> Option<ImageKind> {
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageKind::Png)
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageKind::Jpeg)
    } else if data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a") {
        Some(ImageKind::Gif)
    } else if data.len() >= 12 && &data[..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        Some(ImageKind::Webp)
    } else {
        None
    }
}

/// Width and height from the header, when it is where the format puts it.
pub fn dimensions(kind: ImageKind, d: &[u8]) -> Option<(u32, u32)> {
    let be32 = |i: usize| Some(u32::from_be_bytes(d.get(i..i + 4)?.try_into().ok()?));
    let le16 = |i: usize| Some(u32::from(u16::from_le_bytes(d.get(i..i + 2)?.try_into().ok()?)));
    let be16 = |i: usize| Some(u32::from(u16::from_be_bytes(d.get(i..i + 2)?.try_into().ok()?)));
    match kind {
        ImageKind::Png => Some((be32(16)?, be32(20)?)),
        ImageKind::Gif => Some((le16(6)?, le16(8)?)),
        ImageKind::Webp => match d.get(12..16)? {
            b"VP8X" => {
                let le24 = |i: usize| {
                    let b = d.get(i..i + 3)?;
                    Some(u32::from(b[0]) | (u32::from(b[1]) << 8) | (u32::from(b[2]) << 16))
                };
                Some((le24(24)? + 1, le24(27)? + 1))
            }
            b"VP8 " => Some((le16(26)? & 0x3FFF, le16(28)? & 0x3FFF)),
            b"VP8L" => {
                let b = d.get(21..25)?;
                let bits = u32::from_le_bytes(b.try_into().ok()?);
                Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
            }
            _ => None,
        },
        ImageKind::Jpeg => {
            // Walk the segments to the first start-of-frame marker.
            let mut i = 2;
            while i + 9 < d.len() {
                if d[i] != 0xFF {
                    return None;
                }
                let marker = d[i + 1];
                let len = be16(i + 2)? as usize;
                if matches!(marker, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF) {
                    return Some((be16(i + 7)?, be16(i + 5)?));
                }
                i += 2 + len;
            }
            None
        }
    }
}

/// Standard padded base64 (the `base64` crate's standard engine).
pub fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Decodes about the first `max_bytes` of standard base64 (enough for a header) without
/// decoding the rest; `None` when that part is not base64.
pub fn base64_prefix(text: &str, max_bytes: usize) -> Option<Vec<u8>> {
    use base64::Engine;
    // Whole groups of four characters (three bytes each), so the prefix decodes alone.
    let chars = max_bytes.div_ceil(3).saturating_mul(4);
    let prefix = text.get(..chars.min(text.len()))?;
    let mut out = base64::engine::general_purpose::STANDARD.decode(prefix).ok()?;
    out.truncate(max_bytes);
    Some(out)
}

/// A tiny valid PNG header of `w`×`h` (signature and IHDR), for tests and the demo.
pub fn png_header(w: u32, h: u32) -> Vec<u8> {
    let mut d = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    d.extend_from_slice(&w.to_be_bytes());
    d.extend_from_slice(&h.to_be_bytes());
    d.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_told_by_magic_bytes_not_names() {
        assert_eq!(sniff(&png_header(1, 1)), Some(ImageKind::Png));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(ImageKind::Jpeg));
        assert_eq!(sniff(b"GIF89a\x10\x00\x20\x00"), Some(ImageKind::Gif));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(ImageKind::Webp));
        assert_eq!(sniff(b"%PDF-1.7"), None);
        assert!(Attachment::from_bytes("x.png", b"%PDF-1.7").is_err());
    }

    #[test]
    fn dimensions_come_from_the_header() {
        assert_eq!(
            dimensions(ImageKind::Png, &png_header(1200, 630)),
            Some((1200, 630))
        );
        assert_eq!(
            dimensions(ImageKind::Gif, b"GIF89a\x10\x00\x20\x00"),
            Some((16, 32))
        );
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x02, 0x76, 0x04,
            0xB0, 0x03,
        ];
        assert_eq!(dimensions(ImageKind::Jpeg, &jpeg), Some((1200, 630)));
    }

    #[test]
    fn a_file_becomes_a_data_url_and_a_url_stays_as_it_is() {
        let a = Attachment::from_bytes("chart.png", &png_header(2, 3)).expect("png");
        assert!(a.url.starts_with("data:image/png;base64,iVBORw0KGgo"));
        assert_eq!(a.label(), "chart.png · PNG · 2×3 · 33 B");
        let decoded = base64_prefix(a.url.split_once(',').map_or("", |p| p.1), 24).expect("b64");
        assert_eq!(dimensions(ImageKind::Png, &decoded), Some((2, 3)));
        let u = Attachment::load("https://example.com/a.jpg").expect("url");
        assert_eq!(
            u.part(),
            json!({"type": "input_image", "image_url": "https://example.com/a.jpg"})
        );
    }

    #[test]
    fn too_big_is_refused_before_reading() {
        let dir = std::env::temp_dir().join(format!("mavera-img-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let big = dir.join("big.png");
        let f = std::fs::File::create(&big).expect("file");
        f.set_len(MAX_IMAGE_BYTES + 1).expect("len");
        let err = Attachment::load(big.to_str().unwrap_or_default()).expect_err("too big");
        assert!(err.contains("over the 20 MB"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn base64_matches_the_rfc_vectors() {
        for (plain, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), enc);
            assert_eq!(base64_prefix(enc, 100).expect("ok"), plain.as_bytes());
        }
    }
}
