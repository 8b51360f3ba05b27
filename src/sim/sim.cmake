# The simulator (src/sim/): deterministic scenario → sensor traffic, Remote ID frames
# and ground truth. No clock and no I/O, so it lives in the core library; the
# `vigie simulate` command writes the files.
target_sources(vigiecore PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/sim/scenario.c
                                 ${CMAKE_CURRENT_SOURCE_DIR}/sim/sim.c
                                 ${CMAKE_CURRENT_SOURCE_DIR}/sim/sim_radar.c
                                 ${CMAKE_CURRENT_SOURCE_DIR}/sim/sim_rid.c
                                 ${CMAKE_CURRENT_SOURCE_DIR}/sim/swarm.c)
target_sources(vigie PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/cli/cmd_simulate.c)
target_compile_definitions(vigie PRIVATE VG_HAVE_CMD_SIMULATE)
