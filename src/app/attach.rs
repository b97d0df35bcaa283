//! Images attached to a prompt, as the conversation keeps them.
//!
//! An attachment rides on the user's message as an `AnswerPart::Other` of kind
//! `input_image` — the part vocabulary the history and exports already store — holding
//! its name, type, size and, for this session only, the URL sent (the history keeps no
//! `data:` URL: `stored` drops it, as the whole image would bloat every row). Owns: that
//! part's shape, and a user turn's content with its images (spec §3). Does not own:
//! reading files (`api::image`) or drawing (`view::cache`).

use serde_json::{json, Value};

use crate::api::image::Attachment;
use crate::api::wire::InputContent;
use crate::api::AnswerPart;

/// The kind of an attachment's part.
pub const KIND: &str = "input_image";

/// The part that keeps `a` on its message.
pub fn part(a: &Attachment) -> AnswerPart {
    let mut item = json!({"type": KIND, "name": a.name, "label": a.label(), "image_url": a.url});
    if let Value::Object(m) = &mut item {
        if !a.mime.is_empty() {
            m.insert("mime".into(), json!(a.mime));
        }
        if let Some(b) = a.bytes {
            m.insert("bytes".into(), json!(b));
        }
        if let Some((w, h)) = a.size {
            m.insert("width".into(), json!(w));
            m.insert("height".into(), json!(h));
        }
    }
    AnswerPart::Other {
        kind: KIND.into(),
        item,
    }
}

/// The label of an attachment part, if `p` is one (raw: the caller sanitises).
pub fn label(p: &AnswerPart) -> Option<&str> {
    match p {
        AnswerPart::Other { kind, item } if kind == KIND => item.get("label").and_then(Value::as_str),
        _ => None,
    }
}

/// A user turn's content: its text, then every image whose URL this session still has.
pub fn content(parts: &[AnswerPart], text: &str) -> InputContent {
    let images: Vec<Value> = parts
        .iter()
        .filter_map(|p| match p {
            AnswerPart::Other { kind, item } if kind == KIND => item.get("image_url").and_then(Value::as_str),
            _ => None,
        })
        .filter(|url| !url.is_empty())
        .map(|url| json!({"type": "input_image", "image_url": url}))
        .collect();
    if images.is_empty() {
        return InputContent::Text(text.to_owned());
    }
    let mut parts = vec![json!({"type": "input_text", "text": text})];
    parts.extend(images);
    InputContent::Parts(parts)
}

/// The part as the history stores it: without a `data:` URL.
pub fn stored_item(kind: &str, item: &Value) -> Value {
    let mut item = item.clone();
    if kind == KIND {
        if let Value::Object(m) = &mut item {
            if m.get("image_url")
                .and_then(Value::as_str)
                .is_some_and(|u| u.starts_with("data:"))
            {
                m.remove("image_url");
            }
        }
    }
    item
}

/// The labels of the attachments in a stored message's parts (the history's JSON).
pub fn stored_labels(parts: &Value) -> Vec<String> {
    parts
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p.get("type").and_then(Value::as_str) == Some("other"))
        .filter(|p| p.get("kind").and_then(Value::as_str) == Some(KIND))
        .filter_map(|p| p.get("item")?.get("label")?.as_str().map(str::to_owned))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::image::png_header;

    #[test]
    fn the_history_keeps_what_was_attached_but_not_the_image() {
        let image = Attachment::from_bytes("chart.png", &png_header(4, 2)).expect("png");
        let AnswerPart::Other { kind, item } = part(&image) else {
            panic!("an input_image part")
        };
        let stored = stored_item(&kind, &item);
        assert_eq!(
            stored,
            json!({"type": "input_image", "name": "chart.png", "label": "chart.png · PNG · 4×2 · 33 B",
                   "mime": "image/png", "bytes": 33, "width": 4, "height": 2})
        );
        // A URL is no secret and no weight: it stays.
        let link = Attachment::load("https://example.com/a.png").expect("url");
        let AnswerPart::Other { kind, item } = part(&link) else {
            panic!("part")
        };
        assert_eq!(
            stored_item(&kind, &item)["image_url"],
            "https://example.com/a.png"
        );
        let row = json!([{"type": "other", "kind": KIND, "item": stored}, {"type": "refusal", "text": "no"}]);
        assert_eq!(stored_labels(&row), ["chart.png · PNG · 4×2 · 33 B"]);
    }

    #[test]
    fn a_prompt_with_images_becomes_content_parts_and_one_read_back_is_text() {
        let image = Attachment::from_bytes("chart.png", &png_header(4, 2)).expect("png");
        let mut parts_of_message = vec![part(&image)];
        let InputContent::Parts(parts) = content(&parts_of_message, "look") else {
            panic!("parts")
        };
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[1]["image_url"], json!(image.url));
        // From the history, without its data URL: only the text can be sent again.
        if let Some(AnswerPart::Other { kind, item }) = parts_of_message.first_mut() {
            *item = stored_item(kind, item);
        }
        assert_eq!(
            content(&parts_of_message, "look"),
            InputContent::Text("look".into())
        );
    }
}
