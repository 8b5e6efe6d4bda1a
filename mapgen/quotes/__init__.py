"""Stage 2, beside geo: every quote verified against its article and read as the article prints it; the place mentions mapgen check and extract find."""
