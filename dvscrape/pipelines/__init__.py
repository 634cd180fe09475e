"""Item pipelines: normalise the text, validate the record, store it in the archive."""
