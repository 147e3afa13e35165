import Testing

@Test func TernModelsBuilds() { #expect(Bool(true)) }
