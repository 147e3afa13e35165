// Placeholder until the module lands.
enum TernModelsPlaceholder {}
