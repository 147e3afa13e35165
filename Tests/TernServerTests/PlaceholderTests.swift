import Testing

@Test func TernServerBuilds() { #expect(Bool(true)) }
