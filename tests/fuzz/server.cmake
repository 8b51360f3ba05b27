# store and auth
if(TARGET vigiestore)
  vg_fuzz_target(fuzz_auth)
  target_link_libraries(fuzz_auth PRIVATE vigiestore)
endif()

# daemon and HTTP API — request bodies, ids, query values, Last-Event-ID
if(TARGET vigieserver)
  vg_fuzz_target(fuzz_api)
  target_link_libraries(fuzz_api PRIVATE vigieserver)
endif()
