import Testing

@Test func TernGGUFBuilds() { #expect(Bool(true)) }
