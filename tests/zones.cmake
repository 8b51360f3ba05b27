# Zones: import, matching semantics, the GEOS index, export; the importers' fuzz
# corpus as a regression test; `vigie zones` on the command line.
vg_unit_test(test_zones)
vg_fuzz_corpus_test(zones)
vg_cli_test(zones)
