# store and auth — the daemon's SQLite store and its security layer.
if(TARGET vigiestore)
  foreach(t test_store test_auth)
    vg_unit_test(${t})
    target_link_libraries(${t} PRIVATE vigiestore)
    target_compile_definitions(${t} PRIVATE _DEFAULT_SOURCE)
  endforeach()
  add_executable(store_writer server/store_writer.c)
  target_compile_options(store_writer PRIVATE ${VG_WARNINGS})
  target_link_libraries(store_writer PRIVATE vigiestore)
  add_test(NAME cli_store_kill9
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/store_kill9.sh $<TARGET_FILE:vigie>
                   $<TARGET_FILE:store_writer>)
  set_tests_properties(cli_store_kill9 PROPERTIES
    ENVIRONMENT "VG_SOURCE_DIR=${PROJECT_SOURCE_DIR}" TIMEOUT 120)
  vg_cli_test(store_cli)
  vg_fuzz_corpus_test(auth)
  target_link_libraries(fuzz_replay_auth PRIVATE vigiestore)
endif()

# daemon and HTTP API — a real `vigie serve` on loopback.
if(TARGET vigieserver)
  vg_cli_test(server_api)
  set_tests_properties(cli_server_api PROPERTIES TIMEOUT 180)
  vg_fuzz_corpus_test(api)
  target_link_libraries(fuzz_replay_api PRIVATE vigieserver)
endif()
if(TARGET vigieserver AND TARGET make_rid_pcap)
  add_test(NAME cli_server_pcap
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/server_pcap.sh $<TARGET_FILE:vigie>
                   $<TARGET_FILE:make_rid_pcap>)
  set_tests_properties(cli_server_pcap PROPERTIES
    ENVIRONMENT "VG_SOURCE_DIR=${PROJECT_SOURCE_DIR}" TIMEOUT 120)
endif()
if(TARGET vigieserver)
  vg_cli_test(server_tls)
  vg_cli_test(server_dispatch)
endif()
