# Tests of the Remote ID transport layer (frames, pcap I/O). Included by
# tests/CMakeLists.txt.
vg_unit_test(test_ridframe)
