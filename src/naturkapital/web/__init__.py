"""The browser app (static HTML/JS/CSS, MapLibre GL JS vendored under static/vendor)."""
