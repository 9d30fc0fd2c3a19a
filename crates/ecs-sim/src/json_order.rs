//! The order a database gives JSON scalars when a list is sorted by an attribute.

use std::cmp::Ordering;

use serde_json::Value;

/// Nulls first, then numbers, booleans and strings by value.
pub fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::Number(a), Value::Number(b)) => a
            .as_f64()
            .partial_cmp(&b.as_f64())
            .unwrap_or(Ordering::Equal),
        (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
        (Value::String(a), Value::String(b)) => a.cmp(b),
        _ => a.to_string().cmp(&b.to_string()),
    }
}

/// Orders by each `(attribute, ascending)` in turn.
pub fn compare_by(a: &Value, b: &Value, sorts: &[(String, bool)]) -> Ordering {
    sorts
        .iter()
        .map(|(key, ascending)| {
            let order = compare(&a[key], &b[key]);
            if *ascending { order } else { order.reverse() }
        })
        .find(|order| order.is_ne())
        .unwrap_or(Ordering::Equal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nulls_first_then_values_then_the_next_key() {
        let mut items = [
            json!({"size": 2, "id": "b"}),
            json!({"size": null, "id": "c"}),
            json!({"size": 2, "id": "a"}),
            json!({"size": 10, "id": "d"}),
        ];
        let sorts = [("size".to_owned(), false), ("id".to_owned(), true)];
        items.sort_by(|a, b| compare_by(a, b, &sorts));
        let ids: Vec<&str> = items
            .iter()
            .filter_map(|item| item["id"].as_str())
            .collect();
        assert_eq!(ids, ["d", "a", "b", "c"]);
    }
}
