"""The watch server that reloads the page: it serves the map and nothing else."""
