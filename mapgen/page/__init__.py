"""Stage 3: the map page (Leaflet through folium, or the data layer past 1,000 places), its popups, reader, timeline and assets; JavaScript and CSS in .js/.css files beside their modules."""
