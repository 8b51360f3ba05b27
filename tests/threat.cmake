# Threat rules and alerts: unit tests, and the JSON inputs' fuzz corpus replayed.
vg_unit_test(test_threat)
vg_fuzz_corpus_test(threat)
