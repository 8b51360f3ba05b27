# The tracker's benchmark inputs: the reference multi-target scene (Stone Soup's
# standard GNN case) as vigie input events and ground truth.
add_executable(bench_gen_reference gen_reference.c)
target_compile_options(bench_gen_reference PRIVATE ${VG_STRICT_WARNINGS})
target_compile_definitions(bench_gen_reference PRIVATE _POSIX_C_SOURCE=200809L)
target_link_libraries(bench_gen_reference PRIVATE vigieshell)
