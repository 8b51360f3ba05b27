# Remote ID transport layer: finding and building Remote ID frames (core), and
# pcap input/output with libpcap (shell). Included by src/CMakeLists.txt.
target_sources(vigiecore PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/ridframe.c
  ${CMAKE_CURRENT_LIST_DIR}/radiotap.c
  ${CMAKE_CURRENT_LIST_DIR}/ieee80211.c
  ${CMAKE_CURRENT_LIST_DIR}/nan.c
  ${CMAKE_CURRENT_LIST_DIR}/btle.c
  ${CMAKE_CURRENT_LIST_DIR}/bthci.c
)

pkg_check_modules(PCAP REQUIRED IMPORTED_TARGET libpcap)
target_sources(vigieshell PRIVATE ${CMAKE_CURRENT_LIST_DIR}/pcapio.c)
target_link_libraries(vigieshell PUBLIC PkgConfig::PCAP)
