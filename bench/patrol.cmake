# Patrols: dispatch ranking over 10 000 units, coverage over 5 000 sites, plans.
add_executable(bench_patrol patrol.c)
target_compile_options(bench_patrol PRIVATE ${VG_STRICT_WARNINGS})
target_compile_definitions(bench_patrol PRIVATE _POSIX_C_SOURCE=200809L)
target_link_libraries(bench_patrol PRIVATE vigieshell)
