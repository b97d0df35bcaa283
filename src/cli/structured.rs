//! `ask --schema`: structured answers on the command line.
//!
//! Owns: finding the schema (a file, or a name from the config's `[schemas]`), printing a
//! structured answer in text mode (the JSON pretty-printed on stdout, the verdict of the
//! local check on stderr), the `structured` entry of `--json`, and `--format csv` (one
//! row per persona, one column per top-level field). Does not own: running the requests
//! (`ask`), the wire shape (`api::structured`) or checking (`api::schema`).

use std::path::Path;

use serde_json::{json, Value};

use super::answer::Answer;
use super::CliError;
use crate::api::structured::{self, Checked, NamedSchema};
use crate::sanitize::{clean, clean_line};

/// `--schema ARG`: a file when one exists at that path, else a schema of the config file
/// by name.
pub fn resolve(arg: &str, configured: &[NamedSchema]) -> Result<NamedSchema, CliError> {
    let path = Path::new(arg);
    if path.exists() {
        return crate::structure::read_schema(path).map_err(CliError::Usage);
    }
    configured.iter().find(|s| s.name == arg).cloned().ok_or_else(|| {
        let names: Vec<&str> = configured.iter().map(|s| s.name.as_str()).collect();
        let known = if names.is_empty() {
            String::new()
        } else {
            format!(" or one of the config's [schemas]: {}", names.join(", "))
        };
        CliError::Usage(format!("--schema {arg}: no such file{known}"))
    })
}

/// The answer's text read against the schema.
pub fn check(answer: &Answer, schema: &NamedSchema) -> Checked {
    Checked::of(answer.answer_text(), &schema.schema)
}

/// What text mode prints for a finished structured answer: the JSON, pretty and safe to
/// print (the text as it came when it is not JSON), and the verdict line for stderr.
pub fn printed(answer: &Answer, schema: &NamedSchema) -> (String, String) {
    let checked = check(answer, schema);
    let body = match checked.value() {
        Some(v) => clean(&serde_json::to_string_pretty(v).unwrap_or_default()),
        None => clean(answer.answer_text()),
    };
    (body, clean_line(&checked.verdict(&schema.name)))
}

/// Adds `structured: {schema, valid, value, violation}` to each answer of a `--json`
/// document (the same order as `answers`).
pub fn annotate(doc: &mut Value, answers: &[&Answer], schema: &NamedSchema) {
    let Some(items) = doc.get_mut("answers").and_then(Value::as_array_mut) else {
        return;
    };
    for (item, answer) in items.iter_mut().zip(answers) {
        let checked = check(answer, schema);
        let violation = match &checked {
            Checked::Valid(_) => None,
            Checked::Invalid(_, v) => Some(clean_line(&v.to_string())),
            Checked::NotJson(e) => Some(clean_line(&format!("not JSON: {e}"))),
        };
        if let Value::Object(m) = item {
            m.insert(
                "structured".into(),
                json!({
                    "schema": schema.name,
                    "valid": matches!(checked, Checked::Valid(_)),
                    "value": checked.value().map(super::report::clean_value),
                    "violation": violation,
                }),
            );
        }
    }
}

/// `--format csv`: a header and one row per persona, cells sanitised.
pub fn csv(names: &[String], answers: &[&Answer], schema: &NamedSchema) -> String {
    let rows: Vec<(String, Checked)> = names
        .iter()
        .zip(answers)
        .map(|(name, answer)| (name.clone(), check(answer, schema)))
        .map(|(name, checked)| match checked {
            Checked::Valid(v) => (name, Checked::Valid(super::report::clean_value(&v))),
            Checked::Invalid(v, e) => (name, Checked::Invalid(super::report::clean_value(&v), e)),
            other => (name, other),
        })
        .collect();
    structured::csv(&schema.fields(), &rows)
}
