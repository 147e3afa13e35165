// Placeholder until the module lands.
enum TernGGUFPlaceholder {}
