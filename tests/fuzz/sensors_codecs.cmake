# libFuzzer targets of the Remote ID and French beacon codecs (corpora in
# tests/fuzz/corpus/rid/ and tests/fuzz/corpus/frbeacon/).
vg_fuzz_target(fuzz_rid)
vg_fuzz_target(fuzz_frbeacon)
vg_fuzz_target(fuzz_ridasm)
