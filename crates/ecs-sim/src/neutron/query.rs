//! What Neutron does with a list request's query: filters on any attribute, `fields`,
//! `sort_key`/`sort_dir`, and `limit`/`marker`/`page_reverse` paging with `<collection>_links`
//! (neutron/api/api_common.py), applied to the resources' JSON views.

use axum::http::Uri;
use serde_json::{Map, Value, json};

use super::error::NeutronError;
use crate::json_order::compare_by;

/// Query parameters that are not attribute filters.
const RESERVED: [&str; 6] = [
    "fields",
    "limit",
    "marker",
    "page_reverse",
    "sort_key",
    "sort_dir",
];

/// A request's query parameters, in order, repeated ones kept.
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    pub fn of(uri: &Uri) -> Self {
        Self {
            pairs: uri
                .query()
                .map(|query| {
                    url::form_urlencoded::parse(query.as_bytes())
                        .into_owned()
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    /// Every non-empty value given for `name`.
    fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(key, value)| key == name && !value.is_empty())
            .map(|(_, value)| value.as_str())
            .collect()
    }

    /// The first value given for `name` (webob's `GET.get`).
    fn first(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Keeps only the attributes named by `fields` parameters (all when there are none).
    pub fn select_fields(&self, view: Value) -> Value {
        let fields = self.all("fields");
        match view {
            Value::Object(object) if !fields.is_empty() => Value::Object(
                object
                    .into_iter()
                    .filter(|(key, _)| fields.contains(&key.as_str()))
                    .collect(),
            ),
            other => other,
        }
    }

    /// `{"<key>": [views...], "<key>_links": [...]}` for the list at `{collection_url}`: `items`
    /// filtered, sorted and paged as Neutron does.
    pub fn list_body(
        &self,
        key: &str,
        collection_url: &str,
        items: Vec<Value>,
    ) -> Result<Value, NeutronError> {
        let mut items = self.filter(items)?;
        let limit = self.limit()?;
        let sorts = self.sorts(&items)?;
        if limit.is_some() || !sorts.is_empty() {
            // Native pagination and sorting always end with the primary key.
            let mut sorts = sorts;
            if !sorts.iter().any(|(key, _)| key == "id") {
                sorts.push(("id".to_owned(), true));
            }
            items.sort_by(|a, b| compare_by(a, b, &sorts));
        }
        let mut body = Map::new();
        let page = match limit {
            None => items,
            Some(limit) => {
                let page_reverse = self
                    .first("page_reverse")
                    .is_some_and(|value| value.eq_ignore_ascii_case("true"));
                let page = paginate(items, limit, self.first("marker"), page_reverse);
                let links = self.links(collection_url, &page, limit, page_reverse);
                body.insert(format!("{key}_links"), Value::Array(links));
                page
            }
        };
        let views = page
            .into_iter()
            .map(|item| self.select_fields(item))
            .collect();
        body.insert(key.to_owned(), Value::Array(views));
        Ok(Value::Object(body))
    }

    fn filter(&self, items: Vec<Value>) -> Result<Vec<Value>, NeutronError> {
        let mut filters: Vec<(&str, Vec<&str>)> = Vec::new();
        for (key, _) in &self.pairs {
            if RESERVED.contains(&key.as_str()) || filters.iter().any(|(seen, _)| seen == key) {
                continue;
            }
            filters.push((key, self.all(key)));
        }
        let invalid: Vec<&str> = filters
            .iter()
            .map(|(key, _)| *key)
            .filter(|key| !items.iter().all(|item| item.get(key).is_some()))
            .collect();
        if !invalid.is_empty() && !items.is_empty() {
            return Err(NeutronError::bad_request(format!(
                "{} is invalid attribute for filtering",
                python_list(&invalid)
            )));
        }
        let mut kept = Vec::new();
        for item in items {
            let mut matches = true;
            for (key, wanted) in &filters {
                // An empty value filters nothing (Neutron drops it).
                if !wanted.is_empty() && !matches_any(&item[*key], wanted)? {
                    matches = false;
                    break;
                }
            }
            if matches {
                kept.push(item);
            }
        }
        Ok(kept)
    }

    fn limit(&self) -> Result<Option<usize>, NeutronError> {
        let Some(text) = self.first("limit") else {
            return Ok(None);
        };
        match text.parse::<usize>() {
            Ok(0) => Ok(None),
            Ok(limit) => Ok(Some(limit)),
            Err(_) => Err(NeutronError::bad_resource_request(
                "limit",
                &format!("Limit must be an integer 0 or greater and not '{text}'"),
            )),
        }
    }

    /// `(key, ascending)` pairs from `sort_key` and `sort_dir`.
    fn sorts(&self, items: &[Value]) -> Result<Vec<(String, bool)>, NeutronError> {
        let keys = self.all("sort_key");
        let dirs = self.all("sort_dir");
        if keys.len() != dirs.len() {
            return Err(NeutronError::bad_request(
                "The number of sort_keys and sort_dirs must be same",
            ));
        }
        let absent: Vec<&str> = keys
            .iter()
            .copied()
            .filter(|key| {
                items
                    .first()
                    .is_some_and(|item| !item.get(key).is_some_and(is_scalar))
            })
            .collect();
        if !absent.is_empty() {
            return Err(NeutronError::bad_request(format!(
                "{} is invalid attribute for sort_keys",
                python_list(&absent)
            )));
        }
        let invalid_dirs: Vec<&str> = dirs
            .iter()
            .copied()
            .filter(|dir| *dir != "asc" && *dir != "desc")
            .collect();
        if !invalid_dirs.is_empty() {
            return Err(NeutronError::bad_request(format!(
                "{} is invalid value for sort_dirs, valid value is 'asc' and 'desc'",
                python_list(&invalid_dirs)
            )));
        }
        Ok(keys
            .into_iter()
            .zip(dirs)
            .map(|(key, dir)| (key.to_owned(), dir == "asc"))
            .collect())
    }

    /// Neutron's `next` link unless a forward page came back short, and its `previous` link
    /// unless a backward page did.
    fn links(
        &self,
        collection_url: &str,
        page: &[Value],
        limit: usize,
        page_reverse: bool,
    ) -> Vec<Value> {
        let short = page.len() < limit;
        let mut links = Vec::new();
        if !short || page_reverse {
            let marker = page.last().map(|item| &item["id"]);
            links.push(json!({"rel": "next", "href": self.link(collection_url, marker, None)}));
        }
        if !short || !page_reverse {
            let marker = page.first().map(|item| &item["id"]);
            links.push(
                json!({"rel": "previous", "href": self.link(collection_url, marker, Some("True"))}),
            );
        }
        links
    }

    /// The request's own query with `marker` (and `page_reverse`) replaced, at the end.
    fn link(&self, collection_url: &str, marker: Option<&Value>, reverse: Option<&str>) -> String {
        let mut pairs: Vec<(&str, &str)> = self
            .pairs
            .iter()
            .filter(|(key, _)| key != "marker" && key != "page_reverse")
            .map(|(key, value)| (key.as_str(), value.as_str()))
            .collect();
        if let Some(marker) = marker.and_then(Value::as_str) {
            pairs.push(("marker", marker));
        }
        if let Some(reverse) = reverse {
            pairs.push(("page_reverse", reverse));
        }
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        format!("{collection_url}?{query}")
    }
}

/// The emulated pagination of neutron/api/api_common.py: the `limit` items after `marker`
/// (before it when `page_reverse`); nothing when the marker is unknown.
fn paginate(
    items: Vec<Value>,
    limit: usize,
    marker: Option<&str>,
    page_reverse: bool,
) -> Vec<Value> {
    let index = match marker {
        Some(marker) => match items.iter().position(|item| item["id"] == marker) {
            Some(index) => index,
            None => return Vec::new(),
        },
        None if page_reverse => items.len(),
        None => 0,
    };
    let (start, end) = if page_reverse {
        (index.saturating_sub(limit), index)
    } else {
        let start = if marker.is_some() { index + 1 } else { index };
        (start, start.saturating_add(limit))
    };
    items.into_iter().take(end).skip(start).collect::<Vec<_>>()
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

/// A filter's values against an attribute: equal to any of them, as Neutron converts them
/// (booleans from `true`/`false`/`1`/`0`); a list attribute matches when it holds one.
fn matches_any(attribute: &Value, wanted: &[&str]) -> Result<bool, NeutronError> {
    match attribute {
        Value::Bool(flag) => {
            for value in wanted {
                if boolean(value)? == *flag {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Value::String(text) => Ok(wanted.contains(&text.as_str())),
        Value::Number(number) => Ok(wanted.contains(&number.to_string().as_str())),
        Value::Array(values) => Ok(values
            .iter()
            .filter_map(Value::as_str)
            .any(|value| wanted.contains(&value))),
        Value::Null | Value::Object(_) => Ok(false),
    }
}

/// neutron-lib's `convert_to_boolean` for a query value.
fn boolean(text: &str) -> Result<bool, NeutronError> {
    match text.to_ascii_lowercase().as_str() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(NeutronError::new(
            axum::http::StatusCode::BAD_REQUEST,
            "InvalidInput",
            format!("Invalid input for operation: '{text}' cannot be converted to boolean."),
        )),
    }
}

/// `['a', 'b']`, as Neutron's messages print a Python list of names.
fn python_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("'{name}'")).collect();
    format!("[{}]", quoted.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(text: &str) -> Query {
        Query::of(&format!("/x?{text}").parse::<Uri>().expect("uri"))
    }

    fn items() -> Vec<Value> {
        ["c", "a", "d", "b"]
            .iter()
            .enumerate()
            .map(|(n, id)| json!({"id": id, "name": format!("n{n}"), "router:external": n == 2}))
            .collect()
    }

    fn ids(body: &Value, key: &str) -> Vec<String> {
        body[key]
            .as_array()
            .expect("list")
            .iter()
            .map(|item| item["id"].as_str().unwrap_or_default().to_owned())
            .collect()
    }

    #[test]
    fn filters_convert_booleans_and_reject_unknown_attributes() {
        let body = query("router:external=True")
            .list_body("networks", "u", items())
            .expect("listed");
        assert_eq!(ids(&body, "networks"), ["d"]);
        assert!(body.get("networks_links").is_none(), "no limit, no links");
        let body = query("name=n0&name=n3")
            .list_body("networks", "u", items())
            .expect("listed");
        assert_eq!(ids(&body, "networks"), ["c", "b"], "repeated values: any");
        let error = query("colour=red&name=n0")
            .list_body("networks", "u", items())
            .unwrap_err();
        assert_eq!(
            error.message,
            "['colour'] is invalid attribute for filtering"
        );
        let error = query("router:external=maybe")
            .list_body("networks", "u", items())
            .unwrap_err();
        assert_eq!(error.kind, "InvalidInput");
    }

    #[test]
    fn pages_sort_by_id_and_link_both_ways() {
        let first = query("limit=2&fields=id")
            .list_body("ports", "http://h/network/v2.0/ports", items())
            .expect("page");
        assert_eq!(ids(&first, "ports"), ["a", "b"]);
        assert_eq!(first["ports"][0], json!({"id": "a"}), "fields kept");
        let links = first["ports_links"].as_array().expect("links");
        assert_eq!(
            links[0],
            json!({"rel": "next", "href": "http://h/network/v2.0/ports?limit=2&fields=id&marker=b"})
        );
        assert_eq!(links[1]["rel"], "previous");
        assert!(
            links[1]["href"]
                .as_str()
                .is_some_and(|href| href.ends_with("marker=a&page_reverse=True"))
        );
        let last = query("limit=2&marker=b")
            .list_body("ports", "u", items())
            .expect("page");
        assert_eq!(ids(&last, "ports"), ["c", "d"]);
        let beyond = query("limit=2&marker=d")
            .list_body("ports", "u", items())
            .expect("page");
        assert_eq!(ids(&beyond, "ports"), Vec::<String>::new());
        let rels: Vec<&Value> = beyond["ports_links"]
            .as_array()
            .expect("links")
            .iter()
            .map(|link| &link["rel"])
            .collect();
        assert_eq!(
            rels,
            [&json!("previous")],
            "a short forward page has no next"
        );
        let back = query("limit=2&marker=d&page_reverse=true")
            .list_body("ports", "u", items())
            .expect("page");
        assert_eq!(ids(&back, "ports"), ["b", "c"]);
        let sorted = query("sort_key=name&sort_dir=desc")
            .list_body("ports", "u", items())
            .expect("sorted");
        assert_eq!(ids(&sorted, "ports"), ["b", "d", "a", "c"]);
    }

    #[test]
    fn bad_limits_and_sorts_are_refused_as_neutron_does() {
        let error = query("limit=-1")
            .list_body("ports", "u", items())
            .unwrap_err();
        assert_eq!(
            (error.kind, error.message.as_str()),
            (
                "BadRequest",
                "Bad limit request: Limit must be an integer 0 or greater and not '-1'."
            )
        );
        let unpaged = query("limit=0")
            .list_body("ports", "u", items())
            .expect("limit 0: everything");
        assert_eq!(ids(&unpaged, "ports").len(), 4);
        for (text, message) in [
            (
                "sort_key=name",
                "The number of sort_keys and sort_dirs must be same",
            ),
            (
                "sort_key=colour&sort_dir=asc",
                "['colour'] is invalid attribute for sort_keys",
            ),
            (
                "sort_key=name&sort_dir=up",
                "['up'] is invalid value for sort_dirs, valid value is 'asc' and 'desc'",
            ),
        ] {
            let error = query(text).list_body("ports", "u", items()).unwrap_err();
            assert_eq!(error.message, message, "{text}");
        }
    }
}
