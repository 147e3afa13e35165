// Placeholder until the module lands.
enum TernTokenizersPlaceholder {}
