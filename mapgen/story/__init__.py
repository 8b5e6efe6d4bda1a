"""Stage 1: places.yaml (and the files it includes) read into a validated Story. The fields are declared once, in fields."""
