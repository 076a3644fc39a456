# Install rules shared by both programs and the CPack setup of the two Debian packages:
#   tongket         (component client): /usr/bin/tongket, /usr/share/tongket/{template,units,web}
#   tongket-server  (component server): /usr/bin/tongket-server, /usr/share/tongket-server/
#                   {template,units}, /etc/tongket/server.conf, the systemd units, the nginx site
# Each program finds its data at <bin>/../share/<program name> (shared/src/paths.cpp), so the
# two packages own no file in common and install side by side.
# Build them with scripts/package.sh (configure with -DCMAKE_INSTALL_PREFIX=/usr).
include(GNUInstallDirs)
# `install` and cpack must not build `all` (tests, benches, tools): package.sh and the package
# tests build the two programs first.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

set(TONGKET_DEB_DIR ${CMAKE_CURRENT_LIST_DIR})
set(TONGKET_DEPLOY_DIR ${CMAKE_SOURCE_DIR}/deploy)

# The template and the units, for one program's share/<name>.
function(tongket_install_data component name)
  install(DIRECTORY ${CMAKE_SOURCE_DIR}/data/template ${CMAKE_SOURCE_DIR}/data/units
          DESTINATION ${CMAKE_INSTALL_DATADIR}/${name} COMPONENT ${component}
          PATTERN "*.py" EXCLUDE)
endfunction()

# A file of installer/debian with @PKG@/@VERSION@ filled in, gzip -9n (as Debian policy asks
# of changelogs and manual pages), in the build tree; its path in `out_var`.
function(tongket_gzip_configured template package out_var)
  set(out ${CMAKE_BINARY_DIR}/debian/${package})
  file(MAKE_DIRECTORY ${out})
  set(PKG ${package})
  set(VERSION ${PROJECT_VERSION})
  get_filename_component(name ${template} NAME)
  # The packages are native (no Debian revision): policy names their changelog changelog.gz.
  configure_file(${TONGKET_DEB_DIR}/${template} ${out}/${name} @ONLY)
  execute_process(COMMAND gzip -9nf ${out}/${name} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip of ${out}/${name} failed")
  endif()
  set(${out_var} ${out}/${name}.gz PARENT_SCOPE)
endfunction()

# copyright, the changelog, the manual page and the admin guide.
function(tongket_install_docs component package)
  tongket_gzip_configured(changelog ${package} changelog)
  tongket_gzip_configured(${package}.1 ${package} manpage)
  install(FILES ${TONGKET_DEB_DIR}/copyright ${changelog} ${CMAKE_SOURCE_DIR}/docs/install.md
          DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${package} COMPONENT ${component})
  install(FILES ${manpage} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT ${component})
endfunction()

# --- client -------------------------------------------------------------------------------
install(TARGETS tongket RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT client)
tongket_install_data(client tongket)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/client/web/ DESTINATION ${CMAKE_INSTALL_DATADIR}/tongket/web
        COMPONENT client)
tongket_install_docs(client tongket)

# --- server -------------------------------------------------------------------------------
install(TARGETS tongket-server RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT server)
tongket_install_data(server tongket-server)
tongket_install_docs(server tongket-server)
# Configuration and units live outside the prefix (/etc, /lib/systemd/system on Debian 12).
set(TONGKET_CONFFILES /etc/tongket/server.conf)
install(FILES ${TONGKET_DEPLOY_DIR}/systemd/server.conf DESTINATION /etc/tongket COMPONENT server)
install(FILES ${TONGKET_DEPLOY_DIR}/systemd/tongket-server.service
              ${TONGKET_DEPLOY_DIR}/systemd/tongket-server-backup.service
              ${TONGKET_DEPLOY_DIR}/systemd/tongket-server-backup.timer
        DESTINATION /lib/systemd/system COMPONENT server)
# The nginx site of the production layout (deploy/nginx, written on the edge branch): shipped
# in sites-available only; enabling it waits for the real certificate (docs/install.md).
if(EXISTS ${TONGKET_DEPLOY_DIR}/nginx/tongket.conf)
  install(FILES ${TONGKET_DEPLOY_DIR}/nginx/tongket.conf DESTINATION /etc/nginx/sites-available
          RENAME tongket COMPONENT server)
  list(APPEND TONGKET_CONFFILES /etc/nginx/sites-available/tongket)
endif()
list(JOIN TONGKET_CONFFILES "\n" conffiles)
file(WRITE ${CMAKE_BINARY_DIR}/debian/tongket-server/conffiles "${conffiles}\n")

# --- CPack: two .deb files ------------------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tongket)
set(CPACK_PACKAGE_VENDOR "tongket")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "tongket maintainers <tongket@example.org>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL client server)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # <name>_<version>_<arch>.deb
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_DEBIAN_PACKAGE_SECTION misc)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends from the binaries' libraries (dpkg-shlibdeps: Debian 12's package names, versions).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)

set(CPACK_DEBIAN_CLIENT_PACKAGE_NAME tongket)
set(CPACK_DEBIAN_CLIENT_PACKAGE_SECTION misc)
set(CPACK_COMPONENT_CLIENT_DESCRIPTION
    "Tổng kết CCHC 2011-2020: offline report of one administrative unit
tongket compiles the ten-year administrative-reform review (CCHC
2011-2020) of a commune, district, department or province: the narrative
sections of the Home Affairs ministry's outline, statistical appendices
1-8 and award nominations. It works offline on a SQLite store, validates
the figures, exports .docx, .xlsx and .csv, and syncs signed change sets
with tongket-server over HTTPS. Its web app (tongket ui) serves on
loopback only.")

set(CPACK_DEBIAN_SERVER_PACKAGE_NAME tongket-server)
set(CPACK_DEBIAN_SERVER_PACKAGE_SECTION net)
set(CPACK_DEBIAN_SERVER_PACKAGE_DEPENDS "adduser, curl")
set(CPACK_DEBIAN_SERVER_PACKAGE_RECOMMENDS "nginx | nginx-light | nginx-full")
set(CPACK_COMPONENT_SERVER_DESCRIPTION
    "Tổng kết CCHC 2011-2020: sync and review server
tongket-server receives the signed change sets of the tongket clients of
every commune, district, department and province, keeps their history,
rolls the reports up and serves the reviewers. It runs as a sandboxed
systemd service behind nginx, which terminates TLS; a timer takes a
daily online backup of its SQLite store.")
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_EXTRA
    ${TONGKET_DEB_DIR}/postinst ${TONGKET_DEB_DIR}/prerm ${TONGKET_DEB_DIR}/postrm
    ${CMAKE_BINARY_DIR}/debian/tongket-server/conffiles)
set(CPACK_DEBIAN_SERVER_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
