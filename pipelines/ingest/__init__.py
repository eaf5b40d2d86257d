"""data/raw/<table>/ -> raw.<table>: descriptors, decoding, tables as published, numbers and names."""
