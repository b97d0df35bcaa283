//! Images in a `POST /responses` body: the simulator looks at the `input_image` parts of
//! the last user turn and says what it sees, as a vision model would.
//!
//! Owns: the acknowledgement sentence ("Looking at the image you shared (PNG,
//! 1200×630)…"), reading type and size from a `data:` URL's header. Does not own:
//! validating the rest of the body (`request`) or composing the answer (`voice`).

use serde_json::Value;

use crate::api::image::{base64_prefix, dimensions, sniff};

/// What the last user turn's images are, in order; empty when it has none.
pub fn described(body: &Value) -> Vec<String> {
    let Some(Value::Array(items)) = body.get("input") else {
        return Vec::new();
    };
    let Some(parts) = items
        .iter()
        .rev()
        .find(|i| i.get("role").and_then(Value::as_str) == Some("user"))
        .and_then(|i| i.get("content"))
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    parts
        .iter()
        .filter(|p| p.get("type").and_then(Value::as_str) == Some("input_image"))
        .map(|p| {
            // `image_url` is a string in the Responses API; `{"url": ...}` is Chat's shape.
            let url = match p.get("image_url") {
                Some(Value::String(u)) => u.as_str(),
                Some(v) => v.get("url").and_then(Value::as_str).unwrap_or(""),
                None => "",
            };
            describe(url)
        })
        .collect()
}

/// `PNG, 1200×630` for a data URL; `from example.com` for a link.
fn describe(url: &str) -> String {
    if let Some(rest) = url.strip_prefix("data:") {
        let payload = rest.split_once(',').map_or("", |p| p.1);
        // 64 bytes hold every header `dimensions` reads except a JPEG's, whose frame
        // marker can sit further in: 64 KiB covers ordinary files.
        let head = base64_prefix(payload, 64 * 1024).unwrap_or_default();
        return match sniff(&head) {
            Some(kind) => match dimensions(kind, &head) {
                Some((w, h)) => format!("{}, {w}×{h}", kind.short()),
                None => kind.short().to_owned(),
            },
            None => "an image I could not read".to_owned(),
        };
    }
    match url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
    {
        Some(host) => format!("from {host}"),
        None => "by link".to_owned(),
    }
}

/// The sentence an answer opens with, when the prompt carried images.
pub fn acknowledgement(body: &Value) -> Option<String> {
    let seen = described(body);
    match seen.len() {
        0 => None,
        1 => Some(format!("Looking at the image you shared ({})…", seen[0])),
        n => Some(format!(
            "Looking at the {n} images you shared ({})…",
            seen.join("; ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::image::{base64, png_header};
    use serde_json::json;

    #[test]
    fn a_data_url_is_read_for_type_and_size_and_a_link_by_host() {
        let data = format!("data:image/png;base64,{}", base64(&png_header(1200, 630)));
        let body = json!({"input": [{"role": "user", "content": [
            {"type": "input_text", "text": "hi"},
            {"type": "input_image", "image_url": data}]}]});
        assert_eq!(
            acknowledgement(&body).as_deref(),
            Some("Looking at the image you shared (PNG, 1200×630)…")
        );
        let two = json!({"input": [{"role": "user", "content": [
            {"type": "input_image", "image_url": data},
            {"type": "input_image", "image_url": "https://example.com/x.jpg"}]}]});
        assert_eq!(
            acknowledgement(&two).as_deref(),
            Some("Looking at the 2 images you shared (PNG, 1200×630; from example.com)…")
        );
        assert_eq!(acknowledgement(&json!({"input": "hi"})), None);
    }
}
