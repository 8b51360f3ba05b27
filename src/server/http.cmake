# The daemon's HTTP side (src/server/): libuv loop and inputs, the engine thread, the
# picture and its SSE stream, the libmicrohttpd API, metrics; `vigie serve`.
pkg_check_modules(LIBUV REQUIRED IMPORTED_TARGET libuv)
pkg_check_modules(MHD REQUIRED IMPORTED_TARGET libmicrohttpd)
add_library(vigieserver STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/server/picture.c
  ${CMAKE_CURRENT_SOURCE_DIR}/server/engine_thread.c
  ${CMAKE_CURRENT_SOURCE_DIR}/server/inputs.c
  ${CMAKE_CURRENT_SOURCE_DIR}/server/pcap_input.c
  ${CMAKE_CURRENT_SOURCE_DIR}/server/api_parse.c
  ${CMAKE_CURRENT_SOURCE_DIR}/server/http.c
  ${CMAKE_CURRENT_SOURCE_DIR}/server/http_routes.c
  ${CMAKE_CURRENT_SOURCE_DIR}/server/metrics.c)
target_include_directories(vigieserver PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_compile_definitions(vigieserver PRIVATE _DEFAULT_SOURCE)
target_compile_options(vigieserver PRIVATE ${VG_STRICT_WARNINGS})
target_link_libraries(vigieserver PUBLIC vigiestore PkgConfig::LIBUV PkgConfig::MHD)

target_sources(vigie PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/cli/cmd_serve.c)
target_link_libraries(vigie PRIVATE vigieserver)
target_compile_definitions(vigie PRIVATE VG_HAVE_CMD_SERVE)
