# libFuzzer target of the Remote ID transport layer (802.11 / radiotap / NAN / BLE /
# HCI frames). Included by tests/fuzz/CMakeLists.txt.
vg_fuzz_target(fuzz_ridframe)
