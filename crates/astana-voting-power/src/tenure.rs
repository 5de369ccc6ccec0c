//! Voice over time: an elected member is on the Council only part of the time. Under
//! rotation within a regional group, a member's long-run share of years on the Council is
//! the group's elected seats over the members eligible for them (the group less its
//! permanent members); its expected voice is that share times its power when seated.

use std::collections::BTreeMap;

/// One rule's seats by regional group.
#[derive(Clone, Debug, PartialEq)]
pub struct TenureModel {
    /// Game file stems the seats apply to (e.g. `unsc`, `unsc-g4-2005-q14`).
    pub files: Vec<String>,
    /// Elected seats per group.
    pub seats: BTreeMap<String, u32>,
    /// New permanent seats per group (their holders leave the elected pool).
    pub new_permanent: BTreeMap<String, u32>,
    /// Term length in years.
    pub term_years: u32,
    /// What is sourced and what is assumed.
    pub status: String,
    /// Source of the seat split.
    pub source: String,
}

/// Regional groups and the seats each rule gives them (`tenure.toml`).
#[derive(Clone, Debug, PartialEq)]
pub struct Tenure {
    /// The focal country's group.
    pub focal_group: String,
    /// Members of each group eligible for elected seats today (group less its P5).
    pub eligible: BTreeMap<String, u32>,
    /// Rules with a per-group seat split.
    pub models: Vec<TenureModel>,
}

impl Tenure {
    /// Reads `tenure.toml`.
    ///
    /// # Errors
    /// A message naming the missing or malformed field.
    pub fn from_toml(text: &str) -> Result<Tenure, String> {
        let doc: toml::Table = toml::from_str(text).map_err(|e| e.message().to_string())?;
        let int_map = |v: Option<&toml::Value>| -> BTreeMap<String, u32> {
            v.and_then(toml::Value::as_table)
                .map(|t| {
                    t.iter()
                        .filter_map(|(k, v)| {
                            Some((k.clone(), u32::try_from(v.as_integer()?).ok()?))
                        })
                        .collect()
                })
                .unwrap_or_default()
        };
        let focal_group = doc
            .get("focal")
            .and_then(|f| f.get("group"))
            .and_then(toml::Value::as_str)
            .ok_or("missing [focal] group")?
            .to_string();
        let eligible: BTreeMap<String, u32> = doc
            .get("groups")
            .and_then(toml::Value::as_table)
            .ok_or("missing [groups]")?
            .iter()
            .filter_map(|(k, g)| {
                Some((
                    k.clone(),
                    u32::try_from(g.get("eligible")?.as_integer()?).ok()?,
                ))
            })
            .collect();
        let models = doc
            .get("model")
            .and_then(toml::Value::as_array)
            .ok_or("missing [[model]]")?
            .iter()
            .map(|m| {
                let mut files: Vec<String> = m
                    .get("file")
                    .and_then(toml::Value::as_str)
                    .into_iter()
                    .map(str::to_string)
                    .collect();
                if let Some(also) = m.get("also_files").and_then(toml::Value::as_array) {
                    files.extend(also.iter().filter_map(|v| v.as_str().map(str::to_string)));
                }
                let text = |key: &str| {
                    m.get(key)
                        .and_then(toml::Value::as_str)
                        .unwrap_or_default()
                        .to_string()
                };
                TenureModel {
                    files: files
                        .iter()
                        .map(|f| f.trim_end_matches(".toml").to_string())
                        .collect(),
                    seats: int_map(m.get("seats")),
                    new_permanent: int_map(m.get("new_permanent")),
                    term_years: m
                        .get("term_years")
                        .and_then(toml::Value::as_integer)
                        .and_then(|x| u32::try_from(x).ok())
                        .unwrap_or(2),
                    status: text("status"),
                    source: text("source"),
                }
            })
            .collect();
        Ok(Tenure {
            focal_group,
            eligible,
            models,
        })
    }

    /// The model for a game file stem.
    pub fn model(&self, file_stem: &str) -> Option<&TenureModel> {
        self.models
            .iter()
            .find(|m| m.files.iter().any(|f| f == file_stem))
    }

    /// Long-run share of years a member of `group` sits on the Council as an elected
    /// member under the rule in `file_stem`, assuming equal rotation among the eligible.
    pub fn share_of_years(&self, file_stem: &str, group: &str) -> Option<f64> {
        let m = self.model(file_stem)?;
        let seats = f64::from(*m.seats.get(group)?);
        let pool = self
            .eligible
            .get(group)?
            .checked_sub(*m.new_permanent.get(group).unwrap_or(&0))?;
        (pool > 0).then(|| (seats / f64::from(pool)).min(1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares() {
        let t = Tenure::from_toml(
            "[focal]\ngroup = \"AP\"\n[groups]\nAP = { eligible = 52 }\n[[model]]\nfile = \"unsc.toml\"\nseats = { AP = 2 }\n[[model]]\nfile = \"g4.toml\"\nseats = { AP = 3 }\nnew_permanent = { AP = 2 }\n",
        )
        .expect("valid");
        assert_eq!(t.focal_group, "AP");
        assert!((t.share_of_years("unsc", "AP").unwrap() - 2.0 / 52.0).abs() < 1e-12);
        assert!((t.share_of_years("g4", "AP").unwrap() - 3.0 / 50.0).abs() < 1e-12);
        assert_eq!(t.share_of_years("other", "AP"), None);
    }
}
