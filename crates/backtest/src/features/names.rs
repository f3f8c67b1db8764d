//! A [`FeatureSet`] as a YAML/JSON list of names (`[vwap, rvol]`), read strictly ([`parse`]).

use indicators::features::{Feature, FeatureSet};
use serde::Serializer;
use serde::ser::SerializeSeq;

pub fn serialize<S: Serializer>(set: &FeatureSet, s: S) -> Result<S::Ok, S::Error> {
    let mut seq = s.serialize_seq(Some(set.len()))?;
    for f in set.iter() {
        seq.serialize_element(f.name())?;
    }
    seq.end()
}

/// Each name known, none twice; an error names the index of the bad name.
pub fn parse(names: &[String]) -> Result<FeatureSet, (usize, String)> {
    let mut out: Vec<Feature> = Vec::with_capacity(names.len());
    for (i, n) in names.iter().enumerate() {
        let f: Feature = n.parse().map_err(|m| (i, m))?;
        if out.contains(&f) {
            return Err((i, format!("{f} is listed twice")));
        }
        out.push(f);
    }
    Ok(FeatureSet::new(out))
}
