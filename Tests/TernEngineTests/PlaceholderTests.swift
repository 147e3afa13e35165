import Testing

@Test func TernEngineBuilds() { #expect(Bool(true)) }
