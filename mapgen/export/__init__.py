"""Stage 3, beside page: map.geojson, and the static map (map.svg, map.png, map-social.png)."""
