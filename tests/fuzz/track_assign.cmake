# libFuzzer target of the sparse assignment solver (checked against brute force).
vg_fuzz_target(fuzz_assign)
