"""raw.<table> -> verdicts, quarantine and valid rows: the suites, the two GX engines, the checks."""
