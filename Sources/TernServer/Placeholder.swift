// Placeholder until the module lands.
enum TernServerPlaceholder {}
