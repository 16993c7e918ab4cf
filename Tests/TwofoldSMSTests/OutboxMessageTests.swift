import Testing
import TwofoldSMS

@Suite struct OutboxMessageTests {
    @Test(arguments: ["a", "A-z_0-9", String(repeating: "x", count: 64)])
    func validated_acceptsIDsOfTheAllowedAlphabet(id: String) throws {
        #expect(try OutboxMessage.validated(id: id, to: "+14155552671", text: "hi").id == id)
    }

    @Test(arguments: ["", String(repeating: "x", count: 65), "with space", "dot.ted", "slash/", "é", "a\n"])
    func validated_whenIDBreaksTheRules_isInvalidNamingArgsID(id: String) {
        let error = #expect(throws: SMSError.self) {
            try OutboxMessage.validated(id: id, to: "+14155552671", text: "hi")
        }
        #expect(error?.code == "sms.invalid")
        #expect(error?.message.hasPrefix("field 'args.id' ") == true)
    }

    @Test(arguments: ["+12345678", "+123456789012345", "+14155552671"])
    func validated_acceptsE164Numbers(to: String) throws {
        #expect(try OutboxMessage.validated(id: "m", to: to, text: "hi").to == to)
    }

    @Test(arguments: [
        "", "+", "14155552671", "+1234567", "+1234567890123456", "+0155552671", "+1415 555 2671", "+1415555267a",
        "++14155552671", "+１４１５５５５２６７１",
    ])
    func validated_whenNumberIsNotE164_isInvalidNamingArgsTo(to: String) {
        let error = #expect(throws: SMSError.self) { try OutboxMessage.validated(id: "m", to: to, text: "hi") }
        #expect(error?.code == "sms.invalid")
        #expect(error?.message.hasPrefix("field 'args.to' ") == true)
        #expect(to.count < 2 || error?.message.contains(to) == false)
    }

    @Test func validated_acceptsTextOfOneAnd480Characters() throws {
        #expect(try OutboxMessage.validated(id: "m", to: "+14155552671", text: "x").text == "x")
        let longest = String(repeating: "ü", count: 480)
        #expect(try OutboxMessage.validated(id: "m", to: "+14155552671", text: longest).text == longest)
    }

    @Test(arguments: ["", String(repeating: "y", count: 481), String(repeating: "ü", count: 481)])
    func validated_whenTextLengthIsOutOfRange_isInvalidWithoutEchoingIt(text: String) {
        let error = #expect(throws: SMSError.self) {
            try OutboxMessage.validated(id: "m", to: "+14155552671", text: text)
        }
        #expect(error?.code == "sms.invalid")
        #expect(error?.message == "field 'args.text' must be 1 to 480 characters")
    }

    @Test func description_showsTheIDButNotTheTextOrNumber() throws {
        let message = try OutboxMessage.validated(id: "m-9", to: "+14155552671", text: "code 918273")
        #expect(message.description == "OutboxMessage(id: m-9)")
        #expect(!"\(message)".contains("918273"))
    }
}
