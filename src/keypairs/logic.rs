//! The key pairs page's rules as plain Rust: the rows it shows (with the creation time Nova's
//! list leaves out), the name filter, which rows are selected, what the delete dialog asks and
//! what the deletions came to.

use std::collections::{BTreeSet, HashMap};

use ecs_api::models::KeyPair;
use ecs_api::{ApiError, ErrorKind};

/// When a key pair was created, as far as the page knows. Nova's list has no `created_at`;
/// `GET /os-keypairs/{name}` has it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Created {
    /// Its details are on the way.
    Loading,
    /// The cloud's `created_at` (naive UTC, as Nova sends it).
    At(String),
    /// The cloud answered without a creation time.
    NotGiven,
    /// Asking for it failed: the cloud's message.
    Failed(String),
}

impl Created {
    /// What `GET /os-keypairs/{name}` answered.
    pub fn from_show(result: &Result<KeyPair, ApiError>) -> Self {
        match result {
            Ok(keypair) => keypair
                .created_at
                .clone()
                .filter(|at| !at.trim().is_empty())
                .map_or(Self::NotGiven, Self::At),
            Err(error) => Self::Failed(error.message.clone()),
        }
    }
}

/// The creation times known for the key pairs listed now: the answers already had (a key pair
/// does not change its creation time) for the names still listed. Failures are not kept: they
/// are asked again.
pub fn known_created(
    names: &[String],
    known: &HashMap<String, Created>,
) -> HashMap<String, Created> {
    names
        .iter()
        .filter_map(|name| {
            known
                .get(name)
                .filter(|created| matches!(created, Created::At(_) | Created::NotGiven))
                .map(|created| (name.clone(), created.clone()))
        })
        .collect()
}

/// The listed names whose creation time is still to be asked for.
pub fn still_to_show(names: &[String], known: &HashMap<String, Created>) -> Vec<String> {
    names
        .iter()
        .filter(|name| !known.contains_key(*name))
        .cloned()
        .collect()
}

/// One row of the table.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct KeyPairRow {
    pub name: String,
    /// `ssh` or `x509`; absent before microversion 2.2.
    pub key_type: Option<String>,
    pub fingerprint: String,
    pub created: Created,
}

/// The rows whose name contains `filter` (ignoring case; an empty filter keeps all), in the
/// list's order, each with its creation time from `created` (names not there yet: loading).
pub fn rows(
    keypairs: &[KeyPair],
    created: &HashMap<String, Created>,
    filter: &str,
) -> Vec<KeyPairRow> {
    keypairs
        .iter()
        .filter(|keypair| matches_filter(&keypair.name, filter))
        .map(|keypair| KeyPairRow {
            name: keypair.name.clone(),
            key_type: keypair.key_type.clone().filter(|kind| !kind.is_empty()),
            fingerprint: keypair.fingerprint.clone(),
            created: created
                .get(&keypair.name)
                .cloned()
                .unwrap_or(Created::Loading),
        })
        .collect()
}

/// True when `name` contains `filter`, ignoring case and the filter's outer spaces.
pub fn matches_filter(name: &str, filter: &str) -> bool {
    let filter = filter.trim().to_lowercase();
    filter.is_empty() || name.to_lowercase().contains(&filter)
}

/// The "select all" box of the rows shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SelectAll {
    /// No row shown, or none of them selected.
    Unchecked,
    /// Some of the rows shown are selected.
    Mixed,
    /// Every row shown is selected.
    Checked,
}

pub fn select_all_state(shown: &[KeyPairRow], selected: &BTreeSet<String>) -> SelectAll {
    let count = shown
        .iter()
        .filter(|row| selected.contains(&row.name))
        .count();
    match count {
        0 => SelectAll::Unchecked,
        count if count == shown.len() => SelectAll::Checked,
        _ => SelectAll::Mixed,
    }
}

/// The selection after the "select all" box was clicked: every row shown is selected, unless
/// all already were (then none of them is). Rows hidden by the filter keep their state.
pub fn toggle_all(shown: &[KeyPairRow], selected: &BTreeSet<String>) -> BTreeSet<String> {
    let mut next = selected.clone();
    if select_all_state(shown, selected) == SelectAll::Checked {
        for row in shown {
            next.remove(&row.name);
        }
    } else {
        next.extend(shown.iter().map(|row| row.name.clone()));
    }
    next
}

/// The selected names that still exist, in the list's order (a key pair deleted elsewhere
/// drops out of the selection).
pub fn selected_names(keypairs: &[KeyPair], selected: &BTreeSet<String>) -> Vec<String> {
    keypairs
        .iter()
        .filter(|keypair| selected.contains(&keypair.name))
        .map(|keypair| keypair.name.clone())
        .collect()
}

/// "a", "a and b", "a, b and c".
pub fn names_text(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [only] => only.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// "1 key pair", "3 key pairs".
pub fn key_pairs_count(count: usize) -> String {
    if count == 1 {
        "1 key pair".to_owned()
    } else {
        format!("{count} key pairs")
    }
}

/// The delete dialog's title: it names a single key pair, and counts several (listed below it).
pub fn delete_title(names: &[String]) -> String {
    match names {
        [only] => format!("Delete key pair {only}?"),
        _ => format!("Delete {}?", key_pairs_count(names.len())),
    }
}

/// How one `DELETE /os-keypairs/{name}` went.
pub struct DeleteOutcome {
    pub name: String,
    pub result: Result<(), ApiError>,
}

/// A key pair the cloud did not delete, and its answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeleteFailure {
    pub name: String,
    pub error: ApiError,
}

/// What a round of deletions came to: each name once, in the order asked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeleteReport {
    pub deleted: Vec<String>,
    /// Gone before the request arrived (404): deleted elsewhere meanwhile.
    pub already_gone: Vec<String>,
    pub failed: Vec<DeleteFailure>,
}

impl DeleteReport {
    pub fn new(outcomes: impl IntoIterator<Item = DeleteOutcome>) -> Self {
        let mut report = Self::default();
        for DeleteOutcome { name, result } in outcomes {
            match result {
                Ok(()) => report.deleted.push(name),
                Err(error) if error.kind == ErrorKind::NotFound => report.already_gone.push(name),
                Err(error) => report.failed.push(DeleteFailure { name, error }),
            }
        }
        report
    }

    /// The names no longer in the cloud (to drop from the selection).
    pub fn removed(&self) -> impl Iterator<Item = &String> {
        self.deleted.iter().chain(&self.already_gone)
    }

    /// One line for the status region: what was deleted, what was gone already, and how many
    /// were not deleted (each failure is shown with the cloud's answer below it).
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        match self.deleted.as_slice() {
            [] => {}
            [only] => parts.push(format!("Deleted key pair {only}.")),
            names => parts.push(format!("Deleted key pairs {}.", names_text(names))),
        }
        match self.already_gone.as_slice() {
            [] => {}
            [only] => parts.push(format!("{only} was already gone.")),
            names => parts.push(format!("{} were already gone.", names_text(names))),
        }
        if !self.failed.is_empty() {
            let names: Vec<String> = self.failed.iter().map(|f| f.name.clone()).collect();
            parts.push(format!(
                "{} not deleted: {}.",
                if names.len() == 1 {
                    "1 key pair was"
                } else {
                    "Some key pairs were"
                },
                names_text(&names)
            ));
        }
        parts.join(" ")
    }
}

/// The new key pair name's hint: what the name may hold, and the file its private key downloads
/// as, written as the download names it (`ecs_api::connect::key_file_name`: a space becomes
/// `_`), for the name typed so far.
pub fn new_key_name_hint(name: &str) -> String {
    const RULES: &str = "Letters, digits, spaces, '_' and '-'. The cloud generates the key; its private key downloads once as";
    match name.trim() {
        "" => format!("{RULES} <name>.pem (a space in the name becomes '_')."),
        name => format!("{RULES} {}.", ecs_api::connect::key_file_name(name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_hint_names_the_file_as_downloaded() {
        assert!(
            new_key_name_hint("")
                .ends_with("downloads once as <name>.pem (a space in the name becomes '_').")
        );
        assert!(
            new_key_name_hint("my key 2").ends_with("downloads once as my_key_2.pem."),
            "{}",
            new_key_name_hint("my key 2")
        );
        assert!(new_key_name_hint("demo-key").ends_with("as demo-key.pem."));
    }

    fn keypair(name: &str) -> KeyPair {
        KeyPair {
            name: name.to_owned(),
            fingerprint: format!("fp-{name}"),
            key_type: Some("ssh".to_owned()),
            ..KeyPair::default()
        }
    }

    fn names(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    fn error(status: u16, body: &str) -> ApiError {
        ApiError::from_response(status, body.as_bytes())
    }

    #[test]
    fn the_creation_time_is_what_the_cloud_showed_or_says_why_not() {
        let shown = KeyPair {
            created_at: Some("2024-01-02T03:04:05.000000".to_owned()),
            ..keypair("a")
        };
        assert_eq!(
            Created::from_show(&Ok(shown)),
            Created::At("2024-01-02T03:04:05.000000".to_owned())
        );
        assert_eq!(Created::from_show(&Ok(keypair("a"))), Created::NotGiven);
        let blank = KeyPair {
            created_at: Some(" ".to_owned()),
            ..keypair("a")
        };
        assert_eq!(Created::from_show(&Ok(blank)), Created::NotGiven);
        let failed = error(
            404,
            r#"{"itemNotFound": {"code": 404, "message": "Keypair a not found for user u"}}"#,
        );
        assert_eq!(
            Created::from_show(&Err(failed)),
            Created::Failed("Keypair a not found for user u".to_owned())
        );
    }

    #[test]
    fn creation_times_are_asked_for_once_per_key_pair_listed() {
        let known = HashMap::from([
            (
                "a".to_owned(),
                Created::At("2024-01-02T03:04:05".to_owned()),
            ),
            ("b".to_owned(), Created::NotGiven),
            ("c".to_owned(), Created::Failed("HTTP 500".to_owned())),
            (
                "gone".to_owned(),
                Created::At("2023-01-01T00:00:00".to_owned()),
            ),
        ]);
        let listed = names(&["a", "b", "c", "new"]);
        let kept = known_created(&listed, &known);
        assert_eq!(kept.len(), 2, "{kept:?}");
        assert_eq!(kept["a"], known["a"]);
        assert_eq!(kept["b"], Created::NotGiven);
        assert!(
            !kept.contains_key("gone"),
            "a key pair no longer listed is forgotten"
        );
        assert_eq!(still_to_show(&listed, &kept), names(&["c", "new"]));
    }

    #[test]
    fn rows_follow_the_filter_and_wait_for_their_details() {
        let list = [keypair("web-key"), keypair("db-key"), keypair("Laptop")];
        let created = HashMap::from([(
            "db-key".to_owned(),
            Created::At("2024-01-02T03:04:05".to_owned()),
        )]);
        let all = rows(&list, &created, "");
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].created, Created::Loading);
        assert_eq!(
            all[1].created,
            Created::At("2024-01-02T03:04:05".to_owned())
        );
        assert_eq!(all[1].fingerprint, "fp-db-key");
        let keys: Vec<_> = rows(&list, &created, " KEY ")
            .into_iter()
            .map(|row| row.name)
            .collect();
        assert_eq!(keys, names(&["web-key", "db-key"]));
        assert_eq!(rows(&list, &created, "lap")[0].name, "Laptop");
        assert!(rows(&list, &created, "nothing").is_empty());
        let untyped = KeyPair {
            key_type: Some(String::new()),
            ..keypair("old")
        };
        assert_eq!(rows(&[untyped], &created, "")[0].key_type, None);
    }

    #[test]
    fn select_all_works_on_the_rows_shown() {
        let list = [keypair("a"), keypair("b"), keypair("c")];
        let created = HashMap::new();
        let shown = rows(&list, &created, "");
        assert_eq!(select_all_state(&shown, &set(&[])), SelectAll::Unchecked);
        assert_eq!(select_all_state(&shown, &set(&["b"])), SelectAll::Mixed);
        assert_eq!(
            select_all_state(&shown, &set(&["a", "b", "c"])),
            SelectAll::Checked
        );
        assert_eq!(toggle_all(&shown, &set(&["b"])), set(&["a", "b", "c"]));
        assert_eq!(toggle_all(&shown, &set(&["a", "b", "c"])), set(&[]));
        // Filtered to "b": the hidden "a" stays selected either way.
        let only_b = rows(&list, &created, "b");
        assert_eq!(toggle_all(&only_b, &set(&["a"])), set(&["a", "b"]));
        assert_eq!(toggle_all(&only_b, &set(&["a", "b"])), set(&["a"]));
        assert_eq!(select_all_state(&[], &set(&["a"])), SelectAll::Unchecked);
    }

    #[test]
    fn the_selection_keeps_only_key_pairs_that_exist_in_list_order() {
        let list = [keypair("a"), keypair("b"), keypair("c")];
        assert_eq!(
            selected_names(&list, &set(&["c", "gone", "a"])),
            names(&["a", "c"])
        );
    }

    #[test]
    fn the_dialog_names_what_it_deletes() {
        assert_eq!(delete_title(&names(&["demo"])), "Delete key pair demo?");
        assert_eq!(
            delete_title(&names(&["a", "b", "c"])),
            "Delete 3 key pairs?"
        );
        assert_eq!(names_text(&names(&["a", "b", "c"])), "a, b and c");
        assert_eq!(names_text(&names(&["a", "b"])), "a and b");
        assert_eq!(names_text(&names(&["a"])), "a");
        assert_eq!(key_pairs_count(1), "1 key pair");
        assert_eq!(key_pairs_count(0), "0 key pairs");
    }

    #[test]
    fn a_failed_deletion_is_reported_without_losing_the_others() {
        let report = DeleteReport::new([
            DeleteOutcome {
                name: "a".to_owned(),
                result: Ok(()),
            },
            DeleteOutcome {
                name: "b".to_owned(),
                result: Err(error(
                    500,
                    r#"{"computeFault": {"code": 500, "message": "Unexpected API Error."}}"#,
                )),
            },
            DeleteOutcome {
                name: "c".to_owned(),
                result: Err(error(
                    404,
                    r#"{"itemNotFound": {"code": 404, "message": "Keypair c not found for user u"}}"#,
                )),
            },
            DeleteOutcome {
                name: "d".to_owned(),
                result: Ok(()),
            },
        ]);
        assert_eq!(report.deleted, names(&["a", "d"]));
        assert_eq!(report.already_gone, names(&["c"]));
        assert_eq!(report.failed.len(), 1);
        assert_eq!(report.failed[0].name, "b");
        assert_eq!(report.failed[0].error.message, "Unexpected API Error.");
        assert_eq!(
            report.removed().cloned().collect::<Vec<_>>(),
            names(&["a", "d", "c"])
        );
        assert_eq!(
            report.summary(),
            "Deleted key pairs a and d. c was already gone. 1 key pair was not deleted: b."
        );
        let one = DeleteReport::new([DeleteOutcome {
            name: "solo".to_owned(),
            result: Ok(()),
        }]);
        assert_eq!(one.summary(), "Deleted key pair solo.");
    }
}
