# Threat rules and the alert lifecycle (src/threat/): part of the deterministic core.
# Needs the zones fragment (GEOS index) and the posture module.
target_sources(vigiecore PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/threat/threat.c
                                 ${CMAKE_CURRENT_SOURCE_DIR}/threat/rules.c
                                 ${CMAKE_CURRENT_SOURCE_DIR}/threat/alerts.c
                                 ${CMAKE_CURRENT_SOURCE_DIR}/threat/whitelist.c)
