# `vigie decode`: the capture generator (vigie's encoders, frame builders and pcap
# writer), the command-line test against tests/golden/decode/, and the tshark
# interoperability test. Included by tests/CMakeLists.txt.
add_executable(make_rid_pcap cli/make_rid_pcap.c)
target_compile_options(make_rid_pcap PRIVATE ${VG_WARNINGS})
target_compile_definitions(make_rid_pcap PRIVATE _POSIX_C_SOURCE=200809L)
target_link_libraries(make_rid_pcap PRIVATE vigieshell)

foreach(t decode rid_tshark)
  add_test(NAME cli_${t}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/${t}.sh $<TARGET_FILE:vigie>
                   $<TARGET_FILE:make_rid_pcap>)
  set_tests_properties(cli_${t} PROPERTIES
    ENVIRONMENT "VG_SOURCE_DIR=${PROJECT_SOURCE_DIR}" TIMEOUT 120)
endforeach()
