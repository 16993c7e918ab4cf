import Testing

@testable import TwofoldOTP

@Test func decode_ignoresCaseSpacesAndHyphens() throws {
    let expected = try Base32.decode("JBSWY3DPEHPK3PXP")
    #expect(try Base32.decode("jbsw y3dp-ehpk 3pxp") == expected)
    #expect(try Base32.decode("JBSWY3DPEHPK3PXP====") == expected)
}

@Test(arguments: ["JBSWY3DP1", "JBSW!", "JBSWY3DPÉ", "A", "ABC", "ABCDEF", "MZ=XW6", "MB"])
func decode_rejectsBadInputWithoutEchoingIt(text: String) {
    do {
        _ = try Base32.decode(text)
        Issue.record("expected rejection of \(text)")
    } catch {
        #expect(error.code == "otp.invalid_base32")
        #expect(!error.message.contains(text))
    }
}

@Test func roundTrip_ofRandomLengths() throws {
    for length in 0...64 {
        let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        #expect(try Base32.decode(Base32.encode(bytes)) == bytes)
    }
}
