# The zone importers (ED-269 and GeoJSON from the same bytes), index and export.
vg_fuzz_target(fuzz_zones)
