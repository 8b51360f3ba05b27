# Load on a real daemon over loopback (UDP in, SSE out): see bench/server.c.
if(TARGET vigieserver)
  find_package(Threads REQUIRED)
  add_executable(bench_server server.c)
  target_compile_options(bench_server PRIVATE ${VG_STRICT_WARNINGS})
  target_link_libraries(bench_server PRIVATE vigieshell Threads::Threads)
endif()
