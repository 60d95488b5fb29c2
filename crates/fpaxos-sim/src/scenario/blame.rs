//! Where in a JSON document a scenario fails to decode. serde's errors from a parsed JSON value
//! name what was wrong ("invalid value: integer `4294967296`, expected u32") but not where, and
//! a scenario written by hand, pasted into the page or posted by a host page needs the where.
//!
//! Every field of a scenario has a default, so a part of the document can be taken out and the
//! rest decoded again: the part whose removal makes the document decode is where the error is.
//! The search walks down from the root, one part at a time, with the same decoder (no second
//! copy of the scenario's deserialising code in the page's bundle), and only after a failure.

use super::Scenario;
use serde_json::Value;

/// At most this many decodes are spent looking for the culprit, and at most `MAX_WORK` values
/// decoded in all (each decode reads the whole document, so a large document gets fewer):
/// past them the search stops where it is and names the part it had narrowed the error to,
/// rather than keep the user waiting (in the page, on its main thread).
const MAX_DECODES: usize = 200;
const MAX_WORK: usize = 500_000;

/// One step of a path into the document.
enum At {
    Key(String),
    Index(usize),
}

/// The path (such as `workload.clients` or `faults[2].node`) of the smallest part of `doc`
/// whose removal lets it decode as a scenario; `None` if no single part is to blame (errors in
/// two places, a required field missing at the top) or the document decodes.
pub(super) fn culprit(doc: &Value) -> Option<String> {
    let budget = MAX_DECODES.min(MAX_WORK / size(doc));
    let mut decodes = 0;
    // Whether `doc` decodes with `without` applied to it; `false` once the decodes are spent.
    let mut fixes = |without: &dyn Fn(&mut Value)| -> bool {
        decodes += 1;
        if decodes > budget {
            return false;
        }
        let mut d = doc.clone();
        without(&mut d);
        serde_json::from_value::<Scenario>(d).is_ok()
    };
    if fixes(&|_| {}) {
        return None;
    }
    let mut path: Vec<At> = Vec::new();
    'down: loop {
        let node = get(doc, &path)?;
        match node {
            Value::Object(m) => {
                let at = path.as_slice();
                for k in m.keys() {
                    if fixes(&|d| {
                        if let Some(Value::Object(m)) = get_mut(d, at) {
                            m.shift_remove(k);
                        }
                    }) {
                        path.push(At::Key(k.clone()));
                        continue 'down;
                    }
                }
                // A field that cannot be taken out (a required one) may still be emptied: an
                // array or object that decodes empty holds the culprit. A single value that
                // decodes once replaced by a plain one of another kind is the culprit itself.
                for (k, v) in m {
                    let stand_ins = match v {
                        Value::Array(a) if !a.is_empty() => vec![Value::Array(Vec::new())],
                        Value::Object(o) if !o.is_empty() => {
                            vec![Value::Object(Default::default())]
                        }
                        Value::Array(_) | Value::Object(_) => continue,
                        _ => [Value::from(0), Value::from(""), Value::from(false)]
                            .into_iter()
                            .filter(|s| std::mem::discriminant(s) != std::mem::discriminant(v))
                            .collect(),
                    };
                    for stand_in in stand_ins {
                        if fixes(&|d| {
                            if let Some(Value::Object(m)) = get_mut(d, at) {
                                m.insert(k.clone(), stand_in.clone());
                            }
                        }) {
                            path.push(At::Key(k.clone()));
                            continue 'down;
                        }
                    }
                }
                break;
            }
            Value::Array(a) => {
                // Halve the range that holds the culprit while removing one half decodes.
                let (mut lo, mut hi) = (0, a.len());
                let at = path.as_slice();
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2;
                    let without = |from: usize, to: usize| {
                        move |d: &mut Value| {
                            if let Some(Value::Array(a)) = get_mut(d, at) {
                                a.drain(from..to);
                            }
                        }
                    };
                    if fixes(&without(lo, mid)) {
                        hi = mid;
                    } else if fixes(&without(mid, hi)) {
                        lo = mid;
                    } else {
                        break 'down;
                    }
                }
                let one = hi - lo == 1
                    && fixes(&|d| {
                        if let Some(Value::Array(a)) = get_mut(d, at) {
                            a.remove(lo);
                        }
                    });
                if !one {
                    break;
                }
                path.push(At::Index(lo));
            }
            _ => break,
        }
    }
    if path.is_empty() {
        return None;
    }
    let mut text = String::new();
    for step in &path {
        match step {
            At::Key(k) if text.is_empty() => text.push_str(k),
            At::Key(k) => {
                text.push('.');
                text.push_str(k);
            }
            At::Index(i) => text.push_str(&format!("[{i}]")),
        }
    }
    Some(text)
}

/// The number of values in `v` (itself, and everything in it).
fn size(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(size).sum(),
        Value::Object(m) => m.values().map(size).sum(),
        _ => 0,
    }
}

/// The part of `v` at `path`. (serde_json's `Value::pointer` and `pointer_mut` do the same from
/// an RFC 6901 string, and cost the page's wasm 813 bytes more gzipped, measured.)
fn get<'a>(mut v: &'a Value, path: &[At]) -> Option<&'a Value> {
    for step in path {
        v = match step {
            At::Key(k) => v.get(k)?,
            At::Index(i) => v.get(*i)?,
        };
    }
    Some(v)
}

/// [`get`], to change it.
fn get_mut<'a>(mut v: &'a mut Value, path: &[At]) -> Option<&'a mut Value> {
    for step in path {
        v = match step {
            At::Key(k) => v.get_mut(k)?,
            At::Index(i) => v.get_mut(*i)?,
        };
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::culprit;
    use crate::Scenario;
    use serde_json::json;

    fn error(v: serde_json::Value) -> String {
        Scenario::from_value(v).expect_err("invalid").0.join("\\n")
    }

    #[test]
    fn a_decoding_error_names_where_it_is() {
        assert_eq!(
            error(json!({"workload": {"clients": 4_294_967_296u64}})),
            "invalid scenario at workload.clients: invalid value: integer `4294967296`, \
             expected u32"
        );
        let e = error(
            json!({"cluster": {"nodes": 5, "quorum": {"kind": "majority"}, "thrifty": "yes"}}),
        );
        assert!(
            e.starts_with("invalid scenario at cluster.thrifty: "),
            "{e}"
        );
        // In an array: the element, then the field within it.
        let faults = json!([
            {"at": "1s", "action": "crash", "node": 0},
            {"at": "2s", "action": "crash", "node": 1},
            {"at": "3s", "action": "crash", "node": "two"},
            {"at": "4s", "action": "recover", "node": 0},
        ]);
        let e = error(json!({ "faults": faults }));
        assert_eq!(
            e,
            "invalid scenario at faults[2].node: invalid type: string \"two\", expected u32"
        );
        // A field that cannot be taken out (a crash needs its node) is named when a plain
        // value of another kind in its place decodes; one that can be emptied is searched.
        let q = json!({"kind": "explicit", "q1": [[0, 1, 2]], "q2": [[2, 3], [3, "4"]]});
        let e = error(json!({"cluster": {"nodes": 5, "quorum": q}}));
        assert!(
            e.starts_with("invalid scenario at cluster.quorum.q2[1][1]: "),
            "{e}"
        );
        // An unknown field is its own culprit.
        let e = error(json!({"network": {"los": 0.1}}));
        assert!(
            e.starts_with("invalid scenario at network.los: unknown field `los`"),
            "{e}"
        );
        // Keys with `/` and `~` in them (which a JSON pointer would escape).
        let e = error(json!({"network": {"a/b~c": 1}}));
        assert!(
            e.starts_with("invalid scenario at network.a/b~c: unknown field `a/b~c`"),
            "{e}"
        );
    }

    #[test]
    fn no_path_when_no_single_part_is_to_blame() {
        // Two wrong fields: removing either leaves the other.
        let v = json!({"workload": {"clients": -1}, "duration": true});
        assert_eq!(culprit(&v), None);
        assert!(error(v).starts_with("invalid scenario: "));
        // A valid document has no culprit.
        assert_eq!(culprit(&json!({"cluster": {"nodes": 3}})), None);
        // Errors in both halves of an array: the array is named, not an element.
        let v = json!({"faults": [
            {"at": "1s", "action": "crash", "node": "x"},
            {"at": "2s", "action": "crash", "node": 1},
            {"at": "3s", "action": "crash", "node": "y"},
        ]});
        assert_eq!(culprit(&v).as_deref(), Some("faults"));
    }

    #[test]
    fn the_search_is_bounded_and_names_what_it_narrowed_the_error_to() {
        // One fault with 300 unknown fields: removing any one leaves the others, so every
        // field is tried until the decodes are spent; the fault is named.
        let mut fault = serde_json::Map::new();
        for k in 0..300 {
            fault.insert(format!("k{k}"), json!(k));
        }
        let v = json!({ "faults": [ {"at": "1s", "action": "crash", "node": 0}, fault ] });
        assert_eq!(culprit(&v).as_deref(), Some("faults[1]"));
        // A long array: the culprit is found by halving, in a few dozen decodes.
        let mut faults: Vec<serde_json::Value> = (0..2_000)
            .map(|i| json!({"at": format!("{i}ms"), "action": "crash", "node": 0}))
            .collect();
        faults[1_321] = json!({"at": "1s", "action": "crash", "node": 0, "why": "x"});
        assert_eq!(
            culprit(&json!({ "faults": faults.clone() })).as_deref(),
            Some("faults[1321].why")
        );
        // A document too large to decode many times is narrowed less far, not for longer:
        // 50,000 faults leave two decodes, one to tell that it fails and one to name `faults`.
        let mut huge = Vec::with_capacity(50_000);
        for _ in 0..25 {
            huge.extend(faults.iter().cloned());
        }
        assert_eq!(
            culprit(&json!({ "faults": huge })).as_deref(),
            Some("faults")
        );
    }
}
