//! Faults named by one request — the `X-Sim-Fault` header, the `sim_fault` body field and
//! `#fault:NAME` prompt markers — and the merged set a request ends up with.
//!
//! Owns: parsing those selectors and the precedence between sources. Pure. Does not own:
//! the fault names (`kind`) or the global plan (`FaultPlan`).

use super::kind::{Fault, FaultKind};

/// Parses a list such as the `X-Sim-Fault` header: `drop=3, crlf`.
pub fn parse_list(text: &str) -> Result<Vec<Fault>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(Fault::parse)
        .collect()
}

/// Removes every `#fault:NAME[=VALUE]` marker naming a real fault from a prompt and
/// returns the cleaned prompt with the faults. Markers naming no fault stay as typed.
pub fn extract_markers(prompt: &str) -> (String, Vec<Fault>) {
    const MARK: &str = "#fault:";
    let mut out = String::with_capacity(prompt.len());
    let mut faults = Vec::new();
    let mut rest = prompt;
    while let Some(pos) = rest.find(MARK) {
        out.push_str(&rest[..pos]);
        let after = &rest[pos + MARK.len()..];
        let len = after
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '='))
            .unwrap_or(after.len());
        match Fault::parse(&after[..len]) {
            Ok(f) if len > 0 => {
                faults.push(f);
                // Swallow one following space so "a #fault:x b" becomes "a b".
                let tail = &after[len..];
                rest = tail.strip_prefix(' ').unwrap_or(tail);
                if out.ends_with(' ') && rest.starts_with(' ') {
                    rest = &rest[1..];
                }
            }
            _ => {
                out.push_str(MARK);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    (out.trim().to_string(), faults)
}

/// The faults applied to one request, first source winning per kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults(Vec<Fault>);

impl Faults {
    /// Merges sources in priority order, keeping the first fault of each kind.
    pub fn merge(sources: impl IntoIterator<Item = Fault>) -> Faults {
        let mut out: Vec<Fault> = Vec::new();
        for f in sources {
            if !out.iter().any(|g| g.kind == f.kind) {
                out.push(f);
            }
        }
        Faults(out)
    }

    pub fn has(&self, kind: FaultKind) -> bool {
        self.0.iter().any(|f| f.kind == kind)
    }

    /// The number given with `kind`, if it is present and has one.
    pub fn value(&self, kind: FaultKind) -> Option<u64> {
        self.0.iter().find(|f| f.kind == kind).and_then(|f| f.value)
    }

    /// The first fault that must replace the reply before any body byte.
    pub fn before_body(&self) -> Option<Fault> {
        self.0.iter().copied().find(|f| f.kind.before_body())
    }

    /// Names for the request record, such as `drop=3`.
    pub fn labels(&self) -> Vec<String> {
        self.0.iter().map(Fault::to_string).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FaultKind::*;

    #[test]
    fn markers_are_stripped_and_unknown_ones_kept() {
        let (p, f) = extract_markers("Tell me #fault:drop=3 about #fault:crlf pricing");
        assert_eq!(p, "Tell me about pricing");
        assert_eq!(
            f,
            vec![
                Fault {
                    kind: Drop,
                    value: Some(3)
                },
                Fault::new(Crlf)
            ]
        );
        let (p, f) = extract_markers("#fault:nothing here #fault:");
        assert_eq!(p, "#fault:nothing here #fault:");
        assert!(f.is_empty());
        let (p, f) = extract_markers("#fault:split");
        assert_eq!(p, "");
        assert_eq!(f.len(), 1);
        // Multi-byte text around markers must not split a character.
        let (p, _) = extract_markers("日本#fault:cr語");
        assert_eq!(p, "日本語");
    }

    #[test]
    fn merge_keeps_first_of_each_kind() {
        let header = parse_list("drop=2, crlf").unwrap();
        let plan = vec![
            Fault {
                kind: Drop,
                value: Some(9),
            },
            Fault::new(ServerError),
        ];
        let all = Faults::merge(header.into_iter().chain(plan));
        assert_eq!(all.value(Drop), Some(2));
        assert!(all.has(Crlf));
        assert_eq!(all.before_body(), Some(Fault::new(ServerError)));
        assert_eq!(all.labels(), vec!["drop=2", "crlf", "server_error"]);
        assert!(parse_list("drop, nope").is_err());
    }

    proptest::proptest! {
        #[test]
        fn markers_never_panic_and_valid_ones_are_removed(
            before in "[^#]{0,40}", after in "[^#]{0,40}", junk in ".{0,80}", pick in 0usize..28,
        ) {
            let _ = extract_markers(&junk);
            let _ = parse_list(&junk);
            let name = FaultKind::ALL[pick].name();
            let (clean, faults) = extract_markers(&format!("{before}#fault:{name} {after}"));
            proptest::prop_assert!(!clean.contains("#fault:"), "{}", clean);
            proptest::prop_assert_eq!(faults, vec![Fault::new(FaultKind::ALL[pick])]);
        }
    }
}
