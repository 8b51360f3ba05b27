# Threat rules per track update: 300 zones around Paris, 1 000 000 updates.
add_executable(bench_threat threat.c)
target_compile_options(bench_threat PRIVATE ${VG_STRICT_WARNINGS})
target_compile_definitions(bench_threat PRIVATE _POSIX_C_SOURCE=200809L)
target_link_libraries(bench_threat PRIVATE vigieshell)
