"""Regional indicators warehouse: ingest, validate, model and publish regional economic figures."""
