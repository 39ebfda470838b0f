"""The pipeline stages, each a registered spaCy component (see ``pipeline.STAGES``)."""
