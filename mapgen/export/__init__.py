"""Stage 3, beside page: map.geojson."""
