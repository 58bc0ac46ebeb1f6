//! YAML to a JSON value, for specs written in YAML.
//!
//! `serde_yaml::Value` cannot hold integers beyond 64 bits, which real specs write as bounds
//! (`maximum: 18446744073709552000` is what JavaScript tools write for `u64::MAX`), so a spec
//! with one would fail to load at all. This reads YAML through the same parser into a JSON value
//! directly: such integers become floats (as they are in JSON), mapping keys that are not strings
//! (`200:`) become strings, tags are dropped, and merge keys (`<<: *defaults`) are applied.

use std::fmt;

use serde::de::{Deserialize, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};
use serde_json::{Map, Number, Value};

/// A YAML document as a JSON value.
pub(crate) fn from_str(text: &str) -> Result<Value, serde_yaml::Error> {
    let Yaml(value) = serde_yaml::from_str(text)?;
    Ok(value)
}

/// A JSON value deserialized from YAML (see the module docs).
struct Yaml(Value);

impl<'de> Deserialize<'de> for Yaml {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(YamlVisitor).map(Yaml)
    }
}

struct YamlVisitor;

/// A float for an integer beyond 64 bits; JSON has no other way to hold it.
#[allow(clippy::cast_precision_loss)] // the value does not fit 64 bits; a float is the closest
fn big_integer<E: serde::de::Error>(value: f64) -> Result<Value, E> {
    Number::from_f64(value).map(Value::Number).ok_or_else(|| E::custom("an integer too large for a float"))
}

impl<'de> Visitor<'de> for YamlVisitor {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any YAML value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::from(value))
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_i128<E: serde::de::Error>(self, value: i128) -> Result<Value, E> {
        big_integer(value as f64)
    }

    #[allow(clippy::cast_precision_loss)]
    fn visit_u128<E: serde::de::Error>(self, value: u128) -> Result<Value, E> {
        big_integer(value as f64)
    }

    fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Value, E> {
        Number::from_f64(value)
            .map(Value::Number)
            .ok_or_else(|| E::custom(format!("the number {value} has no JSON equivalent")))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Yaml(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        let mut merges = Vec::new();
        while let Some((Yaml(key), Yaml(value))) = map.next_entry()? {
            let key = match key {
                Value::String(key) => key,
                Value::Null => "null".to_owned(),
                Value::Bool(_) | Value::Number(_) => key.to_string(),
                Value::Array(_) | Value::Object(_) => {
                    return Err(serde::de::Error::custom("a mapping key is not a scalar"));
                }
            };
            if key == "<<" {
                merges.push(value);
            } else {
                object.insert(key, value);
            }
        }
        // Merge keys: the mapping's own keys win, then earlier merged mappings over later ones.
        for merged in merges {
            let mappings = match merged {
                Value::Array(items) => items,
                other => vec![other],
            };
            for mapping in mappings {
                if let Value::Object(entries) = mapping {
                    for (key, value) in entries {
                        object.entry(key).or_insert(value);
                    }
                }
            }
        }
        Ok(Value::Object(object))
    }

    /// A tagged value (`!Ref x`): the tag is dropped, the value kept.
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        let (_tag, variant): (Yaml, _) = data.variant()?;
        let Yaml(value) = variant.newtype_variant()?;
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn integers_beyond_64_bits_become_floats() {
        let value = from_str("a: 18446744073709552000\nb: -9223372036854776000\nc: 5\nd: -5\n").unwrap();
        assert_eq!(value["a"].as_f64(), Some(18_446_744_073_709_552_000.0));
        assert_eq!(value["b"].as_f64(), Some(-9_223_372_036_854_775_808.0));
        assert_eq!(value["c"], json!(5));
        assert_eq!(value["d"], json!(-5));
    }

    #[test]
    fn keys_become_strings_merges_apply_and_tags_drop() {
        let text = "defaults: &d {a: 1, b: 2}\nresponses:\n  200: ok\n  true: yes\nmerged:\n  <<: *d\n  b: 3\ntagged: !Thing {x: 1}\n";
        let value = from_str(text).unwrap();
        assert_eq!(value["responses"], json!({"200": "ok", "true": "yes"}));
        assert_eq!(value["merged"], json!({"a": 1, "b": 3}));
        assert_eq!(value["tagged"], json!({"x": 1}));
    }
}
