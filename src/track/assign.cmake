# Data association and its evaluation: the sparse assignment solver and GOSPA.
target_sources(vigiecore PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/track/assign.c
                                 ${CMAKE_CURRENT_SOURCE_DIR}/track/gospa.c)
