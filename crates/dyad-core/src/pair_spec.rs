//! Pair specifications given by users on the command line: `IRN-AZE`, `Iran-Azerbaijan`,
//! `USA-Guinea-Bissau` (hyphenated names are tried at every split point).
use crate::actors::Gazetteer;
use anyhow::{bail, Result};

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PairSpec {
    pub source: String,
    pub target: String,
}

impl PairSpec {
    pub fn label(&self, directed: bool) -> String {
        format!("{}{}{}", self.source, if directed { "→" } else { "–" }, self.target)
    }

    /// The same pair with source and target in alphabetical order (undirected dyads).
    pub fn sorted(&self) -> PairSpec {
        if self.source <= self.target {
            self.clone()
        } else {
            PairSpec { source: self.target.clone(), target: self.source.clone() }
        }
    }
}

pub fn parse_pair(spec: &str, gazetteer: &Gazetteer) -> Result<PairSpec> {
    let spec = spec.trim();
    for (i, _) in spec.match_indices(['-', '>', ':']) {
        let (a, b) = (&spec[..i], &spec[i + 1..]);
        if let (Some(s), Some(t)) = (gazetteer.resolve(a), gazetteer.resolve(b)) {
            if s == t {
                bail!("pair {spec:?}: source and target are both {s}");
            }
            return Ok(PairSpec { source: s, target: t });
        }
    }
    bail!("cannot read pair {spec:?}: expected SOURCE-TARGET with ISO3 codes or country names, e.g. IRN-AZE or Iran-Azerbaijan")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names() {
        let g = Gazetteer::builtin();
        assert_eq!(parse_pair("IRN-AZE", g).unwrap(), PairSpec { source: "IRN".into(), target: "AZE".into() });
        assert_eq!(parse_pair("Iran-Azerbaijan", g).unwrap().target, "AZE");
        assert_eq!(parse_pair("usa-Guinea-Bissau", g).unwrap().target, "GNB");
        assert!(parse_pair("IRN-XXX", g).unwrap_err().to_string().contains("IRN-XXX"));
        assert!(parse_pair("IRN-IRN", g).is_err());
        assert_eq!(parse_pair("SYR-TUR", g).unwrap().sorted().source, "SYR");
        assert_eq!(parse_pair("TUR-SYR", g).unwrap().sorted().source, "SYR");
    }
}
