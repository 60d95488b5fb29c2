//! The editor's input fields. [`NumberField`] reads a number within bounds (as a number box
//! committed on change, or a slider committed while dragging) and hands the value or a readable
//! message to `on_commit`; [`TextField`] hands over its text for the caller to parse.

use crate::browser::HtmlInputElement;
use yew::prelude::*;

/// A value a [`NumberField`] can hold: how it reads from and shows as text, and how its allowed
/// range reads in a message.
pub trait FieldNum: Clone + PartialEq + 'static {
    /// The value of `text` (already trimmed), if it is one of this kind.
    fn parse(text: &str) -> Option<Self>;
    /// The text the field shows.
    fn text(&self) -> String;
    /// Whether the value lies in `min..=max`.
    fn within(&self, min: &Self, max: &Self) -> bool;
    /// What a valid value is, e.g. "a whole number from 1 to 8".
    fn must_be(min: &Self, max: &Self) -> String;
}

/// Whole numbers; the full range of the type reads as just "a whole number".
macro_rules! whole_number {
    ($($t:ty),*) => {$(
        impl FieldNum for $t {
            fn parse(text: &str) -> Option<Self> {
                text.parse().ok()
            }
            fn text(&self) -> String {
                self.to_string()
            }
            fn within(&self, min: &Self, max: &Self) -> bool {
                (min..=max).contains(&self)
            }
            fn must_be(min: &Self, max: &Self) -> String {
                if (*min, *max) == (0, <$t>::MAX) {
                    "a whole number".into()
                } else {
                    format!("a whole number from {min} to {max}")
                }
            }
        }
    )*};
}
whole_number!(u32, u64);

impl FieldNum for f64 {
    fn parse(text: &str) -> Option<Self> {
        text.parse().ok().filter(|x: &f64| x.is_finite())
    }
    fn text(&self) -> String {
        self.to_string()
    }
    fn within(&self, min: &Self, max: &Self) -> bool {
        *min <= *self && *self <= *max
    }
    fn must_be(min: &Self, max: &Self) -> String {
        format!("a number from {min} to {max}")
    }
}

/// An optional number: an empty field means "none" (e.g. unlimited bandwidth).
impl FieldNum for Option<f64> {
    fn parse(text: &str) -> Option<Self> {
        if text.is_empty() {
            Some(None)
        } else {
            f64::parse(text).map(Some)
        }
    }
    fn text(&self) -> String {
        self.map(|x| x.to_string()).unwrap_or_default()
    }
    fn within(&self, min: &Self, max: &Self) -> bool {
        match (self, min, max) {
            (Some(x), Some(lo), Some(hi)) => x.within(lo, hi),
            _ => true,
        }
    }
    fn must_be(min: &Self, max: &Self) -> String {
        format!("a number from {} to {}", min.text(), max.text())
    }
}

/// `text` as a value in `min..=max`, or a message naming the field `name` and the range.
pub fn check<T: FieldNum>(text: &str, name: &str, min: &T, max: &T) -> Result<T, String> {
    match T::parse(text.trim()) {
        Some(x) if x.within(min, max) => Ok(x),
        _ => Err(format!(
            "{name} must be {}, not `{text}`.",
            T::must_be(min, max)
        )),
    }
}

/// A number field's bounds, value and commit with the number's type erased, so that one
/// [`NumberField`] component (compiled once) serves every number type; [`num`] builds it.
#[derive(Clone, PartialEq)]
pub struct Num {
    min: AttrValue,
    max: AttrValue,
    value: AttrValue,
    /// Checks `(text, the field's name)` against the bounds and hands the result on.
    commit: Callback<(String, AttrValue)>,
}

/// The [`Num`] of a field holding a `T` in `min..=max` that shows `value`: `on_commit` receives
/// the new value, or why the text is not one ([`check`]).
pub fn num<T: FieldNum>(min: T, max: T, value: T, on_commit: Callback<Result<T, String>>) -> Num {
    Num {
        min: min.text().into(),
        max: max.text().into(),
        value: value.text().into(),
        commit: Callback::from(move |(text, name): (String, AttrValue)| {
            on_commit.emit(check(&text, &name, &min, &max))
        }),
    }
}

/// Props of [`NumberField`].
#[derive(Properties, PartialEq)]
pub struct NumberFieldProps {
    /// The label above the field.
    pub label: AttrValue,
    /// The field's name in an error message (else the label).
    #[prop_or_default]
    pub name: Option<AttrValue>,
    /// Bounds, value and commit ([`num`]).
    pub num: Num,
    /// The input's `step` (else the browser's default, 1).
    #[prop_or_default]
    pub step: Option<AttrValue>,
    /// `data-testid` of the input.
    #[prop_or_default]
    pub testid: Option<AttrValue>,
    /// A slider that shows its value and commits while dragging, instead of a number box.
    #[prop_or(false)]
    pub slider: bool,
    /// `aria-label` of the input.
    #[prop_or_default]
    pub aria_label: Option<AttrValue>,
    /// Disabled (the value follows from other settings).
    #[prop_or(false)]
    pub disabled: bool,
}

/// A labelled number input that checks its bounds before it commits.
#[component]
pub fn NumberField(p: &NumberFieldProps) -> Html {
    let commit = {
        let on_commit = p.num.commit.clone();
        let name = p.name.clone().unwrap_or_else(|| p.label.clone());
        move |text: String| on_commit.emit((text, name.clone()))
    };
    let value = |e: &Event| e.target_unchecked_into::<HtmlInputElement>().value();
    let Num {
        min,
        max,
        value: shown,
        ..
    } = p.num.clone();
    if p.slider {
        let oninput = Callback::from(move |e: InputEvent| commit(value(&e)));
        html! {
            <label class="field slider">
                <span>{p.label.clone()}<output>{shown.clone()}</output></span>
                <input type="range" {min} {max} step="1" value={shown}
                    disabled={p.disabled} data-testid={p.testid.clone()} aria-label={p.aria_label.clone()} {oninput} />
            </label>
        }
    } else {
        let onchange = Callback::from(move |e: Event| commit(value(&e)));
        html! {
            <label class="field"><span>{p.label.clone()}</span>
                <input type="number" {min} {max} step={p.step.clone()} value={shown}
                    disabled={p.disabled} {onchange} data-testid={p.testid.clone()} aria-label={p.aria_label.clone()} /></label>
        }
    }
}

/// A labelled text input committed on change (a plain view, not a component: it has no state).
pub struct TextField {
    /// The label above the field.
    pub label: &'static str,
    /// The text shown.
    pub value: String,
    /// Receives the text when the user commits it.
    pub on_commit: Callback<String>,
    /// `data-testid` of the input.
    pub testid: &'static str,
    /// Tooltip (e.g. the accepted forms).
    pub title: Option<&'static str>,
    /// Disabled (the value follows from other settings).
    pub disabled: bool,
}

impl TextField {
    /// The field.
    pub fn view(self) -> Html {
        let on_commit = self.on_commit;
        let onchange = Callback::from(move |e: Event| {
            on_commit.emit(e.target_unchecked_into::<HtmlInputElement>().value())
        });
        html! {
            <label class="field"><span>{self.label}</span>
                <input type="text" value={self.value} {onchange} disabled={self.disabled}
                    data-testid={self.testid} title={self.title} /></label>
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_reads_trimmed_values_in_bounds() {
        assert_eq!(check::<u32>(" 5 ", "Nodes", &1, &15), Ok(5));
        assert_eq!(
            check::<u32>("16", "Nodes", &1, &15),
            Err("Nodes must be a whole number from 1 to 15, not `16`.".into())
        );
        assert_eq!(
            check::<f64>("inf", "Loss (%)", &0.0, &99.0),
            Err("Loss (%) must be a number from 0 to 99, not `inf`.".into())
        );
        assert_eq!(
            check::<u64>("x", "Seed", &0, &u64::MAX),
            Err("Seed must be a whole number, not `x`.".into())
        );
        assert_eq!(
            check::<Option<f64>>(" ", "Rate", &Some(0.001), &Some(1e7)),
            Ok(None)
        );
        assert_eq!(
            check::<Option<f64>>("0", "Rate", &Some(0.001), &Some(1e7)),
            Err("Rate must be a number from 0.001 to 10000000, not `0`.".into())
        );
    }
}
