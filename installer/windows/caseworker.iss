; Inno Setup 6 script for Caseworker on Windows (x64). NOT BUILT OR TESTED by the project: see README.md here.
; Packs the folder caseworker-windows.spec makes (dist\windows\Caseworker) into one setup program:
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 installer\windows\caseworker.iss
; writes dist\caseworker-0.1.0-windows-x64-setup.exe. It installs for the current user by default (no
; administrator rights, into %LOCALAPPDATA%\Programs\Caseworker); /ALLUSERS on the command line, or the
; choice in the first page, installs for every user of the computer instead (administrator rights needed).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define Top "..\.."

[Setup]
; The AppId ties upgrades and the uninstaller to this product: never change it.
AppId={{6FC02A5D-B85D-4FAE-91EF-E449252E2758}
AppName=Caseworker
AppVersion={#AppVersion}
AppVerName=Caseworker {#AppVersion}
AppComments=EHC plan casework for a council's SEND team: statutory deadlines, advice, letters and caseloads
DefaultDirName={autopf}\Caseworker
DefaultGroupName=Caseworker
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
SetupIconFile={#Top}\resources\icons\caseworker.ico
UninstallDisplayIcon={app}\Caseworker.exe
UninstallDisplayName=Caseworker
OutputDir={#Top}\dist
OutputBaseFilename=caseworker-{#AppVersion}-windows-x64-setup
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
; Each user's database, settings and log live in their own profile (%LOCALAPPDATA%\Caseworker) and are
; kept when the program is removed or upgraded.

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; An upgrade replaces the whole folder, so no file of an older version is left beside the new ones.
Source: "{#Top}\dist\windows\Caseworker\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\Caseworker"; Filename: "{app}\Caseworker.exe"; Comment: "EHC plan casework: deadlines, advice, letters and caseloads"
Name: "{autoprograms}\Caseworker (demo team)"; Filename: "{app}\Caseworker.exe"; Parameters: "--demo"; Comment: "Caseworker on a synthetic demo team, for training"
Name: "{autodesktop}\Caseworker"; Filename: "{app}\Caseworker.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\Caseworker.exe"; Description: "{cm:LaunchProgram,Caseworker}"; Flags: nowait postinstall skipifsilent
