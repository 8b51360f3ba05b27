# Patrol units, sites, coverage and dispatch (src/patrol/): part of the deterministic
# core; and the `vigie patrol` subcommand.
target_sources(vigiecore PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/patrol/patrol.c
                                 ${CMAKE_CURRENT_SOURCE_DIR}/patrol/dispatch.c
                                 ${CMAKE_CURRENT_SOURCE_DIR}/patrol/coverage.c
                                 ${CMAKE_CURRENT_SOURCE_DIR}/patrol/plan.c)
target_sources(vigie PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/cli/cmd_patrol.c)
target_compile_definitions(vigie PRIVATE VG_HAVE_CMD_PATROL)
