# Zones: the model, ED-269 / GeoJSON import and export, and the GEOS spatial index.
pkg_check_modules(GEOS REQUIRED IMPORTED_TARGET geos)
target_sources(vigiecore PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/zones/zone.c
                                 ${CMAKE_CURRENT_SOURCE_DIR}/zones/ed269.c
                                 ${CMAKE_CURRENT_SOURCE_DIR}/zones/geojson.c
                                 ${CMAKE_CURRENT_SOURCE_DIR}/zones/zindex.c)
target_link_libraries(vigiecore PUBLIC PkgConfig::GEOS)
