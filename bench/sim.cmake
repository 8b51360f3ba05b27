# The simulator's rate and the end-to-end rate of its traffic through the engine.
add_executable(bench_sim sim.c)
target_compile_options(bench_sim PRIVATE ${VG_STRICT_WARNINGS})
target_compile_definitions(bench_sim PRIVATE _POSIX_C_SOURCE=200809L)
target_link_libraries(bench_sim PRIVATE vigieshell)
