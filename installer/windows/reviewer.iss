; Inno Setup 6 script: a per-machine installer of the Reviewer bundle for Windows.
;
; installer/build.py compiles it on Windows when Inno Setup is installed; by hand:
;   ISCC /DAppVersion=0.1.0 /DBundleDir=installer\dist\reviewer /Oinstaller\dist installer\windows\reviewer.iss
; Silent install (county IT, SCCM, Intune):
;   reviewer-0.1.0-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /LOG="%TEMP%\reviewer-setup.log"
; Silent uninstall:
;   "%ProgramFiles%\Reviewer\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART

#ifndef BundleDir
  #define BundleDir AddBackslash(SourcePath) + "..\dist\reviewer"
#endif
#ifndef AppVersion
  ; build.py passes the version from reviewer/__init__.py; without it, take the version
  ; resource the spec wrote into reviewer.exe from that same place.
  #define AppVersion GetStringFileInfo(AddBackslash(BundleDir) + "reviewer.exe", "ProductVersion")
#endif

[Setup]
; Never change AppId: it is how an upgrade finds and replaces the installed version.
AppId={{B643F582-49D0-49BB-8DA4-B14ADC89C7EB}
AppName=Reviewer
AppVersion={#AppVersion}
AppVerName=Reviewer {#AppVersion}
AppPublisher=Reviewer
VersionInfoVersion={#GetVersionNumbersString(AddBackslash(BundleDir) + "reviewer.exe")}
VersionInfoProductVersion={#AppVersion}
DefaultDirName={autopf}\Reviewer
DefaultGroupName=Reviewer
DisableProgramGroupPage=yes
DisableDirPage=auto
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputBaseFilename=reviewer-{#AppVersion}-setup
SetupIconFile={#SourcePath}..\..\resources\icons\reviewer.ico
UninstallDisplayIcon={app}\reviewer-gui.exe
UninstallDisplayName=Reviewer {#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
RestartApplications=no

[Tasks]
Name: "desktopicon"; Description: "Create a desktop shortcut"; Flags: unchecked

[InstallDelete]
; An upgrade must not keep libraries the new version no longer ships.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\Reviewer"; Filename: "{app}\reviewer-gui.exe"; WorkingDir: "{userdocs}"
Name: "{autodesktop}\Reviewer"; Filename: "{app}\reviewer-gui.exe"; WorkingDir: "{userdocs}"; Tasks: desktopicon

[Run]
Filename: "{app}\reviewer-gui.exe"; Description: "Start Reviewer"; Flags: nowait postinstall skipifsilent
