"""Python op classes for mljit's MLIR dialects."""
