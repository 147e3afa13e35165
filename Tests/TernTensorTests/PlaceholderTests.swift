import Testing

@Test func TernTensorBuilds() { #expect(Bool(true)) }
