# Remote ID and French beacon codecs: unit tests, and the replay of their fuzz
# corpora (tests/fuzz/corpus/rid, tests/fuzz/corpus/frbeacon) in every build.
vg_unit_test(test_rid)
vg_unit_test(test_frbeacon)
vg_fuzz_corpus_test(rid)
vg_fuzz_corpus_test(frbeacon)
vg_unit_test(test_ridasm)
