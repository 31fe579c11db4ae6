"""Data layer for the samordningsförbund dashboard: sources → validated tidy tables → metrics."""
