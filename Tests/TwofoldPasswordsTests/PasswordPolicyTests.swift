import Testing
import TwofoldPasswords

private let policy = PasswordPolicy.standard

@Test func standardPolicy_isTwelveToOneHundredTwentyEightCharactersWithTheShippedList() throws {
    #expect(policy.minimumLength == 12)
    #expect(policy.maximumLength == 128)
    #expect(policy.blocklist.count == PasswordBlocklist.common.count)
    let configured = try PasswordPolicy()
    #expect(configured.minimumLength == 12)
    #expect(configured.maximumLength == 128)
}

@Test func problem_atExactlyTheMinimumLength_isNone_andOneShorter_isTooShort() {
    #expect(policy.problem(with: "tkv-93ae!pqz", email: nil) == nil)
    #expect(policy.problem(with: "tkv-93ae!pq", email: nil) == .tooShort(minimum: 12))
    #expect(policy.problem(with: "", email: nil) == .tooShort(minimum: 12))
}

@Test func problem_countsCharactersAfterNFKC_notBytesOrScalars() {
    // Six "ﬁ" ligatures are twelve letters after NFKC.
    #expect(policy.problem(with: String(repeating: "\u{FB01}", count: 6), email: nil) == nil)
    // Eleven emoji with skin tones: 44 bytes, 22 scalars, 11 characters.
    #expect(
        policy.problem(with: String(repeating: "\u{1F44D}\u{1F3FD}", count: 11), email: nil) == .tooShort(minimum: 12))
    #expect(policy.problem(with: String(repeating: "\u{1F44D}\u{1F3FD}", count: 12), email: nil) == nil)
}

@Test(arguments: [64, 100, 128])
func problem_forLongPassphrasesUpToTheMaximum_isNone(length: Int) {
    let passphrase = String(String(repeating: "long passphrase ", count: 10).prefix(length))
    #expect(passphrase.count == length)
    #expect(policy.problem(with: passphrase, email: nil) == nil)
}

@Test func problem_overTheMaximumLength_isTooLong() {
    #expect(policy.problem(with: String(repeating: "z", count: 129), email: nil) == .tooLong(maximum: 128))
}

@Test func problem_overTheByteCap_isTooLongEvenWhenTheNormalisedFormWouldFit() throws {
    // 120 Hangul syllables spelled as conjoining jamo: 1,080 bytes raw, 360 bytes after NFKC.
    let raw = String(repeating: "\u{1100}\u{1161}\u{11A8}", count: 120)
    #expect(raw.utf8.count > PasswordPolicy.maximumBytes)
    #expect(policy.problem(with: raw, email: nil) == .tooLong(maximum: 128))
    #expect(policy.problem(with: PasswordNormalization.normalize(raw), email: nil) == nil)
    let wide = try PasswordPolicy(maximumLength: 256)
    #expect(wide.problem(with: String(repeating: "\u{E9}", count: 256), email: nil) == nil)
    #expect(wide.problem(with: String(repeating: "\u{E9}", count: 513), email: nil) == .tooLong(maximum: 256))
}

@Test(arguments: ["1qaz2wsx3edc", "1QAZ2WSX3EDC", "  1qaz2wsx3edc\t", "\u{FF11}\u{FF51}\u{FF41}\u{FF5A}2wsx3edc"])
func problem_forAPasswordOnTheBlocklist_isCommon_inAnyCaseOrSpelling(password: String) {
    #expect(policy.problem(with: password, email: nil) == .common)
}

@Test func problem_forAShortCommonPassword_reportsTheLengthFirst() {
    #expect(policy.problem(with: "password", email: nil) == .tooShort(minimum: 12))
}

@Test(arguments: [
    ("margaret.hamilton@nasa.gov", "margaret.hamilton@nasa.gov"),
    ("MARGARET.HAMILTON@NASA.GOV", "Margaret.Hamilton@nasa.gov"),
    ("my margaret.hamilton@nasa.gov!", "margaret.hamilton@nasa.gov"),
    ("margaret.hamilton", "margaret.hamilton@nasa.gov"),
    (" Margaret.Hamilton ", "margaret.hamilton@nasa.gov"),
    ("\u{FF4D}argaret.hamilton", "margaret.hamilton@nasa.gov"),
])
func problem_forTheEmailOrItsLocalPart_isContainsEmail(password: String, email: String) {
    #expect(policy.problem(with: password, email: email) == .containsEmail)
}

@Test(arguments: [
    ("margaret.hamilton rocks", "margaret.hamilton@nasa.gov"),
    ("apollo guidance computer", "margaret.hamilton@nasa.gov"),
    ("apollo guidance computer", ""),
    ("apollo guidance computer", "@"),
    ("margaret.hamilton", "no-at-sign-margaret.hamilton"),
])
func problem_forOtherPasswords_isNone_evenWithAnEmail(password: String, email: String) {
    #expect(policy.problem(with: password, email: email) == nil)
}

@Test(arguments: [
    (PasswordProblem.tooShort(minimum: 12), "password.too_short", "Use at least 12 characters."),
    (.tooShort(minimum: 16), "password.too_short", "Use at least 16 characters."),
    (.tooLong(maximum: 128), "password.too_long", "Use at most 128 characters."),
    (.common, "password.common", "That password is too common; choose another."),
    (.containsEmail, "password.common", "Do not use your email address as your password; choose another."),
])
func passwordProblem_hasAStableCodeAndAMessageWithoutCompositionRules(
    problem: PasswordProblem, code: String, message: String
) {
    #expect(problem.code == code)
    #expect(problem.message == message)
}

@Test func policy_withCustomLengths_appliesThem() throws {
    let strict = try PasswordPolicy(minimumLength: 16, maximumLength: 64)
    #expect(strict.problem(with: "tkv-93ae!pqz-xy", email: nil) == .tooShort(minimum: 16))
    #expect(strict.problem(with: "tkv-93ae!pqz-xyw", email: nil) == nil)
    #expect(strict.problem(with: String(repeating: "q", count: 64), email: nil) == nil)
    #expect(strict.problem(with: String(repeating: "q", count: 65), email: nil) == .tooLong(maximum: 64))
}

@Test func policy_withAnExtraBlocklist_refusesItsEntriesToo() throws {
    let extra = PasswordBlocklist(lines: ["twofold-login-2024"])
    let merged = try PasswordPolicy(blocklist: PasswordBlocklist.common.union(extra))
    #expect(merged.problem(with: "Twofold-Login-2024", email: nil) == .common)
    #expect(merged.problem(with: "1qaz2wsx3edc", email: nil) == .common)
    #expect(policy.problem(with: "Twofold-Login-2024", email: nil) == nil)
}

@Test(arguments: [(7, 128), (65, 128), (0, 128), (-1, 128), (12, 63), (12, 257), (12, Int.max)])
func policy_withLengthsOutsideTheAcceptedRanges_isRefused(minimum: Int, maximum: Int) throws {
    let error = try #require(throws: PasswordError.self) {
        try PasswordPolicy(minimumLength: minimum, maximumLength: maximum)
    }
    #expect(error.code == "password.invalid_parameters")
}
