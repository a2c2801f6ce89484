; Inno Setup 6 script: a per-user installer for the one-folder build (no administrator rights).
; Built by packaging/windows/build.ps1, which passes the version read from the frozen binary:
;   iscc /DAppVersion=0.1.0 packaging\windows\mockinspect.iss
#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=X.Y.Z (build.ps1 reads it from mockinspect.exe --version)
#endif

[Setup]
AppId={{6E0B3C1A-6F0D-4C52-9A77-2B3C6D8E5F11}
AppName=mockinspect
AppVersion={#AppVersion}
AppVerName=mockinspect {#AppVersion}
AppPublisher=mockinspect
VersionInfoVersion={#AppVersion}
; Per user, into %LOCALAPPDATA%\Programs: no UAC prompt, works on a locked-down consultant laptop.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\mockinspect
DefaultGroupName=mockinspect
DisableProgramGroupPage=yes
UninstallDisplayIcon={app}\mockinspect.exe
SetupIconFile=mockinspect.ico
OutputDir=..\..\dist
OutputBaseFilename=mockinspect-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Signing (needs a code-signing certificate; see packaging/README.md):
; SignTool=signtool sign /fd sha256 /tr http://timestamp.example /td sha256 /f "$qcert.pfx$q" $f

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "german"; MessagesFile: "compiler:Languages\German.isl"
Name: "japanese"; MessagesFile: "compiler:Languages\Japanese.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\..\dist\mockinspect\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\mockinspect"; Filename: "{app}\mockinspect.exe"; Comment: "GMP mock inspections and interview training"
Name: "{group}\Uninstall mockinspect"; Filename: "{uninstallexe}"
Name: "{autodesktop}\mockinspect"; Filename: "{app}\mockinspect.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\mockinspect.exe"; Description: "{cm:LaunchProgram,mockinspect}"; Flags: nowait postinstall skipifsilent

; The database, settings and backups live in the user's data folder (platformdirs), not in {app}:
; uninstalling never deletes an inspection record.
