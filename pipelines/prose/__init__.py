"""Documents -> candidate figures for review: reading, the extractor, its tables, review, evaluation."""
