import Testing
import TwofoldPages

/// Rules every page keeps, checked on every sample page.
@Suite struct PageInvariantsTests {
    static let names = SamplePages.all().map(\.name)

    static func page(_ name: String) throws -> HTMLScan {
        HTMLScan(try #require(SamplePages.all().first { $0.name == name }).html)
    }

    @Test(arguments: names)
    func everyPage_isACompleteEnglishDocumentWithOneMainHeading(name: String) throws {
        let page = try Self.page(name)
        #expect(page.html.hasPrefix("<!doctype html>\n<html lang=\"en\">"))
        #expect(page.html.hasSuffix("</html>\n"))
        #expect(page.tags("h1").count == 1)
        #expect(page.tags("main").count == 1)
        #expect(page.tags("meta").contains { $0["name"] == "viewport" })
        let headEnd = try #require(page.tags("body").first).offset
        #expect(page.tags("title").filter { $0.offset < headEnd }.count == 1)
        let stylesheet = page.tags("link").filter { $0["rel"] == "stylesheet" }
        #expect(stylesheet.map { $0["href"] } == [Pages.stylesheetPath])
    }

    @Test(arguments: names)
    func everyPage_hasNoScriptNoInlineStyleAndNoEventHandlers(name: String) throws {
        let page = try Self.page(name)
        let lower = page.html.lowercased()
        #expect(!lower.contains("<script"))
        #expect(!lower.contains("<style"))
        #expect(!lower.contains("style="))
        #expect(!lower.contains("javascript:"))
        for tag in page.tags {
            #expect(!tag.attributes.keys.contains { $0.hasPrefix("on") }, "\(tag.name) has an event handler")
        }
    }

    @Test(arguments: names)
    func everyForm_postsAndCarriesTheCSRFTokenAsAHiddenInput(name: String) throws {
        let page = try Self.page(name)
        #expect(page.tags("form").count == page.forms.count)
        for (form, inside) in page.forms {
            #expect(form["method"] == "post")
            #expect(form["action"]?.hasPrefix("/") == true)
            let csrf = inside.filter { $0.name == "input" && $0["name"] == "csrf" }
            #expect(csrf.count == 1, "form \(form["action"] ?? "") lacks its csrf field")
            #expect(csrf.first?["type"] == "hidden")
            #expect(csrf.first?["value"] == SamplePages.csrf)
            #expect(inside.contains { $0.name == "button" }, "form \(form["action"] ?? "") has no button")
        }
        #expect(page.tags("input").filter { $0["name"] == "csrf" }.count == page.forms.count)
    }

    @Test(arguments: names)
    func everyVisibleInput_hasALabelPointingAtItsUniqueID(name: String) throws {
        let page = try Self.page(name)
        let ids = page.tags.compactMap { $0["id"] }
        #expect(Set(ids).count == ids.count, "duplicate ids: \(ids)")
        let labelled = Set(page.tags("label").compactMap { $0["for"] })
        for input in page.tags("input") where input["type"] != "hidden" {
            let id = try #require(input["id"], "input \(input["name"] ?? "") has no id")
            #expect(labelled.contains(id), "input \(id) has no <label for>")
            #expect(input["autocomplete"] != nil, "input \(id) has no autocomplete")
            for described in (input["aria-describedby"] ?? "").split(separator: " ") {
                #expect(ids.contains(String(described)))
            }
        }
        for label in page.tags("label") {
            #expect(page.tags("input").contains { $0["id"] == label["for"] }, "label for a missing input")
        }
    }

    @Test(arguments: names)
    func everyButton_isARealSubmitButtonInsideAForm(name: String) throws {
        let page = try Self.page(name)
        let buttons = page.tags("button")
        let inForms = page.forms.flatMap { $0.inside.filter { $0.name == "button" } }
        #expect(buttons.count == inForms.count)
        for button in buttons { #expect(button["type"] == "submit") }
    }

    @Test(arguments: names)
    func everyPasswordInput_isNeverPrefilled(name: String) throws {
        let page = try Self.page(name)
        for input in page.tags("input") where input["type"] == "password" {
            #expect(input["value"] == nil)
            #expect(["current-password", "new-password", "off"].contains(input["autocomplete"]))
        }
    }

    @Test func sampleSet_coversEveryPublicPage() {
        let names = Set(Self.names)
        for prefix in [
            "login", "sign-up", "code", "recovery-available", "recovery-code", "mfa-setup", "choose-account", "home",
            "security", "message",
        ] {
            #expect(names.contains { $0.hasPrefix(prefix) }, "no sample for \(prefix)")
        }
    }
}
