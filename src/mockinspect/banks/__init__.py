"""The bank and scenario file formats: loading with positions, validation, the registry, the schema."""
