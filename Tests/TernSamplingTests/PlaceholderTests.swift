import Testing

@Test func TernSamplingBuilds() { #expect(Bool(true)) }
