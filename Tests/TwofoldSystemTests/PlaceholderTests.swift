import Testing

@Test func placeholder_moduleBuilds() { #expect(Bool(true)) }
