import Testing

@Test func TernTokenizersBuilds() { #expect(Bool(true)) }
