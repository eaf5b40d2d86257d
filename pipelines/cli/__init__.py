"""`regind`: the analyst's command line (refresh, query, inspect, status, review)."""
