# Tests of the sparse assignment solver, GOSPA and the reference scene generator.
vg_unit_test(test_assign)
vg_unit_test(test_gospa)

# bench/ is configured after tests/, but generator expressions resolve at generate
# time, so the target path is known here.
add_test(NAME cli_gen_reference
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/cli/gen_reference.sh
                 $<TARGET_FILE:bench_gen_reference>)
set_tests_properties(cli_gen_reference PROPERTIES
  ENVIRONMENT "VG_SOURCE_DIR=${PROJECT_SOURCE_DIR}" TIMEOUT 120)
