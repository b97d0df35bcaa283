//! The global fault plan (`--faults`, `SimConfig::faults`): entries
//! `NAME[=VALUE][*N][@TARGET]`, which requests they match, and their `*N` budgets.
//!
//! Owns: parsing the plan, targets (persona id or name, endpoint path), and spending
//! budgets only on faults that take effect. Pure. Does not own: the fault names
//! (`kind`) or per-request selectors (`per_request`).

use super::kind::{Fault, FaultKind};

/// Who an entry of the plan applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// Every `POST /responses`.
    Responses,
    /// `POST /responses` for this persona (id, or name compared case-insensitively).
    Persona(String),
    /// An endpoint, as its path below the base URL (`/personas`).
    Path(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    fault: Fault,
    /// `None` = unlimited; `Some(n)` = n more matching requests.
    remaining: Option<u64>,
    target: Target,
}

/// The global fault plan of a simulator: `--faults` or `SimConfig::faults`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultPlan {
    entries: Vec<Entry>,
}

/// The request a plan is asked about.
#[derive(Debug, Clone, Copy, Default)]
pub struct Subject<'a> {
    /// Path below the base URL: `/responses`, `/personas`, `/usage`.
    pub endpoint: &'a str,
    pub persona_id: Option<&'a str>,
    pub persona_name: Option<&'a str>,
    /// The request follows a redirect the simulator sent: redirect faults spare it (and
    /// spend no budget on it), or a planned redirect would send the client round forever.
    pub redirected: bool,
}

impl FaultPlan {
    /// Parses `NAME[=VALUE][*N][@TARGET]` entries separated by commas. Empty = no faults.
    pub fn parse(spec: &str) -> Result<FaultPlan, String> {
        let mut entries = Vec::new();
        for raw in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (head, target) = match raw.split_once('@') {
                Some((h, t)) => (h.trim(), parse_target(t)?),
                None => (raw, Target::Responses),
            };
            let (fault_text, count) = match head.split_once('*') {
                Some((f, n)) => {
                    let n = n.trim();
                    // Tolerate `NAME*N=VALUE` as well as `NAME=VALUE*N`.
                    let (n, value) = n.split_once('=').map_or((n, None), |(a, b)| (a, Some(b)));
                    let count = n
                        .parse::<u64>()
                        .ok()
                        .filter(|c| *c > 0)
                        .ok_or_else(|| format!("'{raw}': the count after '*' must be 1 or more"))?;
                    let fault_text = match value {
                        Some(v) => format!("{f}={v}"),
                        None => f.to_string(),
                    };
                    (fault_text, Some(count))
                }
                None => (head.to_string(), None),
            };
            let fault = Fault::parse(&fault_text).map_err(|e| format!("'{raw}': {e}"))?;
            if let Target::Path(p) = &target {
                if p != "/responses" && !fault.kind.before_body() {
                    return Err(format!(
                        "'{raw}': {p} sends no stream; only reply-replacing faults (rate_limit, \
                         server_error, unavailable, credits_exhausted, html_error, empty_error) apply"
                    ));
                }
            }
            entries.push(Entry {
                fault,
                remaining: count,
                target,
            });
        }
        Ok(FaultPlan { entries })
    }

    /// A plan that applies one fault to every `POST /responses`.
    pub fn always(kind: FaultKind) -> FaultPlan {
        FaultPlan {
            entries: vec![Entry {
                fault: Fault::new(kind),
                remaining: None,
                target: Target::Responses,
            }],
        }
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The plan's faults for one request that also carries `already` (from its header,
    /// body or prompt). A `*N` budget is spent only by a fault that takes effect: not by
    /// one whose kind the request already has, nor by a second reply-replacing fault
    /// (only one error can be the reply). So `rate_limit*1,server_error*1` fails two
    /// requests in turn rather than spending both budgets on the first.
    pub fn take(&mut self, subject: &Subject<'_>, already: &[Fault]) -> Vec<Fault> {
        let mut out: Vec<Fault> = Vec::new();
        let mut replaced = already.iter().any(|f| f.kind.before_body());
        for entry in &mut self.entries {
            let kind = entry.fault.kind;
            if entry.remaining == Some(0)
                || !matches(&entry.target, subject)
                || (subject.redirected && kind.redirects())
                || already.iter().chain(&out).any(|f| f.kind == kind)
                || (replaced && kind.before_body())
            {
                continue;
            }
            replaced |= kind.before_body();
            if let Some(n) = entry.remaining.as_mut() {
                *n -= 1;
            }
            out.push(entry.fault);
        }
        out
    }
}

fn parse_target(text: &str) -> Result<Target, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty target after '@'".into());
    }
    if t.starts_with('/') {
        return Ok(Target::Path(normalise_endpoint(t).to_string()));
    }
    Ok(Target::Persona(t.to_string()))
}

/// `/api/v1/personas` and `/v1/personas` are both `/personas`.
pub fn normalise_endpoint(path: &str) -> &str {
    let p = path
        .strip_prefix("/api/v1")
        .or_else(|| path.strip_prefix("/v1"))
        .unwrap_or(path);
    let p = p.trim_end_matches('/');
    if p.is_empty() {
        "/"
    } else {
        p
    }
}

fn matches(target: &Target, s: &Subject<'_>) -> bool {
    match target {
        Target::Responses => s.endpoint == "/responses",
        Target::Path(p) => p == s.endpoint,
        Target::Persona(p) => {
            s.endpoint == "/responses"
                && (s.persona_id == Some(p.as_str())
                    || s.persona_name
                        .is_some_and(|n| n.to_lowercase() == p.to_lowercase()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use FaultKind::*;

    fn responses<'a>(id: Option<&'a str>, name: Option<&'a str>) -> Subject<'a> {
        Subject {
            endpoint: "/responses",
            persona_id: id,
            persona_name: name,
            redirected: false,
        }
    }

    #[test]
    fn parses_values_counts_and_targets() {
        let mut plan = FaultPlan::parse("drop=5*2@Gen Z Consumer, crlf, rate_limit*1=2@/personas").unwrap();
        let genz = responses(Some("c1"), Some("gen z consumer"));
        let f = plan.take(&genz, &[]);
        assert_eq!(
            f,
            vec![
                Fault {
                    kind: Drop,
                    value: Some(5)
                },
                Fault::new(Crlf)
            ]
        );
        assert_eq!(plan.take(&genz, &[]).len(), 2);
        assert_eq!(plan.take(&genz, &[]), vec![Fault::new(Crlf)], "budget of 2 spent");
        let other = responses(Some("c2"), Some("CFO"));
        assert_eq!(plan.take(&other, &[]), vec![Fault::new(Crlf)]);
        let personas = Subject {
            endpoint: "/personas",
            ..Subject::default()
        };
        assert_eq!(
            plan.take(&personas, &[]),
            vec![Fault {
                kind: RateLimit,
                value: Some(2)
            }]
        );
        assert!(plan.take(&personas, &[]).is_empty());
    }

    #[test]
    fn budgets_are_spent_only_by_faults_that_apply() {
        let mut plan = FaultPlan::parse("rate_limit=1*1, server_error*1, unavailable*1, drop*1").unwrap();
        let s = responses(None, None);
        let kinds = |f: Vec<Fault>| f.into_iter().map(|f| f.kind).collect::<Vec<_>>();
        assert_eq!(kinds(plan.take(&s, &[Fault::new(Drop)])), vec![RateLimit]);
        assert_eq!(kinds(plan.take(&s, &[])), vec![ServerError, Drop]);
        assert_eq!(
            kinds(plan.take(&s, &[Fault::new(HtmlError)])),
            Vec::<FaultKind>::new()
        );
        assert_eq!(kinds(plan.take(&s, &[])), vec![Unavailable]);
        assert!(plan.take(&s, &[]).is_empty());
    }

    #[test]
    fn a_followed_redirect_is_not_redirected_again_and_spends_no_budget() {
        let mut plan = FaultPlan::parse("redirect_same*1, crlf").unwrap();
        let followed = Subject {
            redirected: true,
            ..responses(None, None)
        };
        assert_eq!(plan.take(&followed, &[]), vec![Fault::new(Crlf)]);
        let kinds = |f: Vec<Fault>| f.into_iter().map(|f| f.kind).collect::<Vec<_>>();
        assert_eq!(
            kinds(plan.take(&responses(None, None), &[])),
            vec![RedirectSame, Crlf]
        );
        assert_eq!(kinds(plan.take(&responses(None, None), &[])), vec![Crlf]);
    }

    #[test]
    fn persona_target_matches_id() {
        let mut plan = FaultPlan::parse("stall@clx1abc").unwrap();
        assert_eq!(plan.take(&responses(Some("clx1abc"), None), &[]).len(), 1);
        assert!(plan.take(&responses(Some("other"), None), &[]).is_empty());
        assert!(plan.take(&responses(None, None), &[]).is_empty());
    }

    #[test]
    fn rejects_bad_plans() {
        for bad in [
            "bogus",
            "drop=x",
            "crlf=3",
            "drop*0",
            "drop*x",
            "drop@",
            "stall*-1",
            "drop@/personas",
        ] {
            assert!(FaultPlan::parse(bad).is_err(), "{bad} should fail");
        }
        assert!(FaultPlan::parse("").unwrap().is_empty());
        assert!(FaultPlan::parse(" , ,").unwrap().is_empty());
        let err = FaultPlan::parse("bogus").unwrap_err();
        assert!(
            err.contains("known faults") && err.contains("many_deltas"),
            "{err}"
        );
    }

    #[test]
    fn endpoints_normalise() {
        assert_eq!(normalise_endpoint("/api/v1/personas"), "/personas");
        assert_eq!(normalise_endpoint("/v1/responses/"), "/responses");
        assert_eq!(normalise_endpoint("/api/v1"), "/");
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_plans_never_panic(spec in ".{0,60}") {
            if let Ok(mut plan) = FaultPlan::parse(&spec) {
                let _ = plan.take(&responses(Some("c1"), Some("X")), &[]);
            }
        }
    }
}
