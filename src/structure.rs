//! Schemas and tools named in the configuration file, made ready to send.
//!
//! Owns: the `[schemas]` table (`name = "path/to/schema.json"`, a path relative to the
//! config file's folder, or the JSON text itself when it starts with `{`) and the
//! `[[tools]]` list (`name`, `description`, `parameters`), their checks and the messages
//! naming the key that is wrong; and reading a schema file (`read_schema`, also for
//! `ask --schema` and the app's path prompt). Does not own: the wire shapes
//! (`api::structured`) or choosing a schema (the app, `ask`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::api::structured::{NamedSchema, Tool};

/// A schema file larger than this is refused: a schema is a few KB, and the file is read
/// whole.
const MAX_SCHEMA_BYTES: u64 = 1 << 20;

/// `[[tools]]` as written in the file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolConfig {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The arguments' JSON Schema; an object with no properties when left out.
    #[serde(default)]
    pub parameters: Option<Value>,
}

/// A typed path with a leading `~/` taken from `$HOME`, as a shell would.
pub fn expand_home(typed: &str) -> PathBuf {
    match (typed.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(typed),
    }
}

/// Reads the JSON Schema at `path`, named after the file's stem.
pub fn read_schema(path: &Path) -> Result<NamedSchema, String> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read schema {shown}: {e}"))?;
    if meta.len() > MAX_SCHEMA_BYTES {
        return Err(format!("schema {shown} is larger than 1 MiB"));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read schema {shown}: {e}"))?;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    parse_schema(&name, &text).map_err(|e| format!("schema {shown}: {e}"))
}

/// A schema from its JSON text: it must be a JSON object.
pub fn parse_schema(name: &str, text: &str) -> Result<NamedSchema, String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    if !value.is_object() {
        return Err("a JSON Schema must be a JSON object".into());
    }
    Ok(NamedSchema::new(name, value))
}

/// The `[schemas]` table resolved: every file read, relative paths taken from `base`
/// (the config file's folder). An error names the key.
pub fn schemas(table: &BTreeMap<String, String>, base: Option<&Path>) -> Result<Vec<NamedSchema>, String> {
    table
        .iter()
        .map(|(name, source)| {
            let source = source.trim();
            let found = if source.starts_with('{') {
                parse_schema(name, source)
            } else {
                let path = PathBuf::from(source);
                let path = match base {
                    Some(dir) if path.is_relative() => dir.join(path),
                    _ => path,
                };
                read_schema(&path).map(|s| NamedSchema::new(name, s.schema))
            };
            found.map_err(|e| format!("schemas.{name}: {e}"))
        })
        .collect()
}

/// The `[[tools]]` list checked: a name of letters, digits, `_` or `-`, unique; the
/// parameters a JSON object.
pub fn tools(list: &[ToolConfig]) -> Result<Vec<Tool>, String> {
    let mut out: Vec<Tool> = Vec::with_capacity(list.len());
    for (i, t) in list.iter().enumerate() {
        let name = t.name.trim();
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(format!(
                "tools[{i}].name = {name:?}: use letters, digits, _ or - (the API's rule for function names)"
            ));
        }
        if out.iter().any(|o| o.name == name) {
            return Err(format!("tools[{i}].name = {name:?} is declared twice"));
        }
        let parameters = match &t.parameters {
            None => serde_json::json!({"type": "object", "properties": {}}),
            Some(p) if p.is_object() => p.clone(),
            Some(_) => {
                return Err(format!(
                    "tools[{i}].parameters must be a table (a JSON Schema object)"
                ))
            }
        };
        out.push(Tool {
            name: name.to_owned(),
            description: t.description.clone(),
            parameters,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_file_schemas_resolve_relative_to_the_config_folder() {
        let dir = std::env::temp_dir().join(format!("mavera-structure-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("r.json"), r#"{"type":"object"}"#).unwrap();
        let mut table = BTreeMap::new();
        table.insert("file".to_owned(), "r.json".to_owned());
        table.insert("inline".to_owned(), r#"{"type":"string"}"#.to_owned());
        let got = schemas(&table, Some(&dir)).unwrap();
        assert_eq!(got[0].name, "file");
        assert_eq!(got[1].schema, serde_json::json!({"type": "string"}));
        table.insert("broken".to_owned(), "missing.json".to_owned());
        let err = schemas(&table, Some(&dir)).unwrap_err();
        assert!(err.starts_with("schemas.broken: cannot read schema"), "{err}");
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn tool_names_are_checked() {
        let t = |name: &str| ToolConfig {
            name: name.into(),
            description: String::new(),
            parameters: None,
        };
        assert!(tools(&[t("lookup_price")]).is_ok());
        assert!(tools(&[t("bad name")]).unwrap_err().contains("tools[0].name"));
        assert!(tools(&[t("a"), t("a")]).unwrap_err().contains("declared twice"));
    }
}
