//! The scenarios a server offers: every playable `*.scenario` under its folder, checked once
//! at start.
//!
//! Library files (no `scenario` header) are skipped quietly; files with errors are skipped
//! with a warning naming them, so one broken file does not take the course down. The id in
//! a URL is looked up here and only here: it never becomes a path.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::check::{load_playable, Unplayable};
use crate::scenario::Scenario;

/// One playable scenario.
#[derive(Debug)]
pub struct Entry {
    pub path: PathBuf,
    pub scenario: Scenario,
    /// The entry file's fingerprint (the save rules' `source_hash`).
    pub source_hash: String,
    /// The brief, rendered, for the list.
    pub summary: String,
}

/// The scenarios by id.
#[derive(Debug, Default)]
pub struct Catalog {
    pub entries: BTreeMap<String, Entry>,
    /// What was skipped and why, for the start-up log.
    pub skipped: Vec<String>,
}

impl Catalog {
    /// Checks every `*.scenario` under `dir` (recursively, hidden entries skipped).
    ///
    /// # Errors
    /// When `dir` cannot be read.
    pub fn load(dir: &Path) -> Result<Catalog, String> {
        let files = crate::files::collect(&[dir.to_path_buf()])?;
        let mut catalog = Catalog::default();
        for path in files {
            let mut checked = match load_playable(&path, Some(dir)) {
                Ok(checked) => checked,
                Err(Unplayable::Library) => continue,
                Err(Unplayable::Unreadable(e)) => {
                    catalog.skipped.push(e.to_string());
                    continue;
                }
                Err(Unplayable::Errors(checked)) => {
                    catalog.skipped.push(format!(
                        "`{}` has {} error(s) (run `rapport check` on it); it is not offered",
                        path.display(),
                        checked.errors()
                    ));
                    continue;
                }
            };
            let Some(scenario) = checked.scenario.take() else {
                continue;
            };
            if let Some(first) = catalog.entries.get(&scenario.id) {
                catalog.skipped.push(format!(
                    "`{}` has the id `{}` of `{}` too; only the first is offered",
                    path.display(),
                    scenario.id,
                    first.path.display()
                ));
                continue;
            }
            let text = checked.sources.file(crate::source::FileId(0)).text.clone();
            let summary = scenario
                .brief
                .as_ref()
                .map(|b| crate::runtime::State::initial(&scenario).render(&scenario, b))
                .unwrap_or_default();
            catalog.entries.insert(
                scenario.id.clone(),
                Entry {
                    path,
                    source_hash: crate::play::save::source_hash(&text),
                    summary,
                    scenario,
                },
            );
        }
        Ok(catalog)
    }

    /// The scenario with this id.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.entries.get(id)
    }
}
