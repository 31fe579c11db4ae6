"""SCB's helårsekvivalenter per kommun and year: read from SCB's files or PxWebApi 2.0, cached as Parquet
with its source, table id and retrieval date (lib.scb.hae reads, lib.scb.cache keeps)."""
