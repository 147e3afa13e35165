// Placeholder until the module lands.
enum TernSamplingPlaceholder {}
