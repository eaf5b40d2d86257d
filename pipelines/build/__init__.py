"""sql/<layer>/*.sql -> tables and views: one asset per SQL file, and the consistency check."""
