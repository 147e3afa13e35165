// Placeholder until the module lands.
enum TernTemplatesPlaceholder {}
