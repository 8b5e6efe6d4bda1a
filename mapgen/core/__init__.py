"""What every stage shares and none owns: typed errors and positions, the clock, values refused in any input, files opened safely, text printed safely."""
