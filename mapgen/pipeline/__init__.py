"""The straight-line build that runs the stages and writes output/ atomically, its options, and the speed tricks behind one seam."""
