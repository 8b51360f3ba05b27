# The built-in posture levels are postures/vigipirate.json itself, embedded as a C
# string at configure time, so the file and the defaults can never disagree.
set(VG_LEVELS_JSON ${PROJECT_SOURCE_DIR}/postures/vigipirate.json)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${VG_LEVELS_JSON})
file(READ ${VG_LEVELS_JSON} VG_LEVELS_TEXT)
string(REPLACE "\\" "\\\\" VG_LEVELS_TEXT "${VG_LEVELS_TEXT}")
string(REPLACE "\"" "\\\"" VG_LEVELS_TEXT "${VG_LEVELS_TEXT}")
string(REPLACE "\n" "\\n\"\n\"" VG_LEVELS_TEXT "${VG_LEVELS_TEXT}")
file(WRITE ${PROJECT_BINARY_DIR}/generated/vigipirate_levels.h
     "/* Generated from postures/vigipirate.json by src/posture/embed_levels.cmake. */\n"
     "static const char vg_builtin_levels[] =\n\"${VG_LEVELS_TEXT}\";\n")
target_include_directories(vigiecore PRIVATE ${PROJECT_BINARY_DIR}/generated)
