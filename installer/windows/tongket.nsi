; The Windows installer of the tongket client (Debian's nsis; UTF-8 input: makensis -INPUTCHARSET UTF8).
;   makensis -INPUTCHARSET UTF8 -DVERSION=0.1.0 -DSTAGE=DIR -DOUTFILE=FILE tongket.nsi
; STAGE holds bin\tongket.exe and share\tongket\ (template, units, web app), as package.sh lays
; them out. Installs into Program Files; the program keeps each user's data (the store, the device
; key) in %LOCALAPPDATA%\tongket, which the uninstaller leaves in place.
Unicode true
Target amd64-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel admin
ManifestDPIAware true

!ifndef VERSION
  !error "pass -DVERSION=x.y.z"
!endif
!ifndef STAGE
  !error "pass -DSTAGE=<staged files>"
!endif
!ifndef OUTFILE
  !define OUTFILE "tongket-${VERSION}-win64-setup.exe"
!endif

!define APP_NAME "Tổng kết CCHC"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\tongket"

Name "${APP_NAME}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\tongket"
InstallDirRegKey HKLM "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "tongket ${VERSION}"

!include "MUI2.nsh"
!define MUI_FINISHPAGE_RUN "$INSTDIR\bin\tongket.exe"
!define MUI_FINISHPAGE_RUN_PARAMETERS "ui"
!define MUI_FINISHPAGE_RUN_TEXT "Mở ${APP_NAME} ngay"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Vietnamese"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "FileDescription" "Cài đặt ${APP_NAME} (tongket)"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_VIETNAMESE} "LegalCopyright" "tongket"

Section "tongket" SecMain
  SectionIn RO
  SetShellVarContext all
  SetOutPath "$INSTDIR\bin"
  File "${STAGE}\bin\tongket.exe"
  SetOutPath "$INSTDIR\share\tongket"
  File /r "${STAGE}\share\tongket\*.*"
  SetOutPath "$INSTDIR"
  File "${STAGE}\README.txt"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ; The Start-menu entry starts the local web app and opens the browser.
  CreateShortCut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\bin\tongket.exe" "ui" \
    "$INSTDIR\bin\tongket.exe" 0 SW_SHOWMINIMIZED "" "${APP_NAME}"

  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME} (tongket)"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "tongket"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

; Removes the program only: every user's %LOCALAPPDATA%\tongket (store, key) stays.
Section "Uninstall"
  SetShellVarContext all
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  Delete "$INSTDIR\bin\tongket.exe"
  RMDir /r "$INSTDIR\share\tongket"
  RMDir "$INSTDIR\share"
  RMDir "$INSTDIR\bin"
  Delete "$INSTDIR\README.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKLM "${UNINSTALL_KEY}"
  DetailPrint "Dữ liệu (%LOCALAPPDATA%\tongket) được giữ lại."
SectionEnd
