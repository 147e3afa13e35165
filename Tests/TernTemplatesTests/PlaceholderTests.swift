import Testing

@Test func TernTemplatesBuilds() { #expect(Bool(true)) }
