"""Reading and checking the user's vectors and rasters, and writing outputs safely."""
