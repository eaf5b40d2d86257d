"""The analyst's explorer: a read-only web application and HTTP API on the published warehouse (`regind serve`)."""
