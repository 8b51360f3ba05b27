# store and auth
if(TARGET vigiestore)
  vg_fuzz_target(fuzz_auth)
  target_link_libraries(fuzz_auth PRIVATE vigiestore)
endif()
