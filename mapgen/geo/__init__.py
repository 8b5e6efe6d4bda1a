"""Stage 2: a position for every place, route stop and area (cache, offline gazetteer, countries, online services), and the geodesy that draws lines."""
