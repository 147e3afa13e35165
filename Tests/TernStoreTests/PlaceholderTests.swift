import Testing

@Test func TernStoreBuilds() { #expect(Bool(true)) }
