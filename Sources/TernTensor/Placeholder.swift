// Placeholder until the module lands.
enum TernTensorPlaceholder {}
