// Placeholder until the module lands.
enum TernStorePlaceholder {}
