# Whole-frame Remote ID decoding benchmark: radiotap + 802.11 beacon + pack of 5
# (docs/BENCHMARKS.md records its figures).
add_executable(bench_rid_frames rid_frames.c)
target_compile_options(bench_rid_frames PRIVATE ${VG_STRICT_WARNINGS})
target_compile_definitions(bench_rid_frames PRIVATE _POSIX_C_SOURCE=200809L)
target_link_libraries(bench_rid_frames PRIVATE vigieshell)
