//! Reading a snapshot file (the format `scripts/catalogue.cjs` writes) into the indexed
//! [`Catalogue`].

use std::io::Read;

use serde::Deserialize;

use super::{
    AccessLevel, Action, Catalogue, CatalogueError, KeyPattern, Map, Service, Source, resource_type,
};

/// The format version this reader understands.
const FORMAT: u32 = 1;

#[derive(Deserialize)]
struct Raw {
    format: u32,
    package: String,
    version: String,
    date: String,
    global: Vec<(String, String)>,
    services: Vec<RawService>,
}

#[derive(Deserialize)]
struct RawService {
    prefix: String,
    name: String,
    keys: Vec<(String, String)>,
    resources: Vec<(String, String, Vec<String>)>,
    actions: Vec<(String, String, Vec<String>, Vec<String>)>,
}

pub(super) fn parse(bytes: &[u8], label: &str) -> Result<Catalogue, CatalogueError> {
    let format = |message: String| CatalogueError::Format {
        path: label.to_owned(),
        message,
    };
    let json: Vec<u8> = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(bytes.len() * 8);
        flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut out)
            .map_err(|e| format(format!("cannot decompress it ({e})")))?;
        out
    } else {
        bytes.to_vec()
    };
    let raw: Raw = serde_json::from_slice(&json).map_err(|e| format(e.to_string()))?;
    if raw.format != FORMAT {
        return Err(format(format!(
            "it has format {}, this rolescope reads format {FORMAT}",
            raw.format
        )));
    }
    let mut services = Vec::with_capacity(raw.services.len());
    let mut by_prefix = Map::default();
    let mut action_count = 0;
    for s in raw.services {
        let resource_types: Vec<_> = s
            .resources
            .into_iter()
            .map(|(name, arn, keys)| {
                resource_type(name, arn, keys.iter().map(|k| KeyPattern::new(k)).collect())
            })
            .collect();
        let mut actions = Vec::with_capacity(s.actions.len());
        let mut by_name = Map::default();
        for (name, level, resources, keys) in s.actions {
            let level = AccessLevel::from_code(&level).ok_or_else(|| {
                format(format!(
                    "action `{}:{name}` has an unknown access level `{level}`",
                    s.prefix
                ))
            })?;
            let resources = resources
                .iter()
                .filter_map(|r| {
                    let (n, required) = match r.strip_suffix('*') {
                        Some(n) => (n, true),
                        None => (r.as_str(), false),
                    };
                    let i = resource_types.iter().position(|t| t.name == n)?;
                    Some((i, required))
                })
                .collect();
            by_name.insert(name.to_ascii_lowercase().into_boxed_str(), actions.len());
            actions.push(Action {
                lower: format!("{}:{name}", s.prefix).to_ascii_lowercase(),
                name,
                level,
                resources,
                keys: keys.iter().map(|k| KeyPattern::new(k)).collect(),
            });
        }
        action_count += actions.len();
        by_prefix.insert(
            s.prefix.to_ascii_lowercase().into_boxed_str(),
            services.len(),
        );
        services.push(Service {
            prefix: s.prefix,
            name: s.name,
            actions,
            resource_types,
            keys: s.keys.into_iter().map(|(k, _)| k).collect(),
            by_name,
        });
    }
    Ok(Catalogue {
        source: Source {
            package: raw.package,
            version: raw.version,
            date: raw.date,
        },
        services,
        global_keys: raw.global.iter().map(|(k, _)| KeyPattern::new(k)).collect(),
        by_prefix,
        action_count,
    })
}
