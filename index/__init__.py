"""Building and storing the passage index: load, clean, split, embed, store, update."""
