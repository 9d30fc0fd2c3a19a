//! A labelled text field bound to a string, with its hint and its error line.

use leptos::prelude::*;

/// Where a text field reads and writes its text: any `RwSignal<String>`, or a part of a larger
/// value ([`TextBinding::new`]).
#[derive(Clone, Copy)]
pub struct TextBinding {
    value: Signal<String>,
    set: Callback<String>,
}

impl TextBinding {
    /// A binding that reads the text with `value` and stores what is typed with `set`.
    pub fn new(
        value: impl Fn() -> String + Send + Sync + 'static,
        set: impl Fn(String) + Send + Sync + 'static,
    ) -> Self {
        Self {
            value: Signal::derive(value),
            set: Callback::new(set),
        }
    }
}

impl From<RwSignal<String>> for TextBinding {
    fn from(text: RwSignal<String>) -> Self {
        Self {
            value: text.into(),
            set: Callback::new(move |typed| text.set(typed)),
        }
    }
}

/// The error text shown under field `id`, tied to it with `aria-describedby`.
pub fn error_id(id: &str) -> String {
    format!("{id}-error")
}

/// A labelled single- or multi-line text input. Its hint is `<id>-hint` and its error
/// `<id>-error`, both tied to the input with `aria-describedby`.
#[component]
pub fn TextField(
    id: &'static str,
    #[prop(into)] label: Oco<'static, str>,
    #[prop(into)] value: TextBinding,
    /// The field's problem, shown under it (and marking it invalid).
    #[prop(optional, into)]
    error: MaybeProp<String>,
    /// Marks the field invalid where the form says elsewhere what is wrong.
    #[prop(optional, into)]
    invalid: MaybeProp<bool>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] multiline: bool,
    #[prop(optional, into)] hint: Option<TextProp>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    /// For names, addresses and secrets, which no dictionary knows.
    #[prop(optional)]
    no_spellcheck: bool,
    #[prop(optional, into)] placeholder: Option<TextProp>,
    /// The on-screen keyboard to offer (`numeric` for numbers kept as typed text).
    #[prop(optional)]
    inputmode: Option<&'static str>,
    /// The id of a `<datalist>` of suggested values.
    #[prop(optional)]
    suggestions: Option<&'static str>,
) -> impl IntoView {
    let TextBinding { value, set } = value;
    let on_input = move |ev: leptos::ev::Event| set.run(event_target_value(&ev));
    let hint_id = format!("{id}-hint");
    let has_hint = hint.is_some();
    let described_by = {
        let hint_id = hint_id.clone();
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id(id));
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let is_invalid =
        move || (error.get().is_some() || invalid.get().unwrap_or(false)).then_some("true");
    let spellcheck = no_spellcheck.then_some("false");
    let input = if multiline {
        view! {
            <textarea
                id=id
                spellcheck=spellcheck
                aria-describedby=described_by
                aria-invalid=is_invalid
                prop:value=value
                on:input=on_input
            ></textarea>
        }
        .into_any()
    } else {
        let placeholder = move || placeholder.as_ref().map(TextProp::get);
        view! {
            <input
                id=id
                type=input_type
                inputmode=inputmode
                autocomplete=autocomplete
                spellcheck=spellcheck
                placeholder=placeholder
                list=suggestions
                aria-describedby=described_by
                aria-invalid=is_invalid
                prop:value=value
                on:input=on_input
            />
        }
        .into_any()
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {input}
            // As a String: the app renders no other reactive `Oco` text, and each kind of
            // reactive text adds its own code to the download.
            {hint.map(|text| view! { <span class="hint" id=hint_id>{move || text.get().to_string()}</span> })}
            <FieldError id=id error=error />
        </div>
    }
}

/// The message under a field when it is invalid.
#[component]
pub fn FieldError(id: &'static str, #[prop(into)] error: MaybeProp<String>) -> impl IntoView {
    move || {
        error.get().map(|message| {
            view! { <span class="field-error" id=error_id(id)>{message}</span> }
        })
    }
}
