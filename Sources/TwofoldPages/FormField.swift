/// One labelled input. The label's `for` always matches the input's `id`, and the hint is tied
/// to the input with `aria-describedby`, so assistive technology reads it with the field.
struct FormField {
    enum Kind: String {
        case text, email, password, tel
    }

    var id: String
    var name: String
    var label: String
    var kind: Kind = .text
    /// Pre-filled value; never rendered for passwords, so a page cannot echo one back.
    var value: String = ""
    var autocomplete: String
    var inputMode: String? = nil
    var pattern: String? = nil
    var minLength: Int? = nil
    var maxLength: Int? = nil
    var required = true
    var autofocus = false
    var invalid = false
    /// Extra class on the input (`code` for one-time codes).
    var inputClass: String? = nil
    /// Plain text, escaped.
    var hint: String? = nil

    /// A one-time code input: digits on a phone keypad, spaces allowed ("123 456").
    static func code(id: String, label: String, hint: String? = nil, autofocus: Bool, invalid: Bool) -> FormField {
        FormField(
            id: id, name: "code", label: label, autocomplete: "one-time-code", inputMode: "numeric",
            pattern: "[0-9 ]*", maxLength: 8, autofocus: autofocus, invalid: invalid, inputClass: "code", hint: hint)
    }

    var html: String {
        let id = Markup.text(id)
        var input = #"<input id="\#(id)" name="\#(Markup.text(name))" type="\#(kind.rawValue)""#
        input += #" autocomplete="\#(Markup.text(autocomplete))""#
        if kind != .password && !value.isEmpty { input += #" value="\#(Markup.text(value))""# }
        if let inputMode { input += #" inputmode="\#(Markup.text(inputMode))""# }
        if let pattern { input += #" pattern="\#(Markup.text(pattern))""# }
        if let minLength { input += #" minlength="\#(minLength)""# }
        if let maxLength { input += #" maxlength="\#(maxLength)""# }
        if kind == .email || inputMode == "numeric" { input += #" autocapitalize="none" spellcheck="false""# }
        if let inputClass { input += #" class="\#(Markup.text(inputClass))""# }
        if hint != nil { input += #" aria-describedby="\#(id)-hint""# }
        if invalid { input += #" aria-invalid="true""# }
        if required { input += " required" }
        if autofocus { input += " autofocus" }
        input += ">"
        let hintHTML = hint.map { #"<p class="hint" id="\#(id)-hint">\#(Markup.text($0))</p>"# } ?? ""
        return #"<div class="field"><label for="\#(id)">\#(Markup.text(label))</label>\#(input)\#(hintHTML)</div>"#
    }
}
