# The web map in a real browser: playwright-core (web/node_modules, installed by
# scripts/deps.sh) driving Debian's chromium against a real `vigie serve`. The test
# fails — never skips — when node or the npm packages are missing.
if(TARGET vigieserver)
  find_program(NODE node)
  if(NOT NODE)
    set(NODE node)
  endif()
  add_test(NAME web_browser
           COMMAND ${NODE} ${CMAKE_CURRENT_SOURCE_DIR}/web/browser.mjs $<TARGET_FILE:vigie>
                   ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/web-screenshots)
  set_tests_properties(web_browser PROPERTIES TIMEOUT 240)
endif()
