/// One labelled input. The label's `for` always matches the input's `id`; the hint and, after a
/// refusal, the error are tied to the input with `aria-describedby`, so assistive technology reads
/// them with the field. The error sits between the label and the input: where the browser scrolls
/// to when it focuses the input, it is on screen too.
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
    /// Why the value was refused (plain text, escaped); makes the input invalid.
    var error: String? = nil
    /// Whether the error is announced on its own (`role="alert"`): when no summary lists it.
    var announcesError = true

    /// "New password" and "Confirm new password", at least `minimumLength` characters (at least 1),
    /// as sign-up, the Security tab and a password reset ask for them.
    static func newPasswordPair(minimumLength: Int, autofocus: Bool = false) -> [FormField] {
        let length = max(minimumLength, 1)
        return [
            FormField(
                id: "new-password", name: "new_password", label: "New password", kind: .password,
                autocomplete: "new-password", minLength: length, autofocus: autofocus,
                hint: "At least \(length) characters."),
            FormField(
                id: "new-password-confirm", name: "new_password_confirm", label: "Confirm new password",
                kind: .password, autocomplete: "new-password", minLength: length),
        ]
    }

    /// The authenticator code asked for after the password (login, forgot password).
    static let authenticatorCode = FormField.code(
        id: "code", label: "Verification code", hint: "The 6-digit code changes every 30 seconds.", autofocus: true)

    /// A one-time code input: digits on a phone keypad, spaces allowed ("123 456").
    static func code(id: String, label: String, hint: String? = nil, autofocus: Bool, invalid: Bool = false)
        -> FormField
    {
        FormField(
            id: id, name: "code", label: label, autocomplete: "one-time-code", inputMode: "numeric",
            pattern: "[0-9 ]*", maxLength: 8, autofocus: autofocus, invalid: invalid, inputClass: "code", hint: hint)
    }

    var html: String {
        let id = Markup.text(id)
        var describedBy: [String] = []
        if error != nil { describedBy.append("\(id)-error") }
        if hint != nil { describedBy.append("\(id)-hint") }
        var input = #"<input id="\#(id)" name="\#(Markup.text(name))" type="\#(kind.rawValue)""#
        input += #" autocomplete="\#(Markup.text(autocomplete))""#
        if kind != .password && !value.isEmpty { input += #" value="\#(Markup.text(value))""# }
        if let inputMode { input += #" inputmode="\#(Markup.text(inputMode))""# }
        if let pattern { input += #" pattern="\#(Markup.text(pattern))""# }
        if let minLength { input += #" minlength="\#(minLength)""# }
        if let maxLength { input += #" maxlength="\#(maxLength)""# }
        if kind == .email || inputMode == "numeric" { input += #" autocapitalize="none" spellcheck="false""# }
        if let inputClass { input += #" class="\#(Markup.text(inputClass))""# }
        if !describedBy.isEmpty { input += #" aria-describedby="\#(describedBy.joined(separator: " "))""# }
        if invalid || error != nil { input += #" aria-invalid="true""# }
        if required { input += " required" }
        if autofocus || error != nil { input += " autofocus" }
        input += ">"
        var errorHTML = ""
        if let error {
            let role = announcesError ? #" role="alert""# : ""
            errorHTML =
                #"<p class="field-error" id="\#(id)-error"\#(role)>\#(Icon.alert)<span>\#(Markup.text(error))</span></p>"#
        }
        let hintHTML = hint.map { #"<p class="hint" id="\#(id)-hint">\#(Markup.text($0))</p>"# } ?? ""
        let fieldClass = error == nil ? "field" : "field field-invalid"
        return #"<div class="\#(fieldClass)"><label for="\#(id)">\#(Markup.text(label))</label>"#
            + errorHTML + input + hintHTML + "</div>"
    }
}

extension [FormField] {
    /// The fields with `message`'s error on the input it names, which then has the focus alone.
    /// `summarised`: the page lists the error in a summary too, so the field does not announce it.
    func showing(_ message: PageMessage?, summarised: Bool = false) -> [FormField] {
        guard let message, message.isAbout(anyOf: map(\.id)) else { return self }
        return map { field in
            var field = field
            field.error = message.error(for: field.id)
            field.announcesError = !summarised
            if field.error == nil { field.autofocus = false }
            return field
        }
    }

    var ids: [String] { map(\.id) }
}
