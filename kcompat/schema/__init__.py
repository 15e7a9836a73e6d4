"""Schema validation: the versioned built-in schemas (store), CRD-derived schemas and the validator.

Nothing here is imported until a check needs a schema; the store is read lazily, per kind.
"""
