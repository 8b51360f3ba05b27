# The zone index: 50 000 zones over metropolitan France, 1 000 000 point queries.
add_executable(bench_zones zones.c)
target_compile_options(bench_zones PRIVATE ${VG_STRICT_WARNINGS})
target_compile_definitions(bench_zones PRIVATE _POSIX_C_SOURCE=200809L)
target_link_libraries(bench_zones PRIVATE vigieshell)
