# Tests of the Remote ID transport layer (frames, pcap I/O), and the replay of its
# fuzz corpus (tests/fuzz/corpus/ridframe) in every build. Included by
# tests/CMakeLists.txt.
vg_unit_test(test_ridframe)
vg_unit_test(test_pcapio)
vg_fuzz_corpus_test(ridframe)
