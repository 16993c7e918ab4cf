import Testing
import TwofoldDirectory

@Suite struct UserTextTests {
    @Test(arguments: [
        ("\u{0000}", "NUL"), ("\u{001B}", "ESC"), ("\u{007F}", "DEL"), ("\u{0085}", "NEL (C1)"),
        ("\u{009F}", "APC (C1)"),
        ("\u{061C}", "arabic letter mark"), ("\u{200E}", "LRM"), ("\u{200F}", "RLM"), ("\u{202A}", "LRE"),
        ("\u{202E}", "RLO"), ("\u{2066}", "LRI"), ("\u{2069}", "PDI"), ("\u{2028}", "line separator"),
        ("\u{2029}", "paragraph separator"),
    ])
    func forbiddenCharacters_anywhereInTheText_areRefused(character: String, name: String) {
        for text in [character, "Acme" + character, character + "Acme", "Ac" + character + "me"] {
            #expect(UserText.problem(text, maximumBytes: 100) == .forbiddenCharacter, "\(name)")
        }
    }

    @Test func otherScriptsEmojiAndJoiners_areFine() {
        for text in ["Zoë & Co", "شركة", "שלום", "日本語", "👩‍💻 team", "a\u{0301}", "Ωmega"] {
            #expect(UserText.problem(text, maximumBytes: 100) == nil, "\(text)")
        }
    }

    @Test func theBound_isInBytes_notCharacters() {
        #expect(UserText.problem(String(repeating: "é", count: 50), maximumBytes: 100) == nil)
        #expect(UserText.problem(String(repeating: "é", count: 51), maximumBytes: 100) == .tooLong(maximumBytes: 100))
        // One Character of many scalars: 1 character, 2001 bytes.
        let heavy = "a" + String(repeating: "\u{0301}", count: 1000)
        #expect(heavy.count == 1)
        #expect(UserText.problem(heavy, maximumBytes: 100) == .tooLong(maximumBytes: 100))
        #expect(UserText.problem("", maximumBytes: 100) == .empty)
    }

    @Test func emails_areLowerCasedAndTrimmed() {
        #expect(EmailAddress.normalize("  Ann@Example.COM\t") == "ann@example.com")
        #expect(EmailAddress.normalize("ünï@exämple.com") == "ünï@exämple.com")
    }

    @Test(arguments: [
        "ann:smith@example.com", "ann@example.com:", "ann\u{202E}@example.com", "ann\u{0085}@example.com",
        "ann\u{200F}@example.com", "ann smith@example.com", "ann\u{00A0}@example.com", "ann\u{3000}@example.com",
        "<ann>@example.com", "ann@example", "ann@.example.com", "ann@example..com", "@example.com", "ann@@example.com",
        "ann", "", String(repeating: "a", count: 65) + "@example.com",
        "a@" + String(repeating: "d", count: 195) + ".com",  // 201 bytes
        String(repeating: " ", count: 100_000) + "a@example.com",
    ])
    func emails_thatTheVaultCouldNotLabel_orThatBreakTheTextRule_areRefused(raw: String) {
        #expect(EmailAddress.normalize(raw) == nil)
    }

    @Test func emails_upTo200Bytes_areAccepted() {
        let longest = "a@" + String(repeating: "d", count: 194) + ".com"  // 200 bytes
        #expect(longest.utf8.count == 200)
        #expect(EmailAddress.normalize(longest) == longest)
    }
}
