// Placeholder until the module lands.
enum TernEnginePlaceholder {}
