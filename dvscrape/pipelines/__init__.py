"""Item pipelines: validate the record, store it in the archive (the page object has normalised its text)."""
