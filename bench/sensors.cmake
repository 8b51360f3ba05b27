# Remote ID / French beacon codec benchmark (docs/BENCHMARKS.md records its figures).
add_executable(bench_remoteid remoteid.c)
target_compile_options(bench_remoteid PRIVATE ${VG_STRICT_WARNINGS})
target_compile_definitions(bench_remoteid PRIVATE _POSIX_C_SOURCE=200809L)
target_link_libraries(bench_remoteid PRIVATE vigieshell)
